"""Dead-code elimination: drop the nodes whose values nothing needs.

What this pass adds, honestly: in this IR a graph *is* what its roots reach, and every
pass rebuilds from the roots, so a node no longer reachable (the branch that
select_constant_switch dropped, the nodes a rule replaced) is gone with that rebuild
already; there are no multi-output nodes whose unread outputs could linger. What
reachability keeps alive needlessly are values read only for their *shape*: the `ref` of
BroadcastLike and ReshapeLike, the input of Size, the `ref` of RandomUniform (zeros_like,
ones_like, the gradients of sums and means, dropout masks). When such a node has no
reader that needs its values, the pass lets its shape readers read a cheaper tensor of
the same run-time shape instead (a "witness": through value-preserving unary ops down to
their input, through broadcasts to their `ref`, through elementwise ops to an operand the
others cannot enlarge), and the computation that only served the shape disappears.

Logged as ('dce', 'dead_code', 'removed N nodes'), N being the op nodes the pass dropped.
"""
from ..ir import toposort
from ..ops.elementwise import Elemwise
from .patterns import is_op

SHAPE_ONLY = {'BroadcastLike': (1,), 'ReshapeLike': (1,), 'Size': (0,), 'RandomUniform': (0,),
              'Shape': (0,)}


def _shape_only_positions(node):
    return SHAPE_ONLY.get(type(node.op).__name__, ()) if node.op is not None else ()


def value_live(order, roots):
    """Ids of the nodes whose values some root needs (shape-only reads do not count)."""
    live = {root.id for root in roots}
    for node in reversed(order):
        if node.id not in live or node.op is None:
            continue
        skip = _shape_only_positions(node)
        live.update(inp.id for i, inp in enumerate(node.inputs) if i not in skip)
    return live


def shape_read_only(order, live):
    """Ids of the op nodes not live whose every reader reads them for their shape only
    (their dtype does not matter either, so any tensor of their shape can stand in)."""
    shape_read, value_read = set(), set()
    for node in order:
        skip = _shape_only_positions(node)
        for i, inp in enumerate(node.inputs):
            (shape_read if i in skip else value_read).add(inp.id)
    return {node.id for node in order if node.op is not None and node.id in shape_read
            and node.id not in value_read and node.id not in live}


def _cannot_enlarge(other, base):
    """True when broadcasting `other` against `base` gives base's shape back."""
    if other.ndim > base.ndim:
        return False
    tail = base.shape[base.ndim - other.ndim:]
    return all(o == 1 or (o == b and b is not None) for o, b in zip(other.shape, tail))


def _step_down(node):
    """An input of node with node's run-time shape, or None."""
    if is_op(node, 'BroadcastLike', 'ReshapeLike'):
        return node.inputs[1]
    if not isinstance(node.op, Elemwise):
        return None
    for base in node.inputs:
        if base.ndim == node.ndim and base.shape == node.shape and all(
                _cannot_enlarge(o, base) for o in node.inputs if o is not base):
            return base
    return None


def witness(node, live):
    """The cheapest tensor found with node's run-time shape, stopping at a live node."""
    while node.id not in live and node.op is not None:
        lower = _step_down(node)
        if lower is None:
            break
        node = lower
    return node


def eliminate_dead_code(roots, log):
    """The dce pass: returns new roots; logs how many op nodes it dropped."""
    order = toposort(list(roots))
    live = value_live(order, roots)
    replaceable = shape_read_only(order, live)
    mapping = {}
    for node in order:
        if node.id in replaceable:
            found = witness(node, live)
            if found is not node:
                mapping[node.id] = mapping[found.id]
                continue
        mapping[node.id] = _rebuilt(node, mapping)
    new_roots = [mapping[r.id] for r in roots]
    removed = _count_ops(order) - _count_ops(toposort(new_roots))
    log.append(('dce', 'dead_code', f"removed {removed} nodes"))
    return new_roots


def _rebuilt(node, mapping):
    inputs = tuple(mapping[i.id] for i in node.inputs)
    if all(a is b for a, b in zip(inputs, node.inputs)):
        return node
    new = node.op(*inputs)
    new.name, new.source = node.name, node.source
    if hasattr(node, '_keras_history'):
        new._keras_history = node._keras_history
    return new


def _count_ops(order):
    return sum(1 for node in order if node.op is not None)
