"""Depthwise and separable convolution layers (Keras 2.2.4): DepthwiseConv2D,
SeparableConv2D and SeparableConv1D (aliases SeparableConvolution2D, SeparableConvolution1D).

A depthwise convolution filters each input channel on its own, `depth_multiplier` times;
a separable convolution follows it with a 1x1 convolution mixing the channels.
"""
from .. import backend as K
from .. import activations, initializers, regularizers, constraints
from ..engine.base_layer import Layer, InputSpec
from .utils import (layer_label, check_input_shape, normalize_tuple, normalize_padding,
                    argument_errors, output_spatial_shape, place_spatial, conv_output_length)
from ..legacy import legacy_support


class _DepthwiseBase(Layer):
    """Shared part: the depthwise kernel, bias, activation, output shape and config.

    Subclasses set `rank` and implement `_convolve`; separable ones add a pointwise kernel
    (`_build_pointwise`) and their own output channels (`_output_channels`).
    """

    rank = None

    def __init__(self, kernel_size, strides, padding, data_format, dilation_rate,
                 depth_multiplier, activation, use_bias, depthwise_initializer,
                 bias_initializer, depthwise_regularizer, bias_regularizer,
                 activity_regularizer, depthwise_constraint, bias_constraint, **kwargs):
        super().__init__(**kwargs)
        label = layer_label(self)
        self.kernel_size = normalize_tuple(label, kernel_size, self.rank, 'kernel_size',
                                           minimum=1)
        self.strides = normalize_tuple(label, strides, self.rank, 'strides', minimum=1)
        self.padding = normalize_padding(label, padding)
        self.dilation_rate = normalize_tuple(label, dilation_rate, self.rank, 'dilation_rate',
                                             minimum=1)
        if isinstance(depth_multiplier, bool) or not isinstance(depth_multiplier, int) \
                or depth_multiplier <= 0:
            raise ValueError('%s: `depth_multiplier` must be a positive integer, received %r'
                             % (label, depth_multiplier))
        self.depth_multiplier = depth_multiplier
        with argument_errors(self):
            self.data_format = K.normalize_data_format(data_format)
            self.activation = activations.get(activation)
            self.use_bias = use_bias
            self.depthwise_initializer = initializers.get(depthwise_initializer)
            self.bias_initializer = initializers.get(bias_initializer)
            self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
            self.bias_regularizer = regularizers.get(bias_regularizer)
            self.activity_regularizer = regularizers.get(activity_regularizer)
            self.depthwise_constraint = constraints.get(depthwise_constraint)
            self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _channel_axis(self):
        return 1 if self.data_format == 'channels_first' else self.rank + 1

    def _output_channels(self, input_dim):
        return None if input_dim is None else input_dim * self.depth_multiplier

    def _build_pointwise(self, input_dim):
        """Create the weights between the depthwise kernel and the bias (none here)."""

    def build(self, input_shape):
        check_input_shape(self, input_shape, ndim=self.rank + 2)
        axis = self._channel_axis()
        input_dim = input_shape[axis]
        if input_dim is None:
            raise ValueError('%s: the channel dimension of the inputs must be defined, '
                             'received %s (data_format=%s)'
                             % (layer_label(self), tuple(input_shape), self.data_format))
        self.depthwise_kernel = self.add_weight(
            name='depthwise_kernel',
            shape=self.kernel_size + (input_dim, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self._build_pointwise(input_dim)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name='bias', shape=(self._output_channels(input_dim),),
                initializer=self.bias_initializer, regularizer=self.bias_regularizer,
                constraint=self.bias_constraint)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: input_dim})
        self.built = True

    def call(self, inputs):
        self.compute_output_shape(K.int_shape(inputs))
        outputs = self._convolve(inputs)
        if self.use_bias:
            outputs = K.bias_add(outputs, self.bias, data_format=self.data_format)
        return self.activation(outputs)

    def _convolve(self, inputs):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=self.rank + 2)
        channels = self._output_channels(input_shape[self._channel_axis()])
        if self.rank == 2:
            rows, cols = output_spatial_shape(
                layer_label(self), input_shape, self.data_format, self.kernel_size,
                self.padding, self.strides, self.dilation_rate)
            return place_spatial(input_shape, self.data_format, rows, cols, channels)
        steps_axis = 2 if self.data_format == 'channels_first' else 1
        steps = conv_output_length(input_shape[steps_axis], self.kernel_size[0],
                                   self.padding, self.strides[0], self.dilation_rate[0])
        if steps is not None and steps <= 0:
            raise ValueError("%s: the window %s (dilation %s) does not fit in an input of "
                             "shape %s with padding '%s'" % (
                                 layer_label(self), self.kernel_size, self.dilation_rate,
                                 tuple(input_shape), self.padding))
        if self.data_format == 'channels_first':
            return (input_shape[0], channels, steps)
        return (input_shape[0], steps, channels)

    def get_config(self):
        config = {
            'kernel_size': self.kernel_size,
            'strides': self.strides,
            'padding': self.padding,
            'data_format': self.data_format,
            'dilation_rate': self.dilation_rate,
            'depth_multiplier': self.depth_multiplier,
            'activation': activations.serialize(self.activation),
            'use_bias': self.use_bias,
            'depthwise_initializer': initializers.serialize(self.depthwise_initializer),
            'bias_initializer': initializers.serialize(self.bias_initializer),
            'depthwise_regularizer': regularizers.serialize(self.depthwise_regularizer),
            'bias_regularizer': regularizers.serialize(self.bias_regularizer),
            'activity_regularizer': regularizers.serialize(self.activity_regularizer),
            'depthwise_constraint': constraints.serialize(self.depthwise_constraint),
            'bias_constraint': constraints.serialize(self.bias_constraint),
        }
        return dict(super().get_config(), **config)


