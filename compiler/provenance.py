"""Which Keras layer emitted each node: read from the `_keras_history` the symkeras layers
attach to their output tensors. Kept free of networkx so that compiling a function (which
names layers in its error messages) does not import the graph-drawing libraries."""


def _history_layer(node):
    history = getattr(node, '_keras_history', None)
    if not history:
        return None
    layer = history[0]
    return getattr(layer, 'name', None) or (str(layer) if layer is not None else None)


def _history_inputs(node):
    """Ids of the tensors the Keras layer call that produced `node` received."""
    layer, node_index = node._keras_history[0], node._keras_history[1]
    try:
        call = layer._inbound_nodes[node_index]
        return {t.id for t in call.input_tensors if hasattr(t, 'id')}
    except (AttributeError, IndexError, TypeError):
        return set()


def layer_groups(order):
    """{tensor id: layer name} for the outputs of Keras layers and the nodes inside them.

    A layer call owns its output tensors and every ancestor reached before its own inputs
    or another layer's outputs (its weights, bias additions, activations...).
    """
    groups = {}
    for node in order:
        layer = _history_layer(node)
        if layer is None or node.id in groups:
            continue
        stop = _history_inputs(node)
        stack = [node]
        while stack:
            current = stack.pop()
            if current.id in groups:
                continue
            if current is not node and (current.id in stop or _history_layer(current)):
                continue
            groups[current.id] = layer
            stack.extend(current.inputs)
    return groups
