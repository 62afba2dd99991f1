"""Backend convolution, pooling, padding, cropping and resizing of images and sequences."""
import numpy as np

from compiler import builders as B
from compiler.ops.movement import Pad, Crop
from compiler.ops.nn import Conv2DGradInput

from .config import normalize_data_format

POOL_MODES = ('max', 'avg')
PADDINGS = ('valid', 'same')


def bias_add(x, bias, data_format=None):
    """`x` plus `bias` along the channel axis.

    Args:
        x: tensor.
        bias: 1-D tensor of the channel size.
        data_format: 'channels_last' or 'channels_first' (None: the default).

    Returns:
        Tensor of x's shape.
    """
    data_format = normalize_data_format(data_format)
    if data_format == 'channels_first' and x.ndim > 2:
        shape = (1, bias.shape[0]) + (1,) * (x.ndim - 2)
        return x + B.reshape(bias, shape)
    return x + bias


def _to_nhwc(x, data_format):
    return B.transpose(x, (0, 2, 3, 1)) if data_format == 'channels_first' else x


def _from_nhwc(x, data_format):
    return B.transpose(x, (0, 3, 1, 2)) if data_format == 'channels_first' else x


def _check_padding(where, padding):
    if padding not in PADDINGS:
        raise ValueError(f"{where}: unknown padding {padding!r}; expected one of {PADDINGS}")


def conv2d(x, kernel, strides=(1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1)):
    """2-D convolution; kernel of shape (rows, cols, in_channels, filters).

    Args:
        x: 4-D input, (batch, rows, cols, channels) for channels_last.
        kernel: (rows, cols, in_channels, filters).
        strides: pair of ints.
        padding: 'valid' or 'same' ('same' pads as Keras on TensorFlow).
        data_format: 'channels_last' or 'channels_first' (None: the default).
        dilation_rate: pair of ints.

    Returns:
        4-D tensor in the same data format.

    Raises:
        ValueError: unknown padding or data format.

    Example:
        >>> x = K.placeholder(shape=(None, 28, 28, 1))
        >>> K.int_shape(K.conv2d(x, K.zeros((3, 3, 1, 8)), padding='same'))
        (None, 28, 28, 8)
    """
    data_format = normalize_data_format(data_format)
    _check_padding('conv2d', padding)
    out = B.conv2d(_to_nhwc(x, data_format), kernel, tuple(strides), padding,
                   tuple(dilation_rate))
    return _from_nhwc(out, data_format)


