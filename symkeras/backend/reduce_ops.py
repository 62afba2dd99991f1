"""Backend products and reductions: dot, batch_dot, sum, mean, max, argmax (Keras 2 names)."""
from compiler import builders as B

from .config import floatx


def _t(x, like=None):
    return B.as_tensor(x, like)


def _float(x):
    """Ints and bools become floatx (Keras's mean/var do the same)."""
    return x if x.dtype.startswith('float') else B.cast(x, floatx())


def dot(x, y):
    """Matrix product; an N-D x with an N-D y contracts the last axis of x with the
    second-to-last axis of y (Theano's dot). A 1-D operand is a vector (Theano's dot
    too): (3, 4) . (4,) gives (3,), (4,) . (4, 3) gives (3,), (4,) . (4,) a scalar.

    Args:
        x: tensor.
        y: tensor.

    Returns:
        Tensor of shape x.shape[:-1] + y.shape[:-2] + y.shape[-1:] (without the axes of
        size 1 a vector operand stands for).

    Example:
        >>> x = K.placeholder(shape=(None, 3))
        >>> K.int_shape(K.dot(x, K.ones((3, 4))))
        (None, 4)
        >>> K.eval(K.dot(K.constant([1., 2.]), K.constant([3., 4.])))
        array(11., dtype=float32)
    """
    x, y = _t(x, y if B.is_tensor(y) else None), _t(y, x if B.is_tensor(x) else None)
    if x.dtype != y.dtype and x.dtype.startswith('float') and y.dtype.startswith('float'):
        wider = 'float64' if 'float64' in (x.dtype, y.dtype) else x.dtype   # Theano upcasts
        x, y = B.cast(x, wider), B.cast(y, wider)
    if x.ndim == 1 or y.ndim == 1:
        return _dot_vector(x, y)
    if y.ndim <= 2:
        return B.dot(x, y)
    perm = (y.ndim - 2,) + tuple(i for i in range(y.ndim) if i != y.ndim - 2)
    flat_y = B.reshape(B.transpose(y, perm), (y.shape[-2], -1))
    flat = B.dot(x, flat_y)
    return B.reshape(flat, tuple(x.shape[:-1]) + tuple(y.shape[:-2]) + (y.shape[-1],))


def _dot_vector(x, y):
    """dot with a 1-D operand: a row (1, n) on the left, a column (n, 1) on the right,
    whose axis of size 1 is then dropped from the product."""
    if not x.ndim or not y.ndim:
        raise ValueError(f"dot: expected operands of 1 or more dimensions, received shapes "
                         f"{x.shape} and {y.shape}")
    inner = y.shape[0] if y.ndim == 1 else y.shape[-2]
    if None not in (x.shape[-1], inner) and x.shape[-1] != inner:
        raise ValueError(f"dot: cannot contract the last axis of {x.shape} with axis "
                         f"{0 if y.ndim == 1 else -2} of {y.shape}")
    out = dot(B.expand_dims(x, 0) if x.ndim == 1 else x,
              B.expand_dims(y, 1) if y.ndim == 1 else y)
    drop = ((0,) if x.ndim == 1 else ()) + ((out.ndim - 1,) if y.ndim == 1 else ())
    return B.squeeze(out, drop)


def batch_dot(x, y, axes=None):
    """Batchwise dot product (Keras 2 semantics): for each sample, contract axis
    axes[0] of x with axis axes[1] of y; the result has x's remaining axes, then y's
    (a 1-D result becomes (batch, 1)).

    Example: (batch, 3, 4) and (batch, 4, 5) with axes (2, 1) give (batch, 3, 5).

    Args:
        x: tensor of 2 or more dimensions, batch first.
        y: tensor of 2 or more dimensions, batch first.
        axes: int or pair of ints: the contracted axis of x and of y (default: the last
            of x and the second-to-last of y, or the last for a 2-D y).

    Returns:
        A tensor.

    Raises:
        ValueError: an axis is the batch axis, or the contracted sizes differ.
    """
    if axes is None:
        axes = (x.ndim - 1, y.ndim - 2) if y.ndim > 2 else (x.ndim - 1, y.ndim - 1)
    axes = (axes, axes) if isinstance(axes, int) else tuple(axes)
    if len(axes) != 2 or not (0 < axes[0] % x.ndim and 0 < axes[1] % y.ndim):
        raise ValueError(f"batch_dot: axes must be two non-batch axes, received {axes} for "
                         f"shapes {x.shape}, {y.shape}")
    axes = (axes[0] % x.ndim, axes[1] % y.ndim)
    if None not in (x.shape[axes[0]], y.shape[axes[1]]) and \
            x.shape[axes[0]] != y.shape[axes[1]]:
        raise ValueError(f"batch_dot: cannot contract axis {axes[0]} of {x.shape} with axis "
                         f"{axes[1]} of {y.shape}")
    if x.ndim == 2 and y.ndim == 2:
        return B.reduce_sum(x * y, axes[0], keepdims=True)
    if x.ndim == 3 and y.ndim == 3 and axes == (2, 1):
        return B.reduce_sum(B.expand_dims(x, 3) * B.expand_dims(y, 1), 2)
    return _batch_contract(x, y, axes)


def _batch_contract(x, y, axes):
    """Move the contracted axes last, broadcast x's and y's other axes against each other
    and sum the product over the contracted axis."""
    x_rest = [a for a in range(1, x.ndim) if a != axes[0]]
    y_rest = [a for a in range(1, y.ndim) if a != axes[1]]
    x = B.transpose(x, [0] + x_rest + [axes[0]])
    y = B.transpose(y, [0] + y_rest + [axes[1]])
    x = B.expand_dims(x, tuple(range(1 + len(x_rest), 1 + len(x_rest) + len(y_rest))))
    y = B.expand_dims(y, tuple(range(1, 1 + len(x_rest))))
    out = B.reduce_sum(x * y, -1)
    return B.expand_dims(out, 1) if out.ndim == 1 else out


