"""Keras's sample-weighted loss: weighted_mean and its gradient (compiler/ops/weighted.py)."""
import numpy as np
from numba import njit

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
    if x.shape != w.shape:
        raise ValueError(f"{op}: scores of shape {x.shape} and sample weights of shape "
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
