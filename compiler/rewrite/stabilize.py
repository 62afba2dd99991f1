"""Numerical stabilization: rewrite unstable compositions into stable equivalents.

Keras's losses clip probabilities to [eps, 1 - eps] before the log; that clip defeats
Theano's softmax-crossentropy rewrite. Here the clip (and Keras's renormalisation of the
probabilities) is looked through, so log(softmax(z)) becomes a stable log-softmax whose
gradient is softmax(z) - y, and log(sigmoid(x)) becomes -softplus(-x).
"""
from .. import builders as B
from . import register
from .patterns import is_op, is_constant, same_type

EPS_MAX = 1e-3     # a clip below this bound is taken as a guard against log(0)


def _strip_guards(node):
    """Look through clip(p, eps, 1 - eps) and p / sum(p) (Keras's loss preamble)."""
    while True:
        if is_op(node, 'Clip') and node.op.low <= EPS_MAX and node.op.high >= 1 - EPS_MAX:
            node = node.inputs[0]
        elif is_op(node, 'Div') and is_op(node.inputs[1], 'Sum') and \
                node.inputs[1].inputs[0] is node.inputs[0] and \
                is_op(node.inputs[0], 'Softmax'):
            node = node.inputs[0]
        else:
            return node


def log_softmax(z):
    """Stable log(softmax(z)) over the last axis."""
    axis = z.ndim - 1
    shifted = z - B.stop_gradient(B.reduce_max(z, axis, keepdims=True))
    return shifted - B.log(B.reduce_sum(B.exp(shifted), axis, keepdims=True))


@register('stabilize')
def stabilize_log_softmax(node):
    """log(softmax(z)), also through Keras's clip and renormalisation -> log_softmax(z)."""
    if not is_op(node, 'Log'):
        return None
    inner = _strip_guards(node.inputs[0])
    if is_op(inner, 'Softmax'):
        result = log_softmax(inner.inputs[0])
        return result if same_type(result, node) else None
    return None


@register('stabilize')
def stabilize_log_sigmoid(node):
    """log(sigmoid(x)) -> -softplus(-x); log(1 - sigmoid(x)) -> -softplus(x)."""
    if not is_op(node, 'Log'):
        return None
    inner = _strip_guards(node.inputs[0])
    if is_op(inner, 'Sigmoid'):
        return B.neg(B.softplus(B.neg(inner.inputs[0])))
    if is_op(inner, 'Sub') and is_constant(inner.inputs[0], 1):
        sig = _strip_guards(inner.inputs[1])
        if is_op(sig, 'Sigmoid') and same_type(sig, node):
            return B.neg(B.softplus(sig.inputs[0]))
    return None


@register('stabilize')
def stabilize_log1p(node):
    """log(1 + x) -> log1p(x)."""
    if is_op(node, 'Log') and is_op(node.inputs[0], 'Add'):
        a, b = node.inputs[0].inputs
        x = b if is_constant(a, 1) else a if is_constant(b, 1) else None
        if x is not None and same_type(x, node):
            return B.log1p(x)
    return None


@register('stabilize')
def stabilize_expm1(node):
    """exp(x) - 1 -> expm1(x)."""
    if is_op(node, 'Sub') and is_op(node.inputs[0], 'Exp') and is_constant(node.inputs[1], 1):
        x = node.inputs[0].inputs[0]
        if same_type(x, node):
            return B.expm1(x)
    return None
