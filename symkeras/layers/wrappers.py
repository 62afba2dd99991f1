"""Layer wrappers (Keras 2.2.4): Wrapper, TimeDistributed, Bidirectional.

A wrapper holds another layer (`wrapper.layer`), builds it and runs the layer's `call`
inside its own. The weights, losses and updates are the wrapped layer's; the config nests
the wrapped layer's: {'layer': {'class_name': ..., 'config': ...}, ...}.
"""
import copy

from .. import backend as K
from ..engine.base_layer import Layer, InputSpec
from ..engine.utils import has_arg, object_list_uid, to_list, unique_by_id
from .utils import layer_label
from .wrappers_bidirectional import MERGE_MODES, rename, backward_copy, state_count, merge

def _build_inner(layer, input_shape):
    """Build `layer` for `input_shape` unless built, and give it its `weights=` argument
    as its first call would."""
    if layer.built:
        return
    layer.build(input_shape)
    layer.built = True
    if getattr(layer, '_initial_weights', None) is not None:
        layer.set_weights(layer._initial_weights)
        layer._initial_weights = None


class Wrapper(Layer):
    """Base class of the layers that wrap another layer (TimeDistributed, Bidirectional).

    Args:
        layer: the wrapped layer, kept as `wrapper.layer`.
        **kwargs: Layer arguments (name, input_shape, weights, ...). `trainable`, when
            given, sets the wrapped layer's; by default the wrapper keeps the wrapped
            layer's setting.

    The weights, losses and updates are the wrapped layer's, and an activity
    regularizer of the wrapped layer applies to the wrapper's output.

    Example:
        >>> td = TimeDistributed(Dense(4))
        >>> type(td.layer).__name__, td.layer.units
        ('Dense', 4)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError('%s: expected a Layer instance to wrap, received %r of type %s'
                             % (type(self).__name__, layer, type(layer).__name__))
        self.layer = layer
        self._input_map = {}  # uid of the wrapper's inputs -> the inputs the layer saw
        trainable = kwargs.pop('trainable', None)
        inner_trainable = layer.trainable
        super().__init__(**kwargs)
        self.trainable = inner_trainable if trainable is None else trainable

    def _wrapped_layers(self):
        """The layers whose weights, losses and updates are the wrapper's."""
        return [self.layer]

    def _gathered(self, attribute):
        """getattr(layer, attribute) of the wrapped layers, concatenated."""
        return [item for layer in self._wrapped_layers() for item in getattr(layer, attribute)]

    @property
    def trainable(self):
        """Whether the wrapped layer is trained (setting it sets the wrapped layer's)."""
        return self._wrapped_layers()[0].trainable

    @trainable.setter
    def trainable(self, value):
        for layer in self._wrapped_layers():
            layer.trainable = value

    @property
    def activity_regularizer(self):
        """The wrapped layer's activity regularizer (applied to the wrapper's output)."""
        return getattr(self.layer, 'activity_regularizer', None)

    @property
    def trainable_weights(self):
        """The wrapped layer's trainable weights."""
        return self._gathered('trainable_weights')

    @property
    def non_trainable_weights(self):
        """The wrapped layer's non-trainable weights."""
        return self._gathered('non_trainable_weights')

    @property
    def weights(self):
        """The wrapped layer's weights (the get_weights / set_weights order)."""
        return self._gathered('weights')

    def _inner_inputs(self, inputs):
        """The tensors the wrapped layer was called on for the wrapper's `inputs`."""
        if inputs is None:
            return None
        return self._input_map.get(object_list_uid(inputs), inputs)

    @property
    def updates(self):
        """The wrapped layer's updates and the wrapper's own."""
        return unique_by_id(self._gathered('updates') + super().updates)

    def get_updates_for(self, inputs):
        """Updates of the wrapped layer for the inputs it saw, and the wrapper's own."""
        inner = self._inner_inputs(inputs)
        own = super().get_updates_for(inputs)
        return [x for layer in self._wrapped_layers() for x in layer.get_updates_for(inner)] + own

    @property
    def losses(self):
        """The wrapped layer's losses and the wrapper's own (activity regularization)."""
        return self._gathered('losses') + super().losses

    def get_losses_for(self, inputs):
        """Losses of the wrapped layer for the inputs it saw, and the wrapper's own."""
        inner = self._inner_inputs(inputs)
        own = super().get_losses_for(inputs)
        return [x for layer in self._wrapped_layers() for x in layer.get_losses_for(inner)] + own

    def get_config(self):
        layer = {'class_name': type(self.layer).__name__, 'config': self.layer.get_config()}
        return dict(super().get_config(), layer=layer)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild the wrapper; the wrapped layer's class is looked up in custom_objects
        first."""
        from . import deserialize
        config = dict(config)
        layer = deserialize(config.pop('layer'), custom_objects=custom_objects)
        return cls(layer, **config)


def _size(x, axis):
    """The size of axis `axis` of x: static when known, else its run-time size."""
    static = K.int_shape(x)[axis]
    return K.shape(x)[axis] if static is None else static


def _sizes(x, start):
    """The sizes of x's axes from `start` on (see _size)."""
    return tuple(_size(x, axis) for axis in range(start, K.ndim(x)))


