"""Graph utilities: substitution (rebuild with replaced tensors) and input discovery."""
from .ir import toposort


def rebuild(roots, replace, rule=None):
    """Copy of the graph of `roots` with tensors substituted.

    Args:
        roots: output tensors.
        replace: {tensor id: tensor} substitutions applied wherever the tensor appears.
        rule: optional function(node) -> tensor or None, tried on every (rebuilt) op node;
            a tensor it returns replaces the node.
    Returns:
        (new roots, {old id: new tensor} for every node visited)
    """
    mapping = {}
    for node in toposort(list(roots)):
        if node.id in replace:
            mapping[node.id] = replace[node.id]
            continue
        new = node
        if node.op is not None:
            inputs = tuple(mapping[i.id] for i in node.inputs)
            if any(a is not b for a, b in zip(inputs, node.inputs)):
                new = node.op(*inputs)
                new.name, new.source = node.name, node.source
                if hasattr(node, '_keras_history'):       # keep the layer that made it
                    new._keras_history = node._keras_history
        if rule is not None and new.op is not None:
            replacement = rule(new)
            new = new if replacement is None else replacement
        mapping[node.id] = new
    return [mapping[r.id] for r in roots], mapping


def graph_inputs(roots):
    """The placeholders the roots depend on."""
    return [n for n in toposort(list(roots)) if n.kind == 'input']


def graph_variables(roots):
    return [n for n in toposort(list(roots)) if n.kind == 'variable']
