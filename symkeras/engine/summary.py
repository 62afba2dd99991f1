"""print_summary: Keras's text table of a model's layers, shapes and parameter counts."""
from .. import backend as K
from .network_graph import node_key
from .utils import unique_by_id


def _is_sequential_like(model):
    """True when every depth holds one node with at most one inbound layer, no sharing."""
    if type(model).__name__ == 'Sequential':
        return True
    nodes = []
    for depth_nodes in model._nodes_by_depth.values():
        if len(depth_nodes) > 1 or (depth_nodes and len(depth_nodes[0].inbound_layers) > 1):
            return False
        nodes += depth_nodes
    node_ids = set(id(node) for node in nodes)
    for layer in model.layers:
        if sum(1 for node in layer._inbound_nodes if id(node) in node_ids) > 1:
            return False
    return True


def _print_row(fields, positions, print_fn):
    """One table row: each field cut/padded to end at its column position."""
    line = ''
    for index, field in enumerate(fields):
        if index > 0:
            line = line[:-1] + ' '
        line += str(field)
        line = line[:positions[index]]
        line += ' ' * (positions[index] - len(line))
    print_fn(line)


def _output_shape(layer):
    try:
        return layer.output_shape
    except AttributeError:
        return 'multiple'


def _connections(model, layer):
    """'dense_1[0][0]' for each input of each of the layer's nodes inside `model`."""
    result = []
    for index, node in enumerate(layer._inbound_nodes):
        if node_key(layer, index) not in model._network_nodes:
            continue
        for inbound, node_index, tensor_index in zip(node.inbound_layers, node.node_indices,
                                                     node.tensor_indices):
            if inbound is not None:
                result.append('%s[%d][%d]' % (inbound.name, node_index, tensor_index))
    return result


def _count(weights):
    return int(sum(K.count_params(w) for w in unique_by_id(weights)))


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """Print the summary table of `model` (see Model.summary)."""
    print_fn = print_fn or print
    sequential_like = _is_sequential_like(model)
    if sequential_like:
        line_length = line_length or 65
        positions = positions or [.45, .85, 1.]
        headers = ['Layer (type)', 'Output Shape', 'Param #']
    else:
        line_length = line_length or 98
        positions = positions or [.33, .55, .67, 1.]
        headers = ['Layer (type)', 'Output Shape', 'Param #', 'Connected to']
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    print_fn('_' * line_length)
    _print_row(headers, positions, print_fn)
    print_fn('=' * line_length)
    layers = model.layers
    for index, layer in enumerate(layers):
        fields = ['%s (%s)' % (layer.name, type(layer).__name__), _output_shape(layer),
                  layer.count_params()]
        if sequential_like:
            _print_row(fields, positions, print_fn)
        else:
            connections = _connections(model, layer)
            _print_row(fields + [connections[0] if connections else ''], positions, print_fn)
            for extra in connections[1:]:
                _print_row(['', '', '', extra], positions, print_fn)
        print_fn(('=' if index == len(layers) - 1 else '_') * line_length)
    trainable = _count(getattr(model, '_collected_trainable_weights', None)
                       or model.trainable_weights)
    non_trainable = _count(model.non_trainable_weights)
    print_fn('Total params: {:,}'.format(trainable + non_trainable))
    print_fn('Trainable params: {:,}'.format(trainable))
    print_fn('Non-trainable params: {:,}'.format(non_trainable))
    print_fn('_' * line_length)
