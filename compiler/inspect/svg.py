"""A self-contained SVG drawing of a graph, laid out by `layout.layered_layout`.

Every node is one `<g class="node">` element (with `data-key`), every edge one
`<path class="edge">` with the tensor's shape written next to it, and the nodes emitted
by one Keras layer sit in a dashed frame named after the layer.
"""
from html import escape

from .graphs import to_networkx
from .labels import box_lines, edge_label, fill_color
from .layout import layered_layout

FONT_SIZE = 11
CHAR_WIDTH = 6.7        # of an 11px monospace glyph
LINE_HEIGHT = 14
PAD_X, PAD_Y = 10, 7
LABEL_SIZE = 9

STYLE = """
.node rect { stroke: #4b5563; stroke-width: 1; }
.node text { font: 11px monospace; fill: #111827; }
.node text.head { font-weight: bold; }
.node.fused rect { stroke: #15803d; stroke-width: 1.5; }
.node:hover rect, .node.selected rect { stroke: #dc2626; stroke-width: 2.5; }
.edge { fill: none; stroke: #6b7280; stroke-width: 1.1; }
.edge-label { font: 9px monospace; fill: #374151; paint-order: stroke;
  stroke: #ffffff; stroke-width: 3px; }
.group rect { fill: #eef2ff; fill-opacity: 0.55; stroke: #818cf8; stroke-dasharray: 4 3; }
.group text { font: bold 10px sans-serif; fill: #4338ca; }
"""


def _number(value):
    return f"{value:.1f}".rstrip('0').rstrip('.')


def _attr(text):
    return escape(str(text), quote=True)


def box_size(lines):
    """(width, height) of a box showing `lines`."""
    longest = max((len(line) for line in lines), default=1)
    return longest * CHAR_WIDTH + 2 * PAD_X, len(lines) * LINE_HEIGHT + 2 * PAD_Y


def _edge_path(points, vertical):
    """SVG path data: smooth cubic segments through the route's points."""
    parts = [f"M{_number(points[0][0])},{_number(points[0][1])}"]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if vertical:
            c1, c2 = (x0, (y0 + y1) / 2), (x1, (y0 + y1) / 2)
        else:
            c1, c2 = ((x0 + x1) / 2, y0), ((x0 + x1) / 2, y1)
        parts.append('C' + ' '.join(f"{_number(x)},{_number(y)}" for x, y in (c1, c2, (x1, y1))))
    return ''.join(parts)


def _edge_elements(graph, layout, vertical, show_labels, prefix):
    out = []
    for source, target, data in graph.edges(data=True):
        points = layout.routes.get((source, target))
        if not points:
            continue
        out.append(f'<path class="edge" d="{_edge_path(points, vertical)}" '
                   f'marker-end="url(#{_attr(prefix)}arrow)"/>')
        label = edge_label(data) if show_labels else ''
        if label:
            (x0, y0), (x1, y1) = points[0], points[1]
            x, y = (x0 + x1) / 2 + 4, (y0 + y1) / 2 + 3
            out.append(f'<text class="edge-label" x="{_number(x)}" y="{_number(y)}">'
                       f'{escape(label)}</text>')
    return out


def _node_element(key, data, layout, prefix):
    lines = box_lines(data)
    width, height = layout.sizes[key]
    cx, cy = layout.positions[key]
    left, top = cx - width / 2, cy - height / 2
    classes = 'node fused' if data.get('fused') else 'node'
    tip = data.get('name', key)
    if data.get('source'):
        tip = f"{tip} at {data['source']}"
    out = [f'<g class="{classes}" id="{_attr(prefix)}node-{_attr(key)}" '
           f'data-key="{_attr(key)}"><title>{escape(str(tip))}</title>',
           f'<rect x="{_number(left)}" y="{_number(top)}" width="{_number(width)}" '
           f'height="{_number(height)}" rx="5" fill="{_attr(fill_color(data))}"/>']
    for index, line in enumerate(lines):
        y = top + PAD_Y + (index + 0.8) * LINE_HEIGHT
        head = ' class="head"' if index == 0 else ''
        out.append(f'<text{head} x="{_number(left + PAD_X)}" y="{_number(y)}">'
                   f'{escape(line)}</text>')
    out.append('</g>')
    return ''.join(out)


