"""Unrolling `Recurrent` nodes and taking `DeferredGrad` gradients, once the number of
time steps is known (see compiler/ops/recurrent.py).

`lower(roots, replace)` rebuilds the graph with `replace` substituted (the inputs given
their concrete shapes): in topological order each Recurrent node, now reading a sequence
with a static time axis, becomes the unrolled loop (`loops.unroll_steps`; all results
of one loop share one unrolling), and each DeferredGrad the gradient of its cost, itself
unrolled by then, from the usual autodiff. Run-time sizes the new shapes make static
(an entry of `Shape(x)`, a reshape to it) become static on the way, so that a sequence
projected through `dot` (reshaped to its run-time (samples, time)) gets its static time
axis back.
"""
import numpy as np

from . import builders as B
from .graph import rebuild
from .ir import constant
from .ops.movement import Reshape, Slice
from .ops.recurrent import DeferredGrad, Recurrent
from .ops.reduce import Shape


class UnknownSteps(ValueError):
    """A loop's number of time steps is still unknown after the inputs' shapes were
    substituted (it comes from an axis left open, e.g. the batch axis)."""


def lower(roots, replace=None):
    """(new roots, {old id: new tensor}): `roots` with `replace` ({tensor id: tensor})
    substituted and every Recurrent / DeferredGrad node replaced by ordinary graph.

    Raises:
        compiler.lowering.UnknownSteps: a loop's time axis still has no static size
            (a ValueError).
    """
    loops, grads = {}, {}

    def rule(node):
        if isinstance(node.op, Recurrent):
            return _unrolled(node, loops)
        if isinstance(node.op, DeferredGrad):
            return _gradient(node, grads)
        return _static_size(node)
    return rebuild(list(roots), dict(replace or {}), rule)


def _unrolled(node, loops):
    from .loops import stack_steps, unroll_steps, unstack_static
    op = node.op
    sequence, states, mask, captured = op.split(node.inputs)
    if sequence.shape[1] is None:
        raise UnknownSteps(f"{node.name!r}: the number of time steps of a loop must be known "
                         f"when its function is compiled; its sequence has shape "
                         f"{sequence.shape} for the inputs given")
    key = (id(op.step), op.go_backwards) + tuple(i.id for i in node.inputs)
    if key not in loops:
        def step(x, current):
            return op.step.apply(x, current, captured)
        outputs, final = unroll_steps(step, unstack_static(sequence, 1), states, mask,
                                      op.go_backwards)
        loops[key] = (outputs, final, {})
    outputs, final, made = loops[key]
    if op.result not in made:
        if op.result == 'sequence':
            made[op.result] = stack_steps(outputs)
        elif op.result == 'last':
            made[op.result] = outputs[-1]
        else:
            made[op.result] = final[op.result]
    result = made[op.result]
    return result if result.dtype == node.dtype else B.cast(result, node.dtype)


def _gradient(node, grads):
    from .autodiff import gradients
    cost, wrt = node.inputs[0], list(node.inputs[1:])
    key = (node.op.stabilize, cost.id) + tuple(t.id for t in wrt)
    if key not in grads:
        grads[key] = gradients(cost, wrt, stabilize=node.op.stabilize)
    return grads[key][node.op.index]


def _static_size(node):
    """A constant for an entry of Shape(x) at a static axis of x; a reshape whose run-time
    sizes have become constants, rebuilt with static sizes; else None."""
    op = node.op
    if isinstance(op, Slice) and op.drop_axis and op.start is not None and \
            node.ndim == 0 and isinstance(node.inputs[0].op, Shape):
        size = node.inputs[0].inputs[0].shape[op.start]
        return None if size is None else constant(np.array(size, node.dtype))
    if isinstance(op, Reshape) and op.sizes and \
            any(size.kind == 'constant' for size in node.inputs[1:]):
        entries = list(op.shape)
        for axis, size in zip(op.sizes, node.inputs[1:]):
            entries[axis] = size
        return B.reshape(node.inputs[0], entries)
    return None
