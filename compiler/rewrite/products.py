"""Sums of matrix products sharing their output: one product over the joined operands.

sum_i op(a_i) @ op(b_i) = [op(a_1) ... op(a_k)] @ [op(b_1); ...; op(b_k)]: the operands
concatenated along the inner dimension. The gradient of a weight used at every step of an
unrolled loop is such a sum (an LSTM's recurrent kernel: h_{t-1}^T dz_t over the steps),
which otherwise runs as one accumulating GEMM per step, each reading and writing the
whole weight-shaped result for a thin inner dimension (the batch). Measured on an
LSTM(128) over 32 steps, batch 64: 31 accumulating 128x64x512 products took ~4.3 ms of a
~26 ms step.
"""
from .. import builders as B
from ..ops.linalg import MatMul
from . import register
from .patterns import is_op, plus_other_terms, same_type, sum_terms


def _inner_axes(op):
    """(axis of a, axis of b) that a product with these flags contracts."""
    return (0 if op.transpose_a else 1), (1 if op.transpose_b else 0)


def _inner_is_open(product):
    """Whether the product contracts an axis of unknown size in both operands (the
    batch: the operands are per-sample values, not weights, which joining would copy at
    every call for products a sum of GEMMs runs as fast)."""
    axis_a, axis_b = _inner_axes(product.op)
    a, b = product.inputs
    return a.shape[axis_a] is None and b.shape[axis_b] is None


@register('canonicalize')
def join_product_sums(node):
    """op(a_1) @ op(b_1) + ... + op(a_k) @ op(b_k) (+ other terms), same flags and
    dtype, each contracting the batch axis -> one product of the operands concatenated
    along it."""
    if not is_op(node, 'Add'):
        return None
    terms = sum_terms(node)
    groups = {}
    for term in terms:
        if is_op(term, 'MatMul') and same_type(term, node) and _inner_is_open(term):
            op = term.op
            groups.setdefault((op.transpose_a, op.transpose_b), []).append(term)
    for (transpose_a, transpose_b), products in groups.items():
        if len(products) < 2:
            continue
        axis_a, axis_b = _inner_axes(products[0].op)
        a = B.concat([p.inputs[0] for p in products], axis_a)
        b = B.concat([p.inputs[1] for p in products], axis_b)
        result = plus_other_terms(
            MatMul(transpose_a=transpose_a, transpose_b=transpose_b)(a, b), terms,
            {p.id for p in products})
        return result if same_type(result, node) else None
    return None


@register('canonicalize')
def flatten_concat(node):
    """concat(concat(a, b), c) -> concat(a, b, c) along one axis: what joining a sum of
    products leaves when its rule fires at each level of the sum's tree (one copy of
    every operand instead of a copy per level)."""
    if not is_op(node, 'Concat') or not any(
            is_op(i, 'Concat') and i.op.axis == node.op.axis for i in node.inputs):
        return None
    parts = []
    for part in node.inputs:
        if is_op(part, 'Concat') and part.op.axis == node.op.axis:
            parts.extend(part.inputs)
        else:
            parts.append(part)
    result = node.op.__class__(axis=node.op.axis)(*parts)
    return result if same_type(result, node) else None
