"""Reductions: sum and max over static axes, argmax along one axis.

The wrapper brings x to a C-contiguous (pre, reduced, post) array: a free reshape when the
reduced axes are adjacent (the common case: a batch axis, the last axis, all leading
axes), else one transposing copy that moves them last. The jitted cores walk `post`
innermost, so they run over contiguous memory and vectorise.
"""
import numpy as np
from numba import njit, prange

from .registry import register

# Sums over many elements with few outputs split the reduced axis into this many
# partial sums (added in a fixed order: results do not depend on the thread count).
MAX_SPLITS = 16
SPLIT_MIN_ELEMENTS = 1 << 15


def _prod(dims):
    out = 1
    for d in dims:
        out *= int(d)
    return out


def _normalize(axes, ndim, op):
    """Sorted non-negative axes (a 0-d input has none to reduce)."""
    if ndim == 0:
        return ()
    out = set()
    for axis in axes:
        if not -ndim <= int(axis) < ndim:
            raise ValueError(f"{op}: axis {axis} is out of range for a {ndim}-D input")
        out.add(int(axis) % ndim)
    return tuple(sorted(out))


def _as_3d(x, axes):
    """x as a C-contiguous (pre, reduced, post) array, for reducing over `axes`."""
    shape = x.shape
    if axes and list(axes) == list(range(axes[0], axes[-1] + 1)):
        pre, post = _prod(shape[:axes[0]]), _prod(shape[axes[-1] + 1:])
        return np.ascontiguousarray(x).reshape(pre, _prod(shape[axes[0]:axes[-1] + 1]), post)
    kept = [i for i in range(x.ndim) if i not in axes]
    moved = np.ascontiguousarray(np.transpose(x, kept + list(axes)))
    return moved.reshape(_prod(shape[i] for i in kept), _prod(shape[i] for i in axes), 1)


def _out_shape(shape, axes, keepdims):
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


@njit(cache=True, parallel=True)
def _sum3(x, parts, out):
    """out[p, q] = sum over r of x[p, r, q]; parts (P, splits, Q) zeroed accumulators."""
    pre, reduced, post = x.shape
    splits = parts.shape[1]
    step = (reduced + splits - 1) // splits
    for task in prange(pre * splits):
        p, s = task // splits, task % splits
        acc = parts[p, s]
        for r in range(s * step, min(reduced, (s + 1) * step)):
            for q in range(post):
                acc[q] += x[p, r, q]
    for p in range(pre):
        for s in range(1, splits):
            parts[p, 0] += parts[p, s]
        for q in range(post):
            out[p, q] = parts[p, 0, q]


@njit(cache=True, parallel=True)
def _max3(x, out):
    """out[p, q] = max over r of x[p, r, q] (NaN propagates); needs reduced >= 1."""
    pre, reduced, post = x.shape
    for p in prange(pre):
        best = out[p]
        best[:] = x[p, 0]
        for r in range(1, reduced):
            for q in range(post):
                value = x[p, r, q]
                if value > best[q] or value != value:
                    best[q] = value


@njit(cache=True, parallel=True)
def _argmax3(x, out):
    """out[p, q] = first r maximising x[p, r, q] (the first NaN wins, as numpy)."""
    pre, reduced, post = x.shape
    for p in prange(pre):
        best = x[p, 0].copy()
        where = out[p]
        where[:] = 0
        for r in range(1, reduced):
            for q in range(post):
                value = x[p, r, q]
                if value > best[q] or (value != value and best[q] == best[q]):
                    best[q] = value
                    where[q] = r


def _accumulator_dtype(dtype):
    return np.float64 if dtype.kind in 'fc' else np.int64


@register('sum')
def kernel_sum(axes=(), keepdims=False):
    """Factory: sum of x over `axes` (empty: no reduction), in x's dtype.

    float32 inputs accumulate in float64 and round once at the end.
    """
    def run(x):
        axes_ = _normalize(axes, x.ndim, 'sum')
        x3 = _as_3d(x, axes_)
        pre, reduced, post = x3.shape
        splits = 1
        if pre < 8 and reduced * post >= SPLIT_MIN_ELEMENTS:
            splits = max(1, min(MAX_SPLITS, reduced // 64))
        parts = np.zeros((pre, splits, post), _accumulator_dtype(x.dtype))
        out = np.empty((pre, post), x.dtype)
        if out.size:
            _sum3(x3, parts, out)
        return out.reshape(_out_shape(x.shape, axes_, keepdims))
    return run


@register('max')
def kernel_max(axes=(), keepdims=False):
    """Factory: maximum of x over `axes` (empty: no reduction); NaN propagates."""
    def run(x):
        axes_ = _normalize(axes, x.ndim, 'max')
        x3 = _as_3d(x, axes_)
        if x3.shape[1] == 0:
            raise ValueError(f"max: cannot reduce an empty axis; input shape {x.shape}, "
                             f"axes {axes_}")
        out = np.empty((x3.shape[0], x3.shape[2]), x.dtype)
        if out.size:
            _max3(x3, out)
        return out.reshape(_out_shape(x.shape, axes_, keepdims))
    return run


@register('argmax')
def kernel_argmax(axis=-1, keepdims=False):
    """Factory: int64 index of the first maximum of x along `axis`."""
    def run(x):
        axes_ = _normalize((axis,), x.ndim, 'argmax')
        x3 = _as_3d(x, axes_)
        if x3.shape[1] == 0:
            raise ValueError(f"argmax: cannot reduce an empty axis; input shape {x.shape}")
        out = np.empty((x3.shape[0], x3.shape[2]), np.int64)
        if out.size:
            _argmax3(x3, out)
        return out.reshape(_out_shape(x.shape, axes_, keepdims))
    return run
