"""Activation functions against numpy; get / serialize / deserialize."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras import activations

X = np.linspace(-4, 4, 24).reshape(4, 6)
ALPHA = 1.6732632423543772848170429916717
SCALE = 1.0507009873554804934193349852946


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def elu(x, alpha=1.):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))


REFERENCES = {
    'softmax': softmax,
    'elu': elu,
    'selu': lambda x: SCALE * elu(x, ALPHA),
    'softplus': lambda x: np.log1p(np.exp(x)),
    'softsign': lambda x: x / (1 + np.abs(x)),
    'relu': lambda x: np.maximum(x, 0),
    'tanh': np.tanh,
    'sigmoid': lambda x: 1 / (1 + np.exp(-x)),
    'hard_sigmoid': lambda x: np.clip(0.2 * x + 0.5, 0, 1),
    'exponential': np.exp,
    'linear': lambda x: x,
}


@pytest.fixture(autouse=True)
def float64():
    previous = K.floatx()
    K.set_floatx('float64')
    yield
    K.set_floatx(previous)


def evaluate(fn, value, **kwargs):
    x = K.placeholder(shape=(None,) + value.shape[1:])
    return K.function([x], [fn(x, **kwargs)])([value])[0]


@pytest.mark.parametrize('name', sorted(REFERENCES))
def test_activation_matches_numpy(name):
    fn = activations.get(name)
    np.testing.assert_allclose(evaluate(fn, X), REFERENCES[name](X), rtol=1e-6, atol=1e-9)
    assert activations.serialize(fn) == name
    assert activations.deserialize(name) is fn


def test_relu_arguments():
    out = evaluate(activations.relu, X, alpha=0.1, max_value=2.)
    np.testing.assert_allclose(out, np.clip(np.where(X > 0, X, 0.1 * X), None, 2.), rtol=1e-6)


def test_elu_alpha():
    np.testing.assert_allclose(evaluate(activations.elu, X, alpha=0.5), elu(X, 0.5),
                               rtol=1e-6)


def test_softmax_higher_rank_and_axis():
    cube = np.random.RandomState(0).randn(2, 3, 4)
    np.testing.assert_allclose(evaluate(activations.softmax, cube), softmax(cube),
                               rtol=1e-6)
    np.testing.assert_allclose(evaluate(activations.softmax, cube, axis=1),
                               softmax(cube, axis=1), rtol=1e-6)


def test_softmax_1d_is_an_error():
    with pytest.raises(ValueError, match='softmax'):
        activations.softmax(K.placeholder(shape=(3,)))


def test_get_none_and_callable():
    assert activations.get(None) is activations.linear

    def custom(x):
        return x * 2
    assert activations.get(custom) is custom
    assert activations.deserialize('custom', custom_objects={'custom': custom}) is custom


def test_unknown_activation_lists_choices():
    with pytest.raises(ValueError) as info:
        activations.get('swish')
    assert 'swish' in str(info.value) and 'relu' in str(info.value)
    with pytest.raises(ValueError):
        activations.get(1)
