"""Keras 2 `keras.utils.vis_utils`: draw a model's layer graph, no Graphviz needed.

`.dot`, `.svg` and `.html` are written by symkeras itself (layout computed with networkx);
`.png` and the other raster formats need the Graphviz `dot` program on PATH.
"""
import os
import shutil
import subprocess

import networkx as nx

from compiler.inspect import dot_text, render_html, render_svg
from compiler.inspect.labels import check_rankdir

NATIVE_FORMATS = ('dot', 'gv', 'svg', 'html', 'htm')
GRAPHVIZ_FORMATS = ('png', 'pdf', 'jpg', 'jpeg', 'gif', 'ps')

__all__ = ['model_to_dot', 'model_to_graph', 'plot_model']


def _network_layers(model):
    """The model's layers, its InputLayers included (so every edge has both ends)."""
    if not getattr(model, 'inputs', None) and hasattr(model, 'build'):
        try:
            model.build()
        except (ValueError, TypeError):
            pass    # a Sequential without an input shape: drawn as a plain stack
    layers = list(getattr(model, '_layers', None) or [])
    return layers or list(model.layers)


def _layer_label(layer, show_layer_names):
    """'name: Class', with the wrapped layer for wrappers ('td(dense): TimeDistributed(Dense)')."""
    name, class_name = layer.name, type(layer).__name__
    inner = getattr(layer, 'layer', None)
    if inner is not None and hasattr(inner, 'name'):
        name = f"{name}({inner.name})"
        class_name = f"{class_name}({type(inner).__name__})"
    return f"{name}: {class_name}" if show_layer_names else class_name


def _shape_text(layer, attribute):
    """str of layer.input_shape / output_shape, or 'multiple' when calls disagree."""
    try:
        return str(getattr(layer, attribute))
    except (AttributeError, RuntimeError, ValueError):
        return 'multiple'


def _output_shape(layer):
    try:
        shape = layer.output_shape
    except (AttributeError, RuntimeError, ValueError):
        return None
    return tuple(shape) if isinstance(shape, tuple) else None


def _details(layer):
    details = {'input': _shape_text(layer, 'input_shape'),
               'output': _shape_text(layer, 'output_shape')}
    try:
        details['params'] = int(layer.count_params())
    except (AttributeError, RuntimeError, ValueError, TypeError):
        pass
    return details


def _layer_node(layer, show_shapes, show_layer_names):
    lines = [_layer_label(layer, show_layer_names)]
    if show_shapes:
        lines += [f"input: {_shape_text(layer, 'input_shape')}",
                  f"output: {_shape_text(layer, 'output_shape')}"]
    is_input = type(layer).__name__ == 'InputLayer'
    return {'op': type(layer).__name__, 'name': layer.name, 'lines': lines,
            'kind': 'input' if is_input else 'layer', 'shape': _output_shape(layer),
            'dtype': str(getattr(layer, 'dtype', '') or ''), 'details': _details(layer)}


def _inbound_edges(model, layer, keys):
    """(inbound layer, layer) pairs of the calls of `layer` that belong to the model."""
    network_nodes = getattr(model, '_network_nodes', None)
    for index, node in enumerate(getattr(layer, '_inbound_nodes', [])):
        if network_nodes is not None and f"{layer.name}_ib-{index}" not in network_nodes:
            continue
        for inbound in getattr(node, 'inbound_layers', []):
            if inbound is not None and id(inbound) in keys:
                yield keys[id(inbound)], keys[id(layer)]


