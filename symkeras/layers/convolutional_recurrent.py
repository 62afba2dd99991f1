"""Convolutional-recurrent layers (Keras 2.2.4): ConvRNN2D and ConvLSTM2D (its cell,
ConvLSTM2DCell, is in convolutional_recurrent_cells.py).

An LSTM whose input and recurrent transformations are 2-D convolutions (Shi et al.,
2015), on the RNN layer's machinery (recurrent.py: the graph unrolled over the time
steps, static or known per call; stateful states, masks, initial_state). Its states are
images, of the size of the input convolution's output (the recurrent convolution is
'same' with stride 1).
"""
import inspect

import numpy as np

from .. import backend as K
from .. import regularizers
from ..engine.base_layer import Layer
from ..legacy import legacy_support
from .convolutional_recurrent_cells import ConvLSTM2DCell
from .recurrent import RNN, _RNN_ARGS, _LAYER_ARGS
from .utils import (layer_label, check_input_shape, argument_errors, output_spatial_shape,
                    place_spatial)

_NO_BATCH_SIZE = (
    '%s: a stateful convolutional RNN needs to know its batch size, received input shape '
    '%s. Pass `batch_input_shape=(batch_size, timesteps, rows, cols, channels)` (channels '
    'first: (batch_size, timesteps, channels, rows, cols)) to the first layer of a '
    'Sequential model, or `batch_shape=` to your Input layer.')


