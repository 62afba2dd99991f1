"""Matrix product, and the BLAS thread setting the kernels rely on.

`np.dot` inside nopython code calls SciPy's BLAS. The kernels parallelise with Numba's
`prange` and call BLAS from inside the parallel loops, so BLAS must run on one thread:
two thread pools spin-waiting against each other on two cores cost 3-4x (PERF-NOTES).
`set_blas_threads(1)` arranges that; runtime/kernels/__init__.py calls it.
"""
import ctypes

import numpy as np
from numba import get_num_threads, njit, prange

from .registry import register

# Below this many multiply-adds a product runs as one BLAS call on one thread.
PARALLEL_MIN_WORK = 1 << 18
_SETTERS = ('scipy_openblas_set_num_threads', 'openblas_set_num_threads',
            'scipy_openblas_set_num_threads64_', 'openblas_set_num_threads64_')


def _loaded_openblas_paths():
    """Paths of the OpenBLAS libraries SciPy loaded (Linux: from /proc/self/maps)."""
    import scipy.linalg.cython_blas  # noqa: F401  (loads SciPy's BLAS, Numba's np.dot)
    try:
        with open('/proc/self/maps') as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    paths = {line.split()[-1] for line in lines if 'openblas' in line.lower()}
    # numpy's own BLAS is a separate library the kernels never call: leave it alone.
    return sorted(p for p in paths if '/numpy' not in p)


def set_blas_threads(count):
    """Set the thread count of the OpenBLAS that Numba's `np.dot` calls.

    Args:
        count: number of BLAS threads (1 when the caller parallelises itself).

    Returns:
        True if an OpenBLAS was found and set, False otherwise (other BLAS builds).
    """
    done = False
    for path in _loaded_openblas_paths():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        setter = next((getattr(library, n) for n in _SETTERS if hasattr(library, n)), None)
        if setter is not None:
            setter(ctypes.c_int(int(count)))
            done = True
    return done


@njit(cache=True, parallel=True)
def _matmul(a, b, transpose_a, transpose_b, blocks, out):
    """out = op(a) @ op(b), rows of out split into `blocks` parallel BLAS calls."""
    rows = out.shape[0]
    step = (rows + blocks - 1) // blocks
    for k in prange(blocks):
        r0, r1 = k * step, min(rows, (k + 1) * step)
        if r0 < r1:
            if transpose_a:   # rows r0:r1 of a.T: copy that strip contiguous (O(k*m))
                left = np.ascontiguousarray(a[:, r0:r1].T)
            else:
                left = a[r0:r1]
            if transpose_b:
                np.dot(left, b.T, out[r0:r1])
            else:
                np.dot(left, b, out[r0:r1])


@register('matmul')
def kernel_matmul(transpose_a=False, transpose_b=False):
    """Factory: (a, b) -> op(a) @ op(b) for 2-D float arrays; op transposes when set."""
    transpose_a, transpose_b = bool(transpose_a), bool(transpose_b)

    def run(a, b):
        _check(a, b, transpose_a, transpose_b)
        a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
        rows = a.shape[1] if transpose_a else a.shape[0]
        inner = a.shape[0] if transpose_a else a.shape[1]
        cols = b.shape[0] if transpose_b else b.shape[1]
        out = np.empty((rows, cols), a.dtype)
        if out.size == 0:
            return out
        if inner == 0:
            out[...] = 0
            return out
        blocks = 1 if rows * inner * cols < PARALLEL_MIN_WORK else min(
            get_num_threads(), max(1, rows // 8))
        _matmul(a, b, transpose_a, transpose_b, blocks, out)
        return out
    return run


def _check(a, b, transpose_a, transpose_b):
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"matmul: expected two 2-D arrays, received shapes {a.shape} and "
                         f"{b.shape}")
    inner_a = a.shape[0] if transpose_a else a.shape[1]
    inner_b = b.shape[1] if transpose_b else b.shape[0]
    if inner_a != inner_b:
        raise ValueError(f"matmul: inner dimensions differ: {a.shape} and {b.shape} "
                         f"(transpose_a={transpose_a}, transpose_b={transpose_b})")
    if a.dtype != b.dtype or a.dtype.name not in ('float32', 'float64'):
        raise ValueError(f"matmul: expected two float32 or two float64 arrays, received "
                         f"{a.dtype} and {b.dtype}")
