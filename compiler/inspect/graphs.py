"""The graph views: which tensors to show, and the networkx.DiGraph built from them.

A node of the networkx graph is a tensor id with the attributes `op`, `label`, `kind`,
`shape`, `dtype`, `name`, `source`, and when known `fused` (op names inside a fused
kernel), `layer` (name of the Keras layer that emitted it) and `rewrite` (the rule that
produced it). Edges carry `position` (input index) and `shape` (the tensor flowing).
"""
import networkx as nx

from ..ir import toposort
from ..provenance import layer_groups  # noqa: F401 (part of this module's API)

VIEWS = ('optimized', 'original')
_SKIPPED_RULES = ('kept apart', 'budget')


def graph_info(graph_or_function):
    """The GraphInfo of a compiled function (or a GraphInfo itself); None for tensors."""
    info = getattr(graph_or_function, 'graph', None)
    if info is not None and hasattr(info, 'roots'):
        return info
    if hasattr(graph_or_function, 'roots') and hasattr(graph_or_function, 'original'):
        return graph_or_function
    return None


def view_roots(graph_or_function, view='optimized'):
    """Output tensors to show: a function's optimized (or original) graph, or the tensors."""
    if view not in VIEWS:
        raise ValueError(f"inspect: unknown view {view!r}; expected one of {VIEWS}")
    info = graph_info(graph_or_function)
    if info is not None:
        return list(info.original) if view == 'original' else list(info.roots)
    if isinstance(graph_or_function, (list, tuple)):
        roots = list(graph_or_function)
    else:
        roots = [graph_or_function]
    for root in roots:
        if not hasattr(root, 'inputs') or not hasattr(root, 'op'):
            raise TypeError("inspect: expected a compiled function, a tensor or a list of "
                            f"tensors, received {type(root).__name__}")
    return roots


def op_name(node):
    """Class name of the node's op ('Add', 'FusedElemwise'), or its kind for leaves."""
    return type(node.op).__name__ if node.op is not None else node.kind


def op_label(node):
    """The op with its parameters ('Sum(axes=(1,), keepdims=False)'), or the leaf kind."""
    return node.op.describe() if node.op is not None else node.kind


def _rewrite_sources(log):
    """{node name: rule} from a rewrite log of (pass, rule, where) entries."""
    rules = {}
    for _pass, rule, where in log or ():
        if rule.startswith(_SKIPPED_RULES) or _pass == 'merge':
            continue
        name = where.split(':', 1)[0].strip()
        rules.setdefault(name, rule)
    return rules


MAX_RULE_CANDIDATES = 200


def _frontier(node, original, memo):
    """Names of the original-graph tensors a new node reads through new nodes only."""
    stack = [node]
    while stack:
        current = stack[-1]
        pending = [i for i in current.inputs if i.name not in original and i.id not in memo]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        names = set()
        for inp in current.inputs:
            names |= {inp.name} if inp.name in original else memo[inp.id]
        memo[current.id] = names
    return memo[node.id]


def rewrite_attribution(order, original_order, log):
    """{tensor id: rule} for the nodes of the optimized graph that rewrites produced.

    Fused nodes keep the name of the node they replace, so the log names them. A rule's
    replacement has fresh names: it is credited to the logged rule whose replaced node
    (in the original graph) depends on everything the new node reads, the closest such.
    """
    rules = _rewrite_sources(log)
    original = {node.name: node for node in original_order}
    result = {node.id: rules[node.name] for node in order
              if node.op is not None and node.name in rules and node.name in original
              and node is not original[node.name]}
    fresh = [node for node in order if node.name not in original]
    if not fresh:
        return result
    candidates = []
    for name, rule in list(rules.items())[:MAX_RULE_CANDIDATES]:
        if name in original and rule != 'fuse_elementwise':
            candidates.append((rule, {n.name for n in toposort([original[name]])}))
    memo = {}
    for node in fresh:
        needed = _frontier(node, original, memo)
        matches = [(len(ancestors), rule) for rule, ancestors in candidates
                   if needed <= ancestors]
        if matches:
            result[node.id] = min(matches)[1]
    return result


def _layer_names(graph_or_function, order, view):
    """Layer groups of the shown graph; optimized nodes inherit them by name."""
    groups = layer_groups(order)
    info = graph_info(graph_or_function)
    if info is None or view == 'original':
        return groups
    original_order = toposort(list(info.original))
    names = {node.id: node.name for node in original_order}
    by_name = {}
    for node_id, layer in layer_groups(original_order).items():
        by_name.setdefault(names[node_id], layer)
    for node in order:
        if node.id not in groups and node.name in by_name:
            groups[node.id] = by_name[node.name]
    return groups


def _rewrites(graph_or_function, order, view):
    info = graph_info(graph_or_function)
    if info is None or view == 'original':
        return {}
    original_order = toposort(list(info.original))
    return rewrite_attribution(order, original_order, info.rewrite_log)


def fused_op_names(node):
    """The names of the ops a fused node replaced (a FusedElemwise, or an op a pattern
    fusion built, such as Conv2DBiasActPool: the op's `fused_ops`, or for an op with
    optional inputs its `fused_ops_of(node.inputs)`), else None."""
    exact = getattr(node.op, 'fused_ops_of', None)
    names = exact(node.inputs) if exact is not None else getattr(node.op, 'fused_ops', None)
    return list(names) if names else None


def node_attributes(node, layer=None, rewrite=None):
    """The attribute dict of one tensor in the networkx view."""
    attrs = {'op': op_name(node), 'label': op_label(node), 'kind': node.kind,
             'shape': tuple(node.shape), 'dtype': str(node.dtype), 'name': node.name,
             'source': node.source or ''}
    fused = fused_op_names(node)
    if fused:
        attrs['fused'] = fused
    if layer is not None:
        attrs['layer'] = layer
    if rewrite is not None:
        attrs['rewrite'] = rewrite
    return attrs


def to_networkx(graph_or_function, view='optimized'):
    """A networkx.DiGraph with one node per tensor (keyed by tensor id).

    Args:
        graph_or_function: a compiled function, a tensor or a list of tensors.
        view: for a compiled function, 'optimized' (default) or 'original' (before the
            rewrite passes).
    Returns:
        networkx.DiGraph; nodes carry op, label, kind, shape, dtype, name, source and
        when known fused, layer, rewrite; edges carry position and shape.
    """
    order = toposort(view_roots(graph_or_function, view))
    layers = _layer_names(graph_or_function, order, view)
    rewrites = _rewrites(graph_or_function, order, view)
    graph = nx.DiGraph()
    for node in order:
        graph.add_node(node.id, **node_attributes(node, layers.get(node.id),
                                                  rewrites.get(node.id)))
        for position, inp in enumerate(node.inputs):
            # An op reading the same tensor twice keeps one edge (DiGraph): the first.
            if not graph.has_edge(inp.id, node.id):
                graph.add_edge(inp.id, node.id, position=position, shape=tuple(inp.shape))
    return graph
