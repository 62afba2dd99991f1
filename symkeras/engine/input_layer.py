"""InputLayer and Input(): the entry points of a functional graph."""
import numpy as np

from .. import backend as K
from .base_layer import Layer
from .node import Node
from .utils import unpack_singleton
from ..legacy import legacy_support


def _checked_shape(shape, layer_name):
    """`shape` as a tuple of non-negative ints and None, else TypeError/ValueError."""
    if isinstance(shape, (str, bytes)) or not hasattr(shape, '__iter__'):
        raise TypeError("InputLayer '%s': the input shape must be a tuple of integers (None "
                        "for unknown dimensions), received %r" % (layer_name, shape))
    shape = tuple(shape)
    for dim in shape:
        if dim is None:
            continue
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError("InputLayer '%s': the input shape must be a tuple of integers "
                            "(None for unknown dimensions), received %r" % (layer_name, shape))
        if dim < 0:
            raise ValueError("InputLayer '%s': input dimensions must be >= 0 (or None), "
                             "received the shape %s" % (layer_name, shape))
    return tuple(None if d is None else int(d) for d in shape)


@legacy_support('input_layer')
class InputLayer(Layer):
    """The layer that owns a model input placeholder.

    Args:
        input_shape: shape without the batch dimension, e.g. (784,).
        batch_size: optional fixed batch size.
        batch_input_shape: full shape including the batch dimension (instead of the two
            above).
        dtype: dtype of the placeholder (default K.floatx()).
        input_tensor: an existing symbolic tensor to wrap instead of a new placeholder.
        sparse: accepted for Keras compatibility; must be False.
        name: layer name (default input_<n>).
    """

    def __init__(self, input_shape=None, batch_size=None, batch_input_shape=None,
                 dtype=None, input_tensor=None, sparse=False, name=None):
        if not name:
            name = 'input_' + str(K.get_uid('input'))
        super().__init__(dtype=dtype, name=name)
        if sparse:
            raise ValueError("InputLayer '%s': sparse inputs are not supported" % name)
        if input_shape is not None and batch_input_shape is not None:
            raise ValueError("InputLayer '%s': give input_shape or batch_input_shape, not both"
                             % name)
        self.trainable = False
        self.built = True
        self.sparse = False
        if input_tensor is not None and batch_input_shape is None:
            batch_input_shape = K.int_shape(input_tensor)
        if batch_input_shape is None:
            if input_shape is None:
                raise ValueError("InputLayer '%s' needs a `batch_input_shape` or an "
                                 "`input_shape`, received neither" % name)
            batch_input_shape = (batch_size,) + tuple(input_shape)
        self.batch_input_shape = _checked_shape(batch_input_shape, name)
        if not dtype:
            dtype = K.floatx() if input_tensor is None else K.dtype(input_tensor)
        self.dtype = dtype
        self.is_placeholder = input_tensor is None
        if input_tensor is None:
            input_tensor = K.placeholder(shape=self.batch_input_shape, dtype=dtype, name=name)
        input_tensor._keras_shape = self.batch_input_shape
        input_tensor._uses_learning_phase = False
        input_tensor._keras_history = (self, 0, 0)
        Node(self, inbound_layers=[], node_indices=[], tensor_indices=[],
             input_tensors=[input_tensor], output_tensors=[input_tensor], input_masks=[None],
             output_masks=[None], input_shapes=[self.batch_input_shape],
             output_shapes=[self.batch_input_shape])

    def get_config(self):
        """batch_input_shape, dtype, sparse and name."""
        return {'batch_input_shape': self.batch_input_shape, 'dtype': self.dtype,
                'sparse': self.sparse, 'name': self.name}


def Input(shape=None, batch_shape=None, name=None, dtype=None, sparse=False, tensor=None):
    """Create a symbolic input tensor (the output of a new InputLayer).

    Args:
        shape: shape without the batch dimension, e.g. (784,) or (28, 28, 1).
        batch_shape: full shape including the batch dimension (instead of `shape`).
        name: layer name (default input_<n>).
        dtype: default K.floatx().
        sparse: must be False.
        tensor: an existing symbolic tensor to wrap.

    Returns:
        A symbolic tensor usable as a layer input and as a Model input.

    Example:
        >>> x = Input(shape=(784,))
        >>> y = Dense(10)(x)
    """
    if batch_shape is None and tensor is None and shape is None:
        raise ValueError('Input() needs a `shape` (without the batch dimension) or a '
                         '`batch_shape`, received neither')
    if shape is not None and batch_shape is None:
        if isinstance(shape, (str, bytes)) or not (hasattr(shape, '__iter__')
                                                   or isinstance(shape, (int, np.integer))):
            raise TypeError("Input(): `shape` must be a tuple of integers (without the batch "
                            "dimension), received %r" % (shape,))
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        batch_shape = (None,) + shape
    layer = InputLayer(batch_input_shape=batch_shape, name=name, dtype=dtype or K.floatx(),
                       sparse=sparse, input_tensor=tensor)
    return unpack_singleton(layer._inbound_nodes[0].output_tensors)
