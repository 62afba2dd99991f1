"""Convolution layers (Keras 2.2.4): Conv1D, Conv2D, Conv2DTranspose and their aliases
(Convolution1D, Convolution2D, Deconvolution2D, Deconv2D, Convolution2DTranspose)."""
from .. import backend as K
from .. import activations, initializers, regularizers, constraints
from ..engine.base_layer import Layer, InputSpec
from .utils import (layer_label, check_input_shape, normalize_tuple, normalize_padding,
                    argument_errors, output_spatial_shape, place_spatial, spatial_axes,
                    conv_output_length)
from ..legacy import legacy_support


def deconv_output_length(length, stride, kernel_size, padding, output_padding=None,
                         dilation=1):
    """Output length of a transposed convolution along one axis (Keras 2.2.4's rule)."""
    if length is None:
        return None
    kernel_size = kernel_size + (kernel_size - 1) * (dilation - 1)
    if output_padding is None:
        if padding == 'valid':
            return length * stride + max(kernel_size - stride, 0)
        return length * stride
    pad = kernel_size // 2 if padding == 'same' else 0
    return (length - 1) * stride + kernel_size - 2 * pad + output_padding


class _Conv(Layer):
    """Shared part of the convolutions: arguments, weights, bias, activation, config.

    Subclasses set `rank` and implement `_convolve`, `compute_output_shape` and
    `_channel_axis`.
    """

    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding='valid', data_format=None,
                 dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        label = layer_label(self)
        if not isinstance(filters, int) or filters <= 0:
            raise ValueError('%s: `filters` must be a positive integer, received %r'
                             % (label, filters))
        self.filters = filters
        self.kernel_size = normalize_tuple(label, kernel_size, self.rank, 'kernel_size', minimum=1)
        self.strides = normalize_tuple(label, strides, self.rank, 'strides', minimum=1)
        self.padding = self._normalize_padding(label, padding)
        with argument_errors(self):
            self.data_format = K.normalize_data_format(data_format)
            self.dilation_rate = normalize_tuple(label, dilation_rate, self.rank,
                                                 'dilation_rate', minimum=1)
            self.activation = activations.get(activation)
            self.use_bias = use_bias
            self.kernel_initializer = initializers.get(kernel_initializer)
            self.bias_initializer = initializers.get(bias_initializer)
            self.kernel_regularizer = regularizers.get(kernel_regularizer)
            self.bias_regularizer = regularizers.get(bias_regularizer)
            self.activity_regularizer = regularizers.get(activity_regularizer)
            self.kernel_constraint = constraints.get(kernel_constraint)
            self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    @staticmethod
    def _normalize_padding(label, padding):
        return normalize_padding(label, padding)

    def _channel_axis(self):
        return 1 if self.data_format == 'channels_first' else -1

    def _kernel_shape(self, input_dim):
        return self.kernel_size + (input_dim, self.filters)

    def build(self, input_shape):
        check_input_shape(self, input_shape, ndim=self.rank + 2)
        channel_axis = self._channel_axis() % (self.rank + 2)
        input_dim = input_shape[channel_axis]
        if input_dim is None:
            raise ValueError('%s: the channel dimension of the inputs must be defined, '
                             'received %s (data_format=%s)' % (layer_label(self),
                                                               tuple(input_shape),
                                                               self.data_format))
        self.kernel = self.add_weight(
            name='kernel', shape=self._kernel_shape(input_dim),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name='bias', shape=(self.filters,), initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={channel_axis: input_dim})
        self.built = True

    def call(self, inputs):
        self.compute_output_shape(K.int_shape(inputs))
        outputs = self._convolve(inputs)
        if self.use_bias:
            outputs = K.bias_add(outputs, self.bias, data_format=self.data_format)
        return self.activation(outputs)

    def _convolve(self, inputs):
        raise NotImplementedError

    def get_config(self):
        config = {
            'filters': self.filters,
            'kernel_size': self.kernel_size,
            'strides': self.strides,
            'padding': self.padding,
            'data_format': self.data_format,
            'dilation_rate': self.dilation_rate,
            'activation': activations.serialize(self.activation),
            'use_bias': self.use_bias,
            'kernel_initializer': initializers.serialize(self.kernel_initializer),
            'bias_initializer': initializers.serialize(self.bias_initializer),
            'kernel_regularizer': regularizers.serialize(self.kernel_regularizer),
            'bias_regularizer': regularizers.serialize(self.bias_regularizer),
            'activity_regularizer': regularizers.serialize(self.activity_regularizer),
            'kernel_constraint': constraints.serialize(self.kernel_constraint),
            'bias_constraint': constraints.serialize(self.bias_constraint),
        }
        return dict(super().get_config(), **config)


