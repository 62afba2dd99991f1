"""Reverse-mode symbolic differentiation: adds gradient nodes to the graph.

One reverse topological walk. Contributions to a tensor are summed; broadcasting is
undone here (`unbroadcast`), so op gradient rules never think about it.
"""
from . import builders as B
from .ir import toposort, constant
from .ops.base import NotDifferentiable
from .ops.recurrent import DeferredGrad, has_deferred


def unbroadcast(g, shape):
    """Sum g over the axes along which a tensor of `shape` was broadcast to g's shape."""
    lead = g.ndim - len(shape)
    if lead:
        g = B.reduce_sum(g, range(lead))
    axes = [i for i, dim in enumerate(shape) if dim == 1 and g.shape[i] != 1]
    if axes:
        g = B.reduce_sum(g, axes, keepdims=True)
    return g


def _on_path(cost, wrt):
    """The tensors of cost's graph that depend on any of `wrt`."""
    targets = {t.id for t in wrt}
    order = toposort([cost])
    depends = set()
    for node in order:
        if node.id in targets or any(i.id in depends for i in node.inputs):
            depends.add(node.id)
    return order, depends


def gradients(cost, wrt, stabilize=True):
    """Symbolic gradients of `cost` with respect to each tensor of `wrt`.

    A non-scalar cost is summed first. Tensors that `cost` does not depend on get a zero
    gradient of their shape. With `stabilize` (and leaves as `wrt`), the stabilize pass
    runs on the cost first, so gradients come from the stable forms.
    """
    if not cost.dtype.startswith('float'):
        raise TypeError(f"gradients: cost must be a float tensor, received dtype "
                        f"{cost.dtype}")
    if cost.ndim:
        cost = B.reduce_sum(cost)
    if has_deferred([cost]):
        # Loops over a time axis of unknown size: differentiated once unrolled, when a
        # compiled function knows its inputs' shapes (compiler/lowering.py).
        return [DeferredGrad(index=i, stabilize=bool(stabilize))(cost, *wrt)
                for i in range(len(wrt))]
    if stabilize and all(t.op is None for t in wrt):
        cost = _stabilized(cost)
    order, depends = _on_path(cost, wrt)
    grads = {cost.id: constant(1.0, cost.dtype)}
    for node in reversed(order):
        g = grads.get(node.id)
        if g is None or node.op is None:
            continue
        _propagate(node, g, depends, grads)
    return [grads.get(t.id, None) if t.id in grads else B.zeros_like(t) for t in wrt]


def _stabilized(cost):
    """The cost with the stabilize pass applied before differentiating, so that gradients
    come from the stable forms (softmax(z) - y, not a gradient through a clip)."""
    from .rewrite import optimize
    (cost,), _ = optimize([cost], ('stabilize',))
    return cost


def _propagate(node, g, depends, grads):
    needed = [inp.id in depends and inp.dtype.startswith('float') for inp in node.inputs]
    if not any(needed):
        return
    if not node.op.differentiable:
        raise NotDifferentiable(f"gradient requested through {node.op.describe()} "
                                f"(node {node.name!r}), which is not differentiable")
    contributions = node.op.grad(node.inputs, node, g)
    for inp, want, contrib in zip(node.inputs, needed, contributions):
        if not want or contrib is None:
            continue
        contrib = unbroadcast(contrib, inp.shape)
        if contrib.dtype != inp.dtype:
            contrib = B.cast(contrib, inp.dtype)
        previous = grads.get(inp.id)
        grads[inp.id] = contrib if previous is None else previous + contrib

