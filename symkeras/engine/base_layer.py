"""Layer (the base of every layer), InputSpec and Node: Keras 2.2.4's layer API."""
import re

import numpy as np

from .. import backend as K
from .utils import (to_list, unpack_singleton, object_list_uid, has_arg, short_repr,
                    contains_object)
from .node import Node, InputSpec  # noqa: F401  (re-exported: Keras keeps them here)
from .layer_graph import LayerGraphMixin, tensor_shape, collect_previous_mask
from .layer_guards import naming_errors, unbuilt_on_error
from .weight_args import resolve_add_weight_args

_LAYER_KWARGS = ('input_shape', 'batch_input_shape', 'batch_size', 'dtype', 'name',
                 'trainable', 'weights', 'input_dtype', 'input_dim')


def to_snake_case(name):
    """'MaxPooling2D' -> 'max_pooling2d' (Keras's automatic layer names)."""
    intermediate = re.sub('(.)([A-Z][a-z0-9]+)', r'\1_\2', name)
    snake = re.sub('([a-z])([A-Z])', r'\1_\2', intermediate).lower()
    return snake if snake[0] != '_' else 'private' + snake


def _batch_input_shape_from(kwargs):
    """The batch_input_shape implied by input_shape / input_dim / batch_input_shape."""
    if kwargs.get('batch_input_shape') is not None:
        return tuple(kwargs['batch_input_shape'])
    if kwargs.get('input_shape') is not None:
        shape = kwargs['input_shape']
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        return (kwargs.get('batch_size'),) + shape
    if kwargs.get('input_dim') is not None:
        return (kwargs.get('batch_size'), kwargs['input_dim'])
    return None


def overrides_method(layer, method_name):
    """Whether `layer`'s class overrides Layer.<method_name>."""
    return getattr(type(layer), method_name) is not getattr(Layer, method_name)


