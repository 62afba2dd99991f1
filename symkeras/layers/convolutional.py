"""Convolution layers (Keras 2.2.4): Conv2D (alias Convolution2D)."""
from .. import backend as K
from .. import activations, initializers, regularizers, constraints
from ..engine.base_layer import Layer, InputSpec
from .utils import (layer_label, check_input_shape, normalize_tuple, normalize_padding,
                    output_spatial_shape, place_spatial, spatial_axes)


class Conv2D(Layer):
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
        kernel_initializer, bias_initializer: default glorot_uniform, zeros.
        kernel_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
        bias_constraint: as for Dense.

    The kernel has shape (rows, cols, in_channels, filters).

    Example:
        >>> y = Conv2D(32, (3, 3), activation='relu')(Input(shape=(28, 28, 1)))
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid',
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        label = layer_label(self)
        if not isinstance(filters, int) or filters <= 0:
            raise ValueError('%s: `filters` must be a positive integer, received %r'
                             % (label, filters))
        self.rank = 2
        self.filters = filters
        self.kernel_size = normalize_tuple(label, kernel_size, 2, 'kernel_size')
        self.strides = normalize_tuple(label, strides, 2, 'strides')
        self.padding = normalize_padding(label, padding)
        self.data_format = K.normalize_data_format(data_format)
        self.dilation_rate = normalize_tuple(label, dilation_rate, 2, 'dilation_rate')
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=4)

    def build(self, input_shape):
        check_input_shape(self, input_shape, ndim=4)
        channel_axis = spatial_axes(self.data_format)[2]
        input_dim = input_shape[channel_axis]
        if input_dim is None:
            raise ValueError('%s: the channel dimension of the inputs must be defined, '
                             'received %s (data_format=%s)' % (layer_label(self),
                                                               tuple(input_shape),
                                                               self.data_format))
        self.kernel = self.add_weight(
            name='kernel', shape=self.kernel_size + (input_dim, self.filters),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name='bias', shape=(self.filters,), initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.input_spec = InputSpec(ndim=4, axes={channel_axis: input_dim})
        self.built = True

    def call(self, inputs):
        self.compute_output_shape(K.int_shape(inputs))
        outputs = K.conv2d(inputs, self.kernel, strides=self.strides, padding=self.padding,
                           data_format=self.data_format, dilation_rate=self.dilation_rate)
        if self.use_bias:
            outputs = K.bias_add(outputs, self.bias, data_format=self.data_format)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=4)
        rows, cols = output_spatial_shape(layer_label(self), input_shape, self.data_format,
                                          self.kernel_size, self.padding, self.strides,
                                          self.dilation_rate)
        return place_spatial(input_shape, self.data_format, rows, cols, self.filters)

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


# Keras's alias.
Convolution2D = Conv2D
