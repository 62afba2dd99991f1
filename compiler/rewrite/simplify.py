"""Algebraic simplifications, mostly cleaning what autodiff leaves behind.

Shape convention (as every rule here): two static shapes that are equal, unknown (None)
entries included, are taken to be the same run-time shape.
"""
import numpy as np

from .. import builders as B
from ..ir import constant
from . import register
from .canonicalize import FOLD_LIMIT
from .patterns import constant_value, is_op, is_constant, same_type


def _keep(candidate, node):
    """candidate replaces node only if it has node's static shape and dtype."""
    return candidate if same_type(candidate, node) else None


@register('canonicalize')
def simplify_mul_one(node):
    if is_op(node, 'Mul'):
        a, b = node.inputs
        if is_constant(b, 1):
            return _keep(a, node)
        if is_constant(a, 1):
            return _keep(b, node)
    return None


@register('canonicalize')
def simplify_add_zero(node):
    if is_op(node, 'Add'):
        a, b = node.inputs
        if is_constant(b, 0):
            return _keep(a, node)
        if is_constant(a, 0):
            return _keep(b, node)
    if is_op(node, 'Sub') and is_constant(node.inputs[1], 0):
        return _keep(node.inputs[0], node)
    return None


@register('canonicalize')
def simplify_div_one(node):
    if is_op(node, 'Div') and is_constant(node.inputs[1], 1):
        return _keep(node.inputs[0], node)
    return None


@register('canonicalize')
def simplify_double_negation(node):
    if is_op(node, 'Neg') and is_op(node.inputs[0], 'Neg'):
        return _keep(node.inputs[0].inputs[0], node)
    return None


@register('canonicalize')
def simplify_exp_log(node):
    """exp(log x) -> x and log(exp x) -> x (as Theano does; x > 0 for the first)."""
    if is_op(node, 'Exp') and is_op(node.inputs[0], 'Log') or \
            is_op(node, 'Log') and is_op(node.inputs[0], 'Exp'):
        return _keep(node.inputs[0].inputs[0], node)
    return None


@register('canonicalize')
def simplify_transpose_transpose(node):
    if is_op(node, 'Transpose') and is_op(node.inputs[0], 'Transpose'):
        inner = node.inputs[0]
        perm = tuple(inner.op.perm[p] for p in node.op.perm)
        source = inner.inputs[0]
        if perm == tuple(range(len(perm))):
            return _keep(source, node)
        return B.transpose(source, perm)
    return None


@register('canonicalize')
def simplify_reshape_chain(node):
    """reshape(reshape(x)) -> reshape(x); a reshape to x's own static shape -> x."""
    if is_op(node, 'Reshape', 'ReshapeLike'):
        source = node.inputs[0]
        if same_type(source, node) and None not in node.shape:
            return source
        if is_op(source, 'Reshape', 'ReshapeLike'):
            return _keep(node.op(source.inputs[0], *node.inputs[1:]), node)
    return None


@register('canonicalize')
def simplify_broadcast_like_same_shape(node):
    """broadcast_like(x, ref) where x already has ref's static shape -> x."""
    if is_op(node, 'BroadcastLike'):
        x, ref = node.inputs
        if same_type(x, node) and None not in x.shape:
            return x
    return None


# x * 0 -----------------------------------------------------------------------------------
# "Safe" means: the other operand is finite for every input that is not NaN, infinities
# included, so x * 0 is 0 wherever the graph computes it (inf * 0 would be NaN). That holds
# for finite constants, ops bounded whatever their input (sigmoid, tanh, sign, clip with
# finite bounds, comparisons, casts from integers or bools), value-preserving unary ops and
# layout ops of a safe operand, and max/min/where of safe operands. Softmax is not safe: a
# row holding +inf gives NaN. Only NaN inputs can make the result differ (NaN * 0 is NaN).
BOUNDED = ('Sigmoid', 'Tanh', 'Sign', 'Greater', 'GreaterEqual', 'Less', 'LessEqual',
           'Equal', 'NotEqual', 'And', 'Or', 'Not')
PRESERVING = ('Neg', 'Abs', 'Relu', 'Floor', 'Round', 'StopGradient', 'Reshape', 'Transpose',
              'ExpandDims', 'Squeeze', 'Maximum', 'Minimum')


