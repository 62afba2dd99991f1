"""Sequential: a linear stack of layers."""
import warnings

import numpy as np

from .base_layer import Layer
from .input_layer import Input, InputLayer
from .network import get_source_inputs
from .network_config import deserialize_layer
from .training import Model
from .training_compile import compile_graph
from .training_utils import standardize_single_array


def _first_leaf_layer(layer):
    """The first layer of (possibly nested) models, which carries the input shape."""
    while isinstance(layer, Model):
        if not layer.layers:
            raise ValueError("Cannot add an empty model '%s' to a Sequential model"
                             % layer.name)
        layer = layer.layers[0]
    return layer


class Sequential(Model):
    """A linear stack of layers.

    The first layer needs `input_shape=` (or `input_dim=` / `batch_input_shape=`), or be
    an InputLayer; otherwise the model is built from the data on the first fit/predict.

    Args:
        layers: optional list of layers to add.
        name: optional name (default sequential_<n>).

    Example:
        >>> model = Sequential([Dense(32, input_dim=784), Dense(10, activation='softmax')])
    """

    def __init__(self, layers=None, name=None):
        super().__init__(name=name)
        self._build_input_shape = None
        self._pending_layers = []
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        """The added layers (without the automatic InputLayer)."""
        if self._layers and isinstance(self._layers[0], InputLayer):
            return self._layers[1:]
        return self._layers if self.inputs else list(self._pending_layers)

    @property
    def model(self):
        """The model itself (Keras 1 compatibility)."""
        return self

    def add(self, layer):
        """Append a layer on top of the stack.

        Raises:
            TypeError: `layer` is not a Layer, or gives several outputs.
        """
        if not isinstance(layer, Layer):
            raise TypeError("Sequential '%s': the added layer must be an instance of class "
                            "Layer, received %r of type %s" % (self.name, layer,
                                                               type(layer).__name__))
        if self.outputs:              # calling the layer first: a failure changes nothing
            self.outputs = [self._single_output(layer, layer(self.outputs[0]))]
        elif self._pending_layers or not self._start_graph(layer):
            self.built = False
            self._pending_layers.append(layer)  # built later, from build() or the data
            return
        self.built = False
        self.inputs = get_source_inputs(self.outputs[0])
        self._rebuild()

    def _start_graph(self, layer):
        """Make the model inputs from the first layer; False when its shape is unknown."""
        if isinstance(layer, InputLayer):
            self.outputs = [self._single_output(layer, layer._inbound_nodes[-1]
                                                .output_tensors)]
            return True
        first = _first_leaf_layer(layer)
        if not hasattr(first, 'batch_input_shape'):
            return False
        x = Input(batch_shape=first.batch_input_shape, dtype=first.dtype,
                  name=layer.name + '_input')
        self.outputs = [self._single_output(layer, layer(x))]
        return True

    def _single_output(self, layer, output):
        if isinstance(output, list):
            if len(output) != 1:
                raise TypeError("Sequential '%s': all layers should have a single output "
                                "tensor, layer '%s' has %d. Use the functional API for "
                                "multi-output layers." % (self.name, layer.name, len(output)))
            output = output[0]
        return output

    def _rebuild(self):
        """(Re)create the graph network from the current inputs and outputs."""
        self._init_graph_network(self.inputs, self.outputs)
        self._is_compiled = False
        if self.optimizer is not None:
            compile_graph(self, self._target_tensors)

    def pop(self):
        """Remove the last layer.

        Raises:
            TypeError: the model has no layers.
        """
        if not self.layers:
            raise TypeError("Sequential '%s': there are no layers in the model." % self.name)
        if not self.inputs:
            self._pending_layers.pop()
            return
        self.built = False
        remaining = self.layers[:-1]
        if not remaining:
            self._reset_graph()
            return
        remaining[-1]._outbound_nodes = []
        self.outputs = [remaining[-1]._inbound_nodes[-1].output_tensors[0]]
        self._rebuild()

    def _reset_graph(self):
        """Back to an empty model."""
        self.inputs, self.outputs, self._layers = [], [], []
        self._is_graph_network = False
        self.train_function = self.test_function = self.predict_function = None

    def build(self, input_shape=None):
        """Build a model whose first layer had no input shape, for `input_shape`.

        Args:
            input_shape: full shape including the batch dimension, e.g. (None, 784).
        """
        if input_shape is not None and not self.inputs:
            pending, self._pending_layers = self._pending_layers, []
            x = Input(batch_shape=tuple(input_shape), name=self.name + '_input')
            for layer in pending:
                x = self._single_output(layer, layer(x))
            self.outputs = [x]
            self.inputs = get_source_inputs(x)
            self._build_input_shape = tuple(input_shape)
            self._rebuild()
        elif self.inputs:
            self.built = True
        else:
            raise ValueError("Sequential '%s': cannot build without an input shape: give "
                             "input_shape to the first layer or call build(input_shape)"
                             % self.name)

    def _build_from_data(self, x):
        """Build from the first array of `x` (its shape minus the batch dimension)."""
        first = x
        if isinstance(x, (list, tuple)) and len(x) == 1 and isinstance(x[0], np.ndarray):
            first = x[0]             # [array]: the list of one array per model input
        if first is None or not self._pending_layers:
            raise ValueError("Sequential '%s' has no layers with a known input shape and "
                             "no data to infer it from" % self.name)
        first = standardize_single_array(first, self.name + '_input', 'input')
        if first.ndim < 2:
            raise ValueError("Sequential '%s': cannot infer the input shape from data of "
                             "shape %s; expected an array of samples" % (self.name,
                                                                       first.shape))
        self.build((None,) + first.shape[1:])

    def predict_proba(self, x, batch_size=32, verbose=0):
        """The model's outputs, read as probabilities (Keras 2.2.4).

        Warns when an output lies outside [0, 1] (the last layer is then no softmax or
        sigmoid).

        Args:
            x: input samples.
            batch_size: samples per batch.
            verbose: 1 shows a progress bar.

        Returns:
            A numpy array of probabilities.

        Example:
            >>> model = Sequential([Dense(3, input_dim=2, activation='softmax')])
            >>> model.predict_proba(np.zeros((1, 2))).round(3)
            array([[0.333, 0.333, 0.333]], dtype=float32)
        """
        preds = self.predict(x, batch_size, verbose)
        if preds.min() < 0. or preds.max() > 1.:
            warnings.warn('predict_proba: outputs lie outside [0, 1] (min %g, max %g), so '
                          'they are not probabilities: does the last layer end with a '
                          'softmax or a sigmoid?' % (preds.min(), preds.max()))
        return preds

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Class predictions (Keras 2.2.4): the argmax over the last axis when the output
        has several units, else (output > 0.5) as int32.

        Args:
            x: input samples.
            batch_size: samples per batch.
            verbose: 1 shows a progress bar.

        Returns:
            A numpy array of class indices.

        Example:
            >>> model = Sequential([Dense(1, input_dim=2, activation='sigmoid',
            ...                           kernel_initializer='ones')])
            >>> model.predict_classes(np.array([[1., 1.], [-1., -1.]]))
            array([[1],
                   [0]], dtype=int32)
        """
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype('int32')

    def get_config(self):
        """{'name', 'layers': [{'class_name', 'config'}, ...]} (Keras's format)."""
        layers = [{'class_name': type(layer).__name__, 'config': layer.get_config()}
                  for layer in self.layers]
        config = {'name': self.name, 'layers': layers}
        if self._build_input_shape:
            config['build_input_shape'] = self._build_input_shape
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild a Sequential model from `get_config()` output (or a list of layers)."""
        if isinstance(config, dict):
            name, layer_configs = config.get('name'), config['layers']
            build_input_shape = config.get('build_input_shape')
        else:
            name, layer_configs, build_input_shape = None, config, None
        model = cls(name=name)
        for layer_config in layer_configs:
            model.add(deserialize_layer(layer_config, custom_objects))
        if not model.inputs and build_input_shape:
            model.build(build_input_shape)
        return model

