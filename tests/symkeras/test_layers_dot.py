"""Dot (and its functional form dot), through the general K.batch_dot."""
import json

import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import Input, Dot, dot, Dense
from symkeras.models import Model

RNG = np.random.RandomState(0)


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def numpy_batch_dot(a, b, axes):
    out = np.stack([np.tensordot(x, y, axes=(axes[0] - 1, axes[1] - 1))
                    for x, y in zip(a, b)])
    return out[:, None] if out.ndim == 1 else out


@pytest.mark.parametrize('shape1, shape2, axes, normalize, expected', [
    ((4,), (4,), 1, False, (None, 1)),
    ((4,), (4,), -1, True, (None, 1)),
    ((3, 4), (5, 4), (2, 2), False, (None, 3, 5)),
    ((3, 4), (3, 5), 1, False, (None, 4, 5)),
    ((3, 4), (4, 5), (2, 1), False, (None, 3, 5)),
    ((3, 4), (4,), (2, 1), True, (None, 3)),
    ((2, 3, 4), (4, 5), (-1, 1), False, (None, 2, 3, 5)),
])
def test_dot_values_and_shapes(shape1, shape2, axes, normalize, expected):
    a = RNG.randn(3, *shape1).astype('float32')
    b = RNG.randn(3, *shape2).astype('float32')
    x1, x2 = Input(shape=shape1), Input(shape=shape2)
    layer = Dot(axes, normalize=normalize)
    y = layer([x1, x2])
    assert K.int_shape(y) == expected
    assert layer.compute_output_shape([(None,) + shape1, (None,) + shape2]) == expected
    pair = (axes, axes) if isinstance(axes, int) else axes
    pair = tuple(p % (len(s) + 1) for p, s in zip(pair, (shape1, shape2)))
    if normalize:
        a = a / np.linalg.norm(a, axis=pair[0], keepdims=True)
        b = b / np.linalg.norm(b, axis=pair[1], keepdims=True)
    out = Model([x1, x2], y).predict([a, b])
    np.testing.assert_allclose(out, numpy_batch_dot(a, b, pair), rtol=1e-4, atol=1e-5)


def test_cosine_similarity_of_equal_vectors_is_one():
    x = Input(shape=(6,))
    model = Model(x, dot([x, x], axes=1, normalize=True))
    np.testing.assert_allclose(model.predict(RNG.randn(4, 6)), np.ones((4, 1)), rtol=1e-5)


def test_dot_trains_and_round_trips():
    x1, x2 = Input(shape=(4,)), Input(shape=(4,))
    y = Dot(1)([Dense(3)(x1), Dense(3)(x2)])
    model = Model([x1, x2], y)
    model.compile('sgd', 'mse')
    data = [RNG.randn(8, 4).astype('float32'), RNG.randn(8, 4).astype('float32')]
    first = model.train_on_batch(data, np.zeros((8, 1), 'float32'))
    assert model.train_on_batch(data, np.zeros((8, 1), 'float32')) < first
    config = json.loads(json.dumps(Dot((1, 2), normalize=True).get_config()))
    assert config['axes'] == [1, 2] and config['normalize'] is True
    assert json.loads(json.dumps(Dot.from_config(config).get_config())) == config


def test_dot_errors():
    x1, x2 = Input(shape=(4,)), Input(shape=(5,))
    with pytest.raises(ValueError, match="Dot 'dot_1'.*incompatibility 4 != 5"):
        Dot(1)([x1, x2])
    with pytest.raises(ValueError, match='2 inputs'):
        Dot(1)([x1, x1, x1])
    with pytest.raises(ValueError, match='axes'):
        Dot((1, 2, 3))
