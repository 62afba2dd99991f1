"""LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax, ReLU (Keras 2.2.4 semantics), and the
threshold argument of K.relu they rely on."""
import numpy as np
import pytest

from layer_test_utils import run_layer_test
from symkeras import backend as K
from symkeras.layers import (Input, LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax, ReLU)
from symkeras.models import Model

DATA = np.linspace(-3, 3, 24).reshape(2, 3, 4).astype('float32')


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def apply(layer, data=DATA):
    x = Input(shape=data.shape[1:])
    return Model(x, layer(x)).predict(data)


def keras_relu(x, alpha=0., max_value=None, threshold=0.):
    """Keras 2.2.4's K.relu written out with numpy."""
    negative = np.maximum(threshold - x, 0)
    out = np.where(x > threshold, x, 0) if threshold else np.maximum(x, 0)
    if max_value is not None:
        out = np.clip(out, 0, max_value)
    return out - alpha * negative


CASES = [
    (LeakyReLU, {}, lambda x: np.where(x > 0, x, 0.3 * x)),
    (LeakyReLU, {'alpha': 0.1}, lambda x: np.where(x > 0, x, 0.1 * x)),
    (ELU, {}, lambda x: np.where(x > 0, x, np.expm1(x))),
    (ELU, {'alpha': 0.5}, lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    (ThresholdedReLU, {}, lambda x: np.where(x > 1.0, x, 0)),
    (ThresholdedReLU, {'theta': 0.25}, lambda x: np.where(x > 0.25, x, 0)),
    (Softmax, {}, lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    (Softmax, {'axis': 1}, lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
    (ReLU, {}, keras_relu),
    (ReLU, {'max_value': 6.}, lambda x: keras_relu(x, max_value=6.)),
    (ReLU, {'max_value': 1.5, 'negative_slope': 0.1},
     lambda x: keras_relu(x, 0.1, 1.5)),
    (ReLU, {'negative_slope': 0.2, 'threshold': 0.5}, lambda x: keras_relu(x, 0.2, None, 0.5)),
    (ReLU, {'threshold': -1.0}, lambda x: keras_relu(x, threshold=-1.0)),
]


@pytest.mark.parametrize('layer_cls, kwargs, reference', CASES)
def test_values_match_keras(layer_cls, kwargs, reference):
    np.testing.assert_allclose(apply(layer_cls(**kwargs)), reference(DATA.astype('float64')),
                               rtol=1e-5, atol=1e-6)


# Every configuration of CASES through the five checks (the table in test_layer_table.py
# has one or two rows per class), on data reaching past the thresholds (theta=1) and away
# from the kinks.
@pytest.mark.parametrize('layer_cls, kwargs', [(c, k) for c, k, _ in CASES] + [
    (PReLU, {'alpha_initializer': 'uniform'}),
    (PReLU, {'alpha_initializer': 'ones', 'shared_axes': [1, 2]})])
def test_layer_test(layer_cls, kwargs):
    weights = 1 if layer_cls is PReLU else 0
    data = np.random.RandomState(0).uniform(-3, 3, size=(3, 3, 4)).astype('float32')
    run_layer_test(layer_cls, kwargs, (None, 3, 4), (None, 3, 4), input_data=data,
                   expected_weights=weights)


def test_prelu_learns_alpha_per_position_or_shared():
    layer = PReLU(alpha_initializer='ones')
    apply(layer)
    assert K.int_shape(layer.alpha) == (3, 4)
    np.testing.assert_allclose(apply(layer), DATA, rtol=1e-6)
    shared = PReLU(shared_axes=1)
    shared(Input(shape=(3, 4)))
    assert K.int_shape(shared.alpha) == (1, 4) and shared.get_config()['shared_axes'] == [1]
    shared.set_weights([np.array([[0.5, 0., 1., 2.]], 'float32')])
    expected = np.where(DATA > 0, DATA, DATA * np.array([0.5, 0., 1., 2.]))
    np.testing.assert_allclose(apply(shared), expected, rtol=1e-6)


def test_relu_config_and_errors():
    config = ReLU(6, 0.1, 0.5).get_config()
    assert (config['max_value'], config['negative_slope'], config['threshold']) == (6., .1, .5)
    with pytest.raises(ValueError, match="ReLU 're_lu_2'.*max_value"):
        ReLU(max_value=-1.)
    with pytest.raises(ValueError, match='negative_slope'):
        ReLU(negative_slope=-0.1)


def test_prelu_shared_axes_out_of_range():
    with pytest.raises(ValueError, match='shared_axes'):
        PReLU(shared_axes=[3])(Input(shape=(3, 4)))


def test_backend_relu_threshold():
    x = K.placeholder(shape=(None, 4))
    f = K.function([x], [K.relu(x, alpha=0.5, max_value=2., threshold=1.)])
    data = np.array([[-1., 0.5, 1.5, 3.]], 'float32')
    np.testing.assert_allclose(f([data])[0], keras_relu(data, 0.5, 2., 1.), rtol=1e-6)
