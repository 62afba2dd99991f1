"""Keep freed memory in the process: no page faults for the big arrays of every step.

A training step allocates and frees the same large arrays (activations, gradients) on
every call. glibc's malloc serves blocks above its mmap threshold with fresh mmap()s and
returns them with munmap(), so each step page-faults its working set in again (measured
on the seed CNN: ~3,000 faults and 9-19 ms of kernel time per step). Raising the mmap
and trim thresholds keeps such blocks in the heap for reuse. Set SYMKERAS_MALLOC_TUNING=0
to leave malloc alone.
"""
import ctypes
import ctypes.util
import os

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
THRESHOLD = 1 << 30


def keep_freed_memory():
    """Raise glibc's mmap and trim thresholds (no-op elsewhere).

    Returns:
        True when the thresholds were set.
    """
    if os.environ.get('SYMKERAS_MALLOC_TUNING', '1') == '0':
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6')
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, THRESHOLD))
