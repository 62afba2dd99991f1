"""Recurrent cells (Keras 2.2.4): SimpleRNNCell, GRUCell, LSTMCell: one time step each.

A cell has `state_size` and `call(inputs, states, training=None) -> (output, new_states)`.
These cells also split that step in two, so the RNN layer can project a whole sequence
with one matrix product: `project(inputs)` (x . kernel + bias, for one step or for all)
and `step(projected, states)` (the recurrence).
"""
import numpy as np

from .. import backend as K
from .. import activations, initializers, regularizers, constraints
from ..engine.base_layer import Layer
from .utils import layer_label

_SERIALIZED = {'initializer': initializers, 'regularizer': regularizers,
               'constraint': constraints}


def _value(array):
    """A numpy value of an initializer's result (a numpy array or a tensor)."""
    return K.eval(array) if K.is_tensor(array) else np.asarray(array)


def lstm_bias_initializer(base, units, unit_forget_bias):
    """The bias initializer of an LSTM's four gate blocks (i, f, c, o) of `units` each:
    `base`, with the forget block set to ones when `unit_forget_bias`."""
    if not unit_forget_bias:
        return base

    def forget_bias_one(shape, dtype=None):
        blocks = [_value(base((units,), dtype=dtype)), np.ones(units),
                  _value(base((2 * units,), dtype=dtype))]
        return np.concatenate(blocks).astype(dtype or K.floatx())
    return forget_bias_one


def _dropout_masks(ref, rate, count, training):
    """`count` dropout masks shaped like `ref` (ones outside the training phase)."""
    ones = K.ones_like(ref)
    return [K.in_train_phase(K.dropout(ones, rate), ones, training=training)
            for _ in range(count)]


class _RecurrentCell(Layer):
    """Shared part of the cells: weights of `gates` blocks of `units` columns, dropout
    masks, and the config of the common arguments."""

    gates = 1

    def __init__(self, units, activation='tanh', recurrent_activation='hard_sigmoid',
                 use_bias=True, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros',
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0., recurrent_dropout=0., implementation=1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError('%s: `units` must be a positive integer, received %r'
                             % (layer_label(self), units))
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1., max(0., float(dropout)))
        self.recurrent_dropout = min(1., max(0., float(recurrent_dropout)))
        self.implementation = implementation
        self.state_size = units
        self._recurrent_masks = None
        self._input_masks = None

    def _add(self, name, shape, part, initializer=None):
        return self.add_weight(name=name, shape=shape,
                               initializer=initializer or getattr(self, part + '_initializer'),
                               regularizer=getattr(self, part + '_regularizer'),
                               constraint=getattr(self, part + '_constraint'))

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError('%s: the last dimension of the input must be defined, received '
                             '%s' % (layer_label(self), tuple(input_shape)))
        width = self.gates * self.units
        self.kernel = self._add('kernel', (input_dim, width), 'kernel')
        self.recurrent_kernel = self._add('recurrent_kernel', (self.units, width), 'recurrent')
        self.bias = (self._add('bias', self._bias_shape(), 'bias', self._bias_initializer())
                     if self.use_bias else None)
        self.built = True

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _columns(self, x, gate, count=1):
        """The columns of gate blocks gate .. gate + count - 1 of x (last axis)."""
        block = slice(gate * self.units, (gate + count) * self.units)
        return x[(slice(None),) * (K.ndim(x) - 1) + (block,)]

    def _recurrent_products(self, inputs, first, count, bias=None):
        """[inputs[g] . recurrent_kernel block g (+ bias block g)] for `count` gates from
        `first`: one matrix product when the gates read the same input (no recurrent
        dropout), one per gate otherwise."""
        kernel = self.recurrent_kernel
        if all(x is inputs[first] for x in inputs[first:first + count]):
            product = K.dot(inputs[first], self._columns(kernel, first, count))
            if bias is not None:
                product = product + self._columns(bias, first, count)
            return [self._columns(product, gate) for gate in range(count)]
        products = [K.dot(inputs[gate], self._columns(kernel, gate))
                    for gate in range(first, first + count)]
        if bias is None:
            return products
        return [p + self._columns(bias, gate) for gate, p in zip(range(first, first + count),
                                                                  products)]

    def project(self, inputs, training=None, reuse_masks=False):
        """inputs . kernel + input bias, for a (batch, input_dim) step or a whole
        (batch, steps, input_dim) sequence; one dropout mask per gate when dropout > 0.
        reuse_masks=True keeps the dropout masks of the previous call: the next step of a
        sequence projected step by step (a cell stacked on another, StackedRNNCells)."""
        if not reuse_masks:
            self._recurrent_masks = None
            self._input_masks = None
        if 0. < self.dropout < 1.:
            if self._input_masks is None:
                step_ref = inputs if K.ndim(inputs) == 2 else inputs[:, 0, :]
                self._input_masks = _dropout_masks(step_ref, self.dropout, self.gates,
                                                   training)
            masks = self._input_masks
            if K.ndim(inputs) == 3:
                masks = [K.expand_dims(mask, 1) for mask in masks]
            parts = [K.dot(inputs * mask, self._columns(self.kernel, gate))
                     for gate, mask in enumerate(masks)]
            projected = parts[0] if len(parts) == 1 else K.concatenate(parts, axis=-1)
        else:
            projected = K.dot(inputs, self.kernel)
        input_bias = self._input_bias()
        return projected if input_bias is None else projected + input_bias

    def _input_bias(self):
        return self.bias

    def _recurrent_inputs(self, h, training):
        """The previous output, once per gate, each with its recurrent dropout mask."""
        if not 0. < self.recurrent_dropout < 1.:
            return [h] * self.gates
        if self._recurrent_masks is None:
            self._recurrent_masks = _dropout_masks(h, self.recurrent_dropout,
                                                   self.gates, training)
        return [h * mask for mask in self._recurrent_masks]

    def call(self, inputs, states, training=None):
        """One time step: (output, new states) from (batch, input_dim) inputs."""
        return self.step(self.project(inputs, training), states, training)

    def get_config(self):
        config = {'units': self.units,
                  'activation': activations.serialize(self.activation),
                  'recurrent_activation': activations.serialize(self.recurrent_activation),
                  'use_bias': self.use_bias}
        for kind, module in _SERIALIZED.items():
            for part in ('kernel', 'recurrent', 'bias'):
                name = '%s_%s' % (part, kind)
                config[name] = module.serialize(getattr(self, name))
        config.update(dropout=self.dropout, recurrent_dropout=self.recurrent_dropout,
                      implementation=self.implementation)
        return dict(super().get_config(), **config)


