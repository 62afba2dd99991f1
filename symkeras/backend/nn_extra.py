"""More backend neural-network functions (Keras 2.2.4): normalize_batch_in_training, and
the locally connected products local_conv1d and local_conv2d (built from strided slices,
reshapes and a product batched over the output positions; static sizes)."""
from compiler import builders as B
from compiler.ops.reduce import normalize_axes

from .config import normalize_data_format
from .nn import batch_normalization
from .reduce_ops import mean as _mean, var as _var
from .shape_ops import stack


def _along_axes(name, param, x, axes):
    """gamma or beta broadcastable against x: a tensor of x's non-reduced axes gets size-1
    axes at `axes`; a scalar or a tensor of x's rank is used as is."""
    if param is None:
        return None
    param = B.as_tensor(param, x)
    if param.ndim in (0, x.ndim):
        return param
    if param.ndim != x.ndim - len(axes):
        raise ValueError(f"normalize_batch_in_training: expected {name} with the "
                         f"{x.ndim - len(axes)} non-reduced axes of x (shape {x.shape}, "
                         f"reduction axes {axes}), received shape {param.shape}")
    return B.expand_dims(param, axes)


def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=1e-3):
    """Normalize `x` by its mean and variance over `reduction_axes`, then scale and shift.

    normed = (x - mean) / sqrt(var + epsilon) * gamma + beta, as BatchNormalization
    computes in training. `var` is the batch (population) variance, as Keras documents
    (its Theano backend returns var + epsilon, from cuDNN's inverse standard deviation).

    Args:
        x: tensor.
        gamma: scale: a tensor of x's non-reduced axes (e.g. (channels,)), of x's rank,
            or None (1).
        beta: offset, shaped as gamma, or None (0).
        reduction_axes: list of the axes the statistics are taken over, e.g. [0, 1, 2]
            for (batch, rows, cols, channels).
        epsilon: added to the variance.

    Returns:
        (normed, mean, var): normed has x's shape; mean and var have x's non-reduced
        axes.

    Raises:
        ValueError: an axis is out of range, or gamma / beta do not fit.

    Example:
        >>> x = K.constant([[1., 2.], [3., 6.]])
        >>> normed, mean, var = K.normalize_batch_in_training(x, None, None, [0], 0.)
        >>> K.eval(normed)
        array([[-1., -1.],
               [ 1.,  1.]], dtype=float32)
        >>> K.eval(mean), K.eval(var)
        (array([2., 4.], dtype=float32), array([1., 4.], dtype=float32))
    """
    x = B.as_tensor(x)
    axes = normalize_axes('normalize_batch_in_training', x.ndim,
                          [int(axis) for axis in reduction_axes])
    mean = _mean(x, axes, keepdims=True)
    variance = _var(x, axes, keepdims=True)
    normed = batch_normalization(x, mean, variance, _along_axes('beta', beta, x, axes),
                                 _along_axes('gamma', gamma, x, axes), epsilon=epsilon)
    return normed, B.squeeze(mean, axes), B.squeeze(variance, axes)


def _strided_patches(name, x, axes, kernel_size, strides, counts):
    """The kernel-offset views of x: for each offset (row-major over `kernel_size`), x
    sliced along `axes` from the offset, `counts` entries `strides` apart."""
    for axis, size, stride, count in zip(axes, kernel_size, strides, counts):
        needed = (count - 1) * stride + size
        if x.shape[axis] is None or needed > x.shape[axis]:
            raise ValueError(f"{name}: expected inputs with at least {needed} entries along "
                             f"axis {axis} ({count} outputs, kernel size {size}, stride "
                             f"{stride}), received shape {x.shape}")
    views = [x]
    for axis, size, stride, count in zip(axes, kernel_size, strides, counts):
        views = [B.slice_axis(view, axis, offset, offset + (count - 1) * stride + 1, stride)
                 for view in views for offset in range(size)]
    return views


def _positionwise_dot(patches, kernel):
    """(batch, P, K) x (P, K, F) -> (batch, P, F): a matrix product per position."""
    return B.reduce_sum(B.expand_dims(patches, 3) * kernel, 2)


def _check_kernel(name, kernel, positions, features):
    """ValueError unless `kernel` is (positions, features, filters)."""
    kernel_shape = tuple(kernel.shape)
    if len(kernel_shape) != 3 or kernel_shape[:2] != (positions, features):
        raise ValueError(f"{name}: expected a kernel of shape ({positions}, {features}, "
                         f"filters) (output positions, kernel size x input channels, "
                         f"filters), received {kernel_shape}")


