"""Recurrent layers (Keras 2.2.4): RNN (any cell), SimpleRNN, GRU, LSTM.

Why an unrolled graph rather than a symbolic loop (Theano's scan): the compiler optimises,
fuses and schedules one static graph, and a loop op would hide the step's body from all
of it (fusion of the gate arithmetic, memory planning, graph inspection, exported
artifacts). Unrolling writes the step once per time step, so every step is ordinary graph
and its gradient (backpropagation through time) comes from the usual autodiff; the graph
grows linearly with the number of steps, which suits the sequences of the tutorials.
With a static number of time steps (`input_shape=(timesteps, features)`) the layer
unrolls when called; with an unknown one (`input_shape=(None, features)`) it returns
`Recurrent` nodes, and each compiled function unrolls them for the length of the
sequences it is called with, compiling once per distinct length (compiler/loops.py).
"""
import numpy as np

from .. import backend as K
from ..backend.control_ops import recurrent, unroll_steps, unstack_static
from ..engine.base_layer import Layer
from ..engine.utils import has_arg, to_list
from .recurrent_cells import SimpleRNNCell, GRUCell, LSTMCell
from .recurrent_stacked import StackedRNNCells
from .recurrent_states import make_state_variables, check_state_batch, state_values
from .utils import layer_label, check_input_shape
from ..legacy import legacy_support

_RNN_ARGS = ('return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll')
_LAYER_ARGS = ('input_shape', 'batch_input_shape', 'batch_size', 'dtype', 'name',
               'trainable', 'weights', 'input_dtype', 'input_dim', 'input_length')


