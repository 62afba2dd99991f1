"""Runtime kernels. Every kernel module is imported here, explicitly, to register.

This import list is the one place that says which kernels exist.
"""
from .registry import KERNELS, get_kernel, register
from . import cache_guard, threads

# Before any kernel loads from Numba's disk cache: drop it when a kernel source changed
# (callers inline helpers from other files, which Numba's per-file cache check misses).
_numba_cache = cache_guard.numba_cache_folder(threads.wait_parked)
if _numba_cache is not None:
    cache_guard.drop_stale_entries(_numba_cache)
from . import (allocator, avgpool, blas, conv, debug, dims, elementwise, fused_reduce, gather,
               linalg, movement, nn, pool, random, reduce, updates, weighted, depthwise)

# One thread pool at a time (see threads, linalg): the kernels run tasks on their own
# threads and call the BLAS from inside them, so that BLAS runs on one thread (MKL is
# bound in its sequential mode; SciPy's OpenBLAS is set here).
if blas.LIBRARY.kind == 'scipy':
    blas.set_blas_threads(1)
# Big arrays freed by one step are reused by the next instead of page-faulted in again.
allocator.keep_freed_memory()

__all__ = ['KERNELS', 'get_kernel', 'register']
