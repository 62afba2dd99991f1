"""GEMM from nopython code: the BLAS library's `sgemm`/`dgemm` bound by symbol name.

`gemm_flags(a, b, c, transpose_a, transpose_b, beta)` computes, for row-major 2-D arrays
whose rows may be strided (views into bigger matrices), c = op(a) @ op(b) + beta * c;
`gemm_scaled` takes an alpha as well (c = alpha * op(a) @ op(b) + beta * c); `gemm`,
`gemm_tn` and `gemm_nt` are fixed orientations (all inlined wrappers of one compiled
call per dtype). Unlike
`np.dot` inside Numba it takes submatrices without copies, accumulates (beta = 1), and
compiles to one call.

The functions of the library `blas_library.chosen()` picks (MKL or SciPy's OpenBLAS;
`LIBRARY` names it) are registered with LLVM under fixed names (`symkeras_sgemm`,
`symkeras_dgemm`) when this module is imported, and kernels call them by name: Numba's
disk cache stays valid across processes and libraries (a raw function pointer baked into
compiled code would not be). The BLAS must run single-threaded: MKL is set sequential,
SciPy's OpenBLAS to one thread (`set_blas_threads(1)`).
"""
import llvmlite.binding as llvm
import numpy as np
from llvmlite import ir
from numba import config, njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from . import blas_library

SYMBOLS = {types.float32: 'symkeras_sgemm', types.float64: 'symkeras_dgemm'}


LIBRARY = blas_library.chosen()
llvm.add_symbol('symkeras_sgemm', LIBRARY.sgemm)
llvm.add_symbol('symkeras_dgemm', LIBRARY.dgemm)
_INT = ir.IntType(LIBRARY.int_bits)
set_blas_threads = blas_library.set_blas_threads


def _slot(builder, value):
    """A stack slot holding `value`: Fortran takes every argument by pointer."""
    pointer = cgutils.alloca_once(builder, value.type)
    builder.store(value, pointer)
    return pointer


