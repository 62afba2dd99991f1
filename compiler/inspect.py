"""Views of graphs and compiled functions: networkx, DOT text, Theano-style debugprint."""
import sys

import networkx as nx

from .ir import toposort


def _roots(graph_or_function):
    """Output tensors of a compiled function (its optimized graph), or a list of tensors."""
    info = getattr(graph_or_function, 'graph', None)
    if info is not None and hasattr(info, 'roots'):
        return info.roots
    if isinstance(graph_or_function, (list, tuple)):
        return list(graph_or_function)
    return [graph_or_function]


def _op_name(node):
    return type(node.op).__name__ if node.op is not None else node.kind


def to_networkx(graph_or_function):
    """A networkx.DiGraph: one node per tensor with op, shape, dtype, name, source."""
    graph = nx.DiGraph()
    for node in toposort(_roots(graph_or_function)):
        attrs = {'op': _op_name(node), 'shape': tuple(node.shape), 'dtype': node.dtype,
                 'name': node.name, 'source': node.source or ''}
        fused = getattr(node.op, 'fused_ops', None)
        if fused:
            attrs['fused'] = list(fused)
        graph.add_node(node.id, **attrs)
        for position, inp in enumerate(node.inputs):
            graph.add_edge(inp.id, node.id, position=position, shape=tuple(inp.shape))
    return graph


def to_dot(graph_or_function):
    """Graphviz DOT text of the graph (no Graphviz program needed to produce it)."""
    graph = to_networkx(graph_or_function)
    lines = ['digraph G {', '  node [shape=box, fontname="Helvetica"];']
    for node_id, data in graph.nodes(data=True):
        label = f"{data['op']}\\n{data['shape']} {data['dtype']}"
        lines.append(f'  n{node_id} [label="{label}"];')
    for a, b, data in graph.edges(data=True):
        lines.append(f'  n{a} -> n{b} [label="{data["shape"]}"];')
    lines.append('}')
    return '\n'.join(lines) + '\n'


def debugprint(graph_or_function, file=None):
    """Theano-style indented text of the graph; printed to `file` and returned."""
    lines, seen = [], set()

    def visit(node, depth):
        label = node.op.describe() if node.op is not None else node.kind
        where = f"  [{node.source}]" if node.source else ''
        repeat = node.id in seen
        lines.append(f"{' |' * depth}{label} '{node.name}' {node.shape} {node.dtype}"
                     f"{' (seen above)' if repeat and node.inputs else where}")
        if repeat:
            return
        seen.add(node.id)
        for inp in node.inputs:
            visit(inp, depth + 1)

    for root in _roots(graph_or_function):
        visit(root, 0)
    text = '\n'.join(lines)
    print(text, file=file or sys.stdout)
    return text