class Layer(LayerGraphMixin):
    """Base class of all layers: weights, build/call, graph bookkeeping (nodes).

    Args:
        name: layer name (default: snake_case class name + '_' + a counter, e.g. dense_1).
        trainable: whether the weights are updated by training.
        input_shape / input_dim / batch_input_shape / batch_size: expected input for a
            first layer (input_dim=n means input_shape=(n,)).
        dtype: dtype of the input of a first layer (default K.floatx()).
        weights: initial weight values, set when the layer is built.

    Example:
        >>> class Double(Layer):
        ...     def call(self, x):
        ...         return x * 2
    """

    def __init__(self, **kwargs):
        for key in kwargs:
            if key not in _LAYER_KWARGS:
                raise TypeError('%s: keyword argument not understood: %r (valid: %s)'
                                % (type(self).__name__, key, ', '.join(_LAYER_KWARGS)))
        self.input_spec = None
        self.supports_masking = False
        self.stateful = False
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._losses = []
        self._updates = []
        self._per_input_losses = {}
        self._per_input_updates = {}
        self._inbound_nodes = []
        self._outbound_nodes = []
        self.built = False
        name = kwargs.get('name')
        if not name:
            prefix = type(self).__name__
            name = to_snake_case(prefix) + '_' + str(K.get_uid(prefix))
        self.name = name
        self.trainable = kwargs.get('trainable', True)
        batch_input_shape = _batch_input_shape_from(kwargs)
        if batch_input_shape is not None:
            self.batch_input_shape = batch_input_shape
        self._dtype_given = bool(kwargs.get('dtype') or kwargs.get('input_dtype'))
        self.dtype = kwargs.get('dtype') or kwargs.get('input_dtype') or K.floatx()
        self._initial_weights = kwargs.get('weights')

    # ------------------------------------------------------------------ to override
    def build(self, input_shape):
        """Create the weights of the layer for inputs of `input_shape`."""
        self.built = True

    def call(self, inputs, **kwargs):
        """The layer's computation on symbolic tensors (identity by default)."""
        return inputs

    def compute_output_shape(self, input_shape):
        """Output shape for `input_shape` (identity unless overridden).

        A subclass that does not override this gets the shape the graph infers.
        """
        return input_shape

    def compute_mask(self, inputs, mask=None):
        """The output mask (None unless the layer supports masking)."""
        if not self.supports_masking:
            if any(m is not None for m in to_list(mask)):
                raise TypeError("Layer '%s' (%s) does not support masking, but was passed "
                                "an input mask: %s" % (self.name, type(self).__name__, mask))
            return None
        return mask

    def get_config(self):
        """A JSON-friendly dict from which `from_config` rebuilds the layer."""
        config = {'name': self.name, 'trainable': self.trainable}
        if hasattr(self, 'batch_input_shape'):
            config['batch_input_shape'] = self.batch_input_shape
        # Keras 2.2.4 stores 'dtype' only for a first layer (one given an input shape);
        # we also keep a dtype passed explicitly, so it survives a round trip.
        if hasattr(self, 'dtype') and (hasattr(self, 'batch_input_shape')
                                       or getattr(self, '_dtype_given', True)):
            config['dtype'] = self.dtype
        return config

    @classmethod
    def from_config(cls, config):
        """Create a layer from the output of `get_config`."""
        return cls(**config)

    # ------------------------------------------------------------------ weights
    def add_weight(self, *args, **kwargs):
        """Create a weight variable of this layer.

        Keyword form: `add_weight(name=, shape=, dtype=None, initializer=None,
        regularizer=None, trainable=True, constraint=None)`. Positional forms:

        - `add_weight(name, shape, initializer, trainable)` (API.md order): a third
          positional argument that is not a dtype (an initializer name, config dict,
          callable or Initializer) is the initializer; a fourth must then be the bool
          `trainable`;
        - `add_weight(name, shape, dtype, initializer, regularizer, trainable,
          constraint)` (Keras 2.2.4 order): a third positional argument that is a dtype
          ('float32', np.float64, np.dtype, None) is the dtype;
        - `add_weight(shape, name)` (Keras 1 order, accepted by Keras 2.2.4's legacy
          interface): a first positional tuple or list is the shape.

        Anything ambiguous (an argument that fits no order, one given both positionally
        and by keyword) raises TypeError naming the layer and the argument.

        Args:
            name: weight name (the variable is named '<layer name>/<name>').
            shape: tuple of ints.
            dtype: default K.floatx().
            initializer: string or callable `f(shape, dtype=None)` (default
                'glorot_uniform').
            regularizer: callable (or name) whose value on the weight joins `losses`.
            trainable: whether training updates the weight.
            constraint: callable applied to the weight after each optimizer update.

        Returns:
            The variable.

        Example:
            >>> class Scale(Layer):
            ...     def build(self, input_shape):
            ...         self.w = self.add_weight('w', (input_shape[-1],), 'ones', True)
            ...         super(Scale, self).build(input_shape)
        """
        return self._add_weight(**resolve_add_weight_args(self, args, kwargs))

    def _add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                    trainable=True, constraint=None):
        """add_weight with its arguments resolved to keywords."""
        from .. import initializers
        dtype = K.floatx() if dtype is None else dtype
        initializer = initializers.get(initializer if initializer is not None
                                       else 'glorot_uniform')
        shape = tuple(int(d) for d in shape)
        if has_arg(initializer, 'dtype'):
            value = initializer(shape, dtype=dtype)
        else:
            value = initializer(shape)
        if K.is_tensor(value):
            value = K.eval(value)
        weight = K.variable(np.asarray(value, dtype=dtype), dtype=dtype,
                            name=self.name + '/' + name, constraint=_resolve(constraint,
                                                                             'constraints'))
        if regularizer is not None:
            self.add_loss(_resolve(regularizer, 'regularizers')(weight))
        if trainable:
            self._trainable_weights.append(weight)
        else:
            self._non_trainable_weights.append(weight)
        return weight

    @property
    def trainable_weights(self):
        """Weights updated by training ([] when the layer is frozen)."""
        return self._trainable_weights if self.trainable else []

    @trainable_weights.setter
    def trainable_weights(self, weights):
        self._trainable_weights = weights

    @property
    def non_trainable_weights(self):
        """Weights not updated by the optimizer (all weights when frozen)."""
        if self.trainable:
            return self._non_trainable_weights
        return self._trainable_weights + self._non_trainable_weights

    @non_trainable_weights.setter
    def non_trainable_weights(self, weights):
        self._non_trainable_weights = weights

    @property
    def weights(self):
        """trainable_weights + non_trainable_weights."""
        return self.trainable_weights + self.non_trainable_weights

    def get_weights(self):
        """Current weight values as a list of numpy arrays."""
        return K.batch_get_value(self.weights)

    def set_weights(self, weights):
        """Set the weight values from a list of numpy arrays (order of `weights`).

        Raises:
            ValueError: wrong number of arrays or an array of the wrong shape.
        """
        K.batch_set_value(self._weight_pairs(weights))

    def _weight_pairs(self, weights):
        """[(variable, array)] after checking count, shapes and dtypes of `weights`."""
        params = self.weights
        if not isinstance(weights, (list, tuple)):
            raise TypeError("Layer '%s' (%s): set_weights expected a list of %d arrays, "
                            "received %s of type %s" % (self.name, type(self).__name__,
                                                        len(params), short_repr(weights),
                                                        type(weights).__name__))
        if len(params) != len(weights):
            raise ValueError("Layer '%s' (%s): set_weights expected a list of %d arrays, "
                             "received %d" % (self.name, type(self).__name__, len(params),
                                              len(weights)))
        return [(param, self._checked_weight(param, value))
                for param, value in zip(params, weights)]

    def _checked_weight(self, param, value):
        """`value` as an array of `param`'s shape and dtype, else ValueError/TypeError."""
        array = np.asarray(value)
        expected = tuple(K.int_shape(param))
        if expected != array.shape:
            raise ValueError("Layer '%s' (%s): weight '%s' expects shape %s, received an "
                             "array of shape %s" % (self.name, type(self).__name__,
                                                    param.name, expected, array.shape))
        if array.dtype.kind not in 'biuf':
            raise TypeError("Layer '%s' (%s): weight '%s' expects numbers (%s), received an "
                            "array of dtype %s" % (self.name, type(self).__name__,
                                                   param.name, param.dtype, array.dtype))
        return array.astype(param.dtype)

    def count_params(self):
        """Number of scalars in the layer's weights (the layer must be built)."""
        if not self.built:
            raise ValueError("You tried to call `count_params` on layer '%s', but the layer "
                             "isn't built. Build it first by calling it on a tensor or with "
                             "`%s.build(batch_input_shape)`." % (self.name, self.name))
        return int(sum(K.count_params(p) for p in self.weights))

    # ------------------------------------------------------------------ losses, updates
    @property
    def losses(self):
        """Losses added by add_loss (e.g. weight regularization)."""
        return self._losses

    @property
    def updates(self):
        """Updates (variable, new value) added by add_update."""
        if not self.trainable and not self.stateful:
            return []
        return self._updates

    def add_loss(self, losses, inputs=None):
        """Add loss tensors, optionally conditional on `inputs`."""
        _add_keyed(self._losses, self._per_input_losses, losses, inputs)

    def add_update(self, updates, inputs=None):
        """Add updates ((variable, new value) pairs), optionally conditional on `inputs`."""
        _add_keyed(self._updates, self._per_input_updates, updates, inputs)

    def get_losses_for(self, inputs):
        """Losses recorded for `inputs` (None: the unconditional ones)."""
        return self._per_input_losses.get(object_list_uid(inputs), [])

    def get_updates_for(self, inputs):
        """Updates recorded for `inputs` (None: the unconditional ones); none while the
        layer is frozen and not stateful (Keras 2.2.4: a frozen BatchNormalization keeps
        its moving statistics)."""
        if not self.trainable and not self.stateful:
            return []
        return self._per_input_updates.get(object_list_uid(inputs), [])

    # ------------------------------------------------------------------ calling
    def __call__(self, inputs, **kwargs):
        """Build (once), run `call` on symbolic tensors and record the call as a Node.

        Raises:
            TypeError: an input is not a symbolic tensor.
            ValueError: an input is incompatible with the layer's input_spec.
        """
        if isinstance(inputs, tuple):
            inputs = list(inputs)
        elif isinstance(inputs, list):
            inputs = inputs[:]
        self._check_symbolic(inputs)
        with unbuilt_on_error(self):
            self._build_once(inputs)
            return self._call_and_record(inputs, kwargs)

    def _build_once(self, inputs):
        """Build the layer for `inputs` on its first call (and set initial weights)."""
        if self.built:
            return
        self.assert_input_compatibility(inputs)
        with naming_errors(self):
            self.build(unpack_singleton([tensor_shape(x) for x in to_list(inputs)]))
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _call_and_record(self, inputs, kwargs):
        """Run `call`, then record the call as a Node (after it succeeded)."""
        self.assert_input_compatibility(inputs)
        previous_mask = collect_previous_mask(inputs)
        user_kwargs = dict(kwargs)
        has_mask = any(m is not None for m in to_list(previous_mask))
        if has_mask and 'mask' not in kwargs and has_arg(self.call, 'mask'):
            kwargs['mask'] = previous_mask
        with naming_errors(self):
            output = self.call(inputs, **kwargs)
        output_mask = self.compute_mask(inputs, previous_mask)
        output = self._distinct_outputs(inputs, output)
        input_shape = unpack_singleton([tensor_shape(x) for x in to_list(inputs)])
        output_shape = self._output_shape(input_shape, output)
        self._add_inbound_node(inputs, output, previous_mask, output_mask, input_shape,
                               output_shape, user_kwargs)
        regularizer = getattr(self, 'activity_regularizer', None)
        if regularizer is not None:
            self.add_loss([regularizer(x) for x in to_list(output)], inputs)
        return output

    def _check_symbolic(self, inputs):
        """Raise TypeError unless `inputs` is a symbolic tensor or a list of them."""
        intro = "Layer '%s' (%s) expected a symbolic tensor (e.g. from Input(...)) as input" % (
            self.name, type(self).__name__)
        if not isinstance(inputs, list):
            if not K.is_tensor(inputs):
                raise TypeError('%s, received %s of type %s.' % (
                    intro, short_repr(inputs), type(inputs).__name__))
            return
        if not inputs:
            raise TypeError('%s, received an empty list.' % intro)
        for position, x in enumerate(inputs):
            if not K.is_tensor(x):
                raise TypeError('%s, received %s of type %s at position %d of the input '
                                'list.' % (intro, short_repr(x), type(x).__name__, position))

    def assert_input_compatibility(self, inputs):
        """Check `inputs` against self.input_spec (ndim, min/max ndim, axes, shape).

        Raises:
            ValueError: naming the layer, the expectation and the received shape.
        """
        if not self.input_spec:
            return
        specs = to_list(self.input_spec)
        inputs = to_list(inputs)
        if len(inputs) != len(specs):
            raise ValueError("Layer '%s' (%s) expects %d input(s), but it received %d input "
                             "tensors." % (self.name, type(self).__name__, len(specs),
                                           len(inputs)))
        for index, (x, spec) in enumerate(zip(inputs, specs)):
            if spec is not None:
                problem = spec.mismatch(tensor_shape(x))
                if problem:
                    raise ValueError("Input %d is incompatible with layer '%s' (%s): %s"
                                     % (index, self.name, type(self).__name__, problem))

    def _distinct_outputs(self, inputs, output):
        """Copy outputs that are one of the inputs, so each keeps its own history."""
        outputs = to_list(output)
        inputs = to_list(inputs)
        copies = [copy_tensor(x) if contains_object(inputs, x) else x for x in outputs]
        return unpack_singleton(copies) if not isinstance(output, list) else copies

    def _output_shape(self, input_shape, output):
        """compute_output_shape when overridden, else the graph's static shape."""
        if overrides_method(self, 'compute_output_shape'):
            return self.compute_output_shape(input_shape)
        return unpack_singleton([K.int_shape(x) for x in to_list(output)])

    def __repr__(self):
        return '<%s name=%s>' % (type(self).__name__, self.name)


def _add_keyed(flat, per_input, items, inputs):
    """Append `items` to `flat` and to `per_input[uid(inputs)]`."""
    if items is None or (isinstance(items, list) and not items):
        return
    items = items if isinstance(items, list) else [items]
    flat.extend(items)
    per_input.setdefault(object_list_uid(inputs), []).extend(items)


def copy_tensor(x):
    """A new tensor equal to `x` (so a layer's output never aliases its input)."""
    identity = getattr(K, 'identity', None)
    if identity is not None:
        return identity(x)
    return x * 1


def _resolve(value, module_name):
    """Resolve a string/dict regularizer or constraint through symkeras.<module>.get."""
    if value is None or callable(value):
        return value
    import importlib
    module = importlib.import_module('symkeras.' + module_name)
    return module.get(value)