def pool2d(x, pool_size, strides=(1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    """2-D pooling ('max' or 'avg').

    Args:
        x: 4-D input.
        pool_size: pair of ints.
        strides: pair of ints.
        padding: 'valid' or 'same'.
        data_format: 'channels_last' or 'channels_first' (None: the default).
        pool_mode: 'max' or 'avg'.

    Returns:
        4-D tensor in the same data format.

    Raises:
        ValueError: unknown padding, data format or pool mode.

    Example:
        >>> x = K.placeholder(shape=(None, 28, 28, 8))
        >>> K.int_shape(K.pool2d(x, (2, 2), strides=(2, 2)))
        (None, 14, 14, 8)
    """
    data_format = normalize_data_format(data_format)
    _check_padding('pool2d', padding)
    if pool_mode not in POOL_MODES:
        raise ValueError(f"pool2d: invalid pool_mode {pool_mode!r}; expected one of "
                         f"{POOL_MODES}")
    x = _to_nhwc(x, data_format)
    if pool_mode == 'max':
        out = B.maxpool2d(x, tuple(pool_size), tuple(strides), padding)
    else:
        out = B.avgpool2d(x, tuple(pool_size), tuple(strides), padding)
    return _from_nhwc(out, data_format)


def conv1d(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    """1-D convolution of (batch, steps, channels) with a (width, in, filters) kernel.

    Runs as a 2-D convolution on (batch, steps, 1, channels). 'causal' padding pads
    dilation_rate * (width - 1) zeros on the left, so no output sees a later step.

    Args:
        x: 3-D input, (batch, steps, channels) for channels_last.
        kernel: (width, in_channels, filters).
        strides: int.
        padding: 'valid', 'same' or 'causal'.
        data_format: 'channels_last' or 'channels_first' (None: the default).
        dilation_rate: int.

    Returns:
        3-D tensor.
    """
    data_format = normalize_data_format(data_format)
    if padding not in PADDINGS + ('causal',):
        raise ValueError(f"conv1d: unknown padding {padding!r}; expected one of "
                         f"{PADDINGS + ('causal',)}")
    if data_format == 'channels_first':
        x = B.transpose(x, (0, 2, 1))
    if padding == 'causal':
        x = temporal_padding(x, (dilation_rate * (kernel.shape[0] - 1), 0))
        padding = 'valid'
    kernel_2d = B.reshape(kernel, (kernel.shape[0], 1) + tuple(kernel.shape[1:]))
    out = B.conv2d(B.expand_dims(x, 2), kernel_2d, (strides, 1), padding,
                   (dilation_rate, 1))
    out = B.squeeze(out, 2)
    return B.transpose(out, (0, 2, 1)) if data_format == 'channels_first' else out


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    """Transposed 2-D convolution (the gradient of conv2d with respect to its input).

    Args:
        x: (batch, rows, cols, in_channels) (channels_last).
        kernel: (rows, cols, out_channels, in_channels).
        output_shape: the output shape, batch first (its batch entry may be None), in
            the order of data_format.

    Returns:
        4-D tensor of `output_shape` (batch dimension as given by x).

    Raises:
        ValueError: `output_shape` does not fit the input, kernel, strides and padding.
    """
    data_format = normalize_data_format(data_format)
    _check_padding('conv2d_transpose', padding)
    shape = tuple(output_shape)
    out_hw = shape[2:4] if data_format == 'channels_first' else shape[1:3]
    x = _to_nhwc(x, data_format)
    expected = [None if n is None else -(-n // s) if padding == 'same'
                else (n - (k - 1) * d - 1) // s + 1
                for n, k, s, d in zip(out_hw, kernel.shape[:2], strides, dilation_rate)]
    if None in out_hw or any(e is not None and n is not None and e != n
                             for e, n in zip(expected, x.shape[1:3])):
        raise ValueError(f"conv2d_transpose: output_shape {shape} does not match an input "
                         f"of shape {x.shape} with kernel {kernel.shape}, strides "
                         f"{tuple(strides)} and padding {padding!r}")
    op = Conv2DGradInput(input_hw=tuple(out_hw), strides=tuple(strides), padding=padding,
                         dilation=tuple(dilation_rate))
    return _from_nhwc(op(x, kernel), data_format)


def temporal_padding(x, padding=(1, 1)):
    """Pad the steps axis of a (batch, steps, features) tensor with zeros.

    Args:
        x: 3-D tensor.
        padding: (before, after) numbers of zero steps.

    Returns:
        3-D tensor.
    """
    return Pad(pads=((0, 0), tuple(padding), (0, 0)), value=0.0)(x)


def _spatial_pairs(x, pairs, data_format):
    """One (before, after) pair per axis of a 4-D tensor, `pairs` on rows and cols."""
    rows, cols = (tuple(int(v) for v in p) for p in pairs)
    if normalize_data_format(data_format) == 'channels_first':
        return ((0, 0), (0, 0), rows, cols)
    return ((0, 0), rows, cols, (0, 0))


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    """Pad rows and cols of a 4-D tensor with zeros: ((top, bottom), (left, right)).

    Args:
        x: 4-D tensor.
        padding: ((top, bottom), (left, right)).
        data_format: 'channels_last' or 'channels_first' (None: the default).

    Returns:
        4-D tensor.
    """
    return Pad(pads=_spatial_pairs(x, padding, data_format), value=0.0)(x)


def spatial_2d_cropping(x, cropping=((1, 1), (1, 1)), data_format=None):
    """Remove ((top, bottom), (left, right)) cells from the rows and cols of a 4-D tensor
    (spatial_2d_padding's adjoint; works for rows and cols of unknown size).

    Args:
        x: 4-D tensor.
        cropping: ((top, bottom), (left, right)).
        data_format: 'channels_last' or 'channels_first' (None: the default).

    Returns:
        4-D tensor.
    """
    return Crop(crops=_spatial_pairs(x, cropping, data_format))(x)


def resize_images(x, height_factor, width_factor, data_format=None,
                  interpolation='nearest'):
    """Nearest-neighbour upsampling of rows and cols by integer factors.

    Built as reshape -> broadcast (a product with ones) -> reshape, so it fuses and its
    gradient is the sum over each block.

    Args:
        x: 4-D tensor of static rows, cols and channels.
        height_factor: int.
        width_factor: int.
        data_format: 'channels_last' or 'channels_first' (None: the default).
        interpolation: 'nearest' (the only choice).

    Returns:
        4-D tensor.
    """
    if interpolation != 'nearest':
        raise ValueError(f"resize_images: unknown interpolation {interpolation!r}; valid "
                         "choices: 'nearest'")
    data_format = normalize_data_format(data_format)
    x = _to_nhwc(x, data_format)
    _, rows, cols, channels = x.shape
    if None in (rows, cols, channels):
        raise ValueError(f"resize_images: needs static rows, cols and channels, received "
                         f"shape {x.shape} (channels_last)")
    grid = B.reshape(x, (-1, rows, 1, cols, 1, channels))
    ones = np.ones((1, 1, height_factor, 1, width_factor, 1), x.dtype)
    spread = grid * B.as_tensor(ones)
    out = B.reshape(spread, (-1, rows * height_factor, cols * width_factor, channels))
    return _from_nhwc(out, data_format)


__all__ = ['bias_add', 'conv2d', 'pool2d', 'conv1d', 'conv2d_transpose', 'temporal_padding',
           'spatial_2d_padding', 'spatial_2d_cropping', 'resize_images']
