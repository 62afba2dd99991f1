"""Keras 2 `keras.utils`: to_categorical, normalize, Progbar, Sequence, get_file and
plot_model.

Example:
    >>> from symkeras.utils import to_categorical
    >>> to_categorical([1, 0], 2)
    array([[0., 1.],
           [1., 0.]], dtype=float32)
"""
import importlib

from .data_utils import Sequence, get_file
from .generic_utils import Progbar
from .np_utils import normalize, to_categorical

__all__ = ['to_categorical', 'normalize', 'Progbar', 'Sequence', 'get_file',
           'plot_model']


def plot_model(model, *args, **kwargs):
    """Draw a model's graph (Keras 2 `plot_model`); see `symkeras.utils.vis_utils`.

    Imported on call so that `symkeras.utils` does not load the drawing code up front.

    Args:
        model: a symkeras model.
        *args: passed on to `symkeras.utils.vis_utils.plot_model`.
        **kwargs: passed on too (`to_file='model.svg'`, `show_shapes=False`, ...).

    Returns:
        Whatever `vis_utils.plot_model` returns.

    Example:
        >>> import os
        >>> model = Sequential([Dense(4, input_dim=3), Dense(1)])
        >>> plot_model(model, to_file='model.svg', show_shapes=True)
        >>> os.path.exists('model.svg')
        True
    """
    return _vis_utils().plot_model(model, *args, **kwargs)


def _vis_utils():
    """Import symkeras.utils.vis_utils, or say clearly that it is not there yet."""
    try:
        return importlib.import_module('.vis_utils', __name__)
    except ModuleNotFoundError as exc:
        if exc.name != __name__ + '.vis_utils':
            raise
        raise NotImplementedError('plot_model: symkeras.utils.vis_utils is not available in '
                                  'this version of symkeras') from exc
