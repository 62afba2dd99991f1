"""Keras's weighted categorical cross-entropy as two ops instead of four.

The stabilize pass makes the loss WeightedMean(SoftmaxCrossEntropy(z, y), w), and autodiff
gives the logits' gradient SoftmaxCrossEntropyGrad(z, y, ScaleByNonzeroCount(w, w, g)):
four tiny kernels per training step, each a Python call costing more than its work (the
MLP 784-32-10's step: 32 us of 352). Each pair becomes one op when the inner node has no
other reader:

    WeightedMean(SoftmaxCrossEntropy(z, y), w)  -> WeightedSoftmaxCrossEntropy(z, y, w)
    SoftmaxCrossEntropyGrad(z, y, ScaleByNonzeroCount(x, w, g))
                                     -> WeightedSoftmaxCrossEntropyGrad(z, y, x, w, g)

Runs in the epilogue pass.
"""
from ..graph import rebuild
from ..ir import toposort
from ..ops.weighted import WeightedSoftmaxCrossEntropy, WeightedSoftmaxCrossEntropyGrad
from .patterns import is_op, readers as find_readers

# {outer op: (inner op, the outer's input position of the inner, fused op)}
RULES = {'WeightedMean': ('SoftmaxCrossEntropy', 0, WeightedSoftmaxCrossEntropy),
         'SoftmaxCrossEntropyGrad': ('ScaleByNonzeroCount', 2,
                                     WeightedSoftmaxCrossEntropyGrad)}


def fuse_weighted_losses(roots, log):
    """Apply RULES; returns new roots and appends to `log`."""
    order = toposort(list(roots))
    readers = find_readers(order, roots)
    replace = {}
    for node in order:
        rule = RULES.get(type(node.op).__name__) if node.op is not None else None
        if rule is None:
            continue
        inner_name, position, fused_op = rule
        inner = node.inputs[position]
        if not is_op(inner, inner_name) or readers[inner.id] != [node]:
            continue
        inputs = list(node.inputs[:position]) + list(inner.inputs) + \
            list(node.inputs[position + 1:])
        fused = fused_op()(*inputs)
        fused.name, fused.source = node.name, node.source
        replace[node.id] = fused
        log.append(('epilogue', 'fuse_weighted_loss',
                    f"{inner.name} -> {node.name}: {fused_op.__name__}"))
    if not replace:
        return list(roots)
    return rebuild(list(roots), replace)[0]