@legacy_support('conv1d')
class Conv1D(_Conv):
    """1-D (temporal) convolution: `activation(conv1d(inputs, kernel) + bias)`.

    Args:
        filters: number of output channels.
        kernel_size: int (or a 1-tuple), the window length.
        strides: int (default 1).
        padding: 'valid', 'same' or 'causal' (left padding only: output t never sees an
            input after t; for autoregressive models).
        data_format: 'channels_last' ((batch, steps, channels), the default) or
            'channels_first' ((batch, channels, steps)).
        dilation_rate: int.
        activation, use_bias, initializers, regularizers, constraints: as for Conv2D.

    The kernel has shape (kernel_size, in_channels, filters). Runs as a 2-D convolution
    on (batch, steps, 1, channels).

    Example:
        >>> y = Conv1D(16, 3, activation='relu')(Input(shape=(20, 8)))
        >>> K.int_shape(y)
        (None, 18, 16)
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding='valid',
                 data_format='channels_last', dilation_rate=1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)
        if self.padding == 'causal' and self.data_format != 'channels_last':
            raise ValueError("%s: 'causal' padding is only supported with "
                             "data_format='channels_last', received %r"
                             % (layer_label(self), self.data_format))

    @staticmethod
    def _normalize_padding(label, padding):
        if str(padding).lower() == 'causal':
            return 'causal'
        try:
            return normalize_padding(label, padding)
        except ValueError:
            raise ValueError('%s: unknown padding %r; valid choices: valid, same, causal'
                             % (label, padding)) from None

    def _convolve(self, inputs):
        return K.conv1d(inputs, self.kernel, strides=self.strides[0], padding=self.padding,
                        data_format=self.data_format, dilation_rate=self.dilation_rate[0])

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=3)
        steps_axis = 2 if self.data_format == 'channels_first' else 1
        padding = 'same' if self.padding == 'causal' else self.padding
        length = conv_output_length(input_shape[steps_axis], self.kernel_size[0], padding,
                                    self.strides[0], self.dilation_rate[0])
        if length is not None and length <= 0:
            raise ValueError("%s: the window %s (dilation %s) does not fit in an input of "
                             "shape %s with padding '%s'" % (
                                 layer_label(self), self.kernel_size, self.dilation_rate,
                                 tuple(input_shape), self.padding))
        if self.data_format == 'channels_first':
            return (input_shape[0], self.filters, length)
        return (input_shape[0], length, self.filters)


@legacy_support('conv2d')
class Conv2D(_Conv):
    """2-D convolution: `activation(conv2d(inputs, kernel) + bias)`.

    Args:
        filters: number of output channels.
        kernel_size: int or (rows, cols).
        strides: int or (rows, cols) (default (1, 1)).
        padding: 'valid' or 'same' (case-insensitive).
        data_format: 'channels_last' (NHWC, default) or 'channels_first' (NCHW).
        dilation_rate: int or (rows, cols).
        activation: name or function (default: linear).
        use_bias: whether to add a bias per filter.
        kernel_initializer: default glorot_uniform.
        bias_initializer: default zeros.
        kernel_regularizer: as for Dense (likewise bias_regularizer,
            activity_regularizer, kernel_constraint and bias_constraint).

    The kernel has shape (rows, cols, in_channels, filters).

    Example:
        >>> y = Conv2D(32, (3, 3), activation='relu')(Input(shape=(28, 28, 1)))
        >>> K.int_shape(y)
        (None, 26, 26, 32)
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid',
                 data_format=None, dilation_rate=(1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)

    def _convolve(self, inputs):
        return K.conv2d(inputs, self.kernel, strides=self.strides, padding=self.padding,
                        data_format=self.data_format, dilation_rate=self.dilation_rate)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=4)
        rows, cols = output_spatial_shape(layer_label(self), input_shape, self.data_format,
                                          self.kernel_size, self.padding, self.strides,
                                          self.dilation_rate)
        return place_spatial(input_shape, self.data_format, rows, cols, self.filters)


@legacy_support('conv2d_transpose')
class Conv2DTranspose(Conv2D):
    """Transposed 2-D convolution ("deconvolution"): the gradient of a Conv2D with respect
    to its input, used to upsample (decoders, GAN generators).

    Args:
        filters: number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate: as for Conv2D.
        output_padding: int or (rows, cols), each smaller than its stride: extra rows/cols
            at the bottom/right of the output (None: inferred as in Keras 2.2.4).
        activation, use_bias, initializers, regularizers, constraints: as for Conv2D.

    The kernel has shape (rows, cols, filters, in_channels). Output rows (valid padding,
    no output_padding): rows * stride + max(kernel - stride, 0); 'same': rows * stride.

    Example:
        >>> y = Conv2DTranspose(8, 3, strides=2, padding='same')(Input(shape=(7, 7, 16)))
        >>> K.int_shape(y)
        (None, 14, 14, 8)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid',
                 output_padding=None, data_format=None, dilation_rate=(1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)
        self.output_padding = output_padding
        if output_padding is not None:
            self.output_padding = normalize_tuple(layer_label(self), output_padding, 2,
                                                  'output_padding')
            if any(pad >= stride for pad, stride in zip(self.output_padding, self.strides)):
                raise ValueError('%s: each stride %s must be greater than its output '
                                 'padding %s' % (layer_label(self), self.strides,
                                                 self.output_padding))

    def _kernel_shape(self, input_dim):
        return self.kernel_size + (self.filters, input_dim)

    def _output_hw(self, input_shape):
        row_axis, col_axis, _ = spatial_axes(self.data_format)
        padding = self.output_padding or (None, None)
        return tuple(deconv_output_length(input_shape[axis], stride, size, self.padding,
                                          pad, dilation)
                     for axis, stride, size, pad, dilation in zip(
                         (row_axis, col_axis), self.strides, self.kernel_size, padding,
                         self.dilation_rate))

    def _convolve(self, inputs):
        shape = self.compute_output_shape(K.int_shape(inputs))
        if None in self._output_hw(K.int_shape(inputs)):
            raise ValueError('%s: needs inputs with static rows and cols, received %s'
                             % (layer_label(self), K.int_shape(inputs)))
        return K.conv2d_transpose(inputs, self.kernel, shape, strides=self.strides,
                                  padding=self.padding, data_format=self.data_format,
                                  dilation_rate=self.dilation_rate)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=4)
        rows, cols = self._output_hw(input_shape)
        return place_spatial(input_shape, self.data_format, rows, cols, self.filters)

    def get_config(self):
        return dict(super().get_config(), output_padding=self.output_padding)


# Keras's aliases.
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution2DTranspose = Deconvolution2D = Deconv2D = Conv2DTranspose
