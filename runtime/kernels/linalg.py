"""Matrix product (optionally with a fused bias + activation), and the BLAS thread setting.

The kernels call SciPy's BLAS GEMM directly (`blas.gemm`) on blocks of output rows; blocks
run on the kernel threads (`threads`), so BLAS itself must run on one thread: two thread
pools spin-waiting against each other on two cores cost 3-4x (PERF-NOTES).
`set_blas_threads(1)` arranges that; runtime/kernels/__init__.py calls it. Products
below PARALLEL_MIN_WORK multiply-adds run as one GEMM on the calling thread: waking a
worker costs more than they do.
"""
import ctypes

import numpy as np
from numba import njit

from . import threads
from .blas import gemm
from .conv_core import ACTIVATIONS, bias_act
from .registry import register
from .threads import claim_task, finish_task

PARALLEL_MIN_WORK = 1 << 21
MIN_BLOCK_ROWS = 32
_SETTERS = ('scipy_openblas_set_num_threads', 'openblas_set_num_threads',
            'scipy_openblas_set_num_threads64_', 'openblas_set_num_threads64_')


def _loaded_openblas_paths():
    """Paths of the OpenBLAS libraries SciPy loaded (Linux: from /proc/self/maps)."""
    import scipy.linalg.cython_blas  # noqa: F401  (loads SciPy's BLAS, the kernels' GEMM)
    try:
        with open('/proc/self/maps') as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    paths = {line.split()[-1] for line in lines if 'openblas' in line.lower()}
    # numpy's own BLAS is a separate library the kernels never call: leave it alone.
    return sorted(p for p in paths if '/numpy' not in p)


def set_blas_threads(count):
    """Set the thread count of the OpenBLAS that the kernels' GEMM calls.

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


@njit(cache=True, nogil=True)
def _matmul_block(a, b, transpose_a, transpose_b, bias, act, r0, r1, out):
    """Rows r0:r1 of out = act(op(a) @ op(b) + bias)."""
    left = a[:, r0:r1] if transpose_a else a[r0:r1]
    tile = out[r0:r1]
    gemm(left, b, tile, transpose_a, transpose_b, 0.0)
    if act != 0 or bias.shape[0] > 0:
        bias_act(tile, bias, act)


@njit(cache=True, nogil=True)
def _matmul_driver(state, slot, a, b, transpose_a, transpose_b, bias, act, step, out):
    """Tasks: blocks of `step` output rows."""
    rows = out.shape[0]
    ntasks = (rows + step - 1) // step
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        _matmul_block(a, b, transpose_a, transpose_b, bias, act, k * step,
                      min(rows, (k + 1) * step), out)
        last = finish_task(state, ntasks) or last


def _unit_columns(array):
    """array itself when its last axis is contiguous (BLAS takes strided rows), else a
    C-contiguous copy."""
    if array.strides[1] == array.itemsize and array.strides[0] >= 0:
        return array
    return np.ascontiguousarray(array)


def matmul(a, b, transpose_a, transpose_b, bias, act):
    """act(op(a) @ op(b) + bias) as a new C-contiguous array (bias may be empty)."""
    a, b = _unit_columns(a), _unit_columns(b)
    rows = a.shape[1] if transpose_a else a.shape[0]
    inner = a.shape[0] if transpose_a else a.shape[1]
    cols = b.shape[0] if transpose_b else b.shape[1]
    out = np.empty((rows, cols), a.dtype)
    work = rows * inner * cols
    if out.size == 0:
        return out
    if work < PARALLEL_MIN_WORK or threads.threads() == 1 or rows < 2 * MIN_BLOCK_ROWS:
        _matmul_block(a, b, transpose_a, transpose_b, bias, act, 0, rows, out)
        return out
    blocks = 2 * threads.threads()
    step = max(MIN_BLOCK_ROWS, -(-rows // blocks))
    step += -step % 8
    threads.run(_matmul_driver, -(-rows // step), a, b, transpose_a, transpose_b, bias,
                act, step, out)
    return out


_NO_BIAS = {}


def _no_bias(dtype):
    if dtype not in _NO_BIAS:
        _NO_BIAS[dtype] = np.empty(0, dtype)
    return _NO_BIAS[dtype]


@register('matmul')
def kernel_matmul(transpose_a=False, transpose_b=False):
    """Factory: (a, b) -> op(a) @ op(b) for 2-D float arrays; op transposes when set."""
    transpose_a, transpose_b = bool(transpose_a), bool(transpose_b)

    def run(a, b):
        _check('matmul', a, b, transpose_a, transpose_b)
        return matmul(a, b, transpose_a, transpose_b, _no_bias(a.dtype), 0)
    return run


@register('matmul_bias_act')
def kernel_matmul_bias_act(transpose_a=False, transpose_b=False, act='linear'):
    """Factory: (a, b[, bias]) -> act(op(a) @ op(b) + bias); act 'linear' or 'relu'."""
    transpose_a, transpose_b = bool(transpose_a), bool(transpose_b)
    if act not in ACTIVATIONS:
        raise ValueError(f"matmul_bias_act: unknown activation {act!r}; expected one of "
                         f"{tuple(ACTIVATIONS)}")
    code = ACTIVATIONS[act]

    def run(a, b, bias=None):
        _check('matmul_bias_act', a, b, transpose_a, transpose_b)
        cols = b.shape[0] if transpose_b else b.shape[1]
        if bias is None:
            bias = _no_bias(a.dtype)
        elif bias.shape != (cols,) or bias.dtype != a.dtype:
            raise ValueError(f"matmul_bias_act: expected a {a.dtype} bias of shape "
                             f"({cols},), received {bias.dtype} {bias.shape}")
        return matmul(a, b, transpose_a, transpose_b, np.ascontiguousarray(bias), code)
    return run


def _check(op, a, b, transpose_a, transpose_b):
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"{op}: expected two 2-D arrays, received shapes {a.shape} and "
                         f"{b.shape}")
    inner_a = a.shape[0] if transpose_a else a.shape[1]
    inner_b = b.shape[1] if transpose_b else b.shape[0]
    if inner_a != inner_b:
        raise ValueError(f"{op}: inner dimensions differ: {a.shape} and {b.shape} "
                         f"(transpose_a={transpose_a}, transpose_b={transpose_b})")
    if a.dtype != b.dtype or a.dtype.name not in ('float32', 'float64'):
        raise ValueError(f"{op}: expected two float32 or two float64 arrays, received "
                         f"{a.dtype} and {b.dtype}")