class TimeDistributed(Wrapper):
    """Apply a layer to every temporal slice of an input.

    The input is (batch, time, ...); the wrapped layer sees (batch * time, ...), and its
    output is reshaped back to (batch, time, ...). Run-time sizes stand in for the
    unknown ones (batch, time), so any batch size works.

    Args:
        layer: the layer applied to each time step (its weights are shared by all).
        **kwargs: Layer arguments (input_shape=(timesteps, ...) for a first layer).

    An input mask is reshaped for the wrapped layer when its `call` takes one; the output
    mask is the wrapped layer's, reshaped to (batch, time, ...), or else the input mask
    reduced to (batch, time).

    Keras 2.2.4 steps through time when the batch size is static; the reshape gives the
    same values for layers that treat samples independently. It differs for layers that
    pool statistics over the batch (BatchNormalization in training), which here see the
    batch * time samples together.

    Example:
        >>> model = Sequential([TimeDistributed(Dense(8), input_shape=(10, 16))])
        >>> model.output_shape
        (None, 10, 8)
    """

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _check_rank(self, input_shape):
        if input_shape is None or isinstance(input_shape, list) or len(input_shape) < 3:
            raise ValueError('%s: expected one input with at least 3 dimensions (batch, '
                             'time, ...), received %s' % (layer_label(self), input_shape))

    def build(self, input_shape):
        self._check_rank(input_shape)
        self.input_spec = InputSpec(shape=tuple(input_shape))
        _build_inner(self.layer, (input_shape[0],) + tuple(input_shape[2:]))
        self.built = True

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        step_shape = self.layer.compute_output_shape((input_shape[0],) +
                                                     tuple(input_shape[2:]))
        return (step_shape[0], input_shape[1]) + tuple(step_shape[1:])

    def _merge_time(self, x):
        """(batch, time, ...) -> (batch * time, ...)."""
        return K.reshape(x, (-1,) + _sizes(x, 2))

    def _split_time(self, y, inputs):
        """(batch * time, ...) -> (batch, time, ...), time taken from `inputs`."""
        return K.reshape(y, (-1, _size(inputs, 1)) + _sizes(y, 1))

    def call(self, inputs, training=None, mask=None):
        kwargs = {}
        if has_arg(self.layer.call, 'training'):
            kwargs['training'] = training
        if mask is not None and has_arg(self.layer.call, 'mask'):
            kwargs['mask'] = self._merge_time(mask)
        inner_inputs = self._merge_time(inputs)
        self._input_map[object_list_uid(inputs)] = inner_inputs
        outputs = self.layer.call(inner_inputs, **kwargs)
        result = self._split_time(outputs, inputs)
        if getattr(outputs, '_uses_learning_phase', False):
            result._uses_learning_phase = True
        return result

    def compute_mask(self, inputs, mask=None):
        inner_inputs = self._input_map.get(object_list_uid(inputs))
        if inner_inputs is None:
            inner_inputs = self._merge_time(inputs)
        inner_mask = None if mask is None else self._merge_time(mask)
        output_mask = self.layer.compute_mask(inner_inputs, inner_mask)
        if output_mask is not None:
            return self._split_time(output_mask, inputs)
        if mask is None:
            return None
        for _ in range(2, K.ndim(mask)):  # a step is kept when any of its entries is
            mask = K.any(mask, axis=-1)
        return mask


