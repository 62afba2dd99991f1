"""Reductions: sum, prod, max and min over static axes, argmax along one axis.

The wrapper brings x to a C-contiguous (pre, reduced, post) array: a free reshape when the
reduced axes are adjacent (the common case: a batch axis, the last axis, all leading
axes), else one transposing copy that moves them last. The compiled cores walk `post`
innermost, so they run over contiguous memory and vectorise.

Tasks (`threads`) are blocks of `pre` rows, or, for sums over many elements with few
outputs (a bias gradient: pre = 1), blocks of the reduced axis whose partial sums are
added in block order: results do not depend on the thread count. Small reductions run on
the calling thread, through numpy's own reductions (no compiled code to load or build).
Float sums accumulate in float64 and round once at the end. Products run through numpy's
own loop at every size (exact: float32 accumulates in float64, ints in 64-bit ints).
Sums and products of bools count in int64, as numpy's.
"""
import numpy as np
from numba import njit

from . import threads
from .loops import copy
from .registry import register
from .threads import claim_task, finish_task

# Reductions of fewer elements run on the calling thread.
PARALLEL_MIN_ELEMENTS = 1 << 17
# A sum with fewer than this many outputs splits its reduced axis into blocks of
# REDUCED_BLOCK rows (at most MAX_SPLITS of them).
SPLIT_MAX_OUTPUTS = 4096
REDUCED_BLOCK = 1024
MAX_SPLITS = 64
ROWS_PER_TASK = 64
# Small float sums whose kept inner axis has at least this many entries run the compiled
# loop (on the calling thread) rather than numpy's.
COMPILED_MIN_POST = 64


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


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _sum_block(x, p, r0, r1, acc):
    """acc[q] = sum over r in [r0, r1) of x[p, r, q]."""
    acc[:] = 0
    for r in range(r0, r1):
        line = x[p, r]
        for q in range(acc.shape[0]):
            acc[q] += line[q]


@njit(cache=True, nogil=True, error_model="numpy")
def _sum_driver(state, slot, x, step, parts):
    """Tasks: (p, block) pairs; parts[p, block] = sum over the block's reduced rows."""
    pre, reduced = x.shape[0], x.shape[1]
    splits = parts.shape[1]
    ntasks = pre * splits
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        p, s = k // splits, k % splits
        _sum_block(x, p, s * step, min(reduced, (s + 1) * step), parts[p, s])
        last = finish_task(state, ntasks) or last


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _max_rows(x, p0, p1, argmax, lowest, out, where):
    """out[p] (max, or min when `lowest`) or where[p] (first argmax) over r of x[p, r, :];
    NaN wins."""
    reduced, post = x.shape[1], x.shape[2]
    best = np.empty(post, x.dtype)
    for p in range(p0, p1):
        copy(x[p, 0], best)
        if argmax:
            where[p] = 0
        for r in range(1, reduced):
            line = x[p, r]
            for q in range(post):
                value = line[q]
                better = value < best[q] if lowest else value > best[q]
                if better or (value != value and best[q] == best[q]):
                    best[q] = value
                    if argmax:
                        where[p, q] = r
        if not argmax:
            copy(best, out[p])


@njit(cache=True, nogil=True, error_model="numpy")
def _max_driver(state, slot, x, argmax, lowest, step, out, where):
    """Tasks: blocks of `step` rows of pre."""
    pre = x.shape[0]
    ntasks = (pre + step - 1) // step
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        _max_rows(x, k * step, min(pre, (k + 1) * step), argmax, lowest, out, where)
        last = finish_task(state, ntasks) or last


def _accumulator_dtype(dtype):
    return np.float64 if dtype.kind in 'fc' else np.int64


def _count_dtype(dtype):
    """dtype of a sum or a product: x's, except bools, which count in int64."""
    return np.dtype(np.int64) if dtype.kind == 'b' else dtype