def sum(x, axis=None, keepdims=False):  # noqa: A001
    """Sum of the elements over `axis`.

    Args:
        x: tensor.
        axis: an int, a list of ints, or None (all axes).
        keepdims: keep the reduced axes with size 1.

    Returns:
        The reduced tensor, of x's dtype; bools are counted (int64, as numpy and Theano).

    Example:
        >>> x = K.constant([[1., 2.], [3., 4.]])
        >>> K.eval(K.sum(x, axis=1))
        array([3., 7.], dtype=float32)
    """
    return B.reduce_sum(x, axis, keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean of the elements over `axis` (integer inputs give floatx).

    Args:
        x: tensor.
        axis: an int, a list of ints, or None (all axes).
        keepdims: keep the reduced axes with size 1.

    Returns:
        The reduced tensor.

    Example:
        >>> K.eval(K.mean(K.constant([[1., 2.], [3., 4.]]), axis=0))
        array([2., 3.], dtype=float32)
    """
    return B.reduce_mean(_float(x), axis, keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    """Maximum of the elements over `axis`.

    Args:
        x: tensor.
        axis: an int, a list of ints, or None (all axes).
        keepdims: keep the reduced axes with size 1.

    Returns:
        The reduced tensor.

    Example:
        >>> K.eval(K.max(K.constant([[1., 5.], [3., 4.]]), axis=1))
        array([5., 4.], dtype=float32)
    """
    return B.reduce_max(x, axis, keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    """Minimum of the elements over `axis`.

    Args:
        x: tensor.
        axis: an int, a list of ints, or None (all axes).
        keepdims: keep the reduced axes with size 1.

    Returns:
        The reduced tensor, of x's dtype.

    Example:
        >>> K.eval(K.min(K.constant([3, 0, 2], dtype='uint8')))
        array(0, dtype=uint8)
    """
    return B.reduce_min(x, axis, keepdims)


def prod(x, axis=None, keepdims=False):
    """Product of the elements over `axis`, computed exactly in x's dtype (bools give
    int64); its gradient is right where x holds zeros (Theano's).

    Args:
        x: tensor.
        axis: an int, a list of ints, or None (all axes).
        keepdims: keep the reduced axes with size 1.

    Returns:
        The reduced tensor.

    Example:
        >>> K.eval(K.prod(K.constant([[2, 3], [4, 5]], dtype='int32'), axis=1))
        array([ 6, 20], dtype=int32)
    """
    return B.reduce_prod(x, axis, keepdims)


def var(x, axis=None, keepdims=False):
    """Variance of the elements over `axis` (population variance, as numpy).

    Args:
        x: tensor.
        axis: an int, a list of ints, or None (all axes).
        keepdims: keep the reduced axes with size 1.

    Returns:
        The reduced tensor.
    """
    x = _float(x)
    centered = x - B.reduce_mean(x, axis, keepdims=True)
    return B.reduce_mean(B.square(centered), axis, keepdims)


def std(x, axis=None, keepdims=False):
    """Standard deviation of the elements over `axis`.

    Args:
        x: tensor.
        axis: an int, a list of ints, or None (all axes).
        keepdims: keep the reduced axes with size 1.

    Returns:
        The reduced tensor.
    """
    return B.sqrt(var(x, axis, keepdims))


def any(x, axis=None, keepdims=False):  # noqa: A001
    """Whether any element over `axis` is non-zero (a bool tensor).

    Args:
        x: tensor.
        axis: an int, a list of ints, or None (all axes).
        keepdims: keep the reduced axes with size 1.

    Returns:
        The reduced tensor.
    """
    return B.greater(B.reduce_max(B.cast(x, floatx()), axis, keepdims), 0)


def all(x, axis=None, keepdims=False):  # noqa: A001
    """Whether all elements over `axis` are non-zero (a bool tensor).

    Args:
        x: tensor.
        axis: an int, a list of ints, or None (all axes).
        keepdims: keep the reduced axes with size 1.

    Returns:
        The reduced tensor.
    """
    return B.greater(min(B.cast(x, floatx()), axis, keepdims), 0)


def argmax(x, axis=-1):
    """Index of the largest value along `axis`.

    Args:
        x: tensor.
        axis: the axis (default -1, the last).

    Returns:
        int64 tensor with `axis` removed.

    Example:
        >>> K.eval(K.argmax(K.constant([[1., 3., 2.]])))
        array([1])
    """
    return B.argmax(x, axis)


def argmin(x, axis=-1):
    """Index of the smallest value along `axis`.

    Args:
        x: tensor.
        axis: the axis (default -1, the last).

    Returns:
        int64 tensor with `axis` removed.

    Example:
        >>> K.eval(K.argmin(K.constant([[3, 0, 2], [1, 5, 0]], dtype='uint8')))
        array([1, 2])
    """
    x = B.as_tensor(x)
    # The first maximum of -x; bools and unsigned ints negate in a signed type (uint64:
    # float64, exact below 2**53).
    if x.dtype == 'bool' or x.dtype in ('uint8', 'uint16', 'uint32'):
        x = B.cast(x, 'int64')
    elif x.dtype == 'uint64':
        x = B.cast(x, 'float64')
    return B.argmax(B.neg(x), axis)


__all__ = ['dot', 'batch_dot', 'sum', 'mean', 'max', 'min', 'prod', 'var', 'std', 'any', 'all',
           'argmax', 'argmin']
