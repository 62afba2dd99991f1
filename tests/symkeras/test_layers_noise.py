"""GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D/2D/3D, and the
K.random_normal they draw from: identity at test time, the right noise in training."""
import numpy as np
import pytest

from layer_test_utils import run_layer_test
from symkeras import backend as K
from symkeras.layers import (Input, GaussianNoise, GaussianDropout, AlphaDropout,
                             SpatialDropout1D, SpatialDropout2D, SpatialDropout3D)

SELU_ALPHA_P = -1.6732632423543772 * 1.0507009873554805


@pytest.fixture(autouse=True)
def fresh_session():
    # The random layers draw their seeds from numpy's global generator: start each test
    # from one state, whatever ran before (at rate 0.5 on 2-3 channels a spatial dropout
    # can drop them all for a few start states, and then no loss can fall).
    K.clear_session()
    state = np.random.get_state()
    np.random.seed(0)
    yield
    np.random.set_state(state)


def training_function(layer, shape):
    """f(data, phase) -> output of `layer` in that learning phase."""
    x = Input(shape=shape)
    function = K.function([x, K.learning_phase()], [layer(x)])
    return lambda data, phase=1: function([data, phase])[0]


@pytest.mark.parametrize('layer_cls, kwargs, shape', [
    (GaussianNoise, {'stddev': 0.5}, (None, 3, 4)),
    (GaussianDropout, {'rate': 0.3}, (None, 5)),
    (AlphaDropout, {'rate': 0.2, 'seed': 3}, (None, 4, 2)),
    (SpatialDropout1D, {'rate': 0.5}, (None, 4, 3)),
    (SpatialDropout2D, {'rate': 0.5, 'data_format': 'channels_first'}, (None, 2, 3, 3)),
    (SpatialDropout3D, {'rate': 0.5}, (None, 2, 2, 2, 3)),
])
def test_identity_at_test_time(layer_cls, kwargs, shape):
    data = np.random.RandomState(0).randn(*(3 if d is None else d for d in shape))
    out = run_layer_test(layer_cls, kwargs, shape, shape, input_data=data.astype('float32'),
                         expected_weights=0, random=True)
    np.testing.assert_allclose(out, data, rtol=1e-6)


def test_gaussian_noise_in_training():
    run = training_function(GaussianNoise(0.5), (1000,))
    data = np.ones((100, 1000), 'float32')
    first, second = run(data) - data, run(data) - data
    assert abs(first.mean()) < 0.01 and abs(first.std() - 0.5) < 0.01
    assert not np.allclose(first, second)
    np.testing.assert_allclose(run(data, 0), data)


def test_gaussian_dropout_in_training():
    run = training_function(GaussianDropout(0.2), (1000,))
    factors = run(np.full((100, 1000), 2., 'float32')) / 2.
    assert abs(factors.mean() - 1.) < 0.01 and abs(factors.std() - 0.5) < 0.01


def test_alpha_dropout_keeps_mean_and_variance():
    rate = 0.3
    run = training_function(AlphaDropout(rate), (1000,))
    data = np.random.RandomState(1).randn(100, 1000).astype('float32')
    out = run(data)
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1.) < 0.02
    scale = ((1 - rate) * (1 + rate * SELU_ALPHA_P ** 2)) ** -0.5
    dropped_value = scale * SELU_ALPHA_P - scale * SELU_ALPHA_P * rate
    assert abs(np.isclose(out, dropped_value, atol=1e-5).mean() - rate) < 0.01


def test_alpha_dropout_noise_shape_shares_the_mask():
    run = training_function(AlphaDropout(0.5, noise_shape=(None, 1, 6)), (5, 6))
    out = run(np.random.RandomState(2).randn(50, 5, 6).astype('float32'))
    scale = (0.5 * (1 + 0.5 * SELU_ALPHA_P ** 2)) ** -0.5
    dropped = np.isclose(out, scale * SELU_ALPHA_P * 0.5, atol=1e-5)
    assert (dropped == dropped[:, :1, :]).all() and 0.3 < dropped.mean() < 0.7


@pytest.mark.parametrize('layer, shape, shared_axes', [
    (SpatialDropout1D(0.5), (6, 8), (1,)),
    (SpatialDropout2D(0.5), (4, 4, 8), (1, 2)),
    (SpatialDropout2D(0.5, data_format='channels_first'), (8, 4, 4), (2, 3)),
    (SpatialDropout3D(0.5), (2, 3, 2, 8), (1, 2, 3)),
])
def test_spatial_dropout_drops_whole_channels(layer, shape, shared_axes):
    run = training_function(layer, shape)
    out = run(np.ones((40,) + shape, 'float32'))
    assert set(np.unique(out)) <= {0., 2.}
    first = out[(slice(None),) + tuple(slice(0, 1) if a in shared_axes else slice(None)
                                       for a in range(1, len(shape) + 1))]
    assert (out == first).all()
    assert 0.35 < (out == 0).mean() < 0.65


def test_configs():
    assert GaussianNoise(0.1).get_config()['stddev'] == 0.1
    assert GaussianDropout(0.4).get_config()['rate'] == 0.4
    config = AlphaDropout(0.1, seed=5).get_config()
    assert (config['rate'], config['noise_shape'], config['seed']) == (0.1, None, 5)
    assert SpatialDropout2D(0.2).get_config()['data_format'] == 'channels_last'
    with pytest.raises(ValueError, match="gaussian_dropout_2.*rate"):
        GaussianDropout(1.5)


def test_random_normal_moments_and_seed():
    x = K.placeholder(shape=(None, 500), dtype='float64')
    draws = K.function([x], [K.random_normal(x, mean=2., stddev=3., seed=7)])
    again = K.function([x], [K.random_normal(x, mean=2., stddev=3., seed=7)])
    zeros = np.zeros((400, 500))
    first = draws([zeros])[0]
    assert first.dtype == np.float64
    assert abs(first.mean() - 2.) < 0.03 and abs(first.std() - 3.) < 0.03
    standard = np.sort(((first - 2.) / 3.).ravel())
    quantiles = np.array([0.02, 0.16, 0.5, 0.84, 0.98])
    np.testing.assert_allclose(standard[(quantiles * standard.size).astype(int)],
                               [-2.054, -0.994, 0., 0.994, 2.054], atol=0.02)
    np.testing.assert_array_equal(again([zeros])[0], first)
    assert not np.allclose(draws([zeros])[0], first)
