"""Runtime kernels. Every kernel module is imported here, explicitly, to register.

This import list is the one place that says which kernels exist.
"""
from .registry import KERNELS, get_kernel, register
from . import (avgpool, blas, conv, dims, elementwise, fused_reduce, gather, linalg, movement,
               nn, pool, random, reduce)

# One thread pool at a time (see linalg): the kernels parallelise with Numba's prange and
# call SciPy's BLAS from inside the parallel loops, so that BLAS runs on one thread.
linalg.set_blas_threads(1)

__all__ = ['KERNELS', 'get_kernel', 'register']