@intrinsic
def _xgemm(typingctx, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc):
    """Fortran (column-major) xGEMM: c = alpha * op(a) @ op(b) + beta * c."""
    if not all(isinstance(t, types.Array) for t in (a, b, c)):
        return None
    if not a.dtype == b.dtype == c.dtype or a.dtype not in SYMBOLS:
        return None
    sig = types.void(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)

    def codegen(context, builder, signature, args):
        dtype = signature.args[6].dtype
        real = context.get_value_type(dtype)
        char_p, real_p, int_p = (ir.IntType(8).as_pointer(), real.as_pointer(),
                                 _INT.as_pointer())
        fnty = ir.FunctionType(ir.VoidType(), [char_p, char_p, int_p, int_p, int_p, real_p,
                                               real_p, int_p, real_p, int_p, real_p,
                                               real_p, int_p])
        fn = cgutils.get_or_insert_function(builder.module, fnty, SYMBOLS[dtype])
        ta, tb, m_, n_, k_, alpha_, a_, lda_, b_, ldb_, beta_, c_, ldc_ = args

        def char(flag):
            code = builder.select(builder.icmp_signed('!=', flag, ir.Constant(flag.type, 0)),
                                  ir.Constant(ir.IntType(8), ord('T')),
                                  ir.Constant(ir.IntType(8), ord('N')))
            return _slot(builder, code)

        def integer(value):
            return _slot(builder, builder.trunc(value, _INT) if _INT.width < 64 else value)

        def data(value, array_type):
            return context.make_array(array_type)(context, builder, value).data

        sig_args = signature.args
        alpha_value = context.cast(builder, alpha_, sig_args[5], dtype)
        beta_value = context.cast(builder, beta_, sig_args[10], dtype)
        builder.call(fn, [char(ta), char(tb), integer(m_), integer(n_), integer(k_),
                          _slot(builder, alpha_value),
                          data(a_, sig_args[6]), integer(lda_),
                          data(b_, sig_args[8]), integer(ldb_),
                          _slot(builder, beta_value), data(c_, sig_args[11]),
                          integer(ldc_)])
        return context.get_dummy_value()
    return sig, codegen


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _leading(array):
    """Row stride in elements (at least 1, as BLAS requires)."""
    return max(array.strides[0] // array.itemsize, max(array.shape[1], 1))


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _degenerate(c, k, beta):
    """Handle an empty product (c = beta * c); True when there is nothing left for BLAS."""
    m, n = c.shape
    if m == 0 or n == 0:
        return True
    if k == 0:
        if beta != 1:
            for i in range(m):
                for j in range(n):
                    c[i, j] = 0 if beta == 0 else beta * c[i, j]
        return True
    return False


# Row-major c = op(a) op(b) is column-major c.T = op(b).T op(a).T: the Fortran call takes
# b first. One compiled function, `_gemm_any`, does every call, on arrays typed with layout
# 'A' (any strides): the public functions are inlined wrappers that pass such views, so a
# process compiles the GEMM call once per dtype instead of once per caller's combination
# of 'C' and 'A' layouts (each took 0.2-0.4 s of a cold compile).

@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _any(array):
    """array as a view typed with layout 'A' (the same data and strides)."""
    return array[:, :array.shape[1]]


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _false(c):
    """False, typed as a plain bool: a constant flag would make _gemm_any compile once per
    value (Numba passes constants as literal types)."""
    return c.shape[0] < 0


@njit(cache=True, nogil=True, error_model="numpy")
def _gemm_any(a, b, c, transpose_a, transpose_b, alpha, beta):
    """gemm_scaled on 'A'-typed arrays (the one compiled GEMM call)."""
    k = a.shape[0] if transpose_a else a.shape[1]
    if not _degenerate(c, k, beta):
        _xgemm(transpose_b, transpose_a, c.shape[1], c.shape[0], k, alpha, b, _leading(b),
               a, _leading(a), beta, c, _leading(c))


if config.DISABLE_JIT:
    def _gemm_any(a, b, c, transpose_a, transpose_b, alpha, beta):  # noqa: F811
        """NUMBA_DISABLE_JIT=1 (debugging, coverage): the intrinsic cannot run as Python,
        so numpy computes what BLAS would (alpha 0 skips the product, beta 0 drops c)."""
        k = a.shape[0] if transpose_a else a.shape[1]
        if _degenerate(c, k, beta):
            return
        value = np.zeros(c.shape, c.dtype) if beta == 0 else beta * c
        if alpha != 0:
            value = value + alpha * ((a.T if transpose_a else a) @ (b.T if transpose_b else b))
        c[...] = value


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def gemm_flags(a, b, c, transpose_a, transpose_b, beta):
    """c[:] = op(a) @ op(b) + beta * c for row-major 2-D arrays with unit column stride.

    Args:
        a, b: op(a) is (m, k), op(b) is (k, n); op transposes when the flag is set.
        c: (m, n) output, written in place (its rows may be strided).
        beta: 0 overwrites c, 1 accumulates into it.
    """
    no = _false(c)
    _gemm_any(_any(a), _any(b), _any(c), bool(transpose_a) != no, bool(transpose_b) != no,
              1.0, np.float64(beta))


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def gemm_scaled(a, b, c, transpose_a, transpose_b, alpha, beta):
    """c[:] = alpha * op(a) @ op(b) + beta * c (see gemm_flags).

    BLAS skips the product when alpha is 0 (inf or NaN in it do not reach c), and
    overwrites c when beta is 0 (inf or NaN in c are dropped): callers needing IEEE
    semantics there handle those cases themselves.
    """
    no = _false(c)
    # np.float64, not float(): Numba's float() of a float32 stays float32, which compiled
    # a second _gemm_any (0.3-0.4 s of a cold compile).
    _gemm_any(_any(a), _any(b), _any(c), bool(transpose_a) != no, bool(transpose_b) != no,
              np.float64(alpha), np.float64(beta))


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def gemm(a, b, c, beta):
    """c[:] = a @ b + beta * c (see gemm_flags)."""
    no = _false(c)
    _gemm_any(_any(a), _any(b), _any(c), no, no, 1.0, np.float64(beta))


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def gemm_tn(a, b, c, beta):
    """c[:] = a.T @ b + beta * c (see gemm_flags)."""
    no = _false(c)
    _gemm_any(_any(a), _any(b), _any(c), not no, no, 1.0, np.float64(beta))


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def gemm_nt(a, b, c, beta):
    """c[:] = a @ b.T + beta * c (see gemm_flags)."""
    no = _false(c)
    _gemm_any(_any(a), _any(b), _any(c), no, not no, 1.0, np.float64(beta))