class Bidirectional(Wrapper):
    """Run a recurrent layer forwards and backwards over the sequence; merge the outputs.

    The forward layer is a copy of `layer`; the backward one is made from its config with
    `go_backwards` flipped (its own weights). With return_sequences the backward outputs
    are reversed in time, so step t of both directions lines up.

    Args:
        layer: a recurrent layer (RNN, SimpleRNN, GRU, LSTM).
        merge_mode: how the two outputs combine: 'concat' (default, last axis), 'sum',
            'mul', 'ave', or None (a list [forward output, backward output]).
        weights: initial weights, the forward layer's then the backward layer's.
        **kwargs: Layer arguments (input_shape=(timesteps, features) for a first layer).

    Returns (when called): the merged output; with return_state, [output(s), forward
    states..., backward states...]. Call with `initial_state=[forward states...,
    backward states...]` to start from given states.

    Wrapping a stateful layer (`stateful=True`, with a static batch size) makes both
    directions stateful; `reset_states()` resets both.

    Raises:
        ValueError: `layer` is not recurrent, or merge_mode is not one of the choices.

    Example:
        >>> model = Sequential([Bidirectional(LSTM(10, return_sequences=True),
        ...                                   input_shape=(5, 10)),
        ...                     Bidirectional(LSTM(10)), Dense(5)])
        >>> model.output_shape
        (None, 5)
    """

    def __init__(self, layer, merge_mode='concat', weights=None, **kwargs):
        config = layer.get_config() if isinstance(layer, Layer) else {}
        if 'go_backwards' not in config:
            raise ValueError('Bidirectional: expected a recurrent layer (one with a '
                             '`go_backwards` argument: RNN, SimpleRNN, GRU, LSTM), received '
                             '%r of type %s' % (layer, type(layer).__name__))
        if merge_mode not in MERGE_MODES:
            raise ValueError("Bidirectional(%s): invalid `merge_mode` argument %r; expected "
                             "one of 'sum', 'mul', 'ave', 'concat' or None"
                             % (layer_label(layer), merge_mode))
        self.forward_layer = copy.copy(layer)
        self.backward_layer = backward_copy(layer, config)
        rename(self.forward_layer, 'forward_' + layer.name)
        rename(self.backward_layer, 'backward_' + layer.name)
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        super().__init__(layer, weights=weights, **kwargs)
        self.stateful = layer.stateful
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _wrapped_layers(self):
        """The forward layer, then the backward layer (weights in that order)."""
        return [self.forward_layer, self.backward_layer]

    def build(self, input_shape):
        _build_inner(self.forward_layer, input_shape)
        _build_inner(self.backward_layer, input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        shapes = self.forward_layer.compute_output_shape(input_shape)
        shapes = list(shapes) if self.return_state else [shapes]
        output_shape, state_shapes = tuple(shapes[0]), shapes[1:]
        if self.merge_mode == 'concat':
            output_shape = output_shape[:-1] + (output_shape[-1] * 2,)
        outputs = [output_shape] * (2 if self.merge_mode is None else 1)
        if self.return_state:
            return outputs + state_shapes * 2
        return outputs[0] if len(outputs) == 1 else outputs

    def __call__(self, inputs, initial_state=None, **kwargs):
        """Call on a sequence, optionally with `initial_state`: the forward layer's
        states, then the backward layer's."""
        if initial_state is not None:
            initial_state = to_list(initial_state)
            expected = 2 * state_count(self.forward_layer)
            if len(initial_state) != expected:
                raise ValueError('%s: expected %d initial state tensors (the forward '
                                 "layer's, then the backward layer's), received %d"
                                 % (layer_label(self), expected, len(initial_state)))
            inputs = [inputs] + initial_state
        return super().__call__(inputs, **kwargs)

    def call(self, inputs, mask=None, training=None):
        kwargs = {}
        if has_arg(self.layer.call, 'training'):
            kwargs['training'] = training
        if has_arg(self.layer.call, 'mask'):
            kwargs['mask'] = mask
        forward_inputs = backward_inputs = inputs
        if isinstance(inputs, list):  # [sequence, forward states..., backward states...]
            half = (len(inputs) - 1) // 2
            forward_inputs = inputs[:1 + half]
            backward_inputs = inputs[:1] + inputs[1 + half:]
        forward = self.forward_layer.call(forward_inputs, **kwargs)
        backward = self.backward_layer.call(backward_inputs, **kwargs)
        if isinstance(inputs, list):  # stateful updates, found under the wrapper's inputs
            self.add_update(self.forward_layer.get_updates_for(forward_inputs)
                            + self.backward_layer.get_updates_for(backward_inputs), inputs)
        states = []
        if self.return_state:
            states = forward[1:] + backward[1:]
            forward, backward = forward[0], backward[0]
        learning = any(getattr(y, '_uses_learning_phase', False) for y in (forward, backward))
        if self.return_sequences:
            backward = K.reverse(backward, 1)
        output = merge(self.merge_mode, forward, backward)
        for y in to_list(output):
            y._uses_learning_phase = learning or getattr(y, '_uses_learning_phase', False)
        if self.return_state:
            return to_list(output) + states
        return output

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        masks = [output_mask] * (2 if self.merge_mode is None else 1)
        if self.return_state:
            masks += [None] * (2 * state_count(self.forward_layer))
        return masks[0] if len(masks) == 1 else masks

    def reset_states(self):
        """Reset the states of both directions of a stateful layer to zeros.

        Raises:
            AttributeError: the wrapped layer is not stateful.
        """
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def get_config(self):
        return dict(super().get_config(), merge_mode=self.merge_mode)
