"""Topology of a functional graph: which nodes and layers a Network holds, by depth."""


def node_key(layer, node_index):
    """Key naming node `node_index` of `layer` inside a network ('dense_1_ib-0')."""
    return layer.name + '_ib-' + str(node_index)


def map_graph_network(inputs, outputs):
    """Walk back from `outputs` to `inputs` and order the graph by depth.

    Args:
        inputs: list of input tensors (outputs of InputLayers).
        outputs: list of output tensors (with a Keras history).

    Returns:
        (network_nodes, nodes_by_depth, layers, layers_by_depth): the set of node keys that
        belong to the network, {depth: [Node]}, the layers ordered from the inputs (greatest
        depth) to the outputs (depth 0), and {depth: [layer]}.

    Raises:
        ValueError: a cycle, a disconnected graph or a repeated layer name.
    """
    order, first_seen, network_nodes = _walk_backward(outputs)
    nodes_depths, layers_depths = _depths(order)
    nodes_by_depth = _group(order, lambda node: nodes_depths[id(node)])
    layers = _unique([node.outbound_layer for node in order])
    layers_by_depth = _group(layers, lambda layer: layers_depths[id(layer)])
    ordered_layers = []
    for depth in sorted(layers_by_depth, reverse=True):
        group = sorted(layers_by_depth[depth], key=lambda layer: first_seen[id(layer)])
        layers_by_depth[depth] = group
        ordered_layers.extend(group)
    _check_connected(inputs, nodes_by_depth)
    _check_unique_names(ordered_layers)
    return network_nodes, nodes_by_depth, ordered_layers, layers_by_depth


def _walk_backward(outputs):
    """Post-order walk of the nodes that produce `outputs` (inputs come first)."""
    finished, in_progress = set(), set()
    order, first_seen, network_nodes = [], {}, set()
    for tensor in outputs:
        layer, node_index, _ = tensor._keras_history
        stack = [(layer, node_index, False)]
        while stack:
            layer, node_index, expanded = stack.pop()
            node = layer._inbound_nodes[node_index]
            if expanded:
                in_progress.discard(id(node))
                finished.add(id(node))
                order.append(node)
                continue
            if id(node) in finished:
                continue
            if id(node) in in_progress:
                raise ValueError("The tensor %r at layer '%s' is part of a cycle."
                                 % (tensor, layer.name))
            network_nodes.add(node_key(layer, node_index))
            first_seen.setdefault(id(layer), len(first_seen))
            in_progress.add(id(node))
            stack.append((layer, node_index, True))
            parents = list(zip(node.inbound_layers, node.node_indices))
            for inbound, index in reversed(parents):
                if inbound is not None:
                    stack.append((inbound, index, False))
    return order, first_seen, network_nodes


def _depths(order):
    """Depth of each node and layer: 0 at the outputs, growing towards the inputs."""
    nodes_depths, layers_depths = {}, {}
    for node in reversed(order):
        depth = nodes_depths.setdefault(id(node), 0)
        depth = max(depth, layers_depths.get(id(node.outbound_layer), 0))
        layers_depths[id(node.outbound_layer)] = depth
        nodes_depths[id(node)] = depth
        for inbound, index in zip(node.inbound_layers, node.node_indices):
            if inbound is None:
                continue
            parent = inbound._inbound_nodes[index]
            nodes_depths[id(parent)] = max(depth + 1, nodes_depths.get(id(parent), 0))
    return nodes_depths, layers_depths


def _group(items, depth_of):
    """{depth: [items]} keeping the order of `items`."""
    groups = {}
    for item in items:
        groups.setdefault(depth_of(item), []).append(item)
    return groups


def _unique(items):
    """Items without repeats (by identity), first occurrence kept."""
    seen, result = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            result.append(item)
    return result


def _check_connected(inputs, nodes_by_depth):
    """Raise ValueError when a node needs a tensor that `inputs` cannot produce."""
    computable = set(id(x) for x in inputs)
    done = []
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            layer = node.outbound_layer
            for x in node.input_tensors:
                if id(x) not in computable:
                    raise ValueError("Graph disconnected: cannot obtain value for tensor %r "
                                     "at layer '%s'. The following previous layers were "
                                     "accessed without issue: %s" % (x, layer.name, done))
            computable.update(id(x) for x in node.output_tensors)
            done.append(layer.name)


def _check_unique_names(layers):
    """Raise ValueError when two layers of a network share a name."""
    names = [layer.name for layer in layers]
    for name in names:
        if names.count(name) != 1:
            raise ValueError('The name "%s" is used %d times in the model. All layer names '
                             'should be unique.' % (name, names.count(name)))
