"""Backend 3-D convolution, pooling, padding, cropping and resizing of volumes.

Every function is a composition of the 2-D primitives (which have kernels and gradient
rules): the depth axis is folded into the batch axis, (N, D, H, W, C) -> (N * D, H, W, C),
for the rows and cols part, and handled with slices (convolutions) or a second 2-D pooling
(pooling) for the depth part. Volumes are channels_last (N, D, H, W, C) inside;
channels_first inputs are transposed in and out, as the 2-D functions do.
"""
import numpy as np

from compiler import builders as B
from compiler.ops.movement import Pad, Crop, SliceGrad

from .config import normalize_data_format
from .conv_ops import POOL_MODES, conv2d_transpose, resize_images, _check_padding

_TO_NDHWC = (0, 2, 3, 4, 1)
_FROM_NDHWC = (0, 4, 1, 2, 3)


def _to_ndhwc(x, data_format):
    return B.transpose(x, _TO_NDHWC) if data_format == 'channels_first' else x


def _from_ndhwc(x, data_format):
    return B.transpose(x, _FROM_NDHWC) if data_format == 'channels_first' else x


def _check_volume(where, x, what='input'):
    if x.ndim != 5:
        raise ValueError(f"{where}: expected a 5-D {what}, received shape {x.shape}")


def _size(x, axis):
    """The size of `axis`: an int when static, else a 0-d run-time tensor."""
    size = x.shape[axis]
    return size if size is not None else B.getitem(B.shape_of(x), axis)


def _fold_depth(x):
    """(N, D, H, W, C) -> (N * D, H, W, C) (the batch size may be unknown)."""
    return B.reshape(x, (-1,) + tuple(_size(x, axis) for axis in (2, 3, 4)))


def _unfold_depth(x, depth):
    """(N * depth, H, W, C) -> (N, depth, H, W, C)."""
    return B.reshape(x, (-1, depth) + tuple(_size(x, axis) for axis in (1, 2, 3)))