def model_to_graph(model, show_shapes=False, show_layer_names=True):
    """The model's layer graph as a networkx.DiGraph (nodes keyed by layer name).

    Args:
        model: a symkeras model (Sequential or functional).
        show_shapes: put each layer's input and output shapes in its box.
        show_layer_names: label boxes 'name: Class' (else just 'Class').
    Returns:
        networkx.DiGraph; node attributes op (class name), name, lines, kind, shape
        (output shape), details; an edge per connection between layers.
    """
    layers = _network_layers(model)
    keys = {}
    for layer in layers:
        key = layer.name if layer.name not in keys.values() else f"{layer.name}#{id(layer)}"
        keys[id(layer)] = key
    graph = nx.DiGraph()
    for layer in layers:
        graph.add_node(keys[id(layer)], **_layer_node(layer, show_shapes, show_layer_names))
    for layer in layers:
        graph.add_edges_from(_inbound_edges(model, layer, keys), label='')
    if graph.number_of_edges() == 0 and not getattr(model, 'inputs', None):
        names = [keys[id(layer)] for layer in layers]   # an unbuilt stack: draw it in order
        graph.add_edges_from(zip(names, names[1:]), label='')
    return graph


def model_to_dot(model, show_shapes=False, show_layer_names=True, rankdir='TB'):
    """Graphviz DOT text of the model's layer graph (Keras returned a pydot.Dot).

    Args:
        model: a symkeras model.
        show_shapes: show input/output shapes in each box.
        show_layer_names: show layer names.
        rankdir: 'TB' (top to bottom), 'LR' (left to right), 'BT' or 'RL'.
    Returns:
        The DOT text.
    """
    check_rankdir(rankdir)
    return dot_text(model_to_graph(model, show_shapes, show_layer_names), rankdir,
                    name=model.name)


def _extension(to_file):
    extension = os.path.splitext(str(to_file))[1].lstrip('.').lower() or 'png'
    if extension not in NATIVE_FORMATS + GRAPHVIZ_FORMATS:
        raise ValueError(f"plot_model: unknown file extension {extension!r} of "
                         f"{str(to_file)!r}; expected one of "
                         f"{NATIVE_FORMATS + GRAPHVIZ_FORMATS}")
    return extension


def _render_with_graphviz(dot, extension, to_file):
    program = shutil.which('dot')
    if program is None:
        raise OSError(f"plot_model: writing {str(to_file)!r} as .{extension} needs the "
                      "Graphviz 'dot' program, which is not on PATH. Use a .svg or .html "
                      "file name instead (drawn without Graphviz), or install Graphviz.")
    done = subprocess.run([program, f"-T{'jpg' if extension == 'jpeg' else extension}",
                           '-o', str(to_file)], input=dot, text=True, capture_output=True)
    if done.returncode != 0:
        raise OSError(f"plot_model: Graphviz 'dot' failed writing {str(to_file)!r} (exit "
                      f"status {done.returncode}): {done.stderr.strip()}. A .svg or .html "
                      "file name needs no Graphviz.")


def plot_model(model, to_file='model.png', show_shapes=False, show_layer_names=True,
               rankdir='TB'):
    """Draw a model's layer graph to a file chosen by its extension.

    `.dot`/`.gv` (DOT text), `.svg` (self-contained drawing) and `.html` (one page with
    pan/zoom and a details panel per layer) need no Graphviz; `.png`, `.pdf`, `.jpg`,
    `.gif` and `.ps` need the Graphviz `dot` program on PATH.

    Args:
        model: a symkeras model.
        to_file: output file name; its extension picks the format (none means .png).
        show_shapes: show each layer's input and output shapes.
        show_layer_names: show layer names.
        rankdir: 'TB' (top to bottom), 'LR' (left to right), 'BT' or 'RL'.

    Raises:
        ValueError: unknown extension or rankdir.
        OSError: a Graphviz format was asked for and `dot` is not installed.

    Example:
        >>> plot_model(model, to_file='model.svg', show_shapes=True)
    """
    check_rankdir(rankdir)
    extension = _extension(to_file)
    graph = model_to_graph(model, show_shapes, show_layer_names)
    if extension in ('svg',):
        text = render_svg(graph, rankdir, title=model.name, show_shapes=show_shapes)
    elif extension in ('html', 'htm'):
        text = render_html({'model': graph}, str(model.name), rankdir, show_shapes)
    else:
        text = dot_text(graph, rankdir, name=model.name)
        if extension in GRAPHVIZ_FORMATS:
            _render_with_graphviz(text, extension, to_file)
            return
    with open(to_file, 'w', encoding='utf-8') as handle:
        handle.write(text)
