"""Numerical stabilization: rewrite unstable compositions into stable equivalents.

Keras's losses clip probabilities to [eps, 1 - eps] before the log; that clip defeats
Theano's softmax-crossentropy rewrite. Here the clip (and Keras's renormalisation of the
probabilities) is looked through, so log(softmax(z)) becomes a stable log-softmax, the
whole categorical cross-entropy -sum(y * log(softmax(z)), -1) becomes one
SoftmaxCrossEntropy(z, y) whose gradient is softmax(z) * sum(y) - y (softmax(z) - y for
one-hot or probability targets), and log(sigmoid(x)) becomes -softplus(-x).
"""
from .. import builders as B
from ..ops.crossentropy import SoftmaxCrossEntropy, log_softmax
from . import register
from .patterns import is_op, is_constant, same_type

EPS_MAX = 1e-3     # a clip below this bound is taken as a guard against log(0)


def _strip_guards(node):
    """Look through clip(p, eps, 1 - eps) and p / sum(p) (Keras's loss preamble)."""
    while True:
        if is_op(node, 'Clip') and node.op.low <= EPS_MAX and node.op.high >= 1 - EPS_MAX:
            node = node.inputs[0]
        elif is_op(node, 'Div') and _last_axis_reduce(node.inputs[1], 'Sum', True) and \
                node.inputs[1].inputs[0] is node.inputs[0] and \
                is_op(node.inputs[0], 'Softmax'):
            node = node.inputs[0]
        else:
            return node


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


def _last_axis_reduce(node, name, keepdims):
    """True when node is a reduction `name` over its input's last axis only."""
    return is_op(node, name) and node.op.keepdims == keepdims and \
        node.op.axes == (node.inputs[0].ndim - 1,)


def _log_softmax_logits(node):
    """z when node is shifted - log(sum(exp(shifted), -1)) with shifted = z - max(z, -1)
    (the max possibly under stop_gradient): log_softmax above, or Keras's from_logits."""
    if not is_op(node, 'Sub') or not is_op(node.inputs[1], 'Log'):
        return None
    shifted, total = node.inputs[0], node.inputs[1].inputs[0]
    if not (_last_axis_reduce(total, 'Sum', True) and is_op(total.inputs[0], 'Exp') and
            total.inputs[0].inputs[0] is shifted and is_op(shifted, 'Sub')):
        return None
    z, top = shifted.inputs
    top = top.inputs[0] if is_op(top, 'StopGradient') else top
    return z if _last_axis_reduce(top, 'Max', True) and top.inputs[0] is z else None


def _logits(log_p):
    """z when log_p is log(softmax(z)) (through Keras's guards) or its stable form."""
    if is_op(log_p, 'Log'):
        inner = _strip_guards(log_p.inputs[0])
        return inner.inputs[0] if is_op(inner, 'Softmax') else None
    return _log_softmax_logits(log_p)


@register('stabilize')
def stabilize_softmax_crossentropy(node):
    """-sum(y * log(softmax(z)), -1) -> SoftmaxCrossEntropy(z, y): Keras's categorical
    cross-entropy (also through its clip and renormalisation, from logits, and the sparse
    variant's one-hot targets). y must not enlarge z and must have z's dtype."""
    if not (is_op(node, 'Neg') and _last_axis_reduce(node.inputs[0], 'Sum', False)):
        return None
    product = node.inputs[0].inputs[0]
    if not is_op(product, 'Mul'):
        return None
    for y, log_p in (product.inputs, tuple(reversed(product.inputs))):
        z = _logits(log_p)
        if z is not None and product.shape == z.shape and y.dtype == z.dtype and \
                y.ndim <= z.ndim:
            result = SoftmaxCrossEntropy()(z, y)
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
