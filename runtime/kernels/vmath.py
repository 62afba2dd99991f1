"""exp, tanh and sigmoid for the generated elementwise loops, in a form LLVM vectorizes.

`math.exp` / `math.tanh` on float32 compile to calls of the C library's expf / tanhf, one
element at a time: an LSTM step's gates spent 50-90 us on 8192 elements (~10 ns each),
a third of the layer's training step. Here float32 arguments are computed in float64 by
plain arithmetic (no call), which LLVM turns into AVX-512 / AVX2 code:

    exp(x) = 2**n * exp(r),  n = round(x / ln 2),  r = x - n ln 2,  |r| <= ln 2 / 2,

exp(r) by its Taylor polynomial of degree 7 (truncation below 6e-9 relative, a twentieth
of a float32 unit), evaluated with fused multiply-adds (fastmath 'contract' only: no
reassociation, NaN and inf kept), 2**n built from its exponent bits; the float64 result is
rounded once to float32, so the error stays within 0.51 float32 units in the last place
(the C library's expf allows one). Degree 10 without contraction cost twice the time:
8192 elements, exp 8.4 -> 4.9 us, tanh 13.4 -> 8.7 us, sigmoid 10.9 -> 6.6 us. x is first
clamped to [-200, 200], where float64 neither overflows nor underflows: the float32
rounding then gives inf above ~88.72 and 0 (or a denormal) below ~-87.3, as expf does.
tanh(x) = sign(x) (1 - 2 / (exp(2|x|) + 1)), and x (1 - x^2/3 + 2x^4/15 - ...) below
|x| = 0.1, where the first form would cancel digits; sigmoid(x) = 1 / (1 + exp(-x)).
NaN stays NaN. float64 arguments keep the C library's functions (math.exp, math.tanh and
the two-branch stable sigmoid): this polynomial is not accurate to float64 precision.
The gain needs a loop that vectorizes: one element at a time (a loop summing the values)
the polynomial is slower than expf, so the summing kernels call `exp_scalar` and
`sigmoid_scalar` (the C library) instead; tanh is faster either way.

Under NUMBA_DISABLE_JIT the functions are numpy's.
"""
import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic, overload

LOG2E = 1.4426950408889634
LN2 = 0.6931471805599453
CLAMP = 200.0
SMALL_TANH = 0.1


def exp(x):
    """e**x (numpy's, when run as Python)."""
    return np.exp(x)


def tanh(x):
    """tanh(x) (numpy's, when run as Python)."""
    return np.tanh(x)


def sigmoid(x):
    """1 / (1 + e**-x), stable on both sides (numpy's, when run as Python)."""
    return np.exp(-np.logaddexp(0, -x))


def exp_scalar(x):
    """e**x by the C library: for loops that cannot vectorize (a sum over the values),
    where the polynomial runs one element at a time and is slower than expf."""
    return np.exp(x)


def sigmoid_scalar(x):
    """sigmoid by the C library, stable on both sides (see `exp_scalar`)."""
    return np.exp(-np.logaddexp(0, -x))


@intrinsic
def _pow2(typingctx, n):
    """2.0 ** n for an int64 n in [-1022, 1023]: the float64 with exponent bits n + 1023."""
    if not isinstance(n, types.Integer):
        return None
    sig = types.float64(n)

    def codegen(context, builder, signature, args):
        value = context.cast(builder, args[0], signature.args[0], types.int64)
        biased = builder.add(value, ir.Constant(ir.IntType(64), 1023))
        bits = builder.shl(biased, ir.Constant(ir.IntType(64), 52))
        return builder.bitcast(bits, ir.DoubleType())
    return sig, codegen


@njit(cache=True, error_model='numpy', fastmath={'contract'})
def _exp64(d):
    """e**d for a float64 d, by the reduction in the module docstring (NaN kept)."""
    clamped = min(max(d, -CLAMP), CLAMP)
    n = math.floor(clamped * LOG2E + 0.5)
    r = clamped - n * LN2
    p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (
        1.0 / 120 + r * (1.0 / 720 + r * (1.0 / 5040 + r * (1.0 / 40320))))))))
    value = p * _pow2(np.int64(n))
    return d if d != d else value


@njit(cache=True, error_model='numpy', fastmath={'contract'})
def _tanh64(d):
    a = abs(d)
    s = a * a
    small = a * (1.0 + s * (-1.0 / 3 + s * (2.0 / 15 + s * (-17.0 / 315 + s * (
        62.0 / 2835 + s * (-1382.0 / 155925))))))
    large = 1.0 - 2.0 / (_exp64(2.0 * a) + 1.0)
    magnitude = small if a < SMALL_TANH else large
    return d if d != d else math.copysign(magnitude, d)


@overload(exp, jit_options={'error_model': 'numpy'})
def _exp_overload(x):
    if x == types.float32:
        return lambda x: np.float32(_exp64(np.float64(x)))
    return lambda x: math.exp(x)


@overload(tanh, jit_options={'error_model': 'numpy'})
def _tanh_overload(x):
    if x == types.float32:
        return lambda x: np.float32(_tanh64(np.float64(x)))
    return lambda x: math.tanh(x)


@overload(sigmoid, jit_options={'error_model': 'numpy'})
def _sigmoid_overload(x):
    if x == types.float32:
        return lambda x: np.float32(1.0 / (1.0 + _exp64(-np.float64(x))))
    return lambda x: (1.0 / (1.0 + math.exp(-x)) if x >= 0
                      else math.exp(x) / (1.0 + math.exp(x)))


@overload(exp_scalar, jit_options={'error_model': 'numpy'})
def _exp_scalar_overload(x):
    return lambda x: math.exp(x)


@overload(sigmoid_scalar, jit_options={'error_model': 'numpy'})
def _sigmoid_scalar_overload(x):
    return lambda x: (1.0 / (1.0 + math.exp(-x)) if x >= 0
                      else math.exp(x) / (1.0 + math.exp(x)))
