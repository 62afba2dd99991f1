"""clone_model (Keras 2.2.4): the same architecture on new layers, with fresh weights."""
from .. import backend as K
from .input_layer import Input, InputLayer
from .network import Network
from .sequential import Sequential
from .training import Model
from .utils import has_arg, to_list, unpack_singleton


def _clone_layer(layer):
    """A new layer of `layer`'s class and config: same architecture, fresh weights."""
    config = layer.get_config()
    function = getattr(layer, 'function', None)
    if callable(function) and isinstance(config.get('function'), str) and \
            has_arg(type(layer).from_config, 'custom_objects'):
        # A Lambda's config names its function (a lambda has no usable name): hand the
        # function itself back.
        return type(layer).from_config(config,
                                       custom_objects={config['function']: function})
    return type(layer).from_config(config)


def _wrap_input(tensor, name):
    """An InputLayer around `tensor` unless it already is a Keras tensor."""
    if K.is_keras_tensor(tensor):
        return tensor
    return Input(tensor=tensor, name='input_wrapper_for_' + name)


def _functional_inputs(model, input_tensors):
    """The clone's input tensors: new Inputs like the model's, or `input_tensors`."""
    if input_tensors is None:
        return [Input(batch_shape=layer.batch_input_shape, dtype=layer.dtype,
                      sparse=layer.sparse, name=layer.name) for layer in model._input_layers]
    input_tensors = to_list(input_tensors)
    if len(input_tensors) != len(model.inputs):
        raise ValueError("clone_model: model '%s' has %d inputs, received %d input tensors"
                         % (model.name, len(model.inputs), len(input_tensors)))
    return [_wrap_input(x, layer.name) for x, layer in zip(input_tensors,
                                                           model._input_layers)]


def _clone_functional_model(model, input_tensors=None):
    """Call a clone of each layer (one clone per shared layer) as the model's nodes did."""
    if not isinstance(model, Network) or isinstance(model, Sequential):
        raise ValueError('clone_model: expected a functional Model, received %r' % (model,))
    if not model._is_graph_network:
        raise ValueError("clone_model: model '%s' has no graph of layers (inputs and "
                         "outputs) to clone" % model.name)
    input_tensors = _functional_inputs(model, input_tensors)
    computed = {id(x): y for x, y in zip(model.inputs, input_tensors)}
    clones = {}
    for depth in sorted(model._nodes_by_depth, reverse=True):
        for node in model._nodes_by_depth[depth]:
            layer = node.outbound_layer
            if isinstance(layer, InputLayer):
                continue
            if any(id(x) not in computed for x in node.input_tensors):
                continue       # a node of a shared layer fed from outside this model
            if id(layer) not in clones:
                clones[id(layer)] = _clone_layer(layer)
            inputs = unpack_singleton([computed[id(x)] for x in node.input_tensors])
            outputs = to_list(clones[id(layer)](inputs, **(node.arguments or {})))
            computed.update((id(x), y) for x, y in zip(node.output_tensors, outputs))
    missing = [x for x in model.outputs if id(x) not in computed]
    if missing:
        raise ValueError("clone_model: could not compute the outputs %s of model '%s' from "
                         "its inputs" % (missing, model.name))
    return Model(input_tensors, [computed[id(x)] for x in model.outputs], name=model.name)


def _clone_sequential_model(model, input_tensors=None):
    """A Sequential of clones of the model's layers, on `input_tensors` if given."""
    if not isinstance(model, Sequential):
        raise ValueError('clone_model: expected a Sequential model, received %r' % (model,))
    layers = [_clone_layer(layer) for layer in model.layers]
    if input_tensors is None:
        root = model._layers[0] if model.inputs else None
        if isinstance(root, InputLayer):
            # Keras 2.2.4 relies on the first layer's config for the input shape; the
            # model's InputLayer also knows it when it was given explicitly or made by
            # build(), or when the config's is less precise (Embedding's (None, None)).
            layers.insert(0, InputLayer(batch_input_shape=root.batch_input_shape,
                                        dtype=root.dtype, name=root.name))
        return Sequential(layers=layers, name=model.name)
    input_tensors = to_list(input_tensors)
    if len(input_tensors) != 1:
        raise ValueError("clone_model: a Sequential model takes one input tensor, received "
                         "%d" % len(input_tensors))
    x = input_tensors[0]
    origin = getattr(x, '_keras_history', (None,))[0]
    if K.is_keras_tensor(x) and not isinstance(origin, InputLayer):
        raise ValueError("clone_model: cannot clone a Sequential model on a tensor from "
                         "layer '%s' (expected a tensor from Input(...) or a plain tensor); "
                         "use the functional API instead" % origin.name)
    if not K.is_keras_tensor(x):
        origin = _wrap_input(x, x.name)._keras_history[0]
    return Sequential(layers=[origin] + layers, name=model.name)


def clone_model(model, input_tensors=None):
    """A new model of the same architecture as `model`, with newly initialised weights.

    Like calling the model on new inputs, except that every layer is re-created from its
    config (a shared layer once, and shared again in the clone), so no weights are shared
    with `model`. The clone is not compiled. As in Keras 2.2.4, layers whose class is not
    built in must be importable (they are re-created with `from_config`).

    Args:
        model: a Sequential or functional Model.
        input_tensors: optional list of tensors to build the clone on (one per model
            input; tensors that do not come from `Input` are wrapped in an InputLayer).
            Default: new Inputs like the model's.

    Returns:
        A Model (a Sequential for a Sequential).

    Raises:
        ValueError: `model` is not a model with a graph, or the input tensors do not fit.

    Example:
        >>> from symkeras.models import clone_model
        >>> model = Sequential([Dense(4, input_shape=(3,)), Dense(1)])
        >>> twin = clone_model(model)
        >>> twin.set_weights(model.get_weights())
        >>> x = np.ones((2, 3), 'float32')
        >>> np.allclose(twin.predict(x), model.predict(x))
        True
    """
    if isinstance(model, Sequential):
        return _clone_sequential_model(model, input_tensors)
    return _clone_functional_model(model, input_tensors)
