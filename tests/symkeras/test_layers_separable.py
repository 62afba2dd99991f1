"""DepthwiseConv2D, SeparableConv2D and SeparableConv1D: the five layer checks, values
against numpy (depthwise, then 1x1), weights, config, errors, and a model that trains."""
import json

import numpy as np
import pytest

from layer_test_utils import check_gradients, run_layer_test
from symkeras import backend as K
from symkeras import layers
from symkeras.layers import (Input, Dense, DepthwiseConv2D, GlobalAveragePooling2D,
                             SeparableConv1D, SeparableConv2D)
from symkeras.models import Model, Sequential, model_from_json
from symkeras.optimizers import Adam


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def numpy_depthwise(x, w, strides, padding, dilation):
    """Plain NHWC depthwise convolution: out[..., c * M + m] uses w[:, :, c, m]."""
    spans = [(k - 1) * d + 1 for k, d in zip(w.shape[:2], dilation)]
    if padding == 'same':
        pads = []
        for size, span, stride in zip(x.shape[1:3], spans, strides):
            total = max((-(-size // stride) - 1) * stride + span - size, 0)
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, [(0, 0), pads[0], pads[1], (0, 0)])
    out_hw = [(n - span) // s + 1 for n, span, s in zip(x.shape[1:3], spans, strides)]
    out = np.zeros((x.shape[0], out_hw[0], out_hw[1], w.shape[2], w.shape[3]))
    for i in range(out_hw[0]):
        for j in range(out_hw[1]):
            window = x[:, i * strides[0]: i * strides[0] + spans[0]: dilation[0],
                       j * strides[1]: j * strides[1] + spans[1]: dilation[1], :]
            out[:, i, j] = np.einsum('nabc,abcm->ncm', window, w)
    return out.reshape(out.shape[:3] + (-1,))


def numpy_separable(x, depthwise, pointwise, strides, padding, dilation):
    """Depthwise, then the 1x1 convolution with pointwise (1, 1, C * M, F)."""
    return np.tensordot(numpy_depthwise(x, depthwise, strides, padding, dilation),
                        pointwise[0, 0], axes=([3], [0]))


def row(label, layer_cls, kwargs, input_shape, output_shape, weights):
    return pytest.param(layer_cls, kwargs, input_shape, output_shape, weights, id=label)


ROWS = [
    row('depthwise-valid', DepthwiseConv2D, {'kernel_size': 3}, (None, 5, 4, 2),
        (None, 3, 2, 2), 2),
    row('depthwise-same-s2-m2', DepthwiseConv2D, {'kernel_size': 3, 'strides': 2,
                                                  'padding': 'same', 'depth_multiplier': 2},
        (None, 5, 6, 2), (None, 3, 3, 4), 2),
    row('depthwise-even-kernel-same', DepthwiseConv2D, {'kernel_size': (2, 3),
                                                        'padding': 'same'},
        (None, 4, 5, 3), (None, 4, 5, 3), 2),
    row('depthwise-dilation2-no-bias-relu', DepthwiseConv2D, {
        'kernel_size': 2, 'dilation_rate': 2, 'use_bias': False, 'activation': 'relu'},
        (None, 5, 5, 2), (None, 3, 3, 2), 1),
    row('depthwise-channels-first-m2', DepthwiseConv2D, {
        'kernel_size': 2, 'depth_multiplier': 2, 'data_format': 'channels_first'},
        (None, 2, 4, 3), (None, 4, 3, 2), 2),
    row('separable2d-valid', SeparableConv2D, {'filters': 3, 'kernel_size': 3},
        (None, 5, 4, 2), (None, 3, 2, 3), 3),
    row('separable2d-same-s2-m2', SeparableConv2D, {
        'filters': 2, 'kernel_size': 3, 'strides': (2, 1), 'padding': 'same',
        'depth_multiplier': 2}, (None, 5, 4, 2), (None, 3, 4, 2), 3),
    row('separable2d-dilation2-no-bias', SeparableConv2D, {
        'filters': 2, 'kernel_size': 2, 'dilation_rate': 2, 'use_bias': False},
        (None, 5, 5, 3), (None, 3, 3, 2), 2),
    row('separable2d-channels-first', SeparableConv2D, {
        'filters': 3, 'kernel_size': 2, 'data_format': 'channels_first', 'activation': 'tanh'},
        (None, 2, 4, 3), (None, 3, 3, 2), 3),
    row('separable1d-valid', SeparableConv1D, {'filters': 3, 'kernel_size': 2},
        (None, 5, 2), (None, 4, 3), 3),
    row('separable1d-same-s2-m2', SeparableConv1D, {
        'filters': 2, 'kernel_size': 3, 'strides': 2, 'padding': 'same',
        'depth_multiplier': 2}, (None, 7, 2), (None, 4, 2), 3),
    row('separable1d-dilation2-channels-first', SeparableConv1D, {
        'filters': 2, 'kernel_size': 2, 'dilation_rate': 2, 'data_format': 'channels_first'},
        (None, 3, 6), (None, 2, 4), 3),
]


@pytest.mark.parametrize('layer_cls, kwargs, input_shape, output_shape, weights', ROWS)
def test_layer_checks(layer_cls, kwargs, input_shape, output_shape, weights):
    run_layer_test(layer_cls, kwargs, input_shape, output_shape, expected_weights=weights)


def test_gradients_with_strides_and_dilation_in_test_phase():
    """Strides and dilation together (TensorFlow refuses them; the kernels do not)."""
    data = np.random.RandomState(3).uniform(-1, 1, (2, 9, 8, 2))
    previous = K.floatx()
    K.set_floatx('float64')
    try:
        layer = SeparableConv2D(2, 3, strides=2, dilation_rate=2, padding='same',
                                depth_multiplier=2, bias_initializer='uniform')
        check_gradients(layer, (None, 9, 8, 2), data, [(2, 5, 4, 2)], phase=0)
    finally:
        K.set_floatx(previous)


@pytest.mark.parametrize('strides, padding, dilation, multiplier', [
    ((1, 1), 'valid', (1, 1), 1), ((2, 2), 'same', (1, 1), 2), ((1, 2), 'same', (2, 1), 1),
    ((1, 1), 'valid', (2, 2), 2)])
def test_separable_conv2d_is_depthwise_then_pointwise(strides, padding, dilation, multiplier):
    layer = SeparableConv2D(4, (3, 2), strides=strides, padding=padding,
                            dilation_rate=dilation, depth_multiplier=multiplier,
                            bias_initializer='uniform')
    x = Input(shape=(7, 8, 3))
    model = Model(x, layer(x))
    data = np.random.RandomState(0).randn(3, 7, 8, 3).astype('float32')
    depthwise, pointwise, bias = layer.get_weights()
    assert depthwise.shape == (3, 2, 3, multiplier)
    assert pointwise.shape == (1, 1, 3 * multiplier, 4) and bias.shape == (4,)
    expected = numpy_separable(data, depthwise, pointwise, strides, padding, dilation) + bias
    np.testing.assert_allclose(model.predict(data), expected, rtol=1e-4, atol=1e-5)


def test_depthwise_conv2d_values_channels_first():
    layer = DepthwiseConv2D(3, strides=2, padding='same', depth_multiplier=2,
                            data_format='channels_first', bias_initializer='uniform')
    x = Input(shape=(3, 7, 6))
    model = Model(x, layer(x))
    data = np.random.RandomState(1).randn(2, 3, 7, 6).astype('float32')
    kernel, bias = layer.get_weights()
    nhwc = numpy_depthwise(data.transpose(0, 2, 3, 1), kernel, (2, 2), 'same', (1, 1)) + bias
    assert model.output_shape == (None, 6, 4, 3)
    np.testing.assert_allclose(model.predict(data), nhwc.transpose(0, 3, 1, 2), rtol=1e-4,
                               atol=1e-5)


def test_separable_conv1d_values():
    layer = SeparableConv1D(3, 3, strides=2, padding='same', depth_multiplier=2,
                            bias_initializer='uniform')
    x = Input(shape=(9, 2))
    model = Model(x, layer(x))
    data = np.random.RandomState(2).randn(2, 9, 2).astype('float32')
    depthwise, pointwise, bias = layer.get_weights()
    assert depthwise.shape == (3, 2, 2) and pointwise.shape == (1, 4, 3)
    expected = numpy_separable(data[:, :, None], depthwise[:, None], pointwise[None],
                               (2, 1), 'same', (1, 1))[:, :, 0] + bias
    np.testing.assert_allclose(model.predict(data), expected, rtol=1e-4, atol=1e-5)


def test_weight_names_and_order():
    separable = SeparableConv2D(4, 3, name='sep')
    separable.build((None, 8, 8, 2))
    assert [w.name.split('/')[-1].split(':')[0] for w in separable.weights] == [
        'depthwise_kernel', 'pointwise_kernel', 'bias']
    depthwise = DepthwiseConv2D(3, depth_multiplier=3, name='dw')
    depthwise.build((None, 8, 8, 2))
    assert [K.int_shape(w) for w in depthwise.weights] == [(3, 3, 2, 3), (6,)]


def test_config_has_the_keras_keys_and_round_trips():
    common = {'name', 'trainable', 'kernel_size', 'strides', 'padding', 'data_format',
              'dilation_rate', 'depth_multiplier', 'activation', 'use_bias',
              'depthwise_initializer', 'bias_initializer', 'depthwise_regularizer',
              'bias_regularizer', 'activity_regularizer', 'depthwise_constraint',
              'bias_constraint'}
    pointwise = {'filters', 'pointwise_initializer', 'pointwise_regularizer',
                 'pointwise_constraint'}
    assert set(DepthwiseConv2D(3).get_config()) == common
    for cls in (SeparableConv1D, SeparableConv2D):
        config = cls(2, 3, depth_multiplier=2, depthwise_regularizer='l2').get_config()
        assert set(config) == common | pointwise
        clone = cls.from_config(json.loads(json.dumps(config)))
        assert clone.get_config() == config
    assert SeparableConv1D(2, 3).data_format == 'channels_last'
    assert layers.SeparableConvolution1D is SeparableConv1D
    assert layers.SeparableConvolution2D is SeparableConv2D


def test_model_round_trips_through_json():
    model = Sequential([SeparableConv2D(3, 3, padding='same', input_shape=(6, 6, 2)),
                        DepthwiseConv2D(2, depth_multiplier=2),
                        GlobalAveragePooling2D()])
    data = np.random.RandomState(4).randn(2, 6, 6, 2).astype('float32')
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(data), model.predict(data), rtol=1e-5)


def test_small_model_trains():
    rng = np.random.RandomState(5)
    data = rng.randn(32, 8, 8, 2).astype('float32')
    # One channel's mean minus the other's: within reach of the first layer alone.
    targets = (data[..., 0] - data[..., 1]).mean(axis=(1, 2))[:, None] * 4.0
    model = Sequential([
        SeparableConv2D(6, 3, padding='same', activation='tanh', input_shape=(8, 8, 2)),
        DepthwiseConv2D(3, strides=2, depth_multiplier=2),
        SeparableConv2D(4, 2),
        GlobalAveragePooling2D(),
        Dense(1)])
    model.compile(Adam(lr=0.01), 'mse')
    history = model.fit(data, targets, epochs=15, batch_size=8, verbose=0)
    losses = history.history['loss']
    assert losses[-1] < 0.5 * losses[0], losses


AT = r"(?: at \S+)?: "    # a layer called from user code is named with the call site


@pytest.mark.parametrize('make, shape, message', [
    (lambda: DepthwiseConv2D(3, depth_multiplier=0), None,
     r"DepthwiseConv2D '\w+': `depth_multiplier` must be a positive integer, received 0"),
    (lambda: SeparableConv2D(0, 3), None,
     r"SeparableConv2D '\w+': `filters` must be a positive integer, received 0"),
    (lambda: SeparableConv1D(2, 3, padding='causal'), None,
     r"SeparableConv1D '\w+': unknown padding 'causal'; valid choices: valid, same"),
    (lambda: DepthwiseConv2D(3, data_format='nhwc'), None, r"DepthwiseConv2D '\w+': "),
    (lambda: SeparableConv2D(2, 3), (None, 5, 5, None),
     r"SeparableConv2D '\w+'" + AT + r"the channel dimension of the inputs must be "
     r"defined, received \(None, 5, 5, None\)"),
    (lambda: DepthwiseConv2D(4), (None, 3, 5, 2),
     r"DepthwiseConv2D '\w+'" + AT + r"the window \(4, 4\) .* does not fit in an input of "
     r"shape \(None, 3, 5, 2\) with padding 'valid'"),
    (lambda: SeparableConv1D(2, 4, dilation_rate=2), (None, 5, 2),
     r"SeparableConv1D '\w+'" + AT + r"the window \(4,\) .* input of shape \(None, 5, 2\)"),
    (lambda: SeparableConv2D(2, 3), (None, 5, 5),
     r"layer '\w+' \(SeparableConv2D\): expected ndim=4, found ndim=3 \(received shape "
     r"\(None, 5, 5\)\)"),
], ids=['multiplier', 'filters', 'causal', 'data-format', 'channels', 'window-2d',
        'window-1d', 'rank'])
def test_errors_name_the_layer_and_shapes(make, shape, message):
    with pytest.raises(ValueError, match=message):
        layer = make()
        layer(Input(batch_shape=shape))
