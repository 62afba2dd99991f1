"""Elementwise fusion: maximal groups of elementwise ops become one FusedElemwise node.

A producer is inlined into its elementwise consumer when the consumer is its only reader
and both have the same static shape (so nothing is recomputed per element). Every
elementwise edge left unfused is logged with its reason.
"""
from collections import Counter

from ..ir import toposort
from ..ops.elementwise import Elemwise
from ..ops.fused import FusedElemwise, FusedReduceSum

MAX_LEAVES = 16     # inputs of one fused kernel (numpy ufuncs take at most 32 operands)
MAX_STEPS = 48


def _is_elementwise(node):
    return isinstance(node.op, Elemwise)


def _consumers(order, roots):
    counts = Counter(inp.id for node in order for inp in node.inputs)
    counts.update(root.id for root in roots)
    return counts


class _Group:
    """Leaves (original input tensors) and steps (op, refs, dtype) of one fused group."""

    def __init__(self):
        self.leaves, self.steps = [], []

    def leaf(self, tensor):
        for index, known in enumerate(self.leaves):
            if known is tensor:
                return ('leaf', index)
        self.leaves.append(tensor)
        return ('leaf', len(self.leaves) - 1)

    def inline(self, other):
        """Copy another group's steps in; returns the ref of its result."""
        leaf_refs = [self.leaf(t) for t in other.leaves]
        step_base = len(self.steps)
        for op, refs, dtype in other.steps:
            mapped = [leaf_refs[i] if kind == 'leaf' else ('step', step_base + i)
                      for kind, i in refs]
            self.steps.append((op, mapped, dtype))
        return ('step', len(self.steps) - 1)

    def program(self):
        nin = len(self.leaves)
        return tuple((op, tuple(i if kind == 'leaf' else nin + i for kind, i in refs), dtype)
                     for op, refs, dtype in self.steps), nin


def _why_not(producer, consumer, consumers, groups):
    if not _is_elementwise(producer):
        return 'not elementwise'
    if consumers[producer.id] != 1:
        return f"{consumers[producer.id]} readers"
    if producer.shape != consumer.shape:
        return f"shape {producer.shape} differs from {consumer.shape}"
    group = groups[producer.id]
    if len(group.steps) >= MAX_STEPS or len(group.leaves) >= MAX_LEAVES:
        return 'group size limit'
    return None


def fuse_elementwise(roots, log):
    """Return new roots with elementwise groups fused; appends to `log`."""
    order = toposort(list(roots))
    consumers = _consumers(order, roots)
    groups, new, inlined = {}, {}, set()
    for node in order:
        if node.op is None:
            new[node.id] = node
        elif _fusable_sum(node, consumers):
            group = groups[node.inputs[0].id]
            inlined.add(node.inputs[0].id)
            program, nin = group.program()
            leaves = [new[t.id] for t in group.leaves]
            op = FusedReduceSum(program=program, nin=nin, axes=node.op.axes,
                                keepdims=node.op.keepdims)
            new[node.id] = _renamed(op(*leaves), node)
            log.append(('fuse', 'fuse_reduce_sum', f"{node.name}: "
                        f"{'+'.join(type(o).__name__ for o, _, _ in group.steps)}+Sum"))
        elif not _is_elementwise(node):
            new[node.id] = _rebuilt(node, [new[i.id] for i in node.inputs])
        else:
            groups[node.id] = _group_of(node, consumers, groups, inlined, log)
            new[node.id] = _build(node, groups[node.id], new)
    for node in order:
        group = groups.get(node.id)
        if group is not None and len(group.steps) > 1 and node.id not in inlined:
            ops = '+'.join(type(op).__name__ for op, _, _ in group.steps)
            log.append(('fuse', 'fuse_elementwise', f"{node.name}: {ops}"))
    return [new[r.id] for r in roots]


def _fusable_sum(node, consumers):
    """A Sum whose input is elementwise work read only by it (and not a 0-d input)."""
    if type(node.op).__name__ != 'Sum' or not node.op.axes:
        return False
    source = node.inputs[0]
    return _is_elementwise(source) and consumers[source.id] == 1 and source.ndim > 0


def _group_of(node, consumers, groups, inlined, log):
    group = _Group()
    refs = []
    for inp in node.inputs:
        reason = _why_not(inp, node, consumers, groups)
        if reason is None:
            refs.append(group.inline(groups[inp.id]))
            inlined.add(inp.id)
        else:
            refs.append(group.leaf(inp))
            if _is_elementwise(inp):
                log.append(('fuse', f"kept apart: {reason}", f"{inp.name} -> {node.name}"))
    group.steps.append((node.op, refs, node.dtype))
    return group


def _rebuilt(node, inputs):
    if all(a is b for a, b in zip(inputs, node.inputs)):
        return node
    return _renamed(node.op(*inputs), node)


def _build(node, group, new):
    if len(group.steps) == 1:
        return _rebuilt(node, [new[i.id] for i in node.inputs])
    program, nin = group.program()
    leaves = [new[t.id] for t in group.leaves]
    return _renamed(FusedElemwise(program=program, nin=nin)(*leaves), node)


def _renamed(tensor, like):
    tensor.name, tensor.source = like.name, like.source
    return tensor
