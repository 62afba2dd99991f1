"""Merge layers and their functional forms."""
import json

import numpy as np
import pytest

from symkeras import backend as K
from symkeras import layers
from symkeras.layers import (Input, Add, Subtract, Multiply, Average, Maximum, Minimum,
                             Concatenate, add, subtract, multiply, average, maximum, minimum,
                             concatenate)
from symkeras.models import Model

RNG = np.random.RandomState(0)
A = RNG.randn(3, 4, 5).astype('float32')
B = RNG.randn(3, 4, 5).astype('float32')
C = RNG.randn(3, 4, 5).astype('float32')

CASES = [
    (Add, add, lambda a, b, c: a + b + c),
    (Multiply, multiply, lambda a, b, c: a * b * c),
    (Average, average, lambda a, b, c: (a + b + c) / 3),
    (Maximum, maximum, lambda a, b, c: np.maximum(np.maximum(a, b), c)),
    (Minimum, minimum, lambda a, b, c: np.minimum(np.minimum(a, b), c)),
]


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def three_inputs():
    return [Input(shape=(4, 5)) for _ in range(3)]


@pytest.mark.parametrize('layer_cls, function, reference', CASES)
def test_elementwise_merge(layer_cls, function, reference):
    inputs = three_inputs()
    layer = layer_cls()
    y = layer(inputs)
    assert K.int_shape(y) == (None, 4, 5)
    assert layer.compute_output_shape([(None, 4, 5)] * 3) == (None, 4, 5)
    out = Model(inputs, y).predict([A, B, C])
    np.testing.assert_allclose(out, reference(A, B, C), rtol=1e-5)
    functional = function(three_inputs())
    assert K.int_shape(functional) == (None, 4, 5)
    config = json.loads(json.dumps(layer.get_config()))
    assert layer_cls.from_config(config).get_config() == config


def test_subtract_two_inputs_only():
    x1, x2, x3 = three_inputs()
    out = Model([x1, x2], subtract([x1, x2])).predict([A, B])
    np.testing.assert_allclose(out, A - B, rtol=1e-6)
    with pytest.raises(ValueError, match='exactly 2 inputs'):
        Subtract()([x1, x2, x3])


def test_merge_needs_a_list_of_two():
    with pytest.raises(ValueError, match="Add 'add_1'.*at least 2"):
        Add()([Input(shape=(3,))])


def test_merge_broadcasts_shapes():
    x1, x2 = Input(shape=(4, 5)), Input(shape=(1, 5))
    y = Add()([x1, x2])
    assert K.int_shape(y) == (None, 4, 5)
    out = Model([x1, x2], y).predict([A, B[:, :1]])
    np.testing.assert_allclose(out, A + B[:, :1], rtol=1e-6)


def test_merge_incompatible_shapes_error():
    with pytest.raises(ValueError, match=r'could not be broadcast.*\(4, 5\).*\(3, 5\)'):
        Multiply()([Input(shape=(4, 5)), Input(shape=(3, 5))])


@pytest.mark.parametrize('merge', [lambda xs: Add(name='sum')(xs),
                                   lambda xs: add(xs, name='sum')])
def test_add_mismatched_shapes_names_layer_and_input_shapes(merge):
    with pytest.raises(ValueError) as info:
        merge([Input(shape=(3,)), Input(shape=(4,))])
    message = str(info.value)
    assert message.startswith("Add 'sum'") and 'could not be broadcast' in message
    assert '(None, 3)' in message and '(None, 4)' in message


def test_concatenate_last_axis_and_other_axis():
    x1, x2 = Input(shape=(4, 5)), Input(shape=(4, 2))
    y = concatenate([x1, x2])
    assert K.int_shape(y) == (None, 4, 7)
    extra = RNG.randn(3, 4, 2).astype('float32')
    out = Model([x1, x2], y).predict([A, extra])
    np.testing.assert_array_equal(out, np.concatenate([A, extra], axis=-1))
    z = Concatenate(axis=1)([Input(shape=(4, 5)), Input(shape=(2, 5))])
    assert K.int_shape(z) == (None, 6, 5)


def test_concatenate_mismatched_shapes_lists_them():
    with pytest.raises(ValueError) as info:
        Concatenate()([Input(shape=(4, 5)), Input(shape=(3, 2))])
    message = str(info.value)
    assert "Concatenate 'concatenate_1'" in message
    assert '(None, 4, 5)' in message and '(None, 3, 2)' in message


def test_concatenate_config():
    layer = Concatenate(axis=1, name='cat')
    assert layer.get_config() == {'name': 'cat', 'trainable': True, 'axis': 1}
    assert layers.deserialize(layers.serialize(layer)).axis == 1