def _group_elements(layout, vertical):
    out = []
    for group, frames in layout.group_boxes.items():
        parts = [f'<g class="group" data-layer="{_attr(group)}">']
        for (x0, y0, x1, y1), _ in frames:
            parts.append(f'<rect x="{_number(x0)}" y="{_number(y0)}" width="{_number(x1 - x0)}"'
                         f' height="{_number(y1 - y0)}" rx="6"/>')
        for _, strip in frames:
            if strip is None:
                continue
            x, y = (strip[0] + 6, strip[1] + 12) if vertical else (strip[0] + 4, strip[1] + 6)
            turn = '' if vertical else f' transform="rotate(90 {_number(x)} {_number(y)})"'
            parts.append(f'<text x="{_number(x)}" y="{_number(y)}"{turn}>'
                         f'{escape(str(group))}</text>')
        out.append(''.join(parts) + '</g>')
    return out


def render_svg(graph, rankdir='TB', title=None, id_prefix='', show_shapes=True):
    """A self-contained SVG document (string) drawing a networkx graph.

    Args:
        graph: networkx.DiGraph whose nodes carry the inspect attributes (`op`, `shape`,
            `dtype`, `name`, optional `lines`, `fused`, `layer`...).
        rankdir: 'TB', 'LR', 'BT' or 'RL'.
        title: optional title element.
        id_prefix: prefix of element ids (several drawings in one HTML page).
        show_shapes: write each edge's label (the tensor shape) next to it.
    Returns:
        The SVG text.
    """
    sizes = {key: box_size(box_lines(data)) for key, data in graph.nodes(data=True)}
    groups = {key: data['layer'] for key, data in graph.nodes(data=True) if data.get('layer')}
    layout = layered_layout(graph, sizes, groups, rankdir)
    width, height = max(layout.width, 40.0), max(layout.height, 40.0)
    vertical = rankdir in ('TB', 'BT')
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" '
             f'width="{_number(width)}" height="{_number(height)}" '
             f'viewBox="0 0 {_number(width)} {_number(height)}">']
    if title:
        parts.append(f'<title>{escape(str(title))}</title>')
    parts.append(f'<defs><style>{STYLE}</style><marker id="{_attr(id_prefix)}arrow" '
                 'viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
                 'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#6b7280"/>'
                 '</marker></defs>')
    parts.append('<rect class="background" x="0" y="0" width="100%" height="100%" '
                 'fill="#ffffff"/>')
    parts.append('<g class="groups">' + ''.join(_group_elements(layout, vertical)) + '</g>')
    edges = _edge_elements(graph, layout, vertical, show_shapes, id_prefix)
    parts.append('<g class="edges">' + ''.join(edges) + '</g>')
    parts.append('<g class="nodes">' + ''.join(
        _node_element(key, data, layout, id_prefix) for key, data in graph.nodes(data=True))
        + '</g>')
    parts.append('</svg>')
    return '\n'.join(parts) + '\n'


def to_svg(graph_or_function, view='optimized', rankdir='TB', show_shapes=True):
    """A self-contained SVG drawing of a graph; no Graphviz program needed.

    Args:
        graph_or_function: a compiled function, a tensor or a list of tensors.
        view: 'optimized' or 'original' (a compiled function's graph before rewrites).
        rankdir: 'TB', 'LR', 'BT' or 'RL'.
        show_shapes: write the tensor shape on every edge.
    Returns:
        The SVG text: one `<g class="node">` per tensor, fused kernels as boxes listing
        their ops, nodes emitted by one Keras layer framed together.
    """
    return render_svg(to_networkx(graph_or_function, view), rankdir, show_shapes=show_shapes)
