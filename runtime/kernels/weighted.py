"""Keras's sample-weighted loss: weighted_mean and its gradient, and both joined with the
softmax cross-entropy (compiler/ops/weighted.py)."""
import numpy as np
from numba import njit

from .nn import _crossentropy_grad_rows, _crossentropy_rows, _rows
from .registry import register


@njit(cache=True, nogil=True, error_model="numpy")
def _weighted_mean(s, w):
    """sum(s * w) / count of nonzero w, of two flat arrays, in float64 (the sum
    accumulated in float64; 0 / 0 is NaN and x / 0 inf, without a warning)."""
    total = 0.0
    count = 0
    for i in range(s.size):
        total += np.float64(s[i]) * np.float64(w[i])
        if w[i] != 0:
            count += 1
    return total / np.float64(count)


@njit(cache=True, nogil=True, error_model="numpy")
def _scaled_by_count(x, w, g, out):
    """out = x * (g / count of nonzero w), the factor rounded to x's dtype first (x, w
    and out flat)."""
    count = 0
    for i in range(w.size):
        if w[i] != 0:
            count += 1
    factor = out.dtype.type(np.float64(g) / np.float64(count))
    for i in range(x.size):
        out[i] = x[i] * factor


def _scale(x, w, g):
    """x * g / count_nonzero(w), of x's shape and dtype (g a 0-d array or scalar)."""
    x = np.ascontiguousarray(x)
    out = np.empty_like(x)
    _scaled_by_count(x.reshape(-1), np.ascontiguousarray(w).reshape(-1),
                     np.float64(np.asarray(g)[()]), out.reshape(-1))
    return out


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
        return np.asarray(_weighted_mean(np.ascontiguousarray(s).reshape(-1),
                                         np.ascontiguousarray(w).reshape(-1)), s.dtype)
    return run


@register('scale_by_nonzero_count')
def kernel_scale_by_nonzero_count():
    """Factory: (x, w, g) -> x * g / count_nonzero(w), of x's shape and dtype."""

    def run(x, w, g):
        _check_shapes('scale_by_nonzero_count', x, w)
        return _scale(x, w, g)
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
        return np.asarray(_weighted_mean(scores, np.ascontiguousarray(w).reshape(-1)),
                          z.dtype)
    return run


@register('weighted_softmax_crossentropy_grad')
def kernel_weighted_softmax_crossentropy_grad():
    """Factory: (z, y, x, w, g) -> softmax_crossentropy_grad(z, y, x * g /
    count_nonzero(w)), shaped like z."""
    def run(z, y, x, w, g):
        _check_shapes('weighted_softmax_crossentropy_grad', z.shape[:-1], x)
        _check_shapes('weighted_softmax_crossentropy_grad', x, w)
        flat_z, flat_y = _rows(z, y)
        factors = np.ascontiguousarray(_scale(x, w, g), z.dtype).reshape(-1)
        out = np.empty_like(flat_z)
        _crossentropy_grad_rows(flat_z, flat_y, factors, out)
        return out.reshape(z.shape)
    return run
