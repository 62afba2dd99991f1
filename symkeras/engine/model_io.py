"""Model methods that describe or persist a model: summary, to_json, save, export."""
import json

import numpy as np

from .. import backend as K
from .summary import print_summary

KERAS_API_VERSION = '2.2.4'


def _json_default(value):
    """Make numpy values and other small objects JSON-serializable."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if hasattr(value, 'get_config'):
        return {'class_name': type(value).__name__, 'config': value.get_config()}
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError('Not JSON Serializable: %r' % (value,))


def _saving_function(name):
    """symkeras.saving.<name>, or NotImplementedError while that module is missing."""
    try:
        from .. import saving
    except ImportError as error:
        raise NotImplementedError('%s: symkeras.saving is not yet implemented (%s)'
                                  % (name, error)) from None
    function = getattr(saving, name, None)
    if function is None:
        raise NotImplementedError('symkeras.saving.%s is not yet implemented' % name)
    return function


class ModelIOMixin:
    """summary(), to_json(), save(), save_weights(), load_weights(), export()."""

    def summary(self, line_length=None, positions=None, print_fn=None):
        """Print Keras's table of layers, output shapes and parameter counts.

        Args:
            line_length: total width (default 65, or 98 with a 'Connected to' column).
            positions: column right edges, as fractions or absolute positions.
            print_fn: function receiving each line (default print).
        """
        if not self.built:
            raise ValueError('This model has not yet been built. Build the model first by '
                             'calling build() or calling fit() with some data. Or specify '
                             'input_shape or batch_input_shape in the first layer for '
                             'automatic build.')
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)

    def to_json(self, **kwargs):
        """JSON of {'class_name', 'config', 'keras_version', 'backend'}.

        Args:
            **kwargs: passed to json.dumps (e.g. indent=2).
        """
        backend_name = K.backend() if hasattr(K, 'backend') else 'symkeras'
        config = {'class_name': type(self).__name__, 'config': self.get_config(),
                  'keras_version': KERAS_API_VERSION, 'backend': backend_name}
        return json.dumps(config, default=_json_default, **kwargs)

    def save(self, filepath, overwrite=True, include_optimizer=True):
        """Save architecture, weights and optimizer state (symkeras.saving.save_model)."""
        return _saving_function('save_model')(self, filepath, overwrite=overwrite,
                                              include_optimizer=include_optimizer)

    def save_weights(self, filepath, overwrite=True):
        """Save the weights only (symkeras.saving.save_weights)."""
        return _saving_function('save_weights')(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False, reshape=False):
        """Load weights saved by save_weights (symkeras.saving.load_weights: by_name,
        skip_mismatch and reshape as in Keras 2.2.4)."""
        return _saving_function('load_weights')(self, filepath, by_name=by_name,
                                                skip_mismatch=skip_mismatch, reshape=reshape)

    def export(self, path):
        """Write the compiled inference artifact (symkeras.saving.export_model)."""
        return _saving_function('export_model')(self, path)
