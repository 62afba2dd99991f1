"""Node (one call of a layer: which tensors went in and came out) and InputSpec."""


class InputSpec:
    """What a layer expects of each input: dtype, shape, ndim, min/max ndim, axes.

    Args:
        dtype: expected dtype or None.
        shape: expected shape (None entries are free) or None.
        ndim: expected number of dimensions.
        max_ndim / min_ndim: bounds on the number of dimensions.
        axes: {axis: size} that must hold, e.g. {-1: 128}.
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None):
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = axes or {}

    def mismatch(self, shape):
        """A sentence describing why `shape` violates the spec, or None."""
        shape = tuple(shape) if shape is not None else None
        if shape is None:
            return None
        ndim = len(shape)
        bounds = (('ndim', self.ndim, ndim != self.ndim),
                  ('max_ndim', self.max_ndim, self.max_ndim is not None and ndim > self.max_ndim),
                  ('min_ndim', self.min_ndim, self.min_ndim is not None and ndim < self.min_ndim))
        for label, value, violated in bounds:
            if value is not None and violated:
                return 'expected %s=%d, found ndim=%d (received shape %s)' % (
                    label, value, ndim, shape)
        for axis, value in self.axes.items():
            if value is not None and -ndim <= axis < ndim and shape[axis] not in (value, None):
                return ('expected axis %d of input shape to have value %d, received shape %s'
                        % (axis, value, shape))
        if self.shape is not None:
            for expected, actual in zip(self.shape, shape):
                if expected is not None and actual is not None and expected != actual:
                    return 'expected shape %s, received shape %s' % (tuple(self.shape), shape)
        return None

    def __repr__(self):
        fields = ('dtype', 'shape', 'ndim', 'max_ndim', 'min_ndim', 'axes')
        return 'InputSpec(%s)' % ', '.join('%s=%r' % (f, getattr(self, f)) for f in fields
                                           if getattr(self, f))


class Node:
    """One call of `outbound_layer` on tensors coming from `inbound_layers`.

    Creating a Node registers it in `outbound_layer._inbound_nodes` and in each inbound
    layer's `_outbound_nodes`. For input i, `inbound_layers[i]._inbound_nodes[
    node_indices[i]].output_tensors[tensor_indices[i]]` is `input_tensors[i]`.

    Args:
        outbound_layer: the layer that was called.
        inbound_layers, node_indices, tensor_indices: where each input came from (None
            entries for raw tensors with no Keras history).
        input_tensors, output_tensors, input_masks, output_masks, input_shapes,
        output_shapes: lists, one entry per tensor.
        arguments: keyword arguments the layer was called with.
    """

    def __init__(self, outbound_layer, inbound_layers, node_indices, tensor_indices,
                 input_tensors, output_tensors, input_masks, output_masks, input_shapes,
                 output_shapes, arguments=None):
        self.outbound_layer = outbound_layer
        self.inbound_layers = list(inbound_layers)
        self.node_indices = list(node_indices)
        self.tensor_indices = list(tensor_indices)
        self.input_tensors = list(input_tensors)
        self.output_tensors = list(output_tensors)
        self.input_masks = list(input_masks)
        self.output_masks = list(output_masks)
        self.input_shapes = list(input_shapes)
        self.output_shapes = list(output_shapes)
        self.arguments = arguments
        for layer in self.inbound_layers:
            if layer is not None:
                layer._outbound_nodes.append(self)
        outbound_layer._inbound_nodes.append(self)

    def get_config(self):
        """Names and indices describing the node (for inspection)."""
        names = [layer.name if layer is not None else None for layer in self.inbound_layers]
        return {'outbound_layer': self.outbound_layer.name, 'inbound_layers': names,
                'node_indices': self.node_indices, 'tensor_indices': self.tensor_indices}