class SimpleRNNCell(_RecurrentCell):
    """Cell of SimpleRNN: h = activation(x . kernel + h_prev . recurrent_kernel + bias).

    Args:
        units: size of the output and state.
        activation: default 'tanh'.
        use_bias, kernel_initializer ('glorot_uniform'), recurrent_initializer
        ('orthogonal'), bias_initializer ('zeros'), regularizers, constraints.
        dropout, recurrent_dropout: fractions of the inputs / of the previous output
            dropped in training (one mask for all time steps).
    """

    def __init__(self, units, activation='tanh', **kwargs):
        if 'recurrent_activation' in kwargs:
            raise TypeError('%s: keyword argument not understood: recurrent_activation '
                            '(a simple RNN has no gates)' % type(self).__name__)
        kwargs.pop('implementation', None)  # Keras 2.2.4 ignores it here too
        super().__init__(units, activation=activation, **kwargs)

    def step(self, projected, states, training=None):
        """One time step from projected inputs (see `project`): (output, new states)."""
        (h,) = self._recurrent_inputs(states[0], training)
        output = self.activation(projected + K.dot(h, self.recurrent_kernel))
        return output, [output]

    def get_config(self):
        config = super().get_config()
        for key in ('recurrent_activation', 'implementation'):
            config.pop(key)
        return config


class GRUCell(_RecurrentCell):
    """Cell of GRU (Cho et al., 2014); gate blocks ordered z (update), r (reset), h.

    ::

        z = recurrent_activation(x_z + h_prev . U_z), likewise r, x_ = x . W_ + b_;
        h = z * h_prev + (1 - z) * activation(x_h + (r * h_prev) . U_h)   (reset_after=False)
        h = z * h_prev + (1 - z) * activation(x_h + r * (h_prev . U_h + b_rh))   (True; a
        recurrent bias b_r_ is then added to every h_prev . U_ product)

    Args:
        units, activation ('tanh'), recurrent_activation ('hard_sigmoid'), use_bias,
        initializers, regularizers, constraints, dropout, recurrent_dropout: as for
        SimpleRNNCell.
        reset_after: apply the reset gate after the matrix product (the CuDNN variant;
            the bias then has shape (2, 3 * units): input and recurrent biases).
    """

    gates = 3

    def __init__(self, units, reset_after=False, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self):
        if self.bias is None or not self.reset_after:
            return self.bias
        return self.bias[0]

    def step(self, projected, states, training=None):
        """One time step from projected inputs (see `project`): (output, new states)."""
        h_prev = states[0]
        h_inputs = self._recurrent_inputs(h_prev, training)
        x_z, x_r, x_h = (self._columns(projected, gate) for gate in range(3))
        if self.reset_after:
            bias = self.bias[1] if self.use_bias else None
            inner_z, inner_r, inner_h = self._recurrent_products(h_inputs, 0, 3, bias)
        else:
            inner_z, inner_r = self._recurrent_products(h_inputs, 0, 2)
        z = self.recurrent_activation(x_z + inner_z)
        r = self.recurrent_activation(x_r + inner_r)
        if self.reset_after:
            candidate = self.activation(x_h + r * inner_h)
        else:
            reset = [r * h_inputs[2]] * 3
            candidate = self.activation(x_h + self._recurrent_products(reset, 2, 1)[0])
        output = z * h_prev + (1. - z) * candidate
        return output, [output]

    def get_config(self):
        return dict(super().get_config(), reset_after=self.reset_after)


class LSTMCell(_RecurrentCell):
    """Cell of LSTM (Hochreiter & Schmidhuber, 1997); gate blocks ordered i, f, c, o.

    c = f * c_prev + i * activation(x_c + h_prev . U_c);  h = o * activation(c)

    Args:
        units, activation ('tanh'), recurrent_activation ('hard_sigmoid'), use_bias,
        initializers, regularizers, constraints, dropout, recurrent_dropout: as for
        SimpleRNNCell.
        unit_forget_bias: start the forget-gate bias at 1 (Jozefowicz et al., 2015).

    States: [h, c], each (batch, units).
    """

    gates = 4

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = (units, units)

    def _bias_initializer(self):
        return lstm_bias_initializer(self.bias_initializer, self.units, self.unit_forget_bias)

    def step(self, projected, states, training=None):
        """One time step from projected inputs (see `project`): (output, new states)."""
        h_prev, c_prev = states
        inner = self._recurrent_products(self._recurrent_inputs(h_prev, training), 0, 4)
        x_i, x_f, x_c, x_o = (self._columns(projected, gate) + inner[gate]
                              for gate in range(4))
        i = self.recurrent_activation(x_i)
        f = self.recurrent_activation(x_f)
        c = f * c_prev + i * self.activation(x_c)
        o = self.recurrent_activation(x_o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        return dict(super().get_config(), unit_forget_bias=self.unit_forget_bias)
