"""Pairing an SGD update with its GEMM: p + v, where v = Gemm(...) is needed on its own too
(the new velocity is a variable update), becomes one GemmUpdate writing v and p + v
stacked, read back through Part views.

Keras's SGD computes v = momentum * m - lr * g (the epilogue's fuse_gemm makes it one
GEMM) and then p + v: a second pass over v, p and the result. GemmUpdate adds p to each
block of v while the block is in cache. Measured on the MLP 784-512-512-10's updates:
gemm_update 0.77 ms against gemm + add 0.80 ms (784x512), 0.51 against 0.53 (512x512);
most of the add's cost (reading p, writing the sum) remains. Runs in the epilogue pass,
after fuse_gemm.
"""
from ..graph import rebuild
from ..ir import toposort
from ..ops.stacked import GemmUpdate, Part
from .patterns import is_op, readers as find_readers


def _pair(add, gemm, other):
    """(stacked, v part, sum part) for add = other + gemm."""
    op = gemm.op
    fused = GemmUpdate(transpose_a=op.transpose_a, transpose_b=op.transpose_b,
                       negate_alpha=op.negate_alpha, negate_beta=op.negate_beta)(
        *gemm.inputs, other)
    fused.name, fused.source = add.name, add.source
    velocity, total = Part(index=0)(fused), Part(index=1)(fused)
    velocity.name, velocity.source = gemm.name, gemm.source
    total.name, total.source = add.name, add.source
    return fused, velocity, total


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
            fused, velocity, total = _pair(node, gemm, other)
            replace[gemm.id], replace[node.id] = velocity, total
            paired.add(gemm.id)
            log.append(('epilogue', 'pair_gemm_update',
                        f"{gemm.name} -> {node.name}: {fused.op.describe()}"))
            break
    if not replace:
        return list(roots)
    return rebuild(list(roots), replace)[0]
