"""Algebraic simplifications, mostly cleaning what autodiff leaves behind."""
from .. import builders as B
from . import register
from .patterns import is_op, is_constant, same_type


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