class RNN(Layer):
    """Run a cell over the time steps of (batch, timesteps, features) inputs.

    Args:
        cell: an object with `state_size` (int or tuple of ints) and
            `call(inputs, states[, training]) -> (output, new_states)` (a Layer, such as
            SimpleRNNCell, GRUCell, LSTMCell, or a user cell), or a list of cells, run as
            one StackedRNNCells.
        return_sequences: return every step's output, (batch, timesteps, units), instead
            of the last one, (batch, units).
        return_state: also return the final states: [output, state_1, ...].
        go_backwards: process the sequence from its end (outputs in processing order).
        stateful: keep the final states of each batch as the initial states of the
            next (sample i of a batch continues sample i of the previous one). Needs a
            static batch size: `batch_input_shape=(batch, timesteps, features)` (or
            `batch_size=`) on the first layer, or `Input(batch_shape=...)`; train with
            `fit(..., shuffle=False)` and start afresh with `reset_states()`.
        unroll: accepted for compatibility; the graph is always unrolled.
        input_dim, input_length: shorthand for input_shape=(input_length, input_dim).

    The number of time steps must be static (see the module docstring: the graph is
    unrolled). Call with `initial_state=[...]` to start from given states; an input mask
    (e.g. from Embedding(mask_zero=True)) holds outputs and states on masked steps.

    A stateful layer's states (`layer.states`, variables of shape (batch, size)) are
    updated after every batch in fit, evaluate and predict alike (Keras 2.2.4); they
    are not weights (`get_weights` and saved files leave them out).

    Example:
        >>> y = RNN(LSTMCell(32))(Input(shape=(10, 8)))
        >>> K.int_shape(y)
        (None, 32)
    """

    _owns_cell = False

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, **kwargs):
        if 'input_shape' not in kwargs and ('input_dim' in kwargs or 'input_length' in kwargs):
            kwargs['input_shape'] = (kwargs.pop('input_length', None),
                                     kwargs.pop('input_dim', None))
        super().__init__(**kwargs)
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(list(cell))
        if not hasattr(cell, 'call') or not hasattr(cell, 'state_size'):
            raise ValueError('%s: `cell` must have a `call` method and a `state_size` '
                             'attribute, received %r' % (layer_label(self), cell))
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = bool(stateful)
        self.unroll = unroll
        self._states = None
        self.supports_masking = True

    def __getattr__(self, name):
        # SimpleRNN/GRU/LSTM expose their cell's arguments and weights (`layer.units`).
        cell = self.__dict__.get('cell')
        if cell is not None and self._owns_cell and name in _CELL_ATTRIBUTES:
            return getattr(cell, name)
        raise AttributeError('%r object has no attribute %r' % (type(self).__name__, name))

    def _state_sizes(self):
        size = self.cell.state_size
        return list(size) if hasattr(size, '__len__') else [size]

    @property
    def states(self):
        """The state variables of a built stateful layer, else [None] per state."""
        if self._states is None:
            return [None] * len(self._state_sizes())
        return self._states

    @states.setter
    def states(self, states):
        self._states = states

    def reset_states(self, states=None):
        """Set the states of a stateful layer to zeros, or to given values.

        Args:
            states: None (zeros), or one numpy array of shape (batch, size) per state
                (a list; a single array for a one-state layer).

        Raises:
            AttributeError: the layer is not stateful.
            ValueError: the layer is not built yet, or wrong number or shapes of arrays.

        Example:
            >>> lstm = LSTM(4, stateful=True, batch_input_shape=(2, 5, 3))
            >>> model = Sequential([lstm])
            >>> lstm.reset_states([np.ones((2, 4)), np.zeros((2, 4))])
        """
        if not self.stateful:
            raise AttributeError('%s: reset_states needs a stateful layer (stateful=True)'
                                 % layer_label(self))
        if self._states is None:
            raise ValueError('%s: reset_states needs the states, created when the layer is '
                             'built: call the layer on an input with a static batch size '
                             'first' % layer_label(self))
        K.batch_set_value(state_values(self, states))

    # ------------------------------------------------------------------ shapes
    def _check_sequence_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=3)
        if input_shape[1] is None and self.unroll:
            raise ValueError('%s: cannot unroll a RNN if the time dimension is undefined '
                             '(input shape %s): give the first layer input_shape=(timesteps, '
                             'features), or leave unroll=False'
                             % (layer_label(self), tuple(input_shape)))

    def build(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        self._check_sequence_shape(input_shape)
        if self.stateful and self._states is None:
            self._states = make_state_variables(self, input_shape, self._state_sizes())
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build((input_shape[0],) + tuple(input_shape[2:]))
            self.cell.built = True
        self.built = True

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        check_input_shape(self, input_shape, ndim=3)
        sizes = self._state_sizes()
        output_size = getattr(self.cell, 'output_size', None) or sizes[0]
        if self.return_sequences:
            output_shape = (input_shape[0], input_shape[1], output_size)
        else:
            output_shape = (input_shape[0], output_size)
        if self.return_state:
            return [output_shape] + [(input_shape[0], size) for size in sizes]
        return output_shape

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self._state_sizes())
        return output_mask

    # ------------------------------------------------------------------ weights, losses
    @property
    def trainable_weights(self):
        """The cell's trainable weights ([] when the layer is frozen)."""
        if not self.trainable or not isinstance(self.cell, Layer):
            return []
        return self.cell.trainable_weights

    @property
    def non_trainable_weights(self):
        """The cell's non-trainable weights (all of them when the layer is frozen)."""
        if not isinstance(self.cell, Layer):
            return []
        if not self.trainable:
            return self.cell.weights
        return self.cell.non_trainable_weights

    @property
    def losses(self):
        """Losses of the cell (weight regularization) and of the layer."""
        cell_losses = self.cell.losses if isinstance(self.cell, Layer) else []
        return cell_losses + super().losses

    def get_losses_for(self, inputs):
        """Losses recorded for `inputs`, the cell's included."""
        cell_losses = (self.cell.get_losses_for(inputs) if isinstance(self.cell, Layer)
                       else [])
        return cell_losses + super().get_losses_for(inputs)

    # ------------------------------------------------------------------ calling
    def __call__(self, inputs, initial_state=None, **kwargs):
        """Call on a sequence, optionally with `initial_state` (a tensor or a list)."""
        if initial_state is not None:
            initial_state = to_list(initial_state)
            if len(initial_state) != len(self._state_sizes()):
                raise ValueError('%s: expected %d initial state tensor(s), received %d'
                                 % (layer_label(self), len(self._state_sizes()),
                                    len(initial_state)))
            inputs = [inputs] + initial_state
        return super().__call__(inputs, **kwargs)

    def _zero_states(self, inputs):
        """Zero states of shape (batch, size), built from the input's batch size."""
        column = K.zeros_like(inputs[:, 0, 0:1])
        return [column + np.zeros((1, size), K.dtype(inputs)) for size in self._state_sizes()]

    def _step_function(self, training):
        """(whether the cell projects the whole sequence first with `project`, a function
        (step input, states) -> (output, new states))."""
        cell = self.cell
        fast = hasattr(cell, 'project') and hasattr(cell, 'step')
        method = cell.step if fast else cell.call
        if has_arg(method, 'training'):
            return fast, lambda x, states: method(x, states, training=training)
        return fast, method

    def _initial_states(self, inputs, initial_state):
        """The given initial states, else the stateful layer's variables, else zeros."""
        if initial_state:
            return initial_state
        if self.stateful:
            if self._states is None:   # `call` run directly, without `build`
                self._states = make_state_variables(self, K.int_shape(inputs),
                                                    self._state_sizes())
            check_state_batch(self, inputs)
            return list(self._states)
        return self._zero_states(inputs)

    def call(self, inputs, mask=None, training=None, initial_state=None):
        call_inputs = inputs   # the updates of a stateful layer are keyed by them
        if isinstance(inputs, list):
            inputs, initial_state = inputs[0], inputs[1:]
        if isinstance(mask, list):
            mask = mask[0]
        self._check_sequence_shape(K.int_shape(inputs))
        initial_state = to_list(initial_state) if initial_state is not None else []
        states = self._initial_states(inputs, initial_state)
        fast, step = self._step_function(training)
        sequence = self.cell.project(inputs, training) if fast else inputs
        if mask is not None and K.dtype(mask) != 'bool':
            mask = K.not_equal(mask, 0)
        if K.int_shape(sequence)[1] is None:
            every, last, states = recurrent(step, sequence, states, mask, self.go_backwards)
            output = every if self.return_sequences else last
        else:
            outputs, states = self._unroll(step, sequence, states, mask)
            output = K.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        if self.stateful:
            self.add_update(list(zip(self._states, states)), call_inputs)
        if _uses_dropout(self.cell):
            output._uses_learning_phase = True
        if self.return_state:
            return [output] + list(states)
        return output

    def _unroll(self, step, sequence, states, mask):
        """(the outputs of every step in processing order, the final states); the loop
        K.rnn runs too."""
        return unroll_steps(step, unstack_static(sequence, 1), states, mask, self.go_backwards)

    # ------------------------------------------------------------------ config
    def _rnn_config(self):
        return {name: getattr(self, name) for name in _RNN_ARGS}

    def get_config(self):
        cell_config = {'class_name': type(self.cell).__name__,
                       'config': self.cell.get_config()}
        return dict(super().get_config(), cell=cell_config, **self._rnn_config())

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild the layer; the cell's class is looked up in custom_objects first."""
        from . import deserialize
        config = dict(config)
        if 'cell' in config:
            config['cell'] = deserialize(config['cell'], custom_objects=custom_objects)
        return cls(**config)


