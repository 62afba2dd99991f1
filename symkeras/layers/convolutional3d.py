"""3-D convolution layers (Keras 2.2.4): Conv3D, Conv3DTranspose and their aliases
(Convolution3D, Deconvolution3D, Deconv3D), plus the volume shape helpers the other 3-D
layers share.

They share the 2-D convolutions' argument handling, weights and config (`_Conv`); the
backend builds the 3-D operations from the 2-D ones."""
from .. import backend as K
from .convolutional import _Conv, deconv_output_length
from .utils import layer_label, check_input_shape, normalize_tuple, conv_output_length
from ..legacy import legacy_support


def volume_axes(data_format):
    """(depth axis, rows axis, cols axis, channel axis) of a 5-D tensor."""
    return (2, 3, 4, 1) if data_format == 'channels_first' else (1, 2, 3, 4)


def place_volume(input_shape, data_format, volume, channels):
    """A 5-D shape with batch from input_shape and the given (depth, rows, cols) and
    channels."""
    if data_format == 'channels_first':
        return (input_shape[0], channels) + tuple(volume)
    return (input_shape[0],) + tuple(volume) + (channels,)


def volume_output_shape(label, input_shape, data_format, sizes, padding, strides,
                        dilation=(1, 1, 1)):
    """(depth, rows, cols) of a 3-D conv/pool output, with a clear error when a window
    does not fit."""
    volume = (input_shape[axis] for axis in volume_axes(data_format)[:3])
    out = tuple(conv_output_length(n, k, padding, s, d)
                for n, k, s, d in zip(volume, sizes, strides, dilation))
    if any(o is not None and o <= 0 for o in out):
        raise ValueError("%s: the window %s (dilation %s) does not fit in an input of shape "
                         "%s with padding '%s'" % (label, tuple(sizes), tuple(dilation),
                                                   tuple(input_shape), padding))
    return out


def check_static_depth(layer, input_shape):
    """Raise ValueError naming `layer` when the depth of its input is unknown (the 3-D
    backend functions fold depth into the batch axis, so they need its size)."""
    if input_shape[volume_axes(layer.data_format)[0]] is None:
        raise ValueError('%s: needs inputs of static depth (the first spatial axis), '
                         'received %s (data_format=%s)' % (layer_label(layer),
                                                           tuple(input_shape),
                                                           layer.data_format))


@legacy_support('conv3d')
class Conv3D(_Conv):
    """3-D convolution over volumes: `activation(conv3d(inputs, kernel) + bias)`.

    Args:
        filters: number of output channels.
        kernel_size: int or (depth, rows, cols).
        strides: int or 3 ints (default (1, 1, 1)).
        padding: 'valid' or 'same' (case-insensitive).
        data_format: 'channels_last' ((batch, depth, rows, cols, channels), the default)
            or 'channels_first' ((batch, channels, depth, rows, cols)).
        dilation_rate: int or 3 ints.
        activation, use_bias, initializers, regularizers, constraints: as for Conv2D.

    The kernel has shape (depth, rows, cols, in_channels, filters); weights: kernel,
    then bias. The input depth must be static (rows and cols may be unknown).

    Example:
        >>> y = Conv3D(8, 3, activation='relu')(Input(shape=(10, 16, 16, 1)))
        >>> K.int_shape(y)
        (None, 8, 14, 14, 8)
    """

    rank = 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding='valid',
                 data_format=None, dilation_rate=(1, 1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)

    def _convolve(self, inputs):
        check_static_depth(self, K.int_shape(inputs))
        return K.conv3d(inputs, self.kernel, strides=self.strides, padding=self.padding,
                        data_format=self.data_format, dilation_rate=self.dilation_rate)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=5)
        volume = volume_output_shape(layer_label(self), input_shape, self.data_format,
                                     self.kernel_size, self.padding, self.strides,
                                     self.dilation_rate)
        return place_volume(input_shape, self.data_format, volume, self.filters)


class Conv3DTranspose(Conv3D):
    """Transposed 3-D convolution ("deconvolution"): the gradient of a Conv3D with respect
    to its input, used to upsample volumes.

    Args:
        filters: number of output channels.
        kernel_size, strides, padding, data_format: as for Conv3D.
        output_padding: int or 3 ints, each smaller than its stride: extra cells at the
            end of each output axis (None: inferred as in Keras 2.2.4).
        activation, use_bias, initializers, regularizers, constraints: as for Conv2D.

    As in Keras 2.2.4 there is no dilation. The kernel has shape (depth, rows, cols,
    filters, in_channels). Output depth (valid padding, no output_padding):
    depth * stride + max(kernel - stride, 0); 'same': depth * stride. The input depth,
    rows and cols must be static.

    Example:
        >>> y = Conv3DTranspose(4, 3, strides=2, padding='same')(Input(shape=(4, 4, 4, 8)))
        >>> K.int_shape(y)
        (None, 8, 8, 8, 4)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding='valid',
                 output_padding=None, data_format=None, **kwargs):
        dilation = kwargs.pop('dilation_rate', 1)
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, **kwargs)
        label = layer_label(self)
        if normalize_tuple(label, dilation, 3, 'dilation_rate') != (1, 1, 1):
            raise ValueError('%s: dilation is not supported (as in Keras 2.2.4), received '
                             'dilation_rate=%r' % (label, dilation))
        self.output_padding = output_padding
        if output_padding is not None:
            self.output_padding = normalize_tuple(label, output_padding, 3, 'output_padding',
                                                  minimum=0)
            if any(pad >= stride for pad, stride in zip(self.output_padding, self.strides)):
                raise ValueError('%s: each stride %s must be greater than its output '
                                 'padding %s' % (label, self.strides, self.output_padding))

    def _kernel_shape(self, input_dim):
        return self.kernel_size + (self.filters, input_dim)

    def _output_volume(self, input_shape):
        padding = self.output_padding or (None, None, None)
        return tuple(deconv_output_length(input_shape[axis], stride, size, self.padding, pad)
                     for axis, stride, size, pad in zip(
                         volume_axes(self.data_format)[:3], self.strides, self.kernel_size,
                         padding))

    def _convolve(self, inputs):
        shape = self.compute_output_shape(K.int_shape(inputs))
        if None in self._output_volume(K.int_shape(inputs)):
            raise ValueError('%s: needs inputs with static depth, rows and cols, received %s'
                             % (layer_label(self), K.int_shape(inputs)))
        return K.conv3d_transpose(inputs, self.kernel, shape, strides=self.strides,
                                  padding=self.padding, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=5)
        volume = self._output_volume(input_shape)
        return place_volume(input_shape, self.data_format, volume, self.filters)

    def get_config(self):
        config = dict(super().get_config(), output_padding=self.output_padding)
        del config['dilation_rate']
        return config


# Keras's aliases.
Convolution3D = Conv3D
Deconvolution3D = Deconv3D = Conv3DTranspose
