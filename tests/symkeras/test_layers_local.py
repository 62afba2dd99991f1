"""LocallyConnected1D and LocallyConnected2D: values against numpy loops, the layer checks
(float64 gradients against finite differences included), weights as Keras 2.2.4 builds
them, config, errors, a model that trains, and JSON / file round trips."""
import numpy as np
import pytest

from layer_test_utils import run_layer_test
from symkeras import backend as K
from symkeras.layers import Dense, Flatten, Input, LocallyConnected1D, LocallyConnected2D
from symkeras.models import Model, Sequential, load_model, model_from_json
from symkeras.optimizers import Adam


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def numpy_local1d(x, kernel, bias, size, stride):
    """out[b, i, f] = sum over (k, c) of x[b, i * stride + k, c] * kernel[i, k * C + c, f]."""
    steps, channels = kernel.shape[0], x.shape[2]
    out = np.zeros((x.shape[0], steps, kernel.shape[2]))
    for i in range(steps):
        for k in range(size):
            for c in range(channels):
                out[:, i] += np.outer(x[:, i * stride + k, c], kernel[i, k * channels + c])
    return out if bias is None else out + bias


def numpy_local2d_nhwc(x, kernel, size, strides, out_rows, out_cols):
    """Channels-last loops: the window's features are ordered (row, col, channel)."""
    channels = x.shape[3]
    out = np.zeros((x.shape[0], out_rows, out_cols, kernel.shape[2]))
    for i in range(out_rows):
        for j in range(out_cols):
            position = kernel[i * out_cols + j]
            for a in range(size[0]):
                for b in range(size[1]):
                    for c in range(channels):
                        feature = (a * size[1] + b) * channels + c
                        pixel = x[:, i * strides[0] + a, j * strides[1] + b, c]
                        out[:, i, j] += np.outer(pixel, position[feature])
    return out


def numpy_local2d(x, kernel, bias, size, strides, data_format):
    """Keras 2.2.4's LocallyConnected2D; with channels_first the window's features are
    ordered (channel, row, col) and the (rows, cols, filters) bias is added reshaped."""
    first = data_format == 'channels_first'
    rows, cols = x.shape[2:] if first else x.shape[1:3]
    out_rows = (rows - size[0]) // strides[0] + 1
    out_cols = (cols - size[1]) // strides[1] + 1
    if first:   # reorder the kernel's features from (channel, row, col) to (row, col, channel)
        channels = x.shape[1]
        reordered = kernel.reshape((kernel.shape[0], channels, size[0], size[1], -1))
        kernel = reordered.transpose(0, 2, 3, 1, 4).reshape(kernel.shape)
        x = x.transpose(0, 2, 3, 1)
    out = numpy_local2d_nhwc(x, kernel, size, strides, out_rows, out_cols)
    if first:
        out = out.transpose(0, 3, 1, 2)
        return out if bias is None else out + bias.reshape((1, -1, out_rows, out_cols))
    return out if bias is None else out + bias


def predict_with_random_weights(layer, input_shape, seed=0):
    """(x, weights, prediction) of `layer` on uniform data, with random weights."""
    rng = np.random.RandomState(seed)
    inputs = Input(shape=input_shape)
    model = Model(inputs, layer(inputs))
    weights = [rng.uniform(-1, 1, w.shape).astype('float32') for w in layer.get_weights()]
    layer.set_weights(weights)
    x = rng.uniform(-1, 1, (3,) + input_shape).astype('float32')
    return x, weights, model.predict(x)


@pytest.mark.parametrize('size, stride, use_bias', [(3, 1, True), (2, 2, True), (3, 2, False),
                                                    (1, 1, True)])
