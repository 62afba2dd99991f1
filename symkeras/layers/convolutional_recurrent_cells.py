"""ConvLSTM2DCell (Keras 2.2.4): one time step of a convolutional LSTM, the cell of
ConvLSTM2D (convolutional_recurrent.py).

As the fully connected cells (recurrent_cells.py), it splits a step in two so the RNN
layer can convolve a whole sequence's inputs at once: `project` (conv(x, kernel) + bias,
time folded into the batch axis) and `step` (the recurrence: a 'same', stride 1
convolution of the previous output, as in Keras 2.2.4).
"""

from .. import backend as K
from .. import activations, initializers, regularizers, constraints
from ..engine.base_layer import Layer
from .recurrent_cells import _SERIALIZED, _dropout_masks, lstm_bias_initializer
from .utils import (layer_label, check_input_shape, normalize_tuple, normalize_padding,
                    argument_errors)

GATES = 4   # blocks of `filters` channels, ordered i, f, c, o as in Keras 2.2.4


class ConvLSTM2DCell(Layer):
    """Cell of ConvLSTM2D: one step of a convolutional LSTM; gate blocks ordered i, f, c, o.

    ::

        z = conv(x, kernel, strides, padding) + bias + conv(h_prev, recurrent_kernel, 'same')
        i, f, c_, o = the four blocks of `filters` channels of z
        c = rec_act(f) * c_prev + rec_act(i) * act(c_);  h = rec_act(o) * act(c)

    Args:
        filters: number of output channels (of h and of c).
        kernel_size: int or (rows, cols), the window of both convolutions.
        strides, padding ('valid' or 'same'), data_format, dilation_rate: of the input
            convolution, as for Conv2D; the recurrent one is 'same' with stride 1.
        activation: default 'tanh'; recurrent_activation (the gates): 'hard_sigmoid'.
        use_bias, kernel_initializer ('glorot_uniform'), recurrent_initializer
        ('orthogonal'), bias_initializer ('zeros'), kernel/recurrent/bias regularizers and
        constraints: as for LSTMCell.
        unit_forget_bias: start the forget-gate bias at 1 (default True).
        dropout, recurrent_dropout: fractions of the input / previous-output entries
            dropped in training (one mask per gate for all time steps).

    Weights: kernel (rows, cols, in_channels, 4 * filters), recurrent_kernel (rows, cols,
    filters, 4 * filters), bias (4 * filters,). States: [h, c].

    Example:
        >>> y = ConvRNN2D(ConvLSTM2DCell(4, 3))(Input(shape=(5, 8, 8, 1)))
        >>> K.int_shape(y)
        (None, 6, 6, 4)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None,
                 dilation_rate=(1, 1), activation='tanh', recurrent_activation='hard_sigmoid',
                 use_bias=True, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros',
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0., recurrent_dropout=0., **kwargs):
        super().__init__(**kwargs)
        label = layer_label(self)
        if not isinstance(filters, int) or filters <= 0:
            raise ValueError('%s: `filters` must be a positive integer, received %r'
                             % (label, filters))
        self.filters = filters
        self.kernel_size = normalize_tuple(label, kernel_size, 2, 'kernel_size', minimum=1)
        self.strides = normalize_tuple(label, strides, 2, 'strides', minimum=1)
        self.padding = normalize_padding(label, padding)
        self.dilation_rate = normalize_tuple(label, dilation_rate, 2, 'dilation_rate',
                                             minimum=1)
        with argument_errors(self):
            self.data_format = K.normalize_data_format(data_format)
            self.activation = activations.get(activation)
            self.recurrent_activation = activations.get(recurrent_activation)
            self.kernel_initializer = initializers.get(kernel_initializer)
            self.recurrent_initializer = initializers.get(recurrent_initializer)
            self.bias_initializer = initializers.get(bias_initializer)
            self.kernel_regularizer = regularizers.get(kernel_regularizer)
            self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
            self.bias_regularizer = regularizers.get(bias_regularizer)
            self.kernel_constraint = constraints.get(kernel_constraint)
            self.recurrent_constraint = constraints.get(recurrent_constraint)
            self.bias_constraint = constraints.get(bias_constraint)
        self.use_bias = use_bias
        self.unit_forget_bias = unit_forget_bias
        self.dropout = min(1., max(0., float(dropout)))
        self.recurrent_dropout = min(1., max(0., float(recurrent_dropout)))
        self.state_size = (filters, filters)
        self._recurrent_masks = None

    # ------------------------------------------------------------------ weights
    def _add(self, name, shape, part, initializer=None):
        return self.add_weight(name=name, shape=shape,
                               initializer=initializer or getattr(self, part + '_initializer'),
                               regularizer=getattr(self, part + '_regularizer'),
                               constraint=getattr(self, part + '_constraint'))

    def _bias_initializer(self):
        """The bias initializer, with the forget block set to ones when unit_forget_bias."""
        return lstm_bias_initializer(self.bias_initializer, self.filters,
                                     self.unit_forget_bias)

    def build(self, input_shape):
        check_input_shape(self, input_shape, ndim=4)
        input_dim = input_shape[self._channel_axis()]
        if input_dim is None:
            raise ValueError('%s: the channel dimension of the inputs must be defined, '
                             'received %s (data_format=%s)'
                             % (layer_label(self), tuple(input_shape), self.data_format))
        width = GATES * self.filters
        self.kernel = self._add('kernel', self.kernel_size + (input_dim, width), 'kernel')
        self.recurrent_kernel = self._add('recurrent_kernel',
                                          self.kernel_size + (self.filters, width),
                                          'recurrent')
        self.bias = (self._add('bias', (width,), 'bias', self._bias_initializer())
                     if self.use_bias else None)
        self.built = True

    # ------------------------------------------------------------------ the step
    def _channel_axis(self):
        """The channel axis of a step (4-D) or a sequence (5-D)."""
        return -3 if self.data_format == 'channels_first' else -1

    def _block(self, gate):
        return slice(gate * self.filters, (gate + 1) * self.filters)

    def _gate(self, x, gate):
        """The channels of gate block `gate` of x."""
        index = [slice(None)] * K.ndim(x)
        index[self._channel_axis()] = self._block(gate)
        return x[tuple(index)]

    def _input_conv(self, x, kernel):
        """conv(x, kernel) of a step, or of a sequence with time folded into the batch."""
        if K.ndim(x) == 5:
            folded = self._input_conv(K.reshape(x, (-1,) + K.int_shape(x)[2:]), kernel)
            steps = K.int_shape(x)[1]
            steps = K.shape(x)[1] if steps is None else steps   # read at run time
            return K.reshape(folded, (-1, steps) + K.int_shape(folded)[1:])
        return K.conv2d(x, kernel, strides=self.strides, padding=self.padding,
                        data_format=self.data_format, dilation_rate=self.dilation_rate)

    def _recurrent_conv(self, x, kernel):
        return K.conv2d(x, kernel, strides=(1, 1), padding='same',
                        data_format=self.data_format)

    def _gate_convolutions(self, inputs, kernel, convolve):
        """The four gates' convolutions of inputs[g] with kernel block g, concatenated on
        the channels: one convolution with the whole kernel when the gates share their
        input (no dropout), one per gate otherwise."""
        if all(x is inputs[0] for x in inputs):
            return convolve(inputs[0], kernel)
        parts = [convolve(x, kernel[:, :, :, self._block(gate)])
                 for gate, x in enumerate(inputs)]
        return K.concatenate(parts, axis=self._channel_axis())

    def project(self, inputs, training=None):
        """conv(inputs, kernel) + bias of one step (batch, rows, cols, channels), or of a
        whole sequence (batch, time, rows, cols, channels) in one convolution; one dropout
        mask per gate when dropout > 0, the same at every step. Starts a new sequence:
        new recurrent dropout masks."""
        self._recurrent_masks = None
        sequence = K.ndim(inputs) == 5
        gate_inputs = [inputs] * GATES
        if 0. < self.dropout < 1.:
            masks = _dropout_masks(inputs[:, 0] if sequence else inputs, self.dropout,
                                   GATES, training)
            gate_inputs = [inputs * (K.expand_dims(mask, 1) if sequence else mask)
                           for mask in masks]
        projected = self._gate_convolutions(gate_inputs, self.kernel, self._input_conv)
        if not self.use_bias:
            return projected
        if self.data_format == 'channels_first':
            return projected + K.reshape(self.bias, (-1, 1, 1))
        return projected + self.bias

    def _recurrent_inputs(self, h, training):
        """The previous output, once per gate, each with its recurrent dropout mask."""
        if not 0. < self.recurrent_dropout < 1.:
            return [h] * GATES
        if self._recurrent_masks is None:
            self._recurrent_masks = _dropout_masks(h, self.recurrent_dropout, GATES,
                                                   training)
        return [h * mask for mask in self._recurrent_masks]

    def step(self, projected, states, training=None):
        """One time step from projected inputs (see `project`): (output, new states)."""
        h_prev, c_prev = states
        recurrent = self._gate_convolutions(self._recurrent_inputs(h_prev, training),
                                            self.recurrent_kernel, self._recurrent_conv)
        z = projected + recurrent
        x_i, x_f, x_c, x_o = (self._gate(z, gate) for gate in range(GATES))
        i = self.recurrent_activation(x_i)
        f = self.recurrent_activation(x_f)
        c = f * c_prev + i * self.activation(x_c)
        o = self.recurrent_activation(x_o)
        h = o * self.activation(c)
        return h, [h, c]

    def call(self, inputs, states, training=None):
        """One time step: (output, new states) from a (batch, rows, cols, channels) step."""
        return self.step(self.project(inputs, training), states, training)

    def get_config(self):
        config = {'filters': self.filters, 'kernel_size': self.kernel_size,
                  'strides': self.strides, 'padding': self.padding,
                  'data_format': self.data_format, 'dilation_rate': self.dilation_rate,
                  'activation': activations.serialize(self.activation),
                  'recurrent_activation': activations.serialize(self.recurrent_activation),
                  'use_bias': self.use_bias}
        for kind, module in _SERIALIZED.items():
            for part in ('kernel', 'recurrent', 'bias'):
                name = '%s_%s' % (part, kind)
                config[name] = module.serialize(getattr(self, name))
        config.update(unit_forget_bias=self.unit_forget_bias, dropout=self.dropout,
                      recurrent_dropout=self.recurrent_dropout)
        return dict(super().get_config(), **config)
