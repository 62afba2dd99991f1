"""Backend math: arithmetic, reductions, comparisons, shape manipulation (Keras 2 names)."""
import numpy as np

from compiler import builders as B

from .config import floatx


def _t(x, like=None):
    return B.as_tensor(x, like)


def _float(x):
    """Ints and bools become floatx (Keras's mean/var do the same)."""
    return x if x.dtype.startswith('float') else B.cast(x, floatx())


def dot(x, y):
    """Matrix product; N-D x N-D contracts the last axis of x with the second-to-last of y
    (Theano's dot)."""
    x, y = _t(x, y if B.is_tensor(y) else None), _t(y, x if B.is_tensor(x) else None)
    if y.ndim <= 2:
        return B.dot(x, y)
    perm = (y.ndim - 2,) + tuple(i for i in range(y.ndim) if i != y.ndim - 2)
    flat_y = B.reshape(B.transpose(y, perm), (y.shape[-2], -1))
    flat = B.dot(x, flat_y)
    return B.reshape(flat, tuple(x.shape[:-1]) + tuple(y.shape[:-2]) + (y.shape[-1],))


def batch_dot(x, y, axes=None):
    """Batchwise dot product (Keras 2 semantics): for each sample, contract axis
    axes[0] of x with axis axes[1] of y; the result has x's remaining axes, then y's
    (a 1-D result becomes (batch, 1)).

    Example: (batch, 3, 4) and (batch, 4, 5) with axes (2, 1) give (batch, 3, 5).
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


def gather(reference, indices):
    """Rows of `reference` at integer `indices` (any shape): the embedding lookup."""
    return B.gather(reference, B.cast(indices, 'int64'))


def transpose(x):
    return B.transpose(x)


def permute_dimensions(x, pattern):
    return B.transpose(x, tuple(pattern))


def sum(x, axis=None, keepdims=False):  # noqa: A001
    return B.reduce_sum(x, axis, keepdims)


def mean(x, axis=None, keepdims=False):
    return B.reduce_mean(_float(x), axis, keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    return B.reduce_max(x, axis, keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    return B.neg(B.reduce_max(B.neg(x), axis, keepdims))


def prod(x, axis=None, keepdims=False):
    """Product of elements: exp(sum(log|x|)) with the sign restored (zeros give zero)."""
    x = _float(x)
    magnitude = B.exp(B.reduce_sum(B.log(B.abs_(x)), axis, keepdims))
    negatives = B.reduce_sum(B.cast(B.less(x, 0), x.dtype), axis, keepdims)
    parity = negatives - B.floor(negatives / 2) * 2
    return magnitude * (1 - parity * 2)


def var(x, axis=None, keepdims=False):
    x = _float(x)
    centered = x - B.reduce_mean(x, axis, keepdims=True)
    return B.reduce_mean(B.square(centered), axis, keepdims)


def std(x, axis=None, keepdims=False):
    return B.sqrt(var(x, axis, keepdims))


def any(x, axis=None, keepdims=False):  # noqa: A001
    return B.greater(B.reduce_max(B.cast(x, floatx()), axis, keepdims), 0)


def all(x, axis=None, keepdims=False):  # noqa: A001
    return B.greater(min(B.cast(x, floatx()), axis, keepdims), 0)


def argmax(x, axis=-1):
    return B.argmax(x, axis)


def argmin(x, axis=-1):
    return B.argmax(B.neg(x), axis)


def square(x):
    return B.square(x)


def abs(x):  # noqa: A001
    return B.abs_(x)


def sqrt(x):
    """Square root of x clipped to [0, inf), as Keras's Theano backend does."""
    return B.sqrt(B.clip(x, 0.0, np.inf))


def exp(x):
    return B.exp(x)


def log(x):
    return B.log(x)


def round(x):  # noqa: A001
    return B.round_(x)


def sign(x):
    return B.sign(x)


def pow(x, a):  # noqa: A001
    return B.power(x, a)


def clip(x, min_value, max_value):
    """Clip to [min_value, max_value]; max below min becomes min (Keras)."""
    min_value = -np.inf if min_value is None else min_value
    max_value = np.inf if max_value is None else max_value
    max_value = max_value if max_value >= min_value else min_value
    return B.clip(x, min_value, max_value)


def maximum(x, y):
    return B.maximum(x, y)


def minimum(x, y):
    return B.minimum(x, y)


def equal(x, y):
    return B.equal(x, y)


def not_equal(x, y):
    return B.not_equal(x, y)


def greater(x, y):
    return B.greater(x, y)


def greater_equal(x, y):
    return B.greater_equal(x, y)


def less(x, y):
    return B.less(x, y)


def less_equal(x, y):
    return B.less_equal(x, y)


def cast(x, dtype):
    return B.cast(x, dtype)


def reshape(x, shape):
    return B.reshape(x, tuple(shape))


def flatten(x):
    return B.reshape(x, (-1,))


def batch_flatten(x):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""
    rest = x.shape[1:]
    if None in rest:
        raise ValueError(f"batch_flatten: needs static non-batch dimensions, received "
                         f"shape {x.shape}")
    return B.reshape(x, (-1, int(np.prod(rest))))


def expand_dims(x, axis=-1):
    return B.expand_dims(x, axis if axis >= 0 else x.ndim + 1 + axis)


def squeeze(x, axis):
    return B.squeeze(x, axis)


def concatenate(tensors, axis=-1):
    return B.concat(list(tensors), axis)


def stack(x, axis=0):
    tensors = list(x)
    axis = axis if axis >= 0 else tensors[0].ndim + 1 + axis
    return B.concat([B.expand_dims(t, axis) for t in tensors], axis)


def cast_to_floatx(x):
    """A numpy array of x in floatx."""
    return np.asarray(x, dtype=floatx())


def repeat(x, n):
    """(batch, dim) -> (batch, n, dim)."""
    return B.concat([B.expand_dims(x, 1)] * n, 1)


def repeat_elements(x, rep, axis):
    """Repeat each slice of x `rep` times along `axis` (static size)."""
    axis = axis % x.ndim
    pieces = [B.slice_axis(x, axis, i, i + 1) for i in range(x.shape[axis])]
    return B.concat([p for p in pieces for _ in range(rep)], axis)


def switch(condition, then_expression, else_expression):
    """Elementwise (or scalar) choice; callables are called first."""
    then_expression = then_expression() if callable(then_expression) else then_expression
    else_expression = else_expression() if callable(else_expression) else else_expression
    return B.where(condition, then_expression, else_expression)


def l2_normalize(x, axis=None):
    norm = B.reduce_sum(B.square(x), axis, keepdims=True)
    return x / B.sqrt(B.maximum(norm, 1e-12))


__all__ = [n for n in dir() if not n.startswith('_') and n not in ('np', 'B')]