def _uses_dropout(cell):
    """Whether the cell (or a cell of a StackedRNNCells) drops inputs or states."""
    return any(getattr(one, 'dropout', 0) or getattr(one, 'recurrent_dropout', 0)
               for one in getattr(cell, 'cells', [cell]))


_CELL_ATTRIBUTES = (
    'units', 'activation', 'recurrent_activation', 'use_bias', 'kernel_initializer',
    'recurrent_initializer', 'bias_initializer', 'kernel_regularizer',
    'recurrent_regularizer', 'bias_regularizer', 'kernel_constraint', 'recurrent_constraint',
    'bias_constraint', 'dropout', 'recurrent_dropout', 'implementation', 'unit_forget_bias',
    'reset_after', 'kernel', 'recurrent_kernel', 'bias')


class _CellRNN(RNN):
    """An RNN that creates and owns its cell: the cell's arguments are the layer's, its
    weights are named after the layer ('lstm_1/kernel'), its config is flattened in."""

    cell_class = None
    _owns_cell = True

    def __init__(self, units, **kwargs):
        if not isinstance(units, int) or units <= 0:
            raise ValueError('%s: `units` must be a positive integer, received %r'
                             % (type(self).__name__, units))
        rnn_kwargs = {name: kwargs.pop(name) for name in _RNN_ARGS if name in kwargs}
        layer_kwargs = {name: kwargs.pop(name) for name in _LAYER_ARGS if name in kwargs}
        activity_regularizer = kwargs.pop('activity_regularizer', None)
        try:
            cell = self.cell_class(units, name='cell', **kwargs)
        except TypeError as error:
            raise TypeError('%s: %s' % (type(self).__name__, error)) from None
        super().__init__(cell, **rnn_kwargs, **layer_kwargs)
        cell.name = self.name
        from .. import regularizers
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def get_config(self):
        from .. import regularizers
        cell_config = self.cell.get_config()
        for name in ('name', 'trainable', 'batch_input_shape', 'dtype'):
            cell_config.pop(name, None)
        config = dict(Layer.get_config(self), **cell_config)
        config['activity_regularizer'] = regularizers.serialize(self.activity_regularizer)
        return dict(config, **self._rnn_config())