class DepthwiseConv2D(_DepthwiseBase):
    """Depthwise 2-D convolution: each input channel filtered on its own,
    `activation(depthwise_conv2d(inputs, depthwise_kernel) + bias)`.

    Args:
        kernel_size: int or (rows, cols).
        strides: int or (rows, cols) (default (1, 1)).
        padding: 'valid' or 'same' (case-insensitive).
        depth_multiplier: output channels per input channel (default 1): the output has
            in_channels * depth_multiplier channels, channel c * depth_multiplier + m
            being input channel c filtered by depthwise_kernel[:, :, c, m].
        data_format: 'channels_last' (NHWC, default) or 'channels_first' (NCHW).
        activation: name or function (default: linear).
        use_bias: whether to add a bias per output channel.
        depthwise_initializer: default glorot_uniform.
        bias_initializer: default zeros.
        depthwise_regularizer, bias_regularizer, activity_regularizer: optional.
        depthwise_constraint, bias_constraint: optional.
        dilation_rate: int or (rows, cols) (default (1, 1); a keyword argument, as Keras
            2.2.4 passes it on to Conv2D).

    Its weights are depthwise_kernel (rows, cols, in_channels, depth_multiplier), then bias
    (in_channels * depth_multiplier,).

    Example:
        >>> y = DepthwiseConv2D(3, depth_multiplier=2)(Input(shape=(28, 28, 3)))
        >>> K.int_shape(y)
        (None, 26, 26, 6)
    """

    rank = 2

    def __init__(self, kernel_size, strides=(1, 1), padding='valid', depth_multiplier=1,
                 data_format=None, activation=None, use_bias=True,
                 depthwise_initializer='glorot_uniform', bias_initializer='zeros',
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, dilation_rate=(1, 1),
                 **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)

    def _convolve(self, inputs):
        return K.depthwise_conv2d(inputs, self.depthwise_kernel, strides=self.strides,
                                  padding=self.padding, data_format=self.data_format,
                                  dilation_rate=self.dilation_rate)


