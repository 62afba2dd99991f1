"""scaled_update: an SGD-style update of a variable, (v, p + v) with v = beta * z + alpha * s,
in one kernel call; s is a gradient g, or g summed over its leading (batch) axes: a bias's.

Keras's SGD computes v = momentum * m - lr * g and then p + v; for a bias, g is a sum over
the batch first. Unfused that is three kernel calls per bias (sum, v, p + v) and two per
other parameter whose gradient is not a product (a convolution's filters), each a few
microseconds of call overhead for a few microseconds of work. Here the column sums
accumulate in the accumulator dtype (float64 for floats) and round once, as `sum` does,
so the results equal the unfused kernels'; big sums go through `reduce`'s threaded sum.
"""
import numpy as np
from numba import njit

from . import reduce
from .linalg import _fits
from .registry import register


@njit(cache=True, nogil=True, error_model="numpy")
def _pair(z, s, alpha, beta, p, v, total):
    """v = beta * z + alpha * s and total = p + v (1-D arrays; v may be z's buffer and
    total p's: each entry is read before it is written)."""
    for i in range(z.shape[0]):
        value = beta * z[i] + alpha * s[i]
        v[i] = value
        total[i] = p[i] + value


@njit(cache=True, nogil=True, error_model="numpy")
def _sum_pair(z, g, alpha, beta, p, acc, s, v, total):
    """_pair with s = the column sums of the 2-D g (accumulated in acc, rounded into s)."""
    acc[:] = 0
    for r in range(g.shape[0]):
        row = g[r]
        for c in range(acc.shape[0]):
            acc[c] += row[c]
    for c in range(acc.shape[0]):
        s[c] = acc[c]
    _pair(z, s, alpha, beta, p, v, total)


def _flat(array):
    if array.ndim == 1 and array.flags.c_contiguous:
        return array
    return np.ascontiguousarray(array).reshape(-1)


@register('scaled_update')
def kernel_scaled_update(summed=0, negate_alpha=False, negate_beta=False):
    """Factory: (z, g, alpha, beta, p) -> stacked (v, p + v), v = beta * z + alpha * s, s = g
    summed over its first `summed` axes (see compiler.ops.stacked.ScaledUpdate)."""
    leading = int(summed)
    sign_alpha, sign_beta = (-1 if negate_alpha else 1), (-1 if negate_beta else 1)

    def run(z, g, alpha, beta, p, out=None):
        """out: optional (v buffer, p + v buffer), e.g. z and p themselves (the
        variable's update in place); the results are then written there and that pair
        returned."""
        _check(z, g, alpha, beta, p, leading)
        shape, dtype = z.shape, z.dtype
        if out is not None and _fits(out, shape, dtype):
            result = out
            v, total = out
        else:
            result = np.empty((2,) + shape, dtype)
            v, total = result[0, ...], result[1, ...]     # views, also when 0-d
        a, b = sign_alpha * alpha[()], sign_beta * beta[()]
        z1, p1, v1, total1 = _flat(z), _flat(p), v.reshape(-1), total.reshape(-1)
        if not leading:
            _pair(z1, _flat(g), a, b, p1, v1, total1)
            return result
        g2 = np.ascontiguousarray(g).reshape(-1, z1.shape[0]) if z1.shape[0] else \
            np.empty((0, 0), dtype)
        if g2.size >= reduce.PARALLEL_MIN_ELEMENTS:
            s = reduce._sum3(g2.reshape((1,) + g2.shape), dtype)[0]
            _pair(z1, s, a, b, p1, v1, total1)
        else:
            acc = np.empty(z1.shape[0], reduce._accumulator_dtype(dtype))
            _sum_pair(z1, g2, a, b, p1, acc, np.empty(z1.shape[0], dtype), v1, total1)
        return result
    return run


def _check(z, g, alpha, beta, p, leading):
    dtype = z.dtype
    if g.ndim < leading or g.shape[leading:] != z.shape or g.dtype != dtype:
        raise ValueError(f"scaled_update: expected g of shape (...) + z's shape {z.shape} "
                         f"with {leading} leading axes summed, and z's dtype {dtype}, "
                         f"received {g.dtype} {g.shape}")
    if p.shape != z.shape or p.dtype != dtype:
        raise ValueError(f"scaled_update: expected p of z's shape and dtype, {dtype} "
                         f"{z.shape}, received {p.dtype} {p.shape}")
    for name, scalar in (('alpha', alpha), ('beta', beta)):
        if getattr(scalar, 'shape', None) != () or scalar.dtype != dtype:
            raise ValueError(f"scaled_update: expected a 0-d {dtype} {name}, received "
                             f"{np.asarray(scalar).dtype} {np.shape(scalar)}")