def test_local1d_values(size, stride, use_bias):
    layer = LocallyConnected1D(4, size, strides=stride, use_bias=use_bias)
    x, weights, got = predict_with_random_weights(layer, (7, 3))
    bias = weights[1] if use_bias else None
    np.testing.assert_allclose(got, numpy_local1d(x, weights[0], bias, size, stride),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('size, strides, data_format, use_bias', [
    ((2, 2), (1, 1), 'channels_last', True),
    ((3, 2), (2, 1), 'channels_last', False),
    ((2, 3), (1, 2), 'channels_first', True),
    ((2, 2), (2, 2), 'channels_first', False),
])
def test_local2d_values(size, strides, data_format, use_bias):
    layer = LocallyConnected2D(3, size, strides=strides, data_format=data_format,
                               use_bias=use_bias, activation='tanh')
    shape = (2, 5, 6) if data_format == 'channels_first' else (5, 6, 2)
    x, weights, got = predict_with_random_weights(layer, shape)
    bias = weights[1] if use_bias else None
    expected = np.tanh(numpy_local2d(x, weights[0], bias, size, strides, data_format))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def row(label, layer_cls, kwargs, input_shape, output_shape, weights):
    return pytest.param(layer_cls, kwargs, input_shape, output_shape, weights, id=label)


@pytest.mark.parametrize('layer_cls, kwargs, input_shape, output_shape, weights', [
    row('local1d', LocallyConnected1D, {'filters': 3, 'kernel_size': 2}, (None, 5, 2),
        (None, 4, 3), 2),
    row('local1d-s2-no-bias-tanh', LocallyConnected1D, {
        'filters': 2, 'kernel_size': 3, 'strides': 2, 'use_bias': False,
        'activation': 'tanh'}, (None, 8, 3), (None, 3, 2), 1),
    row('local2d-s21', LocallyConnected2D, {'filters': 2, 'kernel_size': (2, 3),
                                            'strides': (2, 1)}, (None, 5, 4, 2),
        (None, 2, 2, 2), 2),
    row('local2d-channels-first', LocallyConnected2D, {
        'filters': 3, 'kernel_size': 2, 'data_format': 'channels_first'}, (None, 2, 3, 4),
        (None, 3, 2, 3), 2),
    row('local2d-channels-first-s2-no-bias', LocallyConnected2D, {
        'filters': 2, 'kernel_size': 2, 'strides': 2, 'use_bias': False,
        'data_format': 'channels_first'}, (None, 3, 4, 5), (None, 2, 2, 2), 1),
])
def test_layer_checks(layer_cls, kwargs, input_shape, output_shape, weights):
    """Shapes, weight count, config round trip, a training step, float64 gradients."""
    run_layer_test(layer_cls, kwargs, input_shape, output_shape, expected_weights=weights)


def test_weights_as_keras_224_builds_them():
    layer = LocallyConnected1D(4, 3, strides=2, name='lc1')
    layer(Input(shape=(9, 5)))
    assert [w.name for w in layer.weights] == ['lc1/kernel', 'lc1/bias']
    assert [K.int_shape(w) for w in layer.weights] == [(4, 15, 4), (4, 4)]
    layer = LocallyConnected2D(2, (2, 3), data_format='channels_first', name='lc2')
    layer(Input(shape=(3, 4, 6)))
    assert [w.name for w in layer.weights] == ['lc2/kernel', 'lc2/bias']
    assert [K.int_shape(w) for w in layer.weights] == [(12, 18, 2), (3, 4, 2)]
    assert layer.count_params() == 12 * 18 * 2 + 3 * 4 * 2


def test_config_keys_and_defaults_as_keras_224():
    common = {'name', 'trainable', 'filters', 'kernel_size', 'strides', 'padding',
              'activation', 'use_bias', 'kernel_initializer', 'bias_initializer',
              'kernel_regularizer', 'bias_regularizer', 'activity_regularizer',
              'kernel_constraint', 'bias_constraint'}
    config = LocallyConnected1D(2, 3).get_config()
    assert set(config) - {'batch_input_shape', 'dtype'} == common   # no data_format (2.2.4)
    assert (config['kernel_size'], config['strides'], config['padding']) == ((3,), (1,),
                                                                            'valid')
    assert config['kernel_initializer']['class_name'] == 'VarianceScaling'   # glorot_uniform
    assert config['activation'] == 'linear' and config['use_bias'] is True
    config = LocallyConnected2D(2, 3, padding='VALID', kernel_regularizer='l2').get_config()
    assert set(config) - {'batch_input_shape', 'dtype'} == common | {'data_format'}
    assert (config['kernel_size'], config['strides'], config['padding'],
            config['data_format']) == ((3, 3), (1, 1), 'valid', 'channels_last')
    clone = LocallyConnected2D.from_config(config)
    assert clone.get_config() == config


def test_output_shape_with_unknown_sizes():
    layer = LocallyConnected2D(4, 3, strides=2)
    assert layer.compute_output_shape((None, None, 7, 2)) == (None, None, 3, 4)
    assert LocallyConnected1D(2, 3).compute_output_shape((5, None, 3)) == (5, None, 2)


@pytest.mark.parametrize('make, message', [
    (lambda: LocallyConnected1D(2, 3, padding='same', name='lc'),
     "LocallyConnected1D 'lc'.*only padding 'valid'.*'same'"),
    (lambda: LocallyConnected2D(2, 3, padding='causal', name='lc'),
     "LocallyConnected2D 'lc'.*only padding 'valid'.*'causal'"),
    (lambda: LocallyConnected2D(0, 3, name='lc'), "LocallyConnected2D 'lc'.*filters"),
    (lambda: LocallyConnected2D(2, (3, 3, 3), name='lc'), "LocallyConnected2D 'lc'.*kernel"),
    (lambda: LocallyConnected1D(2, 3, strides=0, name='lc'), "LocallyConnected1D 'lc'.*strides"),
    (lambda: LocallyConnected2D(2, 3, data_format='nchw', name='lc'),
     "LocallyConnected2D 'lc'"),
    (lambda: LocallyConnected2D(2, 3, activation='rleu', name='lc'),
     "LocallyConnected2D 'lc'"),
])
def test_constructor_errors_name_the_layer(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize('make, shape, message', [
    (lambda: LocallyConnected1D(2, 3, name='lc'), (3,),
     r"'lc' \(LocallyConnected1D\).*ndim=3.*\(None, 3\)"),
    (lambda: LocallyConnected1D(2, 3, name='lc'), (None, 4),
     r"LocallyConnected1D 'lc'.*static spatial sizes.*\(None, None, 4\)"),
    (lambda: LocallyConnected2D(2, 3, name='lc'), (5, None, 2),
     r"LocallyConnected2D 'lc'.*static spatial sizes.*\(None, 5, None, 2\)"),
    (lambda: LocallyConnected2D(2, 3, name='lc'), (2, 5, 2),
     r"LocallyConnected2D 'lc'.*window \(3, 3\).*\(None, 2, 5, 2\)"),
    (lambda: LocallyConnected2D(2, 2, data_format='channels_first', name='lc'), (None, 4, 4),
     r"LocallyConnected2D 'lc'.*static spatial sizes and channels.*\(None, None, 4, 4\)"),
])
def test_build_errors_name_the_layer_and_shape(make, shape, message):
    with pytest.raises(ValueError, match=message):
        make()(Input(shape=shape))


def test_reuse_on_another_size_is_an_error():
    layer = LocallyConnected1D(2, 3, name='lc')
    layer(Input(shape=(6, 2)))
    with pytest.raises(ValueError, match=r"LocallyConnected1D 'lc'.*\(4,\).*\(None, 8, 2\)"):
        layer(Input(shape=(8, 2)))


def local_model():
    model = Sequential([
        LocallyConnected2D(4, 3, strides=(2, 1), activation='relu', input_shape=(7, 6, 2)),
        Flatten(),
        Dense(1)])
    return model


def test_small_model_trains():
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (64, 7, 6, 2)).astype('float32')
    y = (x[:, 1:4, 2:5, 0].sum(axis=(1, 2)) - x[:, 4:, :2, 1].mean(axis=(1, 2)))[:, None]
    model = local_model()
    model.compile(Adam(learning_rate=0.01), 'mse')
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, batch_size=16, epochs=40, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.2 * first


def sequence_model():
    inputs = Input(shape=(9, 3))
    hidden = LocallyConnected1D(4, 3, strides=2, activation='relu',
                                kernel_regularizer='l2', name='lc1')(inputs)
    outputs = Dense(2, name='out')(Flatten()(hidden))
    return Model(inputs, outputs)


def image_model():
    inputs = Input(shape=(2, 5, 4))
    hidden = LocallyConnected2D(3, (2, 3), data_format='channels_first', name='lc2',
                                bias_initializer='uniform')(inputs)
    return Model(inputs, Dense(2, name='out')(Flatten()(hidden)))


@pytest.mark.parametrize('build, shape', [(sequence_model, (9, 3)),
                                          (image_model, (2, 5, 4))])
def test_json_and_file_round_trips_predict_the_same(build, shape, tmp_path):
    model = build()
    model.compile(Adam(), 'mse')
    x = np.random.RandomState(1).uniform(-1, 1, (4,) + shape).astype('float32')
    expected = model.predict(x)
    clone = model_from_json(model.to_json())
    assert clone.to_json() == model.to_json()
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict(x), expected)
    path = str(tmp_path / 'local.h5')
    model.save(path)
    loaded = load_model(path)
    assert [w.name for w in loaded.weights] == [w.name for w in model.weights]
    np.testing.assert_array_equal(loaded.predict(x), expected)
