"""One self-contained HTML page showing graphs: inline SVG, inline script, no network.

Pan (drag) and zoom (wheel); click a node to see its op, shapes, dtype, source line, the
rewrite that produced it and, when profile rows are given, its time; for a compiled
function, a switch between the graph before and after optimization.
"""
import io
import json
from html import escape

from .graphs import graph_info, to_networkx
from .labels import check_rankdir, format_shape
from .svg import render_svg
from .viewer import CSS, SCRIPT

VIEW_TITLES = {'optimized': 'After optimization', 'original': 'Before optimization'}


def _details(graph, key, data):
    """The JSON-ready details of one node (what the side panel shows)."""
    details = {field: data[field] for field in ('op', 'name', 'kind', 'dtype', 'layer',
                                                'source', 'rewrite', 'fused') if field in data}
    if 'label' in data:
        details['op'] = data['label']
    if 'shape' in data:
        details['shape'] = format_shape(data['shape'])
    if 'details' in data:
        details.update(data['details'])
    inputs = [format_shape(graph.nodes[p].get('shape')) for p in graph.predecessors(key)]
    if inputs and 'inputs' not in details and 'input' not in details:
        details['inputs'] = inputs
    if 'seconds' in data:
        details['time'] = (f"{1000 * data['seconds']:.3f} ms in {data.get('calls', 0)} calls "
                           f"({data.get('percent', 0.0):.1f}% of the function)")
    return details


def _json_script(value):
    """JSON text safe inside a <script> element."""
    text = json.dumps(value, sort_keys=True, default=str)
    return text.replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026')


def render_html(views, title='Graph', rankdir='TB', show_shapes=True):
    """One self-contained HTML page drawing one or more graphs.

    Args:
        views: {view name: networkx.DiGraph} (e.g. 'optimized' and 'original'); the first
            is shown first, a button switches between them.
        title: page title.
        rankdir: 'TB', 'LR', 'BT' or 'RL'.
        show_shapes: write tensor shapes on the edges.
    Returns:
        The HTML text.
    """
    check_rankdir(rankdir)
    buttons, panels, payload = [], [], {'views': {}}
    for index, (name, graph) in enumerate(views.items()):
        svg = render_svg(graph, rankdir, title=f"{title}: {name}", id_prefix=f"v{index}-",
                         show_shapes=show_shapes)
        hidden = ' hidden' if index else ''
        active = ' class="active"' if index == 0 else ''
        label = VIEW_TITLES.get(name, name)
        buttons.append(f'<button type="button" data-show="{escape(name)}"{active}>'
                       f'{escape(label)}</button>')
        panels.append(f'<div class="view" data-view="{escape(name)}"{hidden}>{svg}</div>')
        payload['views'][name] = {'nodes': {str(key): _details(graph, key, data)
                                            for key, data in graph.nodes(data=True)}}
    if len(buttons) < 2:
        buttons = []
    return '\n'.join([
        '<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
        f'<title>{escape(title)}</title>', f'<style>{CSS}</style>', '</head>', '<body>',
        f'<header><h1>{escape(title)}</h1>', *buttons,
        '<button type="button" id="fit">Fit</button>',
        '<span class="hint">wheel: zoom &#183; drag: pan &#183; click a node: details'
        '</span></header>',
        '<main><div class="views">', *panels, '</div>',
        '<aside id="info">Click a node to see its details.</aside></main>',
        f'<script type="application/json" id="graph-data">{_json_script(payload)}</script>',
        f'<script>{SCRIPT}</script>', '</body>', '</html>']) + '\n'


def profile_rows(graph_or_function, profile):
    """Profile rows to show: the given rows, or (profile=True) the function's own."""
    if profile is True:
        return list(graph_or_function.profile(file=io.StringIO()))
    return list(profile or [])


def add_profile(graph, rows):
    """Copy seconds, calls and percent of each profile row onto the node it names."""
    by_name = {}
    for row in rows:
        by_name.setdefault(row.get('node'), []).append(row)
    for _, data in graph.nodes(data=True):
        matched = by_name.get(data.get('name'))
        if matched:
            data['seconds'] = sum(float(row.get('seconds', 0.0)) for row in matched)
            data['calls'] = sum(int(row.get('calls', 0)) for row in matched)
            data['percent'] = sum(float(row.get('percent', 0.0)) for row in matched)
    return graph


def to_html(graph_or_function, profile=None, rankdir='TB', title=None, show_shapes=True):
    """One self-contained HTML page (string) for a graph; no Graphviz, no network.

    Args:
        graph_or_function: a compiled function (drawn after and before optimization,
            with a switch), a tensor or a list of tensors.
        profile: rows of `CompiledFunction.profile()` (dicts with node, seconds, calls),
            or True to read them from the function (compiled with profile=True).
        rankdir: 'TB', 'LR', 'BT' or 'RL'.
        title: page title (default: the function's name).
        show_shapes: write tensor shapes on the edges.
    Returns:
        The HTML text.
    """
    views = {'optimized': to_networkx(graph_or_function, 'optimized')}
    add_profile(views['optimized'], profile_rows(graph_or_function, profile))
    if graph_info(graph_or_function) is not None:
        views['original'] = to_networkx(graph_or_function, 'original')
    title = title or getattr(graph_or_function, 'name', None) or 'Graph'
    return render_html(views, str(title), rankdir, show_shapes)
