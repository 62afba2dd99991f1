"""More backend math (Keras 2.2.4): sin, cos, logsumexp, reverse, tile, one_hot, arange,
cumsum, cumprod (sin and cos are elementwise ops; the others are built from existing
graph primitives)."""
import math

import numpy as np

from compiler import builders as B
from compiler.ir import constant, is_tensor
from compiler.ops.movement import Crop, Pad
from compiler.ops.reduce import normalize_axes

from .config import floatx

def _floating(x):
    """x as a float tensor (integers: floatx())."""
    x = B.as_tensor(x)
    return x if x.dtype.startswith('float') else B.cast(x, floatx())


def sin(x):
    """Elementwise sine.

    Args:
        x: tensor.

    Returns:
        A tensor of the same shape (float; integer inputs give `floatx()`).

    Example:
        >>> np.round(K.eval(K.sin(K.constant([0., np.pi / 2, np.pi / 6]))), 6)
        array([0. , 1. , 0.5], dtype=float32)
    """
    return B.sin(_floating(x))


def cos(x):
    """Elementwise cosine.

    Args:
        x: tensor.

    Returns:
        A tensor of the same shape (float; integer inputs give `floatx()`).

    Example:
        >>> np.round(K.eval(K.cos(K.constant([0., np.pi, np.pi / 3]))), 6)
        array([ 1. , -1. ,  0.5], dtype=float32)
    """
    return B.cos(_floating(x))


def _axes(name, x, axis):
    """`axis` (int, list or None) as sorted non-negative axes of x (ValueError when out
    of range)."""
    return normalize_axes(name, x.ndim, None if axis is None else (
        [int(axis)] if isinstance(axis, (int, np.integer)) else [int(a) for a in axis]))


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) along `axis`, without overflow or underflow.

    The maximum along the axes is subtracted before exponentiating and added back (as a
    constant for differentiation: the gradient is softmax(x)); an all -inf slice gives -inf.

    Args:
        x: tensor.
        axis: int, list of ints or None (all axes).
        keepdims: keep the reduced axes with length 1.

    Returns:
        The reduced tensor.

    Example:
        >>> K.eval(K.logsumexp(K.constant([[1000., 1000.], [0., -np.inf]]), axis=1))
        array([1000.6932,    0.    ], dtype=float32)
    """
    axes = _axes('logsumexp', x, axis)
    peak = B.reduce_max(x, axes, keepdims=True)
    peak = B.stop_gradient(B.where(B.less(B.abs_(peak), math.inf), peak, 0.0))
    total = B.log(B.reduce_sum(B.exp(x - peak), axes, keepdims=True)) + peak
    return total if keepdims else B.squeeze(total, axes) if axes else total


def reverse(x, axes):
    """`x` reversed along `axes` (x[::-1] on each of them).

    Args:
        x: tensor.
        axes: int or list of ints (negative ones count from the end).

    Returns:
        A tensor of the same shape.

    Example:
        >>> K.eval(K.reverse(K.constant([[1., 2.], [3., 4.]]), 1))
        array([[2., 1.],
               [4., 3.]], dtype=float32)
    """
    axes = _axes('reverse', x, axes)
    return B.getitem(x, tuple(slice(None, None, -1) if i in axes else slice(None)
                              for i in range(x.ndim)))


def tile(x, n):
    """`x` repeated `n[i]` times along axis i (numpy.tile's rules: an int or a short
    `n` tiles the last axes; a long `n` adds leading axes).

    Args:
        x: tensor.
        n: int or list of ints >= 0.

    Returns:
        A tensor.

    Example:
        >>> K.eval(K.tile(K.constant([[1., 2.]]), (2, 2)))
        array([[1., 2., 1., 2.],
               [1., 2., 1., 2.]], dtype=float32)
    """
    reps = [n] if isinstance(n, (int, np.integer)) else list(n)
    if any(is_tensor(r) or int(r) != r or r < 0 for r in reps):
        raise ValueError(f"tile: expected an int or a list of ints >= 0, received {n!r}")
    if len(reps) > x.ndim:
        x = B.expand_dims(x, tuple(range(len(reps) - x.ndim)))
    reps = [1] * (x.ndim - len(reps)) + [int(r) for r in reps]
    for axis, count in enumerate(reps):
        if count == 0:
            x = B.slice_axis(x, axis, 0, 0)
        elif count > 1:
            x = B.concat([x] * count, axis)
    return x


def one_hot(indices, num_classes):
    """One-hot rows of length `num_classes` for integer `indices` (out-of-range indices
    give all-zero rows).

    Args:
        indices: integer tensor of any shape.
        num_classes: int.

    Returns:
        A `floatx()` tensor of shape indices.shape + (num_classes,).

    Example:
        >>> K.eval(K.one_hot(K.constant([0, 2], dtype='int32'), 3))
        array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    indices = B.as_tensor(indices)
    if indices.dtype.startswith('float'):
        raise ValueError(f"one_hot: expected integer indices, received dtype "
                         f"{indices.dtype!r}")
    classes = constant(np.arange(int(num_classes), dtype=indices.dtype))
    return B.cast(B.equal(B.expand_dims(indices, -1), classes), floatx())


