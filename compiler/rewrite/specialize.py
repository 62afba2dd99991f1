"""Specialization: general ops with constant arguments -> cheaper special cases.

Runs after stabilize (and after differentiation, at compile time), so the gradients are
built from the general forms and only the computed graph changes:
- specialize_pow_constant: x ** 2 -> square(x), x ** 1 -> x, x ** 0.5 -> sqrt(x),
  x ** -1 -> 1 / x. Equal values, except that sqrt gives NaN at -inf and -0.0 at -0.0
  where the power gives +inf and +0.0.
- specialize_div_constant: x / c -> x * (1 / c) for a float constant c with finite,
  non-zero entries (a mean over static axes, sum / n, included). Within one rounding of
  the quotient (exact when c is a power of two).
"""
import numpy as np

from .. import builders as B
from ..ir import constant
from . import register
from .patterns import constant_value, is_op, same_type

POWERS = {2.0: B.square, 1.0: lambda x: x, 0.5: B.sqrt, -1.0: lambda x: B.div(1.0, x)}


def _uniform_value(node):
    """The single value every element of a constant node holds, or None."""
    value = constant_value(node)
    if value is None or value.size == 0 or value.dtype.kind not in 'iuf':
        return None
    first = value.reshape(-1)[0]
    return float(first) if bool(np.all(value == first)) else None


@register('specialize')
def specialize_pow_constant(node):
    """x ** c for c in (2, 1, 0.5, -1) -> square(x), x, sqrt(x), 1 / x."""
    if not is_op(node, 'Pow') or not node.dtype.startswith('float'):
        return None
    x, exponent = node.inputs
    build = POWERS.get(_uniform_value(exponent))
    if build is None or not same_type(x, node):
        return None
    result = build(x)
    return result if same_type(result, node) else None


@register('specialize')
def specialize_div_constant(node):
    """x / c -> x * (1 / c) when c is a float constant with finite, non-zero entries."""
    if not is_op(node, 'Div') or not node.dtype.startswith('float'):
        return None
    x, divisor = node.inputs
    if divisor.kind != 'constant' or divisor.dtype != node.dtype:
        return None
    value = divisor.value
    if value.size == 0 or not np.all(np.isfinite(value)) or np.any(value == 0):
        return None
    reciprocal = constant(np.reciprocal(value).astype(value.dtype))
    result = B.mul(x, reciprocal)
    return result if same_type(result, node) else None
