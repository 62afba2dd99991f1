"""Backend depthwise and separable convolutions (Keras 2.2.4 signatures).

A depthwise convolution filters each input channel on its own with a kernel of shape
(rows, cols, in_channels, depth_multiplier): output channel c * depth_multiplier + m is
channel c filtered by kernel[:, :, c, m], as in TensorFlow. A separable convolution is a
depthwise convolution followed by a 1x1 convolution with the pointwise kernel
(1, 1, in_channels * depth_multiplier, filters).
"""
from compiler import builders as B
from compiler.ops.depthwise import DepthwiseConv2D

from .config import normalize_data_format
from .conv_ops import _check_padding, _from_nhwc, _to_nhwc


def _depthwise_nhwc(x, depthwise_kernel, strides, padding, dilation_rate):
    op = DepthwiseConv2D(strides=tuple(strides), padding=padding,
                         dilation=tuple(dilation_rate))
    return op(x, depthwise_kernel)


def _one(value, what, where):
    """An int from an int or a 1-tuple (Keras's 1-D strides and dilation)."""
    if isinstance(value, int):
        return value
    values = tuple(value)
    if len(values) != 1:
        raise ValueError(f"{where}: expected an int or a 1-tuple for {what}, received "
                         f"{value!r}")
    return int(values[0])


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding='valid', data_format=None,
                     dilation_rate=(1, 1)):
    """2-D depthwise convolution: each input channel filtered on its own.

    Args:
        x: 4-D input, (batch, rows, cols, channels) for channels_last.
        depthwise_kernel: (rows, cols, in_channels, depth_multiplier).
        strides: pair of ints.
        padding: 'valid' or 'same' ('same' pads as Keras on TensorFlow: the odd cell
            after).
        data_format: 'channels_last' or 'channels_first' (None: the default).
        dilation_rate: pair of ints.

    Returns:
        4-D tensor with in_channels * depth_multiplier channels, in the same data format.

    Raises:
        ValueError: unknown padding or data format, or a kernel that does not fit x.

    Example:
        >>> x = K.placeholder(shape=(None, 28, 28, 3))
        >>> K.int_shape(K.depthwise_conv2d(x, K.zeros((3, 3, 3, 2)), padding='same'))
        (None, 28, 28, 6)
    """
    data_format = normalize_data_format(data_format)
    _check_padding('depthwise_conv2d', padding)
    out = _depthwise_nhwc(_to_nhwc(x, data_format), depthwise_kernel, strides, padding,
                          dilation_rate)
    return _from_nhwc(out, data_format)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    """2-D separable convolution: a depthwise convolution, then a 1x1 convolution.

    Args:
        x: 4-D input, (batch, rows, cols, channels) for channels_last.
        depthwise_kernel: (rows, cols, in_channels, depth_multiplier).
        pointwise_kernel: (1, 1, in_channels * depth_multiplier, filters).
        strides: pair of ints (of the depthwise step).
        padding: 'valid' or 'same'.
        data_format: 'channels_last' or 'channels_first' (None: the default).
        dilation_rate: pair of ints (of the depthwise step).

    Returns:
        4-D tensor with `filters` channels, in the same data format.

    Raises:
        ValueError: unknown padding or data format, or kernels that do not fit.

    Example:
        >>> x = K.placeholder(shape=(None, 28, 28, 3))
        >>> y = K.separable_conv2d(x, K.zeros((3, 3, 3, 1)), K.zeros((1, 1, 3, 8)))
        >>> K.int_shape(y)
        (None, 26, 26, 8)
    """
    data_format = normalize_data_format(data_format)
    _check_padding('separable_conv2d', padding)
    depthwise = _depthwise_nhwc(_to_nhwc(x, data_format), depthwise_kernel, strides,
                                padding, dilation_rate)
    return _from_nhwc(B.conv2d(depthwise, pointwise_kernel), data_format)


def separable_conv1d(x, depthwise_kernel, pointwise_kernel, strides=1, padding='valid',
                     data_format=None, dilation_rate=1):
    """1-D separable convolution of (batch, steps, channels): depthwise, then pointwise.

    Runs as a 2-D separable convolution on (batch, steps, 1, channels).

    Args:
        x: 3-D input, (batch, steps, channels) for channels_last.
        depthwise_kernel: (width, in_channels, depth_multiplier).
        pointwise_kernel: (1, in_channels * depth_multiplier, filters).
        strides: int (or a 1-tuple).
        padding: 'valid' or 'same'.
        data_format: 'channels_last' or 'channels_first' (None: the default).
        dilation_rate: int (or a 1-tuple).

    Returns:
        3-D tensor with `filters` channels, in the same data format.

    Raises:
        ValueError: unknown padding or data format, or kernels that do not fit.

    Example:
        >>> x = K.placeholder(shape=(None, 20, 4))
        >>> y = K.separable_conv1d(x, K.zeros((3, 4, 2)), K.zeros((1, 8, 16)),
        ...                        padding='same')
        >>> K.int_shape(y)
        (None, 20, 16)
    """
    data_format = normalize_data_format(data_format)
    _check_padding('separable_conv1d', padding)
    if depthwise_kernel.ndim != 3 or pointwise_kernel.ndim != 3:
        raise ValueError(f"separable_conv1d: expected 3-D kernels (width, in_channels, "
                         f"depth_multiplier) and (1, in_channels * depth_multiplier, "
                         f"filters), received shapes {depthwise_kernel.shape} and "
                         f"{pointwise_kernel.shape}")
    stride = _one(strides, 'strides', 'separable_conv1d')
    dilation = _one(dilation_rate, 'dilation_rate', 'separable_conv1d')
    if data_format == 'channels_first':
        x = B.transpose(x, (0, 2, 1))
    depthwise_2d = B.reshape(depthwise_kernel, (depthwise_kernel.shape[0], 1)
                             + tuple(depthwise_kernel.shape[1:]))
    pointwise_2d = B.reshape(pointwise_kernel, (1,) + tuple(pointwise_kernel.shape))
    depthwise = _depthwise_nhwc(B.expand_dims(x, 2), depthwise_2d, (stride, 1), padding,
                                (dilation, 1))
    out = B.squeeze(B.conv2d(depthwise, pointwise_2d), 2)
    return B.transpose(out, (0, 2, 1)) if data_format == 'channels_first' else out


__all__ = ['depthwise_conv2d', 'separable_conv2d', 'separable_conv1d']