class ConvRNN2D(RNN):
    """Run a convolutional cell over the time steps of sequences of images.

    Args:
        cell: a cell whose states are images, with `filters`, `kernel_size`, `strides`,
            `padding`, `dilation_rate` and `data_format` (the input convolution's; they
            give the states' rows and cols) and `state_size` (the states' channels), such
            as ConvLSTM2DCell. One cell: convolutional cells cannot be stacked.
        return_sequences, return_state, go_backwards, stateful: as for RNN.
        unroll: must be False (as in Keras 2.2.4; the graph is always unrolled).

    Inputs: (batch, timesteps, rows, cols, channels) (channels_first: (batch, timesteps,
    channels, rows, cols)), rows and cols static (timesteps may be None). Output: (batch, rows', cols',
    filters), (batch, timesteps, rows', cols', filters) with return_sequences; return_state
    adds the final states, each (batch, rows', cols', filters). A (batch, timesteps) input
    mask holds outputs and states on masked steps (a mask with more axes, from Masking,
    keeps a step where any of its entries is kept).

    Example:
        >>> y = ConvRNN2D(ConvLSTM2DCell(4, 3), return_sequences=True)(
        ...     Input(shape=(5, 8, 8, 1)))
        >>> K.int_shape(y)
        (None, 5, 6, 6, 4)
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, **kwargs):
        if unroll:
            raise TypeError("%s: unroll=True is not supported by convolutional RNNs (as in "
                            "Keras 2.2.4); the graph is unrolled anyway" % type(self).__name__)
        if isinstance(cell, (list, tuple)):
            raise TypeError('%s: convolutional cells cannot be stacked; received a list of '
                            '%d cells' % (type(self).__name__, len(cell)))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, **kwargs)

    # ------------------------------------------------------------------ shapes
    def _space_axes(self):
        """The rows and cols axes of a 5-D input."""
        return (3, 4) if self.cell.data_format == 'channels_first' else (2, 3)

    def _check_sequence_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=5)
        sizes = [input_shape[axis] for axis in self._space_axes()]
        if None in sizes:
            raise ValueError(
                '%s: the number of rows and cols must be known, received input shape %s '
                '(data_format=%s); the states are images of a static size, so give the '
                'first layer input_shape=(timesteps, rows, cols, channels) (channels '
                'first: (timesteps, channels, rows, cols)); timesteps may be None'
                % (layer_label(self), tuple(input_shape), self.cell.data_format))

    def _state_shapes(self, input_shape):
        """The shapes of the states, (batch, rows', cols', size) for channels_last: rows'
        and cols' are those of the input convolution's output."""
        cell = self.cell
        step_shape = (input_shape[0],) + tuple(input_shape[2:])
        rows, cols = output_spatial_shape(layer_label(self), step_shape, cell.data_format,
                                          cell.kernel_size, cell.padding, cell.strides,
                                          cell.dilation_rate)
        return [place_spatial(step_shape, cell.data_format, rows, cols, size)
                for size in self._state_sizes()]

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        check_input_shape(self, input_shape, ndim=5)
        state_shapes = self._state_shapes(input_shape)
        output_shape = state_shapes[0]
        if self.return_sequences:
            output_shape = output_shape[:1] + (input_shape[1],) + output_shape[1:]
        if self.return_state:
            return [output_shape] + state_shapes
        return output_shape

    def _time_mask(self, mask):
        """A (batch, timesteps) mask: a step is kept where any entry of it is kept."""
        if isinstance(mask, list):
            mask = mask[0]
        if mask is None or K.ndim(mask) <= 2:
            return mask
        return K.any(mask, axis=list(range(2, K.ndim(mask))))

    def compute_mask(self, inputs, mask=None):
        return super().compute_mask(inputs, self._time_mask(mask))

    # ------------------------------------------------------------------ states
    def _make_states(self, input_shape):
        """Zero variables holding the states of a stateful layer."""
        if input_shape[0] is None:
            raise ValueError(_NO_BATCH_SIZE % (layer_label(self), tuple(input_shape)))
        return [K.zeros(shape, name='%s/state_%d' % (self.name, index))
                for index, shape in enumerate(self._state_shapes(input_shape))]

    def build(self, input_shape):
        shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        self._check_sequence_shape(shape)
        if self.stateful and self._states is None:
            self._states = self._make_states(shape)
        super().build(input_shape)

    def _zero_states(self, inputs):
        """Zero states, their batch size taken from the inputs."""
        batch_column = K.zeros_like(inputs[:, 0, 0:1, 0:1, 0:1])   # (batch, 1, 1, 1)
        return [batch_column + np.zeros((1,) + shape[1:], K.dtype(inputs))
                for shape in self._state_shapes(K.int_shape(inputs))]

    def _initial_states(self, inputs, initial_state):
        if initial_state:
            expected = self._state_shapes(K.int_shape(inputs))
            received = [K.int_shape(state) for state in initial_state]
            if any(len(got) != 4 or got[1:] != want[1:]
                   for got, want in zip(received, expected)):
                raise ValueError('%s: expected initial states of shapes %s, received %s'
                                 % (layer_label(self), expected, received))
        elif self.stateful and self._states is None:   # `call` run without `build`
            self._states = self._make_states(K.int_shape(inputs))
        return super()._initial_states(inputs, initial_state)

    def call(self, inputs, mask=None, training=None, initial_state=None):
        return super().call(inputs, mask=self._time_mask(mask), training=training,
                            initial_state=initial_state)


_CELL_ATTRIBUTES = (
    'filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate',
    'activation', 'recurrent_activation', 'use_bias', 'kernel_initializer',
    'recurrent_initializer', 'bias_initializer', 'unit_forget_bias', 'kernel_regularizer',
    'recurrent_regularizer', 'bias_regularizer', 'kernel_constraint', 'recurrent_constraint',
    'bias_constraint', 'dropout', 'recurrent_dropout', 'kernel', 'recurrent_kernel', 'bias')


def _check_keywords(layer, kwargs):
    """Raise TypeError on a keyword argument ConvLSTM2D does not take."""
    cell_args = list(inspect.signature(ConvLSTM2DCell.__init__).parameters)[3:-1]
    valid = cell_args + ['activity_regularizer'] + list(_RNN_ARGS) + list(_LAYER_ARGS)
    unknown = sorted(set(kwargs) - set(valid))
    if unknown:
        raise TypeError('%s: keyword argument(s) not understood: %s (valid: %s)'
                        % (type(layer).__name__, ', '.join(unknown), ', '.join(valid)))


@legacy_support('conv_lstm2d')
class ConvLSTM2D(ConvRNN2D):
    """Convolutional LSTM (Shi et al., 2015): an LSTM whose input and recurrent
    transformations are convolutions (see ConvLSTM2DCell for the equations).

    Args:
        filters, kernel_size, strides, padding ('valid'), data_format, dilation_rate,
        activation ('tanh'), recurrent_activation ('hard_sigmoid'), use_bias,
        initializers, unit_forget_bias (True), regularizers, constraints, dropout,
        recurrent_dropout: as for ConvLSTM2DCell (its weights are the layer's).
        activity_regularizer: as for Conv2D.
        return_sequences, return_state, go_backwards, stateful: as for RNN.

    Only `filters` and `kernel_size` may be positional (as in Keras 2.2.4). Inputs and
    outputs: as for ConvRNN2D; return_state gives [output, h, c].

    Example:
        >>> model = Sequential([ConvLSTM2D(8, (3, 3), padding='same',
        ...                                input_shape=(10, 16, 16, 1))])
        >>> model.output_shape
        (None, 16, 16, 8)
    """

    def __init__(self, filters, kernel_size, **kwargs):
        _check_keywords(self, kwargs)
        rnn_kwargs = {name: kwargs.pop(name) for name in _RNN_ARGS if name in kwargs}
        layer_kwargs = {name: kwargs.pop(name) for name in _LAYER_ARGS if name in kwargs}
        activity_regularizer = kwargs.pop('activity_regularizer', None)
        try:
            cell = ConvLSTM2DCell(filters, kernel_size, name='cell', **kwargs)
        except ValueError as error:   # the cell's, said of the layer the user made
            raise ValueError(str(error).replace("ConvLSTM2DCell 'cell'", 'ConvLSTM2D')) from None
        super().__init__(cell, **rnn_kwargs, **layer_kwargs)
        cell.name = self.name   # weights named as in Keras: 'conv_lst_m2d_1/kernel'
        with argument_errors(self):
            self.activity_regularizer = regularizers.get(activity_regularizer)

    def __getattr__(self, name):
        # the cell's arguments and weights, as properties of the layer (`layer.filters`)
        cell = self.__dict__.get('cell')
        if cell is not None and name in _CELL_ATTRIBUTES:
            return getattr(cell, name)
        raise AttributeError('%r object has no attribute %r' % (type(self).__name__, name))

    def get_config(self):
        cell_config = self.cell.get_config()
        for name in ('name', 'trainable', 'batch_input_shape', 'dtype'):
            cell_config.pop(name, None)
        config = dict(Layer.get_config(self), **cell_config)
        config['activity_regularizer'] = regularizers.serialize(self.activity_regularizer)
        return dict(config, **self._rnn_config())