class _SeparableConv(_DepthwiseBase):
    """A depthwise convolution followed by a pointwise (1x1) one mixing the channels."""

    def __init__(self, filters, kernel_size, strides, padding, data_format, dilation_rate,
                 depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer='glorot_uniform',
                 pointwise_initializer='glorot_uniform', bias_initializer='zeros',
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError('%s: `filters` must be a positive integer, received %r'
                             % (layer_label(self), filters))
        self.filters = filters
        with argument_errors(self):
            self.pointwise_initializer = initializers.get(pointwise_initializer)
            self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
            self.pointwise_constraint = constraints.get(pointwise_constraint)

    def _output_channels(self, input_dim):
        return self.filters

    def _build_pointwise(self, input_dim):
        self.pointwise_kernel = self.add_weight(
            name='pointwise_kernel',
            shape=(1,) * self.rank + (input_dim * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)

    def get_config(self):
        config = {
            'filters': self.filters,
            'pointwise_initializer': initializers.serialize(self.pointwise_initializer),
            'pointwise_regularizer': regularizers.serialize(self.pointwise_regularizer),
            'pointwise_constraint': constraints.serialize(self.pointwise_constraint),
        }
        return dict(super().get_config(), **config)


@legacy_support('separable_conv2d')
class SeparableConv2D(_SeparableConv):
    """Depthwise separable 2-D convolution: a depthwise convolution (each input channel
    filtered on its own, `depth_multiplier` times), then a 1x1 convolution mixing the
    channels into `filters` outputs, plus bias and activation.

    Args:
        filters: number of output channels.
        kernel_size: int or (rows, cols) of the depthwise step.
        strides: int or (rows, cols) (default (1, 1)).
        padding: 'valid' or 'same' (case-insensitive).
        data_format: 'channels_last' (NHWC, default) or 'channels_first' (NCHW).
        dilation_rate: int or (rows, cols).
        depth_multiplier: depthwise output channels per input channel (default 1).
        activation: name or function (default: linear).
        use_bias: whether to add a bias per filter.
        depthwise_initializer, pointwise_initializer: default glorot_uniform.
        bias_initializer: default zeros.
        depthwise_regularizer, pointwise_regularizer: optional.
        bias_regularizer, activity_regularizer: optional.
        depthwise_constraint, pointwise_constraint, bias_constraint: optional.

    Its weights are depthwise_kernel (rows, cols, in_channels, depth_multiplier),
    pointwise_kernel (1, 1, in_channels * depth_multiplier, filters), then bias (filters,).

    Example:
        >>> y = SeparableConv2D(16, 3, padding='same')(Input(shape=(28, 28, 3)))
        >>> K.int_shape(y)
        (None, 28, 28, 16)
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid',
                 data_format=None, dilation_rate=(1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         **kwargs)

    def _convolve(self, inputs):
        return K.separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                  strides=self.strides, padding=self.padding,
                                  data_format=self.data_format,
                                  dilation_rate=self.dilation_rate)


class SeparableConv1D(_SeparableConv):
    """Depthwise separable 1-D convolution of (batch, steps, channels): a depthwise
    convolution along the steps, then a pointwise one mixing the channels.

    Args:
        filters: number of output channels.
        kernel_size: int (or a 1-tuple), the window length.
        strides: int (default 1).
        padding: 'valid' or 'same' (case-insensitive).
        data_format: 'channels_last' ((batch, steps, channels), the default) or
            'channels_first' ((batch, channels, steps)).
        dilation_rate: int.
        depth_multiplier, activation, use_bias, initializers, regularizers, constraints:
            as for SeparableConv2D.

    Its weights are depthwise_kernel (width, in_channels, depth_multiplier), pointwise_kernel
    (1, in_channels * depth_multiplier, filters), then bias (filters,). Runs as a 2-D
    separable convolution on (batch, steps, 1, channels).

    Example:
        >>> y = SeparableConv1D(8, 3, padding='same')(Input(shape=(20, 4)))
        >>> K.int_shape(y)
        (None, 20, 8)
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding='valid',
                 data_format='channels_last', dilation_rate=1, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         **kwargs)

    def _convolve(self, inputs):
        return K.separable_conv1d(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                  strides=self.strides[0], padding=self.padding,
                                  data_format=self.data_format,
                                  dilation_rate=self.dilation_rate[0])


# Keras's aliases.
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
