"""Pairing an SGD update with its GEMM: p + v, where v = Gemm(...) is needed on its own too
(the new velocity is a variable update), becomes one GemmUpdate writing v and p + v
stacked, read back through Part views. The same update whose gradient is not a product,
v = [beta *] z +- [alpha *] s with s a gradient or a bias's sum of one over the batch,
becomes one ScaledUpdate (pair_scaled_updates).

Keras's SGD computes v = momentum * m - lr * g (the epilogue's fuse_gemm makes it one
GEMM) and then p + v: a second pass over v, p and the result. GemmUpdate adds p to each
block of v while the block is in cache. Measured on the MLP 784-512-512-10's updates:
gemm_update 0.77 ms against gemm + add 0.80 ms (784x512), 0.51 against 0.53 (512x512);
most of the add's cost (reading p, writing the sum) remains. Runs in the epilogue pass,
after fuse_gemm.
"""
from ..graph import rebuild
from ..ir import toposort
from ..ops.stacked import GemmUpdate, Part, ScaledUpdate
from .patterns import is_op, or_one, readers as find_readers


def _replace_by_parts(fused, v, add, replace, log, rule):
    """Name the stacked `fused` (v, p + v) after `add`, and record its two Parts as the
    replacements of v and of add = p + v."""
    fused.name, fused.source = add.name, add.source
    velocity, total = Part(index=0)(fused), Part(index=1)(fused)
    velocity.name, velocity.source = v.name, v.source
    total.name, total.source = add.name, add.source
    replace[v.id], replace[add.id] = velocity, total
    log.append(('epilogue', rule, f"{v.name} -> {add.name}: {fused.op.describe()}"))


def pair_gemm_updates(roots, log):
    """Replace p + Gemm(...) (either order, same shape and dtype) by Parts of a GemmUpdate
    when the Gemm has other readers; returns new roots and appends to `log`."""
    order = toposort(list(roots))
    readers = find_readers(order, roots)
    replace, paired = {}, set()
    for node in order:
        if not is_op(node, 'Add') or any(i.id in replace for i in node.inputs):
            continue
        for gemm, other in (node.inputs, reversed(node.inputs)):
            if not is_op(gemm, 'Gemm') or gemm.id in paired or len(readers[gemm.id]) < 2 or \
                    other is gemm or other.shape != gemm.shape or \
                    other.dtype != gemm.dtype or node.shape != gemm.shape or \
                    any(i.id in replace for i in (*gemm.inputs, other)):
                continue
            op = gemm.op
            fused = GemmUpdate(transpose_a=op.transpose_a, transpose_b=op.transpose_b,
                               negate_alpha=op.negate_alpha, negate_beta=op.negate_beta)(
                *gemm.inputs, other)
            _replace_by_parts(fused, gemm, node, replace, log, 'pair_gemm_update')
            paired.add(gemm.id)
            break
    if not replace:
        return list(roots)
    return rebuild(list(roots), replace)[0]


def pair_scaled_updates(roots, log):
    """Replace p + v (either order, same static shape, not 0-d, float dtype), where
    v = [beta *] z +- [alpha *] s (Add or Sub, scales 0-d) is also read elsewhere, by
    Parts of a ScaledUpdate; s may be Sum(g) over g's leading axes, which the kernel
    then sums. Returns new roots and appends to `log`."""
    order = toposort(list(roots))
    readers = find_readers(order, roots)
    replace = {}

    def only(node, reader):
        return readers[node.id] == [reader]

    for node in order:
        if not is_op(node, 'Add') or not str(node.dtype).startswith('float') or \
                any(i.id in replace for i in node.inputs):
            continue
        for v, other in (node.inputs, reversed(node.inputs)):
            if not is_op(v, 'Add', 'Sub') or v.id in replace or other is v or \
                    len(readers[v.id]) < 2 or not v.shape == other.shape == node.shape or \
                    not v.shape or None in v.shape or other.dtype != v.dtype:
                continue
            found = _axpby(v, only)
            if found is None or any(i is not None and i.id in replace for i in found[:4]) or \
                    other.id in replace:
                continue
            z, g, alpha, beta, summed, negate_alpha, negate_beta = found
            op = ScaledUpdate(summed=summed, negate_alpha=negate_alpha,
                              negate_beta=negate_beta)
            fused = op(z, g, or_one(alpha, v.dtype), or_one(beta, v.dtype), other)
            _replace_by_parts(fused, v, node, replace, log, 'pair_scaled_update')
            break
    if not replace:
        return list(roots)
    return rebuild(list(roots), replace)[0]


def _axpby(v, only):
    """(z, g, alpha, beta, summed, negate_alpha, negate_beta) for v = beta * z +- alpha *
    s, where s = g or Sum(g) over g's first `summed` axes (alpha, beta None for 1);
    z is the term whose base is a variable when only one is (so that the update may
    run in place). None when v is not of that form."""
    terms = [_scaled(term, v, only) for term in v.inputs]
    candidates = []
    for position in (1, 0):
        g_term, z_term = terms[position], terms[1 - position]
        base, scale, _ = g_term
        summed = 0
        if is_op(base, 'Sum') and only(base, g_term[2]) and not base.op.keepdims and \
                tuple(base.op.axes) == tuple(range(len(base.op.axes))) and \
                base.inputs[0].dtype == v.dtype:
            base, summed = base.inputs[0], len(base.op.axes)
        if z_term[0].shape != v.shape or z_term[0].dtype != v.dtype or \
                tuple(base.shape[summed:]) != tuple(v.shape) or base.dtype != v.dtype:
            continue
        negate = is_op(v, 'Sub')
        candidates.append((summed > 0, z_term[0].kind == 'variable', position,
                           (z_term[0], base, scale, z_term[1], summed,
                            negate and position == 1, negate and position == 0)))
    if not candidates:
        return None
    return max(candidates, key=lambda c: c[:3])[3]


def _scaled(term, v, only):
    """(base, scale or None, the node read by the term) for term = scale * base (a 0-d
    scale of v's dtype, the product read only by v), else (term, None, v)."""
    if is_op(term, 'Mul') and only(term, v) and term.shape == v.shape:
        for base, scale in (term.inputs, reversed(term.inputs)):
            if scale.shape == () and scale.dtype == v.dtype:
                return base, scale, term
    return term, None, v