@legacy_support('recurrent')
class SimpleRNN(_CellRNN):
    """Fully connected recurrence: h_t = activation(x_t . kernel + h_{t-1} .
    recurrent_kernel + bias).

    Args:
        units: size of the output and state.
        activation: default 'tanh'.
        use_bias, kernel_initializer ('glorot_uniform'), recurrent_initializer
        ('orthogonal'), bias_initializer ('zeros'), kernel/recurrent/bias/activity
        regularizers, kernel/recurrent/bias constraints.
        dropout, recurrent_dropout: fractions of the inputs / of the recurrent state
            dropped in training (one mask for all steps).
        return_sequences, return_state, go_backwards, stateful, unroll: as for RNN.

    The number of timesteps may be unknown (`input_shape=(None, features)`): see the
    module docstring.

    Example:
        >>> model = Sequential([SimpleRNN(16, input_shape=(10, 3)), Dense(1)])
    """

    cell_class = SimpleRNNCell


@legacy_support('recurrent')
class GRU(_CellRNN):
    """Gated recurrent unit (Cho et al., 2014).

    Args:
        units: size of the output and state.
        activation: default 'tanh'; recurrent_activation (the gates): 'hard_sigmoid'.
        reset_after: apply the reset gate after the recurrent product (default False).
        implementation: accepted for compatibility (1 or 2; the same graph).
        Other arguments: as for SimpleRNN.

    The number of timesteps may be unknown (`input_shape=(None, features)`): see the
    module docstring.

    Example:
        >>> y = GRU(32, return_sequences=True)(Input(shape=(20, 8)))
        >>> K.int_shape(y)
        (None, 20, 32)
    """

    cell_class = GRUCell


@legacy_support('recurrent')
class LSTM(_CellRNN):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997).

    Args:
        units: size of the output and of each state (h and c).
        activation: default 'tanh'; recurrent_activation (the gates): 'hard_sigmoid'.
        unit_forget_bias: start the forget-gate bias at 1 (default True).
        implementation: accepted for compatibility (1 or 2; the same graph).
        Other arguments: as for SimpleRNN; return_state gives [output, h, c].

    The number of timesteps may be unknown (`input_shape=(None, features)`): see the
    module docstring.

    Example:
        >>> model = Sequential([LSTM(32, input_shape=(10, 1)), Dense(1)])
    """

    cell_class = LSTMCell
