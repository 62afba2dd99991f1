"""Serialization of a functional Network to and from Keras's config dict."""
import copy
import importlib
import inspect
import json

from .network_graph import node_key


def _kept_node_indices(network):
    """Map node key -> index of that node once the layers are rebuilt from config."""
    from .network import Network
    conversion = {}
    for layer in network.layers:
        kept = 1 if isinstance(layer, Network) else 0  # networks start with their own node
        for index in range(len(layer._inbound_nodes)):
            key = node_key(layer, index)
            if key in network._network_nodes:
                conversion[key] = kept
                kept += 1
    return conversion


def _json_arguments(node):
    """The call keyword arguments of a node when they are JSON-serializable, else {}."""
    if not node.arguments:
        return {}
    try:
        json.dumps(node.arguments)
    except TypeError:
        return {}
    return node.arguments


def _inbound_nodes_config(network, layer, conversion):
    """[[ [inbound name, node index, tensor index, kwargs], ...], ...] for one layer."""
    result = []
    for index, node in enumerate(layer._inbound_nodes):
        if node_key(layer, index) not in network._network_nodes or not node.inbound_layers:
            continue
        kwargs = _json_arguments(node)
        result.append([[inbound.name, conversion.get(node_key(inbound, node_index), 0),
                        tensor_index, kwargs]
                       for inbound, node_index, tensor_index in zip(
                           node.inbound_layers, node.node_indices, node.tensor_indices)])
    return result


def _endpoints_config(network, coordinates, conversion):
    """[[layer name, node index, tensor index], ...] for the inputs or the outputs."""
    result = []
    for layer, node_index, tensor_index in coordinates:
        key = node_key(layer, node_index)
        if key in network._network_nodes:
            result.append([layer.name, conversion[key], tensor_index])
    return result


def network_to_config(network):
    """Keras's functional-model config: name, layers with inbound nodes, endpoints."""
    conversion = _kept_node_indices(network)
    layers = [{'name': layer.name, 'class_name': type(layer).__name__,
               'config': layer.get_config(),
               'inbound_nodes': _inbound_nodes_config(network, layer, conversion)}
              for layer in network.layers]
    config = {'name': network.name, 'layers': layers,
              'input_layers': _endpoints_config(network, network._input_coordinates,
                                                conversion),
              'output_layers': _endpoints_config(network, network._output_coordinates,
                                                 conversion)}
    return copy.deepcopy(config)


def _engine_classes():
    """Classes the engine itself defines, by name."""
    from .input_layer import InputLayer
    from .network import Network
    from .training import Model
    from .sequential import Sequential
    return {cls.__name__: cls for cls in (InputLayer, Network, Model, Sequential)}


def deserialize_layer(layer_config, custom_objects=None):
    """Create a layer from {'class_name': ..., 'config': ...}.

    Args:
        layer_config: dict with 'class_name' and 'config'.
        custom_objects: optional {name: class} searched first.

    Returns:
        A new, unconnected layer.

    Raises:
        ValueError: unknown class name.
    """
    class_name = layer_config['class_name']
    cls = (custom_objects or {}).get(class_name) or _engine_classes().get(class_name)
    if cls is None:
        layers = importlib.import_module('symkeras.layers')
        cls = getattr(layers, class_name, None)
    if cls is None or not inspect.isclass(cls):
        raise ValueError('Unknown layer: %s. Register it with `custom_objects={%r: %s}`.'
                         % (class_name, class_name, class_name))
    config = layer_config['config']
    if 'custom_objects' in inspect.signature(cls.from_config).parameters:
        return cls.from_config(config, custom_objects=custom_objects)
    return cls.from_config(config)


def network_from_config(config, custom_objects=None):
    """Rebuild the layers and their connections described by `config`.

    Returns:
        (input tensors, output tensors, name).
    """
    created = {}
    pending = []
    for layer_data in config['layers']:
        layer = deserialize_layer(layer_data, custom_objects)
        created[layer_data['name']] = layer
        pending += [(layer, node_data) for node_data in layer_data['inbound_nodes']]
    while pending:
        remaining, blocked = [], set()
        for layer, data in pending:  # a layer's nodes are rebuilt in their original order
            if id(layer) in blocked or not _process_node(layer, data, created):
                remaining.append((layer, data))
                blocked.add(id(layer))
        if len(remaining) == len(pending):
            names = [layer.name for layer, _ in remaining]
            raise ValueError('Cannot rebuild the model: the inputs of layers %s are never '
                             'created' % names)
        pending = remaining
    inputs = [_endpoint(created, data) for data in config['input_layers']]
    outputs = [_endpoint(created, data) for data in config['output_layers']]
    return inputs, outputs, config.get('name')


def _endpoint(created, data):
    """The tensor named by [layer name, node index, tensor index]."""
    name, node_index, tensor_index = data[:3]
    return created[name]._inbound_nodes[node_index].output_tensors[tensor_index]


def _process_node(layer, node_data, created):
    """Call `layer` on the tensors `node_data` names; False when they do not exist yet."""
    tensors = []
    kwargs = {}
    for entry in node_data:
        inbound = created[entry[0]]
        if len(inbound._inbound_nodes) <= entry[1]:
            return False
        tensors.append(inbound._inbound_nodes[entry[1]].output_tensors[entry[2]])
        kwargs = entry[3] if len(entry) > 3 else {}
    layer(tensors[0] if len(tensors) == 1 else tensors, **kwargs)
    return True