def arange(start, stop=None, step=1, dtype='int32'):
    """A 1-D constant tensor [start, start + step, ...) below `stop` (numpy.arange; with
    one argument it is the stop, as Theano's).

    Args:
        start: number (or the stop when `stop` is None).
        stop: number or None.
        step: number, not zero.
        dtype: dtype of the result ('int32', as Keras).

    Returns:
        A constant tensor.

    Raises:
        ValueError: a bound is a non-constant tensor (only Python numbers are supported).

    Example:
        >>> K.eval(K.arange(2, 8, 2))
        array([2, 4, 6], dtype=int32)
    """
    bounds = []
    for name, value in (('start', start), ('stop', stop), ('step', step)):
        if is_tensor(value):
            if value.kind != 'constant':
                raise ValueError(f"arange: {name} must be a number or a constant, received "
                                 f"the symbolic tensor {value!r}")
            value = value.value.item()
        bounds.append(value)
    start, stop, step = bounds
    if stop is None:
        start, stop = 0, start
    return constant(np.arange(start, stop, step, dtype=dtype))


def _scan(name, x, axis, combine, fill):
    """Inclusive scan along `axis` in log2(n) steps (Hillis-Steele): y = combine(y, y
    shifted by 1, 2, 4, ... with `fill` entering at the front)."""
    axis = _axes(name, x, axis)[0]
    size = x.shape[axis]
    if size is None:
        raise ValueError(f"{name}: axis {axis} of the input of shape {x.shape} has unknown "
                         f"size; a static size is needed")
    shift = 1
    while shift < size:
        crops = tuple((0, shift) if a == axis else (0, 0) for a in range(x.ndim))
        pads = tuple((shift, 0) if a == axis else (0, 0) for a in range(x.ndim))
        x = combine(x, Pad(pads=pads, value=fill)(Crop(crops=crops)(x)))
        shift *= 2
    return x


def cumsum(x, axis=0):
    """Cumulative sum along `axis` (which must have a static size).

    Args:
        x: tensor.
        axis: int.

    Returns:
        A tensor of the same shape.

    Example:
        >>> K.eval(K.cumsum(K.constant([[1., 2.], [3., 4.]]), axis=1))
        array([[1., 3.],
               [3., 7.]], dtype=float32)
    """
    return _scan('cumsum', B.as_tensor(x), axis, B.add, 0.0)


def cumprod(x, axis=0):
    """Cumulative product along `axis` (which must have a static size).

    Args:
        x: tensor.
        axis: int.

    Returns:
        A tensor of the same shape.

    Example:
        >>> K.eval(K.cumprod(K.constant([1., 2., 3., 4.])))
        array([ 1.,  2.,  6., 24.], dtype=float32)
    """
    return _scan('cumprod', B.as_tensor(x), axis, B.mul, 1.0)


__all__ = ['sin', 'cos', 'logsumexp', 'reverse', 'tile', 'one_hot', 'arange', 'cumsum',
           'cumprod']
