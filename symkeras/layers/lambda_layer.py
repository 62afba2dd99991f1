"""The Lambda layer: an expression of K ops as a layer (Keras 2.2.4 `layers.core.Lambda`).

Saving stores its functions by name only (never bytecode or source: a file must not run
code); rebuilding looks them up in `custom_objects`, then symkeras.activations and the
public functions of symkeras.backend but those that change state.
"""
import inspect

from .. import activations
from .. import backend as K
from .._serialization import get_custom_objects
from ..engine.base_layer import Layer
from ..engine.utils import has_arg
from .utils import layer_label


def _shapes_key(inputs):
    """A dict key for the static shape(s) of `inputs`."""
    if isinstance(inputs, (list, tuple)):
        return repr([tuple(K.int_shape(x)) for x in inputs])
    return repr(tuple(K.int_shape(inputs)))


def _static_shapes(outputs):
    if isinstance(outputs, (list, tuple)):
        return [K.int_shape(x) for x in outputs]
    return K.int_shape(outputs)


def _function_config(function):
    """(name, type) stored for a callable: 'function' when named, 'lambda' otherwise."""
    name = getattr(function, '__name__', None) or type(function).__name__
    return name, ('lambda' if name == '<lambda>' else 'function')


# Public backend functions a saved file may not name: they change the session's settings
# or name counters, create variables or set their values, or compile and run graphs, where
# a Lambda's function only builds a tensor expression.
STATE_CHANGING_BACKEND_FUNCTIONS = frozenset([
    'set_floatx', 'set_epsilon', 'set_image_data_format', 'set_learning_phase',
    'set_nan_guard', 'clear_session', 'reset_uids', 'get_uid',
    'variable', 'zeros', 'ones', 'eye', 'random_uniform_variable', 'random_normal_variable',
    'set_value', 'batch_set_value', 'update', 'update_add', 'update_sub',
    'moving_average_update', 'function', 'eval'])


def backend_function(name):
    """The function `name` of symkeras.backend if it is public, defined there (any of its
    modules) and not state-changing; else None."""
    found = getattr(K, name, None)
    if name.startswith('_') or name in STATE_CHANGING_BACKEND_FUNCTIONS \
            or not inspect.isfunction(found):
        return None
    module = found.__module__ or ''
    return found if module == K.__name__ or module.startswith(K.__name__ + '.') else None


def _find_function(label, name, custom_objects):
    """A function by name: custom objects, then symkeras.activations and backend.

    Never executes code from the config (no bytecode or source is stored).
    """
    objects = dict(get_custom_objects(), **(custom_objects or {}))
    if name in objects:
        return objects[name]
    found = getattr(activations, name, None)
    if callable(found) and not name.startswith('_'):
        return found
    found = backend_function(name)
    if found is not None:
        return found
    raise ValueError('%s: cannot find function %r to rebuild the layer; pass it with '
                     '`custom_objects={%r: function}` (functions are stored by name only, '
                     'so lambdas must be given that way too)' % (label, name, name))


class Lambda(Layer):
    """Wrap an expression of K ops as a layer: `Lambda(lambda x: x ** 2)`.

    Args:
        function: called as `function(inputs, **arguments)` (and `mask=` if it takes one).
        output_shape: tuple without the batch axis, or a function of the input shape;
            None: inferred from the graph.
        mask: an output mask, or a function `(inputs, mask) -> mask`.
        arguments: dict of extra keyword arguments for `function`.

    Saving stores functions by name; rebuilding looks them up in `custom_objects`.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError('%s: `function` must be callable, received %r'
                            % (layer_label(self), function))
        self.function = function
        self.arguments = arguments if arguments else {}
        if mask is not None:
            self.supports_masking = True
        self.mask = mask
        if output_shape is not None and not isinstance(output_shape, (tuple, list)) \
                and not callable(output_shape):
            raise TypeError('%s: `output_shape` must be a tuple, a list or a function, '
                            'received %r' % (layer_label(self), output_shape))
        self._shape_spec = (tuple(output_shape) if isinstance(output_shape, (tuple, list))
                            else output_shape)
        self._inferred_shapes = {}

    def call(self, inputs, mask=None):
        arguments = dict(self.arguments)
        if has_arg(self.function, 'mask'):
            arguments['mask'] = mask
        outputs = self.function(inputs, **arguments)
        self._inferred_shapes[_shapes_key(inputs)] = _static_shapes(outputs)
        return outputs

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape):
        if self._shape_spec is None:
            return self._inferred_output_shape(input_shape)
        if isinstance(self._shape_spec, tuple):
            first = input_shape[0] if isinstance(input_shape, list) else input_shape
            batch = first[0] if first else None
            return (batch,) + self._shape_spec
        shape = self._shape_spec(input_shape)
        if not isinstance(shape, (list, tuple)):
            raise ValueError('%s: the `output_shape` function must return a tuple or a list '
                             'of tuples, returned %r' % (layer_label(self), shape))
        if isinstance(shape, list) and (not shape or shape[0] is None
                                        or isinstance(shape[0], int)):
            shape = tuple(shape)
        return shape

    def _inferred_output_shape(self, input_shape):
        """The static output shape(s) seen when called on inputs of `input_shape`, else
        those of a call on fresh placeholders."""
        key = repr(input_shape)
        if key not in self._inferred_shapes:
            if isinstance(input_shape, list):
                self.call([K.placeholder(shape=s) for s in input_shape])
            else:
                self.call(K.placeholder(shape=input_shape))
        return self._inferred_shapes[key]

    def get_config(self):
        function, function_type = _function_config(self.function)
        if callable(self._shape_spec):
            output_shape, output_shape_type = _function_config(self._shape_spec)
        else:
            output_shape, output_shape_type = self._shape_spec, 'raw'
        config = {'function': function, 'function_type': function_type,
                  'output_shape': output_shape, 'output_shape_type': output_shape_type,
                  'arguments': self.arguments}
        return dict(super().get_config(), **config)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild, looking functions up by name (custom_objects first)."""
        config = dict(config)
        label = "Lambda '%s'" % config.get('name')
        config['function'] = _find_function(label, config.pop('function'), custom_objects)
        config.pop('function_type', None)
        output_shape_type = config.pop('output_shape_type', 'raw')
        if output_shape_type != 'raw' and config.get('output_shape') is not None:
            config['output_shape'] = _find_function(label, config['output_shape'],
                                                    custom_objects)
        return cls(**config)