def _channels(name, inputs, axis, ndim):
    """The static number of input channels (ValueError for a wrong rank or unknown)."""
    if inputs.ndim != ndim or inputs.shape[axis] is None:
        raise ValueError(f"{name}: expected {ndim}-D inputs with a static channel axis "
                         f"{axis}, received shape {inputs.shape}")
    return inputs.shape[axis]


def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
    """Locally connected 1-D product: a convolution with different weights at each output
    step (no padding).

    Output step i is the window inputs[:, i * stride:i * stride + kernel_size, :],
    flattened (window step first, then channel), times kernel[i].

    Args:
        inputs: tensor (batch, steps, input_dim) with static steps and input_dim.
        kernel: tensor (output_length, kernel_size[0] * input_dim, filters).
        kernel_size: tuple of one int.
        strides: tuple of one int.
        data_format: checked but unused: as in Keras 2.2.4, inputs are
            (batch, steps, channels) whatever its value.

    Returns:
        Tensor (batch, output_length, filters).

    Raises:
        ValueError: shapes that do not fit together.

    Example:
        >>> x = K.constant(np.arange(8.).reshape(1, 4, 2))
        >>> y = K.local_conv1d(x, K.ones((2, 4, 1)), (2,), (2,))
        >>> K.eval(y)[0, :, 0]
        array([ 6., 22.], dtype=float32)
    """
    normalize_data_format(data_format)
    inputs, kernel = B.as_tensor(inputs), B.as_tensor(kernel)
    channels = _channels('local_conv1d', inputs, 2, 3)
    (size,), (stride,) = tuple(kernel_size), tuple(strides)
    length = kernel.shape[0]
    _check_kernel('local_conv1d', kernel, length, size * channels)
    views = _strided_patches('local_conv1d', inputs, (1,), (size,), (stride,), (length,))
    patches = B.reshape(stack(views, axis=2), (-1, length, size * channels))
    return _positionwise_dot(patches, kernel)


def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    """Locally connected 2-D product: a convolution with different weights at each output
    position (no padding).

    Output position (i, j) is the window of rows i * strides[0] + [0, kernel_size[0])
    and cols j * strides[1] + [0, kernel_size[1]), flattened (row, col, channel for
    channels_last; channel, row, col for channels_first), times kernel[i * cols + j].

    Args:
        inputs: 4-D tensor (batch, rows, cols, channels) or, with channels_first,
            (batch, channels, rows, cols); static sizes but the batch.
        kernel: tensor (output_rows * output_cols, kernel_rows * kernel_cols * channels,
            filters).
        kernel_size: (kernel_rows, kernel_cols).
        strides: (stride_rows, stride_cols).
        output_shape: (output_rows, output_cols).
        data_format: 'channels_last' or 'channels_first' (default: image_data_format()).

    Returns:
        Tensor (batch, output_rows, output_cols, filters), or (batch, filters,
        output_rows, output_cols) with channels_first.

    Raises:
        ValueError: shapes that do not fit together.

    Example:
        >>> x = K.constant(np.ones((1, 3, 3, 1)))
        >>> y = K.local_conv2d(x, K.ones((4, 4, 1)), (2, 2), (1, 1), (2, 2))
        >>> K.eval(y)[0, :, :, 0]
        array([[4., 4.],
               [4., 4.]], dtype=float32)
    """
    data_format = normalize_data_format(data_format)
    inputs, kernel = B.as_tensor(inputs), B.as_tensor(kernel)
    first = data_format == 'channels_first'
    channels = _channels('local_conv2d', inputs, 1 if first else 3, 4)
    rows, cols = (int(n) for n in output_shape)
    features = int(kernel_size[0]) * int(kernel_size[1]) * channels
    _check_kernel('local_conv2d', kernel, rows * cols, features)
    spatial = (2, 3) if first else (1, 2)
    views = _strided_patches('local_conv2d', inputs, spatial, tuple(kernel_size),
                             tuple(strides), (rows, cols))
    if first:     # (batch, channels, offsets, rows, cols) -> (batch, positions, features)
        patches = B.reshape(stack(views, axis=2), (-1, features, rows * cols))
        patches = B.transpose(patches, (0, 2, 1))
    else:         # (batch, rows, cols, offsets, channels)
        patches = B.reshape(stack(views, axis=3), (-1, rows * cols, features))
    output = B.reshape(_positionwise_dot(patches, kernel), (-1, rows, cols, kernel.shape[2]))
    return B.transpose(output, (0, 3, 1, 2)) if first else output


__all__ = ['normalize_batch_in_training', 'local_conv1d', 'local_conv2d']
