"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector,
Lambda."""
import numpy as np
import pytest

from layer_test_utils import run_layer_test
from symkeras import backend as K
from symkeras import regularizers, constraints
from symkeras.layers import (Input, Dense, Activation, Dropout, Flatten, Reshape, Permute,
                             RepeatVector, Lambda)
from symkeras.models import Model


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def predict(layer, data, **input_kwargs):
    x = Input(batch_shape=(None,) + data.shape[1:], **input_kwargs)
    return Model(x, layer(x)).predict(data)


# ---------------------------------------------------------------------------- Dense
def test_dense_matches_numpy():
    layer = Dense(3, activation='relu', bias_initializer='ones')
    data = np.random.RandomState(1).randn(4, 5).astype('float32')
    out = predict(layer, data)
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(out, np.maximum(data @ kernel + bias, 0), rtol=1e-5,
                               atol=1e-6)


def test_dense_weight_shapes_and_names():
    layer = Dense(7, name='fc')
    layer(Input(shape=(3,)))
    assert [K.int_shape(w) for w in layer.weights] == [(3, 7), (7,)]
    assert [w.name for w in layer.weights] == ['fc/kernel', 'fc/bias']


def test_dense_input_dim_kwarg():
    layer = Dense(2, input_dim=6)
    assert layer.batch_input_shape == (None, 6)


def test_dense_config_keys():
    # Keras 2.2.4: 'dtype' (and 'batch_input_shape') only for a layer given an input shape.
    assert set(Dense(2, input_dim=3).get_config()) - set(Dense(2).get_config()) == {
        'batch_input_shape', 'dtype'}
    config = Dense(2).get_config()
    assert set(config) == {'name', 'trainable', 'units', 'activation', 'use_bias',
                           'kernel_initializer', 'bias_initializer', 'kernel_regularizer',
                           'bias_regularizer', 'activity_regularizer', 'kernel_constraint',
                           'bias_constraint'}
    assert config['activation'] == 'linear'
    assert config['kernel_initializer']['class_name'] == 'VarianceScaling'


def test_dense_wrong_last_dimension_names_layer_and_shapes():
    layer = Dense(4, name='dense_2')
    layer(Input(shape=(128,)))
    with pytest.raises(ValueError) as info:
        layer(Input(shape=(64,)))
    assert str(info.value) == ("Dense 'dense_2': expected input with last dimension 128, "
                               "received (None, 64)")


def test_dense_on_builtin_input_is_a_clear_type_error():
    with pytest.raises(TypeError, match='Dense'):
        Dense(3)(input)


def test_dense_regularizers_and_constraints():
    layer = Dense(3, kernel_regularizer=regularizers.l2(0.1),
                  activity_regularizer='l1', kernel_constraint=constraints.max_norm(1.))
    layer(Input(shape=(2,)))
    assert len(layer.losses) == 2
    config = layer.get_config()
    assert config['kernel_regularizer'] == {'class_name': 'L1L2',
                                            'config': {'l1': 0., 'l2': 0.1}}
    assert config['kernel_constraint']['class_name'] == 'MaxNorm'
    assert Dense.from_config(config).get_config()['kernel_constraint'] == \
        config['kernel_constraint']


def test_dense_unknown_activation_lists_choices():
    with pytest.raises(ValueError, match='relu'):
        Dense(3, activation='rleu')


# ---------------------------------------------------------------------------- Activation
def test_activation_values():
    data = np.array([[-1., 0., 2.]], dtype='float32')
    np.testing.assert_allclose(predict(Activation('relu'), data), [[0., 0., 2.]])


# ---------------------------------------------------------------------------- Dropout
def test_dropout_is_identity_at_test_time_and_drops_in_training():
    x = Input(shape=(1000,))
    y = Dropout(0.5, seed=3)(x)
    assert y._uses_learning_phase
    data = np.ones((2, 1000), dtype='float32')
    test = K.function([x], [y], givens={K.learning_phase(): 0})([data])[0]
    train = K.function([x], [y], givens={K.learning_phase(): 1})([data])[0]
    np.testing.assert_array_equal(test, data)
    assert set(np.unique(train)) <= {0., 2.}
    assert 0.4 < (train == 0).mean() < 0.6


def test_dropout_noise_shape_shares_mask():
    x = Input(shape=(50, 4))
    y = Dropout(0.5, noise_shape=(None, 1, 4), seed=1)(x)
    train = K.function([x], [y], givens={K.learning_phase(): 1})([np.ones((3, 50, 4))])[0]
    assert (train == train[:, :1, :]).all()


def test_dropout_rate_zero_is_identity():
    x = Input(shape=(3,))
    y = Dropout(0.)(x)
    data = np.ones((2, 3), dtype='float32')
    out = K.function([x], [y], givens={K.learning_phase(): 1})([data])[0]
    np.testing.assert_array_equal(out, data)


def test_dropout_config():
    config = Dropout(0.2, noise_shape=(None, 1), seed=5).get_config()
    assert (config['rate'], config['noise_shape'], config['seed']) == (0.2, (None, 1), 5)


# ---------------------------------------------------------------------------- Flatten
def test_flatten_channels_first_flattens_in_channels_last_order():
    data = np.arange(24, dtype='float32').reshape(1, 2, 3, 4)
    out = predict(Flatten(data_format='channels_first'), data)
    np.testing.assert_array_equal(out[0], data[0].transpose(1, 2, 0).ravel())


def test_flatten_undefined_shape_error():
    with pytest.raises(ValueError, match="Flatten 'flatten_1'.*not fully defined"):
        Flatten()(Input(shape=(None, 3)))


# ---------------------------------------------------------------------------- Reshape
def test_reshape_size_mismatch_error():
    with pytest.raises(ValueError, match='Reshape.*total size'):
        Reshape((5,))(Input(shape=(12,)))


# ---------------------------------------------------------------------------- Permute
def test_permute_layer_test():
    data = np.random.rand(2, 3, 4).astype('float32')
    out = run_layer_test(Permute, {'dims': (2, 1)}, (None, 3, 4), (None, 4, 3),
                         input_data=data)
    np.testing.assert_array_equal(out, data.transpose(0, 2, 1))


def test_permute_rejects_non_permutation():
    with pytest.raises(ValueError, match='permutation'):
        Permute((0, 1))


# ---------------------------------------------------------------------------- RepeatVector
def test_repeat_vector():
    data = np.random.rand(2, 3).astype('float32')
    out = run_layer_test(RepeatVector, {'n': 4}, (None, 3), (None, 4, 3), input_data=data)
    np.testing.assert_array_equal(out, np.repeat(data[:, None, :], 4, axis=1))


# ---------------------------------------------------------------------------- Lambda
def double(x):
    return x * 2


def scaled(x, factor=1.):
    return x * factor


def test_lambda_arguments_and_backend_function_lookup():
    layer = Lambda(scaled, arguments={'factor': 3.})
    data = np.ones((2, 2), dtype='float32')
    np.testing.assert_allclose(predict(layer, data), 3 * data)
    assert Lambda.from_config(Lambda(K.square).get_config()).function is K.square


def test_lambda_output_shape_inferred_tuple_and_function():
    x = Input(shape=(4, 3))
    assert K.int_shape(Lambda(lambda t: K.sum(t, axis=1))(x)) == (None, 3)
    layer = Lambda(lambda t: t, output_shape=(4, 3))
    assert layer.compute_output_shape((None, 4, 3)) == (None, 4, 3)
    layer = Lambda(lambda t: t, output_shape=lambda s: (s[0], 12))
    assert layer.compute_output_shape((None, 4, 3)) == (None, 12)


def test_lambda_anonymous_function_needs_custom_objects():
    config = Lambda(lambda t: t).get_config()
    assert config['function_type'] == 'lambda'
    with pytest.raises(ValueError, match='custom_objects'):
        Lambda.from_config(config)
    assert Lambda.from_config(config, custom_objects={'<lambda>': double}).function is double


def test_lambda_without_output_shape_calls_function_once():
    calls = []

    def counted(t):
        calls.append(1)
        return t[:, :2]
    y = Lambda(counted)(Input(shape=(5,)))
    assert K.int_shape(y) == (None, 2) and len(calls) == 1


# ---------------------------------------------------------------------------- bad strings
@pytest.mark.parametrize('make, label, choice', [
    (lambda: Dense(3, activation='rleu', name='fc'), "Dense 'fc'", 'relu'),
    (lambda: Dense(3, kernel_initializer='glorot', name='fc'), "Dense 'fc'", 'glorot_uniform'),
    (lambda: Activation('sigmod', name='act'), "Activation 'act'", 'sigmoid'),
    (lambda: Flatten(data_format='nchw', name='flat'), "Flatten 'flat'", 'channels_first'),
])
def test_unknown_string_argument_names_layer_and_choices(make, label, choice):
    with pytest.raises(ValueError) as info:
        make()
    assert str(info.value).startswith(label + ': ') and choice in str(info.value)


def test_explicit_dtype_survives_config_round_trip():
    config = Dense(2, dtype='float64').get_config()
    assert config['dtype'] == 'float64'
    assert Dense.from_config(config).get_config() == config
