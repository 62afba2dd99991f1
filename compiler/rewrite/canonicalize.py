"""Canonicalization rules: constant folding and selecting branches of constant switches."""
import numpy as np

from ..ir import constant
from . import register

FOLD_LIMIT = 1 << 16      # fold constants up to this many elements


@register('canonicalize')
def fold_constants(node):
    """An op whose inputs are all constants becomes a constant (small outputs only)."""
    if node.op is None or node.op.kernel == 'random_uniform' or \
            not node.op.constant_folding:
        return None
    if not all(i.kind == 'constant' for i in node.inputs) or None in node.shape:
        return None
    if int(np.prod(node.shape)) > FOLD_LIMIT:
        return None
    value = node.op.reference(*(i.value for i in node.inputs))
    return constant(np.asarray(value).astype(node.dtype, copy=False))


@register('canonicalize')
def select_constant_switch(node):
    """where(c, a, b) with a constant scalar condition is a or b (learning phase)."""
    if type(node.op).__name__ != 'Where':
        return None
    cond, a, b = node.inputs
    if cond.kind != 'constant' or cond.value.size != 1:
        return None
    chosen = a if bool(cond.value.reshape(())) else b
    return chosen if chosen.shape == node.shape and chosen.dtype == node.dtype else None
