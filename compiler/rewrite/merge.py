"""Merge (common-subexpression elimination) by structural hashing.

Two nodes with equal ops applied to the same inputs compute the same value: keep one.
Equal small constants are merged too. Random ops are never merged (each draws anew).
"""
from ..graph import rebuild

CONSTANT_LIMIT = 1 << 12


def _constant_key(node):
    if node.kind != 'constant' or node.value.size > CONSTANT_LIMIT:
        return None
    return ('constant', node.dtype, node.shape, node.value.tobytes())


def merge_duplicates(roots, log):
    seen = {}

    def merge(node):
        key = (node.op, tuple(i.id for i in node.inputs))
        if node.op.kernel == 'random_uniform':
            return None
        found = seen.get(key)
        if found is not None and found is not node and found.shape == node.shape:
            log.append(('merge', 'merge_duplicates', f"{node.name} = {found.name}"))
            return found
        seen[key] = node
        return None

    constants = {}
    replace = {}
    from ..ir import toposort
    for node in toposort(list(roots)):
        key = _constant_key(node)
        if key is not None:
            replace.setdefault(key, node)
            if replace[key] is not node:
                constants[node.id] = replace[key]
    roots, _ = rebuild(roots, constants, merge)
    return roots
