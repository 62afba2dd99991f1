"""Keras's sample-weighted loss: weighted_mean and its gradient, and both joined with the
softmax cross-entropy (compiler/ops/weighted.py)."""
import numpy as np
from numba import njit

from .nn import _crossentropy_grad_rows, _crossentropy_rows, _rows
from .registry import register


@njit(cache=True, nogil=True, error_model="numpy")
def _weighted_sum(s, w):
    """(sum(s * w) accumulated in float64, count of nonzero w) of two flat arrays."""
    total = 0.0
    count = 0
    for i in range(s.size):
        total += np.float64(s[i]) * np.float64(w[i])
        if w[i] != 0:
            count += 1
    return total, count


def _check_shapes(op, x, w):
    """x: an array or the scores' shape."""
    shape = x if isinstance(x, tuple) else x.shape
    if shape != w.shape:
        raise ValueError(f"{op}: scores of shape {shape} and sample weights of shape "
                         f"{w.shape} differ")


@register('weighted_mean')
def kernel_weighted_mean():
    """Factory: (s, w) -> sum(s * w) / count_nonzero(w), a 0-d array of s's dtype."""

    def run(s, w):
        _check_shapes('weighted_mean', s, w)
        total, count = _weighted_sum(np.ascontiguousarray(s).reshape(-1),
                                     np.ascontiguousarray(w).reshape(-1))
        with np.errstate(divide='ignore', invalid='ignore'):
            return np.asarray(np.float64(total) / np.float64(count), s.dtype)
    return run


@register('scale_by_nonzero_count')
def kernel_scale_by_nonzero_count():
    """Factory: (x, w, g) -> x * g / count_nonzero(w), of x's shape and dtype."""

    def run(x, w, g):
        _check_shapes('scale_by_nonzero_count', x, w)
        with np.errstate(divide='ignore', invalid='ignore'):
            factor = x.dtype.type(np.float64(g) / np.float64(np.count_nonzero(w)))
            return np.multiply(x, factor)
    return run


@register('weighted_softmax_crossentropy')
def kernel_weighted_softmax_crossentropy():
    """Factory: (z, y, w) -> weighted_mean(softmax_crossentropy(z, y), w), 0-d."""
    def run(z, y, w):
        _check_shapes('weighted_softmax_crossentropy', z.shape[:-1], w)
        flat_z, flat_y = _rows(z, y)
        scores = np.zeros(flat_z.shape[0], z.dtype)
        if flat_z.shape[1]:
            _crossentropy_rows(flat_z, flat_y, scores)
        # The two compiled loops the separate kernels run (one more compiled function
        # joining them would add to every cold compile).
        total, count = _weighted_sum(scores, np.ascontiguousarray(w).reshape(-1))
        with np.errstate(divide='ignore', invalid='ignore'):
            return np.asarray(np.float64(total) / np.float64(count), z.dtype)
    return run


@register('weighted_softmax_crossentropy_grad')
def kernel_weighted_softmax_crossentropy_grad():
    """Factory: (z, y, x, w, g) -> softmax_crossentropy_grad(z, y, x * g /
    count_nonzero(w)), shaped like z."""
    scale = kernel_scale_by_nonzero_count()

    def run(z, y, x, w, g):
        _check_shapes('weighted_softmax_crossentropy_grad', z.shape[:-1], x)
        flat_z, flat_y = _rows(z, y)
        factors = np.ascontiguousarray(scale(x, w, g), z.dtype).reshape(-1)
        out = np.empty_like(flat_z)
        _crossentropy_grad_rows(flat_z, flat_y, factors, out)
        return out.reshape(z.shape)
    return run