def _sum3(x3, dtype):
    """(pre, post) sums of a (pre, reduced, post) array, in `dtype`."""
    pre, reduced, post = x3.shape
    accumulator = _accumulator_dtype(dtype)
    small = x3.size < PARALLEL_MIN_ELEMENTS
    if small and not _compiled_pays(x3.shape, dtype):   # numpy's own loops
        return np.sum(x3, axis=1, dtype=accumulator).astype(dtype, copy=False)
    splits = 1
    if not small and pre * post < SPLIT_MAX_OUTPUTS:
        splits = max(1, min(MAX_SPLITS, reduced // REDUCED_BLOCK))
    step = -(-reduced // splits) if reduced else 1
    parts = np.empty((pre, splits, post), accumulator)
    threads.run(_sum_driver, pre * splits, x3, step, parts, parallel=not small)
    total = parts[:, 0] if splits == 1 else parts.sum(axis=1)   # blocks in order
    return total.astype(dtype)


def _compiled_pays(dims3, dtype):
    """Whether the compiled loop beats numpy on a small float sum: numpy's float64
    accumulation of float32 data goes through a slow casting loop (5x slower on a bias
    gradient, 128x512 over the batch), while the compiled loop runs along `post`."""
    return dtype.kind == 'f' and dims3[2] >= COMPILED_MIN_POST and dims3[1] > 1


class _Layouts(dict):
    """{input shape: (axes, (pre, reduced, post) or None, output shape)} of a reduction
    step: the bookkeeping done once per shape rather than on every call (the middle entry
    is None when the reduced axes are not adjacent)."""

    def __init__(self, op, axes, keepdims):
        super().__init__()
        self.op, self.axes, self.keepdims = op, tuple(axes), keepdims

    def __missing__(self, shape):
        if len(self) > 32:          # many batch sizes: start over rather than grow
            self.clear()
        axes = _normalize(self.axes, len(shape), self.op)
        dims3 = None
        if axes and list(axes) == list(range(axes[0], axes[-1] + 1)):
            dims3 = (_prod(shape[:axes[0]]), _prod(shape[axes[0]:axes[-1] + 1]),
                     _prod(shape[axes[-1] + 1:]))
        entry = self[shape] = (axes, dims3, _out_shape(shape, axes, self.keepdims))
        return entry


@register('sum')
def kernel_sum(axes=(), keepdims=False):
    """Factory: sum of x over `axes` (empty: no reduction), in x's dtype.

    float32 inputs accumulate in float64 and round once at the end.
    """
    layouts = _Layouts('sum', axes, keepdims)

    def run(x):
        axes_, dims3, shape = layouts[x.shape]
        if x.ndim and x.size < PARALLEL_MIN_ELEMENTS and (
                dims3 is None or not _compiled_pays(dims3, x.dtype)):
            total = np.add.reduce(x, axis=axes_, dtype=_accumulator_dtype(x.dtype),
                                  keepdims=True)         # numpy's own loop, straight on x
            return total.astype(_count_dtype(x.dtype), copy=False).reshape(shape)
        return _sum3(_as_3d(x, axes_), _count_dtype(x.dtype)).reshape(shape)
    return run


@register('prod')
def kernel_prod(axes=(), keepdims=False):
    """Factory: product of x over `axes` (empty: no reduction), in x's dtype (bools: int64).

    numpy's loop: floats accumulate in float64 and round once, ints in 64-bit ints (an
    int32 product wraps around as numpy's does).
    """
    layouts = _Layouts('prod', axes, keepdims)

    def run(x):
        axes_, _, shape = layouts[x.shape]
        accumulator = np.float64 if x.dtype.kind == 'f' else None   # None: numpy's 64 bits
        total = np.multiply.reduce(x, axis=axes_, dtype=accumulator, keepdims=True)
        return total.astype(_count_dtype(x.dtype), copy=False).reshape(shape)
    return run


def _max_kernel(op, axes, keepdims, argmax, lowest=False):
    layouts = _Layouts(op, axes, keepdims)
    ufunc = np.minimum if lowest else np.maximum

    def run(x):
        axes_, _, shape = layouts[x.shape]
        if x.ndim and 0 < x.size < PARALLEL_MIN_ELEMENTS and not argmax:  # numpy's loop
            return ufunc.reduce(x, axis=axes_, keepdims=True).reshape(shape)
        x3 = _as_3d(x, axes_)
        if x3.shape[1] == 0:
            raise ValueError(f"{op}: cannot reduce an empty axis; input shape {x.shape}, "
                             f"axes {axes_}")
        if x3.size < PARALLEL_MIN_ELEMENTS:     # numpy's own loops: nothing to compile
            small = np.argmax(x3, axis=1) if argmax else ufunc.reduce(x3, axis=1)
            return small.astype(np.int64 if argmax else x.dtype, copy=False).reshape(shape)
        out = np.empty((0, 0) if argmax else (x3.shape[0], x3.shape[2]), x.dtype)
        where = np.empty((x3.shape[0], x3.shape[2]) if argmax else (0, 0), np.int64)
        if x3.shape[0] and x3.shape[2]:
            step = max(1, min(ROWS_PER_TASK, x3.shape[0]))
            threads.run(_max_driver, -(-x3.shape[0] // step), x3, argmax, lowest, step,
                        out, where)
        return (where if argmax else out).reshape(shape)
    return run


@register('max')
def kernel_max(axes=(), keepdims=False):
    """Factory: maximum of x over `axes` (empty: no reduction); NaN propagates."""
    return _max_kernel('max', axes, keepdims, False)


@register('min')
def kernel_min(axes=(), keepdims=False):
    """Factory: minimum of x over `axes` (empty: no reduction); NaN propagates."""
    return _max_kernel('min', axes, keepdims, False, lowest=True)


@register('argmax')
def kernel_argmax(axis=-1, keepdims=False):
    """Factory: int64 index of the first maximum of x along `axis`."""
    return _max_kernel('argmax', (axis,), keepdims, True)
