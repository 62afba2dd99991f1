"""Text views: Theano-style debugprint and Graphviz DOT (no Graphviz program needed)."""
import sys

from .graphs import graph_info, op_label, to_networkx, view_roots
from .labels import box_lines, check_rankdir, edge_label, fill_color

MAX_INDENT = 64     # deeper levels print their depth instead of more ' |'


def _letters(number):
    """0 -> 'A', 25 -> 'Z', 26 -> 'BA' (Theano's debugprint ids)."""
    text = ''
    while True:
        number, digit = divmod(number, 26)
        text = chr(ord('A') + digit) + text
        if number == 0:
            return text


def _root_notes(graph_or_function, view):
    """{root index: note} naming the variable each update root computes."""
    info = graph_info(graph_or_function)
    if info is None or view != 'optimized':
        return {}
    first = len(info.outputs)
    return {first + i: f"  -> update of '{var.name}'" for i, (var, _) in
            enumerate(info.updates)}


def _prefix(depth):
    if depth <= MAX_INDENT:
        return ' |' * depth
    return ' |' * MAX_INDENT + f"({depth})"


def debugprint(graph_or_function, file=None, view='optimized'):
    """Theano-style indented text of a graph: one line per node, inputs indented below.

    A line shows the op (with its parameters), an id, the name, shape, dtype and the
    user's source line that created the node. A subgraph read twice is printed once;
    later references repeat its line only. Iterative, so deep graphs are fine.

    Args:
        graph_or_function: a compiled function, a tensor or a list of tensors.
        file: where to print (default stdout).
        view: 'optimized' or 'original' (a compiled function's graph before rewrites).
    Returns:
        The text.
    """
    roots = view_roots(graph_or_function, view)
    notes = _root_notes(graph_or_function, view)
    ids, lines = {}, []
    stack = [(root, 0, notes.get(i, '')) for i, root in reversed(list(enumerate(roots)))]
    while stack:
        node, depth, note = stack.pop()
        seen = node.id in ids
        if not seen:
            ids[node.id] = _letters(len(ids))
        where = f"  at {node.source}" if node.source else ''
        repeat = ' (seen above)' if seen and node.inputs else ''
        lines.append(f"{_prefix(depth)}{op_label(node)} [id {ids[node.id]}] '{node.name}' "
                     f"{node.shape} {node.dtype}{repeat or where}{note}")
        if not seen:
            stack.extend((inp, depth + 1, '') for inp in reversed(node.inputs))
    text = '\n'.join(lines)
    print(text, file=file or sys.stdout)
    return text


def dot_quote(text):
    """A DOT double-quoted string: backslashes, quotes and newlines escaped."""
    escaped = str(text).replace('\\', '\\\\').replace('"', '\\"')
    return '"' + escaped.replace('\r', '').replace('\n', '\\n') + '"'


def _node_statement(node_id, data):
    label = '\n'.join(box_lines(data))
    return (f"{dot_quote(node_id)} [label={dot_quote(label)}, "
            f"fillcolor={dot_quote(fill_color(data))}];")


def dot_text(graph, rankdir='TB', name='G'):
    """DOT text of a networkx graph whose nodes carry the inspect attributes.

    Nodes with a `layer` attribute are drawn inside a cluster named after the layer.
    """
    check_rankdir(rankdir)
    ids = {key: f"n{index}" for index, key in enumerate(graph.nodes)}
    lines = [f"digraph {dot_quote(name)} {{", f"  rankdir={rankdir};",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", '
             'fontsize=10];', '  edge [fontname="Helvetica", fontsize=8];']
    clusters = {}
    for key, data in graph.nodes(data=True):
        clusters.setdefault(data.get('layer'), []).append(key)
    for index, (layer, members) in enumerate(clusters.items()):
        indent = '  ' if layer is None else '    '
        if layer is not None:
            lines += [f"  subgraph {dot_quote(f'cluster_{index}')} {{",
                      f"    label={dot_quote(layer)}; style=\"rounded,dashed\";"]
        lines += [indent + _node_statement(ids[key], graph.nodes[key]) for key in members]
        if layer is not None:
            lines.append('  }')
    for source, target, data in graph.edges(data=True):
        label = edge_label(data)
        attrs = f" [label={dot_quote(label)}]" if label else ''
        lines.append(f"  {dot_quote(ids[source])} -> {dot_quote(ids[target])}{attrs};")
    lines.append('}')
    return '\n'.join(lines) + '\n'


def to_dot(graph_or_function, view='optimized', rankdir='TB'):
    """Graphviz DOT text of a graph (producing it needs no Graphviz program).

    Args:
        graph_or_function: a compiled function, a tensor or a list of tensors.
        view: 'optimized' or 'original' (a compiled function's graph before rewrites).
        rankdir: 'TB', 'LR', 'BT' or 'RL'.
    Returns:
        The DOT text; nodes emitted by one Keras layer share a cluster.
    """
    name = getattr(graph_or_function, 'name', None)
    return dot_text(to_networkx(graph_or_function, view), rankdir,
                    name=name if isinstance(name, str) else 'G')
