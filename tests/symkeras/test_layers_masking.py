"""Masking and ActivityRegularization (Keras 2.2.4 layers.core)."""
import numpy as np
import pytest

from symkeras.layers import LSTM, ActivityRegularization, Dense, Masking
from symkeras.models import Sequential, model_from_json


def test_masking_skips_the_masked_timesteps_of_a_recurrent_layer():
    rng = np.random.RandomState(0)
    x = rng.rand(2, 5, 3).astype('float32')
    x[0, 3:] = 0.                               # sample 0: its last two steps masked
    masked = Sequential([Masking(0., input_shape=(5, 3)), LSTM(4)])
    short = Sequential([LSTM(4, input_shape=(3, 3))])
    short.set_weights(masked.get_weights())
    np.testing.assert_allclose(masked.predict(x)[0], short.predict(x[:1, :3])[0], atol=1e-6)
    plain = Sequential([LSTM(4, input_shape=(5, 3))])
    plain.set_weights(masked.get_weights())
    assert not np.allclose(masked.predict(x)[0], plain.predict(x)[0], atol=1e-4)


def test_masking_zeroes_masked_steps_and_keeps_the_others():
    x = np.array([[[1., 2.], [-1., -1.], [0., -1.]]], 'float32')
    model = Sequential([Masking(-1., input_shape=(3, 2))])
    np.testing.assert_array_equal(model.predict(x), [[[1., 2.], [0., 0.], [0., -1.]]])


def test_activity_regularization_adds_its_penalty_to_the_loss():
    model = Sequential([Dense(3, input_dim=2, kernel_initializer='ones'),
                        ActivityRegularization(l1=0.1, l2=0.2)])
    model.compile('sgd', 'mse')
    x, y = np.ones((4, 2), 'float32'), np.zeros((4, 3), 'float32')
    out = model.predict(x)
    np.testing.assert_array_equal(out, 2.)      # the identity
    expected = np.mean(out ** 2) + 0.1 * np.abs(out).sum() + 0.2 * (out ** 2).sum()
    assert model.evaluate(x, y, batch_size=4) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize('layer', [Masking(0.5, input_shape=(3, 2)),
                                   ActivityRegularization(0.01, 0.02, input_shape=(3, 2))])
def test_config_round_trip(layer):
    model = model_from_json(Sequential([layer]).to_json())
    config = model.layers[0].get_config()
    assert {k: v for k, v in config.items() if k != 'name'} == \
        {k: v for k, v in layer.get_config().items() if k != 'name'}