def finite_for_finite_inputs(node):
    """True when node is finite whenever no input is NaN (see the comment above)."""
    value = constant_value(node)
    if value is not None:
        return value.dtype.kind in 'biu' or bool(np.all(np.isfinite(value)))
    if is_op(node, *BOUNDED) or is_op(node, 'Cast') and node.inputs[0].dtype[0] in 'biu':
        return True
    if is_op(node, 'Clip'):
        return bool(np.isfinite(node.op.low) and np.isfinite(node.op.high))
    if is_op(node, *PRESERVING):
        return all(finite_for_finite_inputs(i) for i in node.inputs)
    if is_op(node, 'BroadcastLike', 'ReshapeLike'):
        return finite_for_finite_inputs(node.inputs[0])
    if is_op(node, 'Where'):
        return all(finite_for_finite_inputs(i) for i in node.inputs[1:])
    return False


def _zeros_of(node, zero, other):
    """Zeros with node's shape and dtype, reading as little as possible, or None."""
    if same_type(zero, node):
        return zero
    if None not in node.shape and int(np.prod(node.shape)) <= FOLD_LIMIT:
        return constant(np.zeros(node.shape, node.dtype))
    if other.shape == node.shape:
        return B.broadcast_like(constant(np.zeros((), node.dtype)), other)
    return None


@register('canonicalize')
def simplify_mul_zero(node):
    """x * 0 and 0 * x -> zeros, when x is safe (finite for non-NaN inputs, see above)."""
    if not is_op(node, 'Mul') or not node.dtype.startswith('float'):
        return None
    for zero, other in (node.inputs, tuple(reversed(node.inputs))):
        if is_constant(zero, 0) and finite_for_finite_inputs(other):
            return _zeros_of(node, zero, other)
    return None


# Sums of broadcasts ----------------------------------------------------------------------

def _broadcast_count(node, x, wide):
    """The number of copies the sum `node` adds up of each element of x, or None."""
    padded = (1,) * (wide.ndim - x.ndim) + tuple(x.shape)
    if any(axis not in node.op.axes for axis in range(wide.ndim - x.ndim)):
        return None
    count = 1
    for axis, (small, big) in enumerate(zip(padded, wide.shape)):
        if axis in node.op.axes:
            if small != 1 or big is None:
                return None
            count *= big
        elif small != big:
            return None
    return count


@register('canonicalize')
def simplify_sum_of_broadcast(node):
    """sum(broadcast_like(x, ref), axes) -> x * n, when x has extent 1 on (or lacks) every
    summed axis, n (the product of their broadcast extents) is static, and x already has
    the broadcast shape on the other axes."""
    if not is_op(node, 'Sum') or not is_op(node.inputs[0], 'BroadcastLike'):
        return None
    wide = node.inputs[0]
    x = wide.inputs[0]
    count = _broadcast_count(node, x, wide)
    if count is None or x.dtype == 'bool':
        return None
    result = x if count == 1 else B.mul(x, constant(np.asarray(count, x.dtype)))
    lead = wide.ndim - x.ndim
    if node.op.keepdims and lead:
        result = B.expand_dims(result, tuple(range(lead)))
    elif not node.op.keepdims:
        own = [axis - lead for axis in node.op.axes if axis >= lead]
        result = B.squeeze(result, own) if own else result
    return _keep(result, node)


@register('canonicalize')
def simplify_sum_of_scaled_broadcast(node):
    """sum(x * broadcast_like(c, ref)) -> sum(x) * c for a scalar constant c: the
    broadcast constant is never materialised and the product runs on the reduced size."""
    if not is_op(node, 'Sum') or not is_op(node.inputs[0], 'Mul'):
        return None
    product = node.inputs[0]
    for x, scale in (product.inputs, tuple(reversed(product.inputs))):
        value = constant_value(scale)
        if is_op(scale, 'BroadcastLike') and value is not None and value.size == 1 and \
                same_type(x, product):
            total = node.op(x)
            return _keep(B.mul(total, constant(value.reshape(()).astype(total.dtype))), node)
    return None
