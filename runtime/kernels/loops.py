"""Tiny compiled loops shared by the kernels.

Array-to-array slice assignment (`a[:] = b`) inside Numba code pulls in the broadcasting
machinery and its error-message formatting: seconds of cold compile per kernel. These
loops compile in milliseconds, and index only with `range` counters, which keeps them
vectorised (an index Numba might wrap around, when negative, keeps a loop scalar).
"""
from numba import njit


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def copy(source, dest):
    """dest[:] = source[:len(dest)] for 1-D arrays."""
    for t in range(dest.shape[0]):
        dest[t] = source[t]


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def add(source, dest):
    """dest[:] += source[:len(dest)] for 1-D arrays."""
    for t in range(dest.shape[0]):
        dest[t] += source[t]
