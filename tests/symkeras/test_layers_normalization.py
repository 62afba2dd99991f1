"""BatchNormalization: training/inference outputs and moving statistics."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import Input, BatchNormalization, Conv2D
from symkeras.models import Model


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def test_batch_normalization_without_center_and_scale():
    layer = BatchNormalization(center=False, scale=False)
    layer(Input(shape=(3,)))
    assert len(layer.weights) == 2 and not layer.trainable_weights


def test_weights_order_and_trainability():
    layer = BatchNormalization(name='bn')
    layer(Input(shape=(5,)))
    assert [w.name for w in layer.trainable_weights] == ['bn/gamma', 'bn/beta']
    assert [w.name for w in layer.non_trainable_weights] == ['bn/moving_mean',
                                                             'bn/moving_variance']


def functions(layer, shape):
    x = Input(shape=shape)
    y = layer(x)
    train = K.function([x], [y], updates=layer.updates, givens={K.learning_phase(): 1})
    test = K.function([x], [y], givens={K.learning_phase(): 0})
    return train, test


def test_training_normalizes_with_batch_statistics_and_updates_moving_ones():
    layer = BatchNormalization(momentum=0.9, epsilon=1e-3)
    train, test = functions(layer, (3,))
    data = np.random.RandomState(0).randn(8, 3) * 4 + 2
    out = train([data])[0]
    mean, var = data.mean(axis=0), data.var(axis=0)
    np.testing.assert_allclose(out, (data - mean) / np.sqrt(var + 1e-3), rtol=1e-4,
                               atol=1e-5)
    moving_mean, moving_var = K.get_value(layer.moving_mean), K.get_value(layer.moving_variance)
    np.testing.assert_allclose(moving_mean, 0.1 * mean, rtol=1e-5)
    unbiased = var * 8 / (8 - (1 + 1e-3))
    np.testing.assert_allclose(moving_var, 0.9 + 0.1 * unbiased, rtol=1e-5)
    expected_test = (data - moving_mean) / np.sqrt(moving_var + 1e-3)
    np.testing.assert_allclose(test([data])[0], expected_test, rtol=1e-4, atol=1e-5)


def test_inference_uses_gamma_beta_and_moving_statistics():
    layer = BatchNormalization()
    _, test = functions(layer, (2,))
    layer.set_weights([np.array([2., 3.]), np.array([1., -1.]), np.array([0.5, 1.]),
                       np.array([4., 9.])])
    data = np.array([[1., 2.], [3., 4.]])
    expected = (data - [0.5, 1.]) / np.sqrt(np.array([4., 9.]) + 1e-3) * [2., 3.] + [1., -1.]
    np.testing.assert_allclose(test([data])[0], expected, rtol=1e-5, atol=1e-6)


def test_channels_first_axis_on_images():
    x = Input(shape=(3, 4, 4))
    layer = BatchNormalization(axis=1)
    y = layer(Conv2D(3, 1, padding='same', data_format='channels_first')(x))
    assert K.int_shape(layer.gamma) == (3,)
    train = K.function([x], [y], givens={K.learning_phase(): 1})
    out = train([np.random.RandomState(1).randn(2, 3, 4, 4)])[0]
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-4)


def test_updates_reach_model_training():
    x = Input(shape=(2,))
    layer = BatchNormalization()
    model = Model(x, layer(x))
    model.compile('sgd', 'mse')
    data = np.random.RandomState(2).randn(16, 2) + 5
    model.train_on_batch(data, np.zeros_like(data))
    np.testing.assert_allclose(K.get_value(layer.moving_mean), 0.01 * data.mean(axis=0),
                               rtol=1e-4)


def test_frozen_layer_keeps_its_moving_statistics_in_training():
    # Keras 2.2.4: a frozen (trainable=False) BatchNormalization has no updates, so
    # fine-tuning a model around it leaves moving_mean / moving_variance alone.
    x = Input(shape=(2,))
    layer = BatchNormalization()
    model = Model(x, layer(x))
    layer.trainable = False
    assert layer.updates == [] and layer.get_updates_for(x) == [] and model.updates == []
    model.compile('sgd', 'mse')
    data = np.random.RandomState(3).randn(16, 2) + 5
    model.train_on_batch(data, np.zeros_like(data))
    np.testing.assert_array_equal(K.get_value(layer.moving_mean), [0., 0.])
    np.testing.assert_array_equal(K.get_value(layer.moving_variance), [1., 1.])


def test_undefined_axis_error():
    with pytest.raises(ValueError, match="BatchNormalization 'batch_normalization_1'"):
        BatchNormalization()(Input(shape=(None,)))


def test_config_keys_and_defaults():
    config = BatchNormalization().get_config()
    assert (config['axis'], config['momentum'], config['epsilon']) == (-1, 0.99, 1e-3)
    assert {'center', 'scale', 'beta_initializer', 'gamma_initializer',
            'moving_mean_initializer', 'moving_variance_initializer', 'beta_regularizer',
            'gamma_regularizer', 'beta_constraint', 'gamma_constraint'} <= set(config)


def test_unknown_initializer_names_layer_and_choices():
    with pytest.raises(ValueError) as info:
        BatchNormalization(gamma_initializer='one_', name='bn')
    assert str(info.value).startswith("BatchNormalization 'bn': ")
    assert 'ones' in str(info.value)
