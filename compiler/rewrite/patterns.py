"""Small helpers for matching rewrite patterns."""
from collections import defaultdict

import numpy as np


def op_name(node):
    return type(node.op).__name__ if node.op is not None else None


def is_op(node, *names):
    return op_name(node) in names


def constant_value(node):
    """The value of a constant (or a broadcast constant), else None."""
    if node.kind == 'constant':
        return node.value
    if is_op(node, 'BroadcastLike') and node.inputs[0].kind == 'constant':
        return node.inputs[0].value
    return None


def is_constant(node, value):
    """True when node is a constant whose every element equals `value`."""
    found = constant_value(node)
    return found is not None and found.size > 0 and bool(np.all(found == value))


def same_type(a, b):
    return a.shape == b.shape and a.dtype == b.dtype


def readers(order, roots):
    """{node id: [reading nodes]} over `order` (a toposort of `roots`); each root is also
    read from outside, recorded as a None reader."""
    found = defaultdict(list)
    for node in order:
        for inp in node.inputs:
            found[inp.id].append(node)
    for root in roots:
        found[root.id].append(None)
    return found


def or_one(scale, dtype):
    """scale, or a constant 1 of `dtype` when it is None (an optional GEMM-style scale)."""
    from ..ir import constant
    return constant(1, dtype) if scale is None else scale


def sum_terms(node, limit=64):
    """The leaves of the tree of Adds rooted at `node` whose inner Adds all have node's
    static type (no broadcasting inside); at most about `limit` of them."""
    leaves, pending = [], [node]
    while pending:
        current = pending.pop()
        if is_op(current, 'Add') and same_type(current, node) and \
                len(leaves) + len(pending) < limit:
            pending.extend(reversed(current.inputs))
        else:
            leaves.append(current)
    return leaves


def plus_other_terms(result, terms, used):
    """result + every term of `terms` whose id is not in `used`."""
    for term in terms:
        if term.id not in used:
            result = result + term
    return result
