"""run_layer_test: the checks every layer goes through (shape, weights, config, predict,
training step)."""
import json

import numpy as np

from symkeras import backend as K
from symkeras.layers import Input
from symkeras.models import Model
from symkeras.optimizers import SGD


def _sample(shape, dtype, seed=0):
    """Random data for a shape with the None (batch) entries set to 3."""
    concrete = tuple(3 if d is None else d for d in shape)
    rng = np.random.RandomState(seed)
    if dtype.startswith('int'):
        return rng.randint(0, 4, size=concrete).astype(dtype)
    return rng.uniform(-1., 1., size=concrete).astype(dtype)


def _config_round_trip(layer_cls, layer, custom_objects):
    """A new layer from the JSON-encoded config; the configs must agree."""
    config = layer.get_config()
    decoded = json.loads(json.dumps(config))
    if custom_objects is not None:
        clone = layer_cls.from_config(decoded, custom_objects=custom_objects)
    else:
        clone = layer_cls.from_config(decoded)
    assert json.loads(json.dumps(clone.get_config())) == decoded
    return clone


def _check_training_step(model, data, output):
    """Two SGD steps towards a zero target: the second loss must be lower."""
    model.compile(SGD(learning_rate=0.01), 'mse')
    target = np.zeros_like(output)
    first = model.train_on_batch(data, target)
    second = model.train_on_batch(data, target)
    assert second < first, (first, second)


def run_layer_test(layer_cls, kwargs, input_shape, expected_output_shape, input_data=None,
                   input_dtype=None, expected_weights=None, custom_objects=None,
                   check_training=None):
    """Build `layer_cls(**kwargs)` on an input of `input_shape` (batch axis included) and
    check it.

    Checks: the symbolic and computed output shapes equal `expected_output_shape`; the
    number of weights (when given); get_config -> JSON -> from_config round trip giving
    the same config and, with the same weights, the same predictions; predict through a
    functional Model; and, for layers with trainable weights, that two SGD steps lower
    an MSE loss.

    Returns:
        The predictions of the model (numpy array).
    """
    input_dtype = input_dtype or K.floatx()
    data = input_data if input_data is not None else _sample(input_shape, input_dtype)
    layer = layer_cls(**kwargs)
    x = Input(batch_shape=input_shape, dtype=input_dtype)
    y = layer(x)
    assert K.int_shape(y) == tuple(expected_output_shape)
    assert tuple(layer.compute_output_shape(tuple(input_shape))) == tuple(
        expected_output_shape)
    if expected_weights is not None:
        assert len(layer.weights) == expected_weights
    model = Model(x, y)
    output = model.predict(data)
    expected = tuple(data.shape[0] if d is None and i == 0 else d
                     for i, d in enumerate(expected_output_shape))
    assert output.shape[0] == data.shape[0]
    assert all(e is None or e == o for e, o in zip(expected, output.shape))
    clone = _config_round_trip(layer_cls, layer, custom_objects)
    x2 = Input(batch_shape=input_shape, dtype=input_dtype)
    clone_model = Model(x2, clone(x2))
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone_model.predict(data), output, rtol=1e-5, atol=1e-6)
    if check_training is None:
        check_training = bool(layer.trainable_weights)
    if check_training:
        _check_training_step(model, data, output)
    return output
