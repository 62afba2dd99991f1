"""Convolution layers (Keras 2.2.4): Conv2D (alias Convolution2D), and the argument helpers
shared with the pooling layers."""
from .. import backend as K
from .. import activations, initializers, regularizers, constraints
from ..engine.base_layer import Layer, InputSpec
from .core import layer_label, check_input_shape

PADDINGS = ('valid', 'same')


def normalize_tuple(label, value, n, name):
    """`value` (an int or n ints) as a tuple of n ints.

    Raises:
        ValueError: naming the layer and the argument.
    """
    if isinstance(value, int):
        return (value,) * n
    try:
        values = tuple(value)
    except TypeError:
        values = None
    if values is None or len(values) != n or not all(isinstance(v, int) for v in values):
        raise ValueError('%s: the `%s` argument must be an integer or a tuple of %d integers, '
                         'received %r' % (label, name, n, value))
    return values


def normalize_padding(label, value):
    """'valid' or 'same' (case-insensitive, as in Keras).

    Raises:
        ValueError: listing the valid choices.
    """
    padding = str(value).lower()
    if padding not in PADDINGS:
        raise ValueError('%s: unknown padding %r; valid choices: %s'
                         % (label, value, ', '.join(PADDINGS)))
    return padding


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
    """Output length of a convolution or pooling along one axis (None stays None)."""
    if input_length is None:
        return None
    dilated = filter_size + (filter_size - 1) * (dilation - 1)
    if padding == 'same':
        length = input_length
    else:
        length = input_length - dilated + 1
    return (length + stride - 1) // stride


def spatial_axes(data_format):
    """(rows axis, cols axis, channel axis) of a 4-D tensor."""
    return (2, 3, 1) if data_format == 'channels_first' else (1, 2, 3)


def output_spatial_shape(label, input_shape, data_format, sizes, padding, strides,
                         dilation=(1, 1)):
    """(rows, cols) of a conv/pool output, with a clear error when a window does not fit."""
    row_axis, col_axis, _ = spatial_axes(data_format)
    spatial = (input_shape[row_axis], input_shape[col_axis])
    out = tuple(conv_output_length(n, k, padding, s, d)
                for n, k, s, d in zip(spatial, sizes, strides, dilation))
    if any(o is not None and o <= 0 for o in out):
        raise ValueError('%s: the window %s (dilation %s) does not fit in an input of shape %s '
                         "with padding '%s'" % (label, tuple(sizes), tuple(dilation),
                                                tuple(input_shape), padding))
    return out


def place_spatial(input_shape, data_format, rows, cols, channels):
    """A 4-D shape with batch from input_shape and the given rows, cols, channels."""
    if data_format == 'channels_first':
        return (input_shape[0], channels, rows, cols)
    return (input_shape[0], rows, cols, channels)


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
