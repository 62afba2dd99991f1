"""compiler.inspect: look at graphs and compiled functions - no Graphviz program needed.

::

    debugprint(f)          Theano-style indented text (op, shape, dtype, source line)
    to_networkx(f)         networkx.DiGraph (op, shape, dtype, fused, layer, rewrite...)
    to_dot(f)              Graphviz DOT text
    to_svg(f)              self-contained SVG, laid out here with networkx
    to_html(f)             one self-contained HTML page: pan/zoom, node details,
                           before/after-optimization switch, profile times

`f` is a compiled function (its optimized graph; `view='original'` for the graph before
the rewrite passes), a tensor, or a list of tensors.
"""
from .graphs import to_networkx
from .html import render_html, to_html
from .svg import render_svg, to_svg
from .text import debugprint, dot_text, to_dot

__all__ = ['debugprint', 'to_networkx', 'to_dot', 'to_svg', 'to_html', 'dot_text',
           'render_svg', 'render_html']
