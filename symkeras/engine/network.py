"""Network: a graph of layers from input tensors to output tensors, usable as a layer."""
from .. import backend as K
from .base_layer import Layer, overrides_method, copy_tensor
from .input_layer import InputLayer
from .layer_graph import tensor_shape, collect_previous_mask, as_shape_list, as_mask_list
from .network_graph import map_graph_network, node_key
from .network_state import StatefulNetworkMixin
from .node import Node
from .utils import (to_list, unpack_singleton, has_arg, unique_by_id, contains_object,
                    object_list_uid)
from . import network_config
from ..legacy import legacy_support


@legacy_support('model')
class Network(StatefulNetworkMixin, Layer):
    """A directed acyclic graph of layers (Keras 2.2.4's functional `Network`).

    `stateful`, `reset_states()`, `state_updates`: see StatefulNetworkMixin.

    Args:
        inputs: an input tensor (from `Input(...)`) or a list of them.
        outputs: an output tensor or a list of them.
        name: optional name (default: lowercase class name + '_' + a counter).
        input, output: Keras 1 names of inputs, outputs (converted, with a UserWarning).
    """

    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        if kwargs:
            raise TypeError('%s: keyword argument(s) not understood: %s (valid: inputs, '
                            'outputs, name)' % (type(self).__name__, sorted(kwargs)))
        self._base_init(name)
        if inputs is None and outputs is None:
            return
        if inputs is None or outputs is None:
            raise TypeError("%s '%s' needs both `inputs` and `outputs`, received inputs=%r, "
                            "outputs=%r" % (type(self).__name__, self.name, inputs, outputs))
        self._init_graph_network(inputs, outputs)

    def _base_init(self, name):
        """State of an empty network (no graph yet)."""
        if not name:
            prefix = type(self).__name__.lower()
            name = prefix + '_' + str(K.get_uid(prefix))
        Layer.__init__(self, name=name)
        self._layers = []
        self._is_graph_network = False
        self.inputs, self.outputs = [], []
        self._input_layers, self._output_layers = [], []
        self._input_coordinates, self._output_coordinates = [], []
        self.input_names, self.output_names = [], []
        self._feed_inputs, self._feed_input_names, self._feed_input_shapes = [], [], []
        self._network_nodes, self._nodes_by_depth, self._layers_by_depth = set(), {}, {}

    def _init_graph_network(self, inputs, outputs):
        """Take ownership of the graph from `inputs` to `outputs`."""
        self.inputs = list(to_list(inputs))
        self.outputs = list(to_list(outputs))
        self._check_endpoints()
        self._input_layers = [x._keras_history[0] for x in self.inputs]
        self._input_coordinates = [x._keras_history for x in self.inputs]
        self._output_layers = [x._keras_history[0] for x in self.outputs]
        self._output_coordinates = [x._keras_history for x in self.outputs]
        (self._network_nodes, self._nodes_by_depth, self._layers,
         self._layers_by_depth) = map_graph_network(self.inputs, self.outputs)
        self.input_names = [layer.name for layer in self._input_layers]
        self.output_names = [layer.name for layer in self._output_layers]
        feeds = [(layer, x) for layer, x in zip(self._input_layers, self.inputs)
                 if layer.is_placeholder]
        self._feed_inputs = [x for _, x in feeds]
        self._feed_input_names = [layer.name for layer, _ in feeds]
        self._feed_input_shapes = [tensor_shape(x) for x in self._feed_inputs]
        self._inbound_nodes = []
        Node(self, inbound_layers=[], node_indices=[], tensor_indices=[],
             input_tensors=self.inputs, output_tensors=self.outputs,
             input_masks=[None] * len(self.inputs),
             output_masks=as_mask_list(collect_previous_mask(self.outputs), len(self.outputs)),
             input_shapes=[tensor_shape(x) for x in self.inputs],
             output_shapes=[tensor_shape(x) for x in self.outputs])
        self._is_graph_network = True
        self.built = True

    def _check_endpoints(self):
        """Inputs must come from Input(); outputs must be outputs of layers."""
        what = "%s '%s'" % (type(self).__name__, self.name)
        for position, x in enumerate(self.inputs):
            layer = getattr(x, '_keras_history', (None,))[0]
            if not K.is_tensor(x) or not isinstance(layer, InputLayer):
                raise ValueError('%s: input %d must be a tensor returned by Input(...), '
                                 'received %r' % (what, position, x))
        for position, x in enumerate(self.outputs):
            if not K.is_tensor(x) or not hasattr(x, '_keras_history'):
                raise ValueError('%s: output %d must be the output of a layer, received %r'
                                 % (what, position, x))

    # ------------------------------------------------------------------ layers
    @property
    def layers(self):
        """The layers of the network, from the inputs to the outputs."""
        return self._layers

    def get_layer(self, name=None, index=None):
        """Return a layer by name or by index (in `layers` order).

        Raises:
            ValueError: no such layer.
        """
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError('Was asked to retrieve layer at index %d but model only has '
                                 '%d layers.' % (index, len(self.layers)))
            return self.layers[index]
        if not name:
            raise ValueError('Provide either a layer name or a layer index.')
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError('No such layer: %s. Existing layers are: %s'
                         % (name, [layer.name for layer in self.layers]))

    # ------------------------------------------------------------------ endpoints
    @property
    def input(self):
        """The input tensor (a list when there are several)."""
        return unpack_singleton(list(self.inputs)) if self.inputs else Layer.input.fget(self)

    @property
    def output(self):
        """The output tensor (a list when there are several)."""
        return unpack_singleton(list(self.outputs)) if self.outputs else Layer.output.fget(self)

    @property
    def input_shape(self):
        """Shape of the input (a list of shapes when there are several)."""
        if not self.inputs:
            return Layer.input_shape.fget(self)
        return unpack_singleton([tensor_shape(x) for x in self.inputs])

    @property
    def output_shape(self):
        """Shape of the output (a list of shapes when there are several)."""
        if not self.outputs:
            return Layer.output_shape.fget(self)
        return unpack_singleton([tensor_shape(x) for x in self.outputs])

    # ------------------------------------------------------------------ weights
    @property
    def trainable_weights(self):
        """Trainable weights of all layers ([] when the network is frozen)."""
        if not self.trainable:
            return []
        weights = list(self._trainable_weights)
        for layer in self.layers:
            weights += layer.trainable_weights
        return unique_by_id(weights)

    @property
    def non_trainable_weights(self):
        """Non-trainable weights of all layers (all weights when frozen)."""
        weights = list(self._non_trainable_weights)
        for layer in self.layers:
            weights += layer.non_trainable_weights
        if not self.trainable:
            trainable = list(self._trainable_weights)
            for layer in self.layers:
                trainable += layer.trainable_weights
            weights = trainable + weights
        return unique_by_id(weights)

    def get_weights(self):
        """Weight values of all layers, layer by layer, as numpy arrays."""
        weights = []
        for layer in self.layers:
            weights += layer.weights
        return K.batch_get_value(weights)

    def set_weights(self, weights):
        """Set the weights of all layers from a list in `get_weights()` order.

        Raises:
            ValueError: wrong number of arrays or an array of the wrong shape.
        """
        K.batch_set_value(self._weight_pairs(weights))

    def _weight_pairs(self, weights):
        """[(variable, array)] for every layer, all checked before any is set."""
        expected = sum(len(layer.weights) for layer in self.layers)
        if not isinstance(weights, (list, tuple)):
            raise TypeError("Model '%s': set_weights expected a list of %d arrays, received "
                            "%s" % (self.name, expected, type(weights).__name__))
        if len(weights) != expected:
            per_layer = ', '.join('%s: %d' % (layer.name, len(layer.weights))
                                  for layer in self.layers if layer.weights)
            raise ValueError("Model '%s': set_weights expected a list of %d arrays, received "
                             "%d (arrays expected per layer, in order: %s)"
                             % (self.name, expected, len(weights), per_layer or 'none'))
        pairs, start = [], 0
        for layer in self.layers:
            count = len(layer.weights)
            if count:
                part = list(weights[start:start + count])
                if isinstance(layer, Network):
                    # A nested model's arrays come in its `weights` order (trainable
                    # first), as get_weights lists them: not layer by layer.
                    pairs += layer._pairs_in_weights_order(part)
                else:
                    pairs += layer._weight_pairs(part)
            start += count
        return pairs

    def _pairs_in_weights_order(self, values):
        """[(variable, array)] pairing `values` with `self.weights`, each checked by the
        layer that owns the variable (so an error names that layer)."""
        owners = {}
        for layer in self._leaf_layers():
            for variable in layer.weights:
                owners.setdefault(id(variable), layer)
        return [(variable, owners.get(id(variable), self)._checked_weight(variable, value))
                for variable, value in zip(self.weights, values)]

    def _leaf_layers(self):
        """The layers of this network and of the networks nested in it (not networks)."""
        for layer in self.layers:
            if isinstance(layer, Network):
                yield from layer._leaf_layers()
            else:
                yield layer

    # ------------------------------------------------------------------ updates, losses
    def _gather(self, per_layer, own_unconditional):
        """Collect per-node items of the layers that belong to this network."""
        items = []
        for layer in self.layers:
            for index, node in enumerate(layer._inbound_nodes):
                if node_key(layer, index) in self._network_nodes:
                    items += per_layer(layer, node.input_tensors)
            items += per_layer(layer, None)
        return unique_by_id(items + own_unconditional)

    @property
    def updates(self):
        """Updates of the layers (e.g. batch-norm moving averages)."""
        if not self.trainable and not self.stateful:
            return []
        return self._gather(lambda layer, x: layer.get_updates_for(x),
                            self.get_updates_for(None))

    @property
    def losses(self):
        """Losses of the layers (e.g. weight regularization) and of the network."""
        return self._gather(lambda layer, x: layer.get_losses_for(x),
                            self.get_losses_for(None))

    @property
    def uses_learning_phase(self):
        """Whether an output depends on the learning phase (e.g. Dropout)."""
        return any(getattr(x, '_uses_learning_phase', False) for x in self.outputs)

    # ------------------------------------------------------------------ calling
    def call(self, inputs, mask=None):
        """Run the network's graph on new input tensors."""
        outputs, _, _ = self.run_internal_graph(inputs, mask)
        return unpack_singleton(outputs)

    def compute_mask(self, inputs, mask=None):
        """Output masks of the network for `inputs`."""
        recorded = self._inbound_nodes[0].output_masks if self._inbound_nodes else []
        if all(m is None for m in to_list(mask)) and all(m is None for m in recorded):
            return None
        _, masks, _ = self.run_internal_graph(inputs, mask)
        return unpack_singleton(masks)

    def run_internal_graph(self, inputs, masks=None):
        """Recompute the outputs from new `inputs` by calling each layer's `call`.

        Returns:
            (output tensors, output masks, output shapes), lists.
        """
        inputs = to_list(inputs)
        masks = [None] * len(inputs) if masks is None else to_list(masks)
        tensor_map = {id(x): (y, m) for x, y, m in zip(self.inputs, inputs, masks)}
        for depth in sorted(self._nodes_by_depth, reverse=True):
            for node in self._nodes_by_depth[depth]:
                layer = node.outbound_layer
                if isinstance(layer, InputLayer):
                    continue
                computed = [tensor_map[id(x)] for x in node.input_tensors if id(x) in tensor_map]
                if len(computed) != len(node.input_tensors):
                    continue
                outputs, out_masks = self._run_node(layer, node, computed, inputs)
                for x, y, m in zip(node.output_tensors, outputs, out_masks):
                    tensor_map[id(x)] = (y, m)
        results = [tensor_map[id(x)] for x in self.outputs]
        tensors = [y for y, _ in results]
        return tensors, [m for _, m in results], [tensor_shape(y) for y in tensors]

    def _run_node(self, layer, node, computed, network_inputs):
        """Call `layer` on the computed inputs of `node`; propagate shapes and updates."""
        tensors = [x for x, _ in computed]
        masks = [m for _, m in computed]
        kwargs = dict(node.arguments or {})
        if has_arg(layer.call, 'mask') and 'mask' not in kwargs:
            kwargs['mask'] = unpack_singleton(masks)
        outputs = to_list(layer.call(unpack_singleton(tensors), **kwargs))
        outputs = [copy_tensor(y) if contains_object(tensors, y) else y for y in outputs]
        out_masks = as_mask_list(layer.compute_mask(unpack_singleton(tensors),
                                                    unpack_singleton(masks)), len(outputs))
        self._adopt(layer.get_updates_for(tensors), self._updates, self._per_input_updates,
                    network_inputs)
        self._adopt(layer.get_updates_for(None), self._updates, self._per_input_updates, None)
        self._adopt(layer.get_losses_for(tensors), self._losses, self._per_input_losses,
                    network_inputs)
        self._adopt(layer.get_losses_for(None), self._losses, self._per_input_losses, None)
        shapes = layer_output_shapes(layer, [tensor_shape(x) for x in tensors], outputs)
        uses_lp = any(getattr(x, '_uses_learning_phase', False) for x in tensors)
        for y, shape in zip(outputs, shapes):
            y._keras_shape = shape
            y._uses_learning_phase = getattr(y, '_uses_learning_phase', False) or uses_lp
        return outputs, out_masks

    @staticmethod
    def _adopt(items, flat, per_input, inputs):
        """Record `items` under `inputs` unless already recorded (by identity)."""
        bucket = per_input.setdefault(object_list_uid(inputs), [])
        for item in items:
            if not contains_object(bucket, item):
                bucket.append(item)
            if not contains_object(flat, item):
                flat.append(item)

    def compute_output_shape(self, input_shape):
        """Output shape(s) of the network for input shape(s) `input_shape`."""
        input_shapes = as_shape_list(input_shape, len(self._input_layers))
        if len(input_shapes) != len(self._input_layers):
            raise ValueError("Model '%s': invalid input_shape %s, the model has %d inputs"
                             % (self.name, input_shape, len(self._input_layers)))
        known = {}
        for (layer, node_index, tensor_index), shape in zip(self._input_coordinates,
                                                            input_shapes):
            known[(id(layer), node_index, tensor_index)] = shape
        for depth in sorted(self._nodes_by_depth, reverse=True):
            for node in self._nodes_by_depth[depth]:
                if not isinstance(node.outbound_layer, InputLayer):
                    _propagate_node_shape(node, known)
        shapes = [known[(id(layer), n, t)] for layer, n, t in self._output_coordinates]
        return unpack_singleton(shapes)

    # ------------------------------------------------------------------ config
    def get_config(self):
        """{'name', 'layers', 'input_layers', 'output_layers'} (Keras's format)."""
        return network_config.network_to_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild a network from `get_config()` output."""
        inputs, outputs, name = network_config.network_from_config(config, custom_objects)
        return cls(inputs=inputs, outputs=outputs, name=name)


def layer_output_shapes(layer, input_shapes, outputs=None, node=None):
    """List of output shapes of `layer` for `input_shapes` (one per input tensor).

    Uses compute_output_shape when the layer overrides it; otherwise the static shapes of
    `outputs`, the shapes recorded in `node` for the same input shapes, or a trace of
    `call` on fresh placeholders.
    """
    argument = unpack_singleton(list(input_shapes))
    if overrides_method(layer, 'compute_output_shape'):
        shapes = layer.compute_output_shape(argument)
        return as_shape_list(shapes, len(outputs) if outputs is not None else 1)
    if outputs is not None:
        return [K.int_shape(y) for y in outputs]
    if node is not None and list(node.input_shapes) == list(input_shapes):
        return list(node.output_shapes)
    placeholders = [K.placeholder(shape=s) for s in input_shapes]
    traced = to_list(layer.call(unpack_singleton(placeholders), **(node.arguments or {})))
    return [K.int_shape(y) for y in traced]


def _propagate_node_shape(node, known):
    """Fill `known` with the output shapes of `node` from the shapes of its inputs."""
    layer = node.outbound_layer
    keys = zip(node.inbound_layers, node.node_indices, node.tensor_indices)
    input_shapes = [known[(id(inbound), n, t)] for inbound, n, t in keys]
    shapes = layer_output_shapes(layer, input_shapes, node=node)
    node_index = next(i for i, n in enumerate(layer._inbound_nodes) if n is node)
    for tensor_index, shape in enumerate(shapes):
        known[(id(layer), node_index, tensor_index)] = shape


def get_source_inputs(tensor, layer=None, node_index=None):
    """The input tensors (from InputLayers) that `tensor` was computed from."""
    if not hasattr(tensor, '_keras_history'):
        return [tensor]
    if layer is None or node_index is None:
        layer, node_index, _ = tensor._keras_history
    node = layer._inbound_nodes[node_index]
    if not node.inbound_layers:
        return list(node.input_tensors)
    sources = []
    for x, inbound, index in zip(node.input_tensors, node.inbound_layers, node.node_indices):
        found = get_source_inputs(x, inbound, index) if inbound is not None else [x]
        sources += [s for s in found if not contains_object(sources, s)]
    return sources
