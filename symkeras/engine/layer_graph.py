"""Graph bookkeeping of a layer: its Nodes and the tensors/shapes/masks they record."""
import numpy as np

from .. import backend as K
from .node import Node
from .utils import to_list, unpack_singleton


def tensor_shape(x):
    """The Keras shape of a symbolic tensor (_keras_shape when set, else static shape)."""
    shape = getattr(x, '_keras_shape', None)
    return tuple(shape) if shape is not None else K.int_shape(x)


def collect_previous_mask(inputs):
    """The masks recorded for `inputs` by the layers that produced them."""
    masks = []
    for x in to_list(inputs):
        history = getattr(x, '_keras_history', None)
        if history is None:
            masks.append(None)
            continue
        layer, node_index, tensor_index = history
        masks.append(layer._inbound_nodes[node_index].output_masks[tensor_index])
    return unpack_singleton(masks)


def as_shape_list(shapes, count):
    """A list of `count` shapes from one shape or a list of shapes."""
    if shapes is None:
        return [None] * count
    is_one_shape = all(d is None or isinstance(d, (int, np.integer)) for d in shapes)
    if count == 1 and (is_one_shape and not _all_none(shapes) or not isinstance(shapes, list)):
        return [tuple(shapes)]
    return [tuple(s) if s is not None else None for s in shapes]


def as_mask_list(masks, count):
    """A list of `count` masks (None meaning no mask for any tensor)."""
    if masks is None:
        return [None] * count
    return to_list(masks)


def _all_none(values):
    """Whether every element is None (an empty sequence counts)."""
    return all(v is None for v in values)


class LayerGraphMixin:
    """The part of Layer that records calls as Nodes and exposes what they hold."""

    def _add_inbound_node(self, input_tensors, output_tensors, input_masks, output_masks,
                          input_shapes, output_shapes, arguments=None):
        """Record one call of the layer and tag the outputs with their Keras history."""
        input_tensors = to_list(input_tensors)
        output_tensors = to_list(output_tensors)
        histories = [getattr(x, '_keras_history', (None, None, None)) for x in input_tensors]
        output_shapes = as_shape_list(output_shapes, len(output_tensors))
        Node(self, inbound_layers=[h[0] for h in histories],
             node_indices=[h[1] for h in histories], tensor_indices=[h[2] for h in histories],
             input_tensors=input_tensors, output_tensors=output_tensors,
             input_masks=as_mask_list(input_masks, len(input_tensors)),
             output_masks=as_mask_list(output_masks, len(output_tensors)),
             input_shapes=as_shape_list(input_shapes, len(input_tensors)),
             output_shapes=output_shapes, arguments=arguments)
        uses_lp = any(getattr(x, '_uses_learning_phase', False) for x in input_tensors)
        uses_lp = getattr(self, 'uses_learning_phase', False) or uses_lp
        for index, (x, shape) in enumerate(zip(output_tensors, output_shapes)):
            x._keras_shape = tuple(shape) if shape is not None else None
            x._uses_learning_phase = getattr(x, '_uses_learning_phase', False) or uses_lp
            x._keras_history = (self, len(self._inbound_nodes) - 1, index)

    # ------------------------------------------------------------------ graph views
    def _node_attribute(self, node_index, attr, what):
        """Attribute `attr` of inbound node `node_index`, unpacked when single."""
        if not self._inbound_nodes:
            raise RuntimeError("Layer '%s' has never been called and thus has no defined %s."
                               % (self.name, what))
        if len(self._inbound_nodes) <= node_index:
            raise ValueError("Asked to get %s at node %d of layer '%s', but the layer has "
                             "only %d inbound nodes." % (what, node_index, self.name,
                                                         len(self._inbound_nodes)))
        return unpack_singleton(list(getattr(self._inbound_nodes[node_index], attr)))

    def _single_node_attribute(self, attr, what):
        """Attribute of the only inbound node (AttributeError when 0 or several)."""
        if not self._inbound_nodes:
            raise AttributeError("Layer '%s' is not connected, no %s to return."
                                 % (self.name, what))
        if len(self._inbound_nodes) > 1:
            raise AttributeError("Layer '%s' has multiple inbound nodes, hence the notion of "
                                 "\"layer %s\" is ill-defined. Use `get_%s_at(node_index)` "
                                 "instead." % (self.name, what, what))
        return self._node_attribute(0, attr, what)

    def _common_shape(self, attr, what):
        """The shape shared by all inbound nodes (AttributeError when they differ)."""
        if not self._inbound_nodes:
            raise AttributeError("Layer '%s' has never been called and thus has no defined "
                                 "%s." % (self.name, what))
        if len(set(str(getattr(n, attr)) for n in self._inbound_nodes)) != 1:
            raise AttributeError("Layer '%s' has multiple inbound nodes with different %ss. "
                                 "Use `get_%s_at(node_index)` instead."
                                 % (self.name, what, what.replace(' ', '_')))
        return self._node_attribute(0, attr, what)

    def get_input_at(self, node_index):
        """Input tensor(s) of the call `node_index`."""
        return self._node_attribute(node_index, 'input_tensors', 'input')

    def get_output_at(self, node_index):
        """Output tensor(s) of the call `node_index`."""
        return self._node_attribute(node_index, 'output_tensors', 'output')

    def get_input_shape_at(self, node_index):
        """Input shape(s) of the call `node_index`."""
        return self._node_attribute(node_index, 'input_shapes', 'input shape')

    def get_output_shape_at(self, node_index):
        """Output shape(s) of the call `node_index`."""
        return self._node_attribute(node_index, 'output_shapes', 'output shape')

    def get_input_mask_at(self, node_index):
        """Input mask(s) of the call `node_index`."""
        return self._node_attribute(node_index, 'input_masks', 'input mask')

    def get_output_mask_at(self, node_index):
        """Output mask(s) of the call `node_index`."""
        return self._node_attribute(node_index, 'output_masks', 'output mask')

    @property
    def input(self):
        """Input tensor(s) of a layer called exactly once."""
        return self._single_node_attribute('input_tensors', 'input')

    @property
    def output(self):
        """Output tensor(s) of a layer called exactly once."""
        return self._single_node_attribute('output_tensors', 'output')

    @property
    def input_mask(self):
        """Input mask(s) of a layer called exactly once."""
        return self._single_node_attribute('input_masks', 'input mask')

    @property
    def output_mask(self):
        """Output mask(s) of a layer called exactly once."""
        return self._single_node_attribute('output_masks', 'output mask')

    @property
    def input_shape(self):
        """Input shape(s), when every call of the layer had the same ones."""
        return self._common_shape('input_shapes', 'input shape')

    @property
    def output_shape(self):
        """Output shape(s), when every call of the layer had the same ones."""
        return self._common_shape('output_shapes', 'output shape')
