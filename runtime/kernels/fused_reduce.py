"""Generated kernels summing an elementwise expression without materialising it.

`sum(f(x0, x1, ...), axes)` runs as one loop nest over the broadcast shape, adding each
value of f into a float64 accumulator indexed by the kept axes. The source is generated
per (expression, rank, axes), written once to the kernel cache folder and compiled with
Numba's disk cache, like the elementwise kernels (and with numpy's error model, as they
are: a division by zero gives inf or nan, not an exception).
"""
import re

import numpy as np

from .elementwise import MATH_IMPORT, load_module
from .registry import register

_ARG = re.compile(r'\bx(\d+)\b')


def reduce_source(expr, nin, ndim, axes):
    """Numba source of kernel(acc, x0, ..., xn) accumulating expr over `axes`."""
    loops = [f"i{d}" for d in range(ndim)]
    index = ', '.join(loops)
    kept = ', '.join('0' if d in axes else f"i{d}" for d in range(ndim))
    # A summing loop does not vectorize: the C library's exp is faster there (vmath).
    expr = expr.replace('vm.exp(', 'vm.exp_scalar(').replace('vm.sigmoid(',
                                                                'vm.sigmoid_scalar(')
    body = _ARG.sub(lambda m: f"x{m.group(1)}[{index}]", expr)
    args = ', '.join(f"x{i}" for i in range(nin))
    lines = [MATH_IMPORT, "import numba", "import numpy as np", "", "",
             "@numba.njit(cache=True, nogil=True, error_model='numpy', "
             "no_cfunc_wrapper=True)", f"def kernel(acc, {args}):"]
    for d in range(ndim):
        lines.append('    ' * (d + 1) + f"for i{d} in range(x0.shape[{d}]):")
    lines.append('    ' * (ndim + 1) + f"acc[{kept}] += {body}")
    return '\n'.join(lines) + '\n'


@register('fused_reduce_sum')
def fused_reduce_sum(expr, nin, axes, keepdims, out_dtype):
    """Factory: fn(*arrays) = sum over `axes` of expr applied with broadcasting."""
    axes = tuple(axes)
    kernels = {}

    def run(*arrays):
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        ndim = len(shape)
        kernel = kernels.get(ndim)
        if kernel is None:
            kernel = kernels[ndim] = load_module(
                reduce_source(expr, nin, ndim, axes), 'fr').kernel
        views = [np.broadcast_to(a, shape) for a in arrays]
        acc = np.zeros(tuple(1 if d in axes else n for d, n in enumerate(shape)))
        kernel(acc, *views)
        if not keepdims:
            acc = acc.reshape(tuple(n for d, n in enumerate(shape) if d not in axes))
        return acc.astype(out_dtype)
    return run