def _depth_geometry(where, depth, kernel, stride, padding, dilation=1):
    """(output depth, (before, after) padding) along depth, with Keras-on-TensorFlow's
    'same' rule: total padding max((out - 1) * stride + span - depth, 0), the extra cell
    at the end."""
    if depth is None:
        raise ValueError(f"{where}: needs a static depth (the first spatial axis), "
                         "received None")
    span = (kernel - 1) * dilation + 1
    if padding == 'same':
        out = -(-depth // stride)
        total = max((out - 1) * stride + span - depth, 0)
        return out, (total // 2, total - total // 2)
    out = (depth - span) // stride + 1
    if out <= 0:
        raise ValueError(f"{where}: the window depth {kernel} (dilation {dilation}) does "
                         f"not fit in a depth of {depth} with padding 'valid'")
    return out, (0, 0)


def _pad_depth(x, pads):
    if pads == (0, 0):
        return x
    return Pad(pads=((0, 0), pads, (0, 0), (0, 0), (0, 0)), value=0.0)(x)


def _taps(out_depth, kernel, stride, dilation):
    """(start, stop, step) along the padded depth of the cells each kernel depth index
    meets, for all output positions (step 1 when there is one position)."""
    step = stride if out_depth > 1 else 1
    return [(k * dilation, k * dilation + (out_depth - 1) * stride + 1, step)
            for k in range(kernel)]


def _depth_slice(x, start, stop, step):
    """x[:, start:stop:step] (x itself when that is the whole depth)."""
    if (start, stop, step) == (0, x.shape[1], 1):
        return x
    return B.slice_axis(x, 1, start, stop, step)


def _planar_kernel(kernel):
    """(KD, KH, KW, A, B) -> (KH, KW, KD * A, B): the depth taps become input channels."""
    kd, kh, kw, channels, filters = kernel.shape
    return B.reshape(B.transpose(kernel, (1, 2, 0, 3, 4)), (kh, kw, kd * channels, filters))


def _check_kernel(where, x, kernel, channel_index):
    if kernel.ndim != 5 or None in kernel.shape:
        raise ValueError(f"{where}: expected a 5-D kernel of static shape, received "
                         f"{kernel.shape}")
    if x.shape[4] is not None and x.shape[4] != kernel.shape[channel_index]:
        raise ValueError(f"{where}: the input of shape {x.shape} (channels_last) has "
                         f"{x.shape[4]} channels but the kernel of shape {kernel.shape} "
                         f"expects {kernel.shape[channel_index]}")


def conv3d(x, kernel, strides=(1, 1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1, 1)):
    """3-D convolution; kernel of shape (depth, rows, cols, in_channels, filters).

    Built from one 2-D convolution: the depth slices each kernel depth index meets are
    stacked along the channel axis, depth is folded into the batch axis, and the 2-D
    kernel is the 3-D one with its depth taps as extra input channels.

    Args:
        x: 5-D input, (batch, depth, rows, cols, channels) for channels_last; the depth
            must be static.
        kernel: (depth, rows, cols, in_channels, filters).
        strides: 3 ints.
        padding: 'valid' or 'same' ('same' pads as Keras on TensorFlow: the extra cell
            at the end).
        data_format: 'channels_last' or 'channels_first' (None: the default).
        dilation_rate: 3 ints.

    Returns:
        5-D tensor in the same data format.

    Raises:
        ValueError: unknown padding or data format, unknown depth, or a kernel that
            does not fit the input.

    Example:
        >>> x = K.placeholder(shape=(None, 8, 16, 16, 1))
        >>> K.int_shape(K.conv3d(x, K.zeros((3, 3, 3, 1, 4)), padding='same'))
        (None, 8, 16, 16, 4)
    """
    data_format = normalize_data_format(data_format)
    _check_padding('conv3d', padding)
    _check_volume('conv3d', x)
    x = _to_ndhwc(x, data_format)
    _check_kernel('conv3d', x, kernel, 3)
    strides, dilation = tuple(strides), tuple(dilation_rate)
    out_depth, pads = _depth_geometry('conv3d', x.shape[1], kernel.shape[0], strides[0],
                                      padding, dilation[0])
    x = _pad_depth(x, pads)
    taps = [_depth_slice(x, start, stop, step)
            for start, stop, step in _taps(out_depth, kernel.shape[0], strides[0],
                                           dilation[0])]
    stacked = B.concat(taps, axis=4) if len(taps) > 1 else taps[0]
    planes = B.conv2d(_fold_depth(stacked), _planar_kernel(kernel), strides[1:], padding,
                      dilation[1:])
    return _from_ndhwc(_unfold_depth(planes, out_depth), data_format)


def _scatter_depth(planes, kernel_depth, channels, stride, padded_depth):
    """The adjoint of conv3d's depth taps: channel block k of `planes` (N, ID, H, W,
    kernel_depth * channels) is placed at the depth cells tap k read, and the blocks
    summed, giving (N, padded_depth, H, W, channels)."""
    total = None
    taps = _taps(planes.shape[1], kernel_depth, stride, 1)
    for k, (start, stop, step) in enumerate(taps):
        block = B.slice_axis(planes, 4, k * channels, (k + 1) * channels)
        spread = SliceGrad(axis=1, start=start, stop=stop, step=step, drop_axis=False,
                           size=padded_depth)(block)
        total = spread if total is None else total + spread
    return total


def conv3d_transpose(x, kernel, output_shape, strides=(1, 1, 1), padding='valid',
                     data_format=None):
    """Transposed 3-D convolution (the gradient of conv3d with respect to its input).

    Args:
        x: (batch, depth, rows, cols, in_channels) (channels_last), static depth, rows
            and cols.
        kernel: (depth, rows, cols, out_channels, in_channels).
        output_shape: the output shape, batch first (its batch entry may be None), in
            the order of data_format.
        strides: 3 ints.
        padding: 'valid' or 'same'.
        data_format: 'channels_last' or 'channels_first' (None: the default).

    Returns:
        5-D tensor of `output_shape` (batch dimension as given by x).

    Raises:
        ValueError: `output_shape` does not fit the input, kernel, strides and padding.

    Example:
        >>> x = K.placeholder(shape=(None, 4, 4, 4, 8))
        >>> y = K.conv3d_transpose(x, K.zeros((2, 2, 2, 3, 8)), (None, 8, 8, 8, 3),
        ...                        strides=(2, 2, 2))
        >>> K.int_shape(y)
        (None, 8, 8, 8, 3)
    """
    data_format = normalize_data_format(data_format)
    _check_padding('conv3d_transpose', padding)
    _check_volume('conv3d_transpose', x)
    shape = tuple(output_shape)
    volume = shape[2:5] if data_format == 'channels_first' else shape[1:4]
    x = _to_ndhwc(x, data_format)
    _check_kernel('conv3d_transpose', x, kernel, 4)
    strides = tuple(strides)
    in_depth, pads = None, None
    if len(shape) == 5 and volume[0] is not None:
        try:
            in_depth, pads = _depth_geometry('conv3d_transpose', volume[0], kernel.shape[0],
                                             strides[0], padding)
        except ValueError:      # the window does not fit: reported below
            pass
    if in_depth is None or x.shape[1] != in_depth:
        raise ValueError(f"conv3d_transpose: output_shape {shape} does not match an input "
                         f"of shape {x.shape} (channels_last) with kernel {kernel.shape}, "
                         f"strides {strides} and padding {padding!r}")
    kd, channels = kernel.shape[0], kernel.shape[3]
    planes = conv2d_transpose(_fold_depth(x), _planar_kernel(kernel),
                              (None,) + tuple(volume[1:]) + (kd * channels,),
                              strides[1:], padding, 'channels_last')
    total = _scatter_depth(_unfold_depth(planes, in_depth), kd, channels, strides[0],
                           volume[0] + sum(pads))
    if pads != (0, 0):
        total = Crop(crops=((0, 0), pads, (0, 0), (0, 0), (0, 0)))(total)
    return _from_ndhwc(total, data_format)


def pool3d(x, pool_size, strides=(1, 1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    """3-D pooling ('max' or 'avg').

    Runs as two 2-D poolings: over rows and cols with depth folded into the batch axis,
    then over depth windows. Windows are boxes, so both modes factor exactly, 'same'
    padding included: average pooling divides by the number of cells inside the input
    (as Keras on TensorFlow does), the product of the counts along each axis.

    Args:
        x: 5-D input, (batch, depth, rows, cols, channels) for channels_last; the depth
            must be static.
        pool_size: 3 ints.
        strides: 3 ints.
        padding: 'valid' or 'same'.
        data_format: 'channels_last' or 'channels_first' (None: the default).
        pool_mode: 'max' or 'avg'.

    Returns:
        5-D tensor in the same data format.

    Raises:
        ValueError: unknown padding, data format or pool mode, unknown depth, or a
            window that does not fit.

    Example:
        >>> x = K.placeholder(shape=(None, 8, 16, 16, 4))
        >>> K.int_shape(K.pool3d(x, (2, 2, 2), strides=(2, 2, 2)))
        (None, 4, 8, 8, 4)
    """
    data_format = normalize_data_format(data_format)
    _check_padding('pool3d', padding)
    if pool_mode not in POOL_MODES:
        raise ValueError(f"pool3d: invalid pool_mode {pool_mode!r}; expected one of "
                         f"{POOL_MODES}")
    _check_volume('pool3d', x)
    x = _to_ndhwc(x, data_format)
    pool_size, strides = tuple(pool_size), tuple(strides)
    depth = x.shape[1]
    out_depth, _ = _depth_geometry('pool3d', depth, pool_size[0], strides[0], padding)
    pool = B.maxpool2d if pool_mode == 'max' else B.avgpool2d
    planes = pool(_fold_depth(x), pool_size[1:], strides[1:], padding)
    rows, cols, channels = (_size(planes, axis) for axis in (1, 2, 3))
    columns = B.reshape(planes, (-1, depth, rows * cols, channels))
    pooled = pool(columns, (pool_size[0], 1), (strides[0], 1), padding)
    return _from_ndhwc(B.reshape(pooled, (-1, out_depth, rows, cols, channels)), data_format)


def _volume_pairs(pairs, data_format):
    """One (before, after) pair per axis of a 5-D tensor, `pairs` on the 3 spatial axes."""
    spatial = tuple(tuple(int(v) for v in pair) for pair in pairs)
    if len(spatial) != 3 or any(len(pair) != 2 for pair in spatial):
        raise ValueError(f"expected 3 (before, after) pairs, received {pairs}")
    if normalize_data_format(data_format) == 'channels_first':
        return ((0, 0), (0, 0)) + spatial
    return ((0, 0),) + spatial + ((0, 0),)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    """Pad the depth, rows and cols of a 5-D tensor with zeros.

    Args:
        x: 5-D tensor.
        padding: ((before, after), (top, bottom), (left, right)).
        data_format: 'channels_last' or 'channels_first' (None: the default).

    Returns:
        5-D tensor.

    Example:
        >>> x = K.placeholder(shape=(None, 2, 3, 4, 1))
        >>> K.int_shape(K.spatial_3d_padding(x, ((1, 0), (1, 1), (0, 2))))
        (None, 3, 5, 6, 1)
    """
    _check_volume('spatial_3d_padding', x)
    return Pad(pads=_volume_pairs(padding, data_format), value=0.0)(x)


def spatial_3d_cropping(x, cropping=((1, 1), (1, 1), (1, 1)), data_format=None):
    """Remove cells at the borders of the depth, rows and cols of a 5-D tensor
    (spatial_3d_padding's adjoint; works for axes of unknown size).

    Args:
        x: 5-D tensor.
        cropping: ((before, after), (top, bottom), (left, right)).
        data_format: 'channels_last' or 'channels_first' (None: the default).

    Returns:
        5-D tensor.

    Example:
        >>> x = K.placeholder(shape=(None, 4, 5, 6, 1))
        >>> K.int_shape(K.spatial_3d_cropping(x, ((1, 0), (1, 1), (0, 2))))
        (None, 3, 3, 4, 1)
    """
    _check_volume('spatial_3d_cropping', x)
    return Crop(crops=_volume_pairs(cropping, data_format))(x)


def resize_volumes(x, depth_factor, height_factor, width_factor, data_format=None):
    """Nearest-neighbour upsampling of depth, rows and cols by integer factors.

    Rows and cols are resized as images (depth folded into the batch axis), then each
    depth slice is repeated by a product with ones, so the gradient sums each block.

    Args:
        x: 5-D tensor of static depth, rows, cols and channels.
        depth_factor: int.
        height_factor: int.
        width_factor: int.
        data_format: 'channels_last' or 'channels_first' (None: the default).

    Returns:
        5-D tensor.

    Example:
        >>> x = K.placeholder(shape=(None, 2, 3, 4, 1))
        >>> K.int_shape(K.resize_volumes(x, 2, 2, 1, 'channels_last'))
        (None, 4, 6, 4, 1)
    """
    data_format = normalize_data_format(data_format)
    _check_volume('resize_volumes', x)
    x = _to_ndhwc(x, data_format)
    depth, rows, cols, channels = x.shape[1:]
    if None in (depth, rows, cols, channels):
        raise ValueError(f"resize_volumes: needs static depth, rows, cols and channels, "
                         f"received shape {x.shape} (channels_last)")
    planes = resize_images(_fold_depth(x), height_factor, width_factor, 'channels_last')
    plane_size = rows * height_factor * cols * width_factor * channels
    slices = B.reshape(planes, (-1, depth, 1, plane_size))
    ones = np.ones((1, 1, depth_factor, 1), x.dtype)
    repeated = slices * B.as_tensor(ones)
    out = B.reshape(repeated, (-1, depth * depth_factor, rows * height_factor,
                               cols * width_factor, channels))
    return _from_ndhwc(out, data_format)


__all__ = ['conv3d', 'conv3d_transpose', 'pool3d', 'spatial_3d_padding',
           'spatial_3d_cropping', 'resize_volumes']
