"""3-D layers and backend functions (Conv3D, Conv3DTranspose, 3-D pooling, ZeroPadding3D,
Cropping3D, UpSampling3D; K.conv3d, K.conv3d_transpose, K.pool3d, ...): values against
direct numpy loops, the five run_layer_test checks (float64 gradients included), Keras
2.2.4's configs and weights, errors, and a small model that trains."""
import itertools

import numpy as np
import pytest

from layer_test_utils import run_layer_test
from symkeras import backend as K
from symkeras import layers
from symkeras.layers import (Input, Conv3D, Conv3DTranspose, MaxPooling3D, AveragePooling3D,
                             GlobalMaxPooling3D, GlobalAveragePooling3D, ZeroPadding3D,
                             Cropping3D, UpSampling3D)
from symkeras.models import Model, Sequential, model_from_json

CF = {'data_format': 'channels_first'}


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def geometry(size, kernel, stride, padding, dilation=1):
    """(output size, padding before, padding after) along one axis (TensorFlow's rule)."""
    span = (kernel - 1) * dilation + 1
    if padding == 'valid':
        return (size - span) // stride + 1, 0, 0
    out = -(-size // stride)
    total = max((out - 1) * stride + span - size, 0)
    return out, total // 2, total - total // 2


def numpy_conv3d(x, w, strides, padding, dilation):
    """Direct loops over output cells and kernel taps; x channels_last, w (d, r, c, in,
    out)."""
    geo = [geometry(n, k, s, padding, d)
           for n, k, s, d in zip(x.shape[1:4], w.shape[:3], strides, dilation)]
    padded = np.pad(x, [(0, 0)] + [(before, after) for _, before, after in geo] + [(0, 0)])
    out = np.zeros((x.shape[0],) + tuple(g[0] for g in geo) + (w.shape[4],))
    for cell in itertools.product(*(range(g[0]) for g in geo)):
        for tap in itertools.product(*(range(k) for k in w.shape[:3])):
            i, j, k = (o * s + t * d for o, s, t, d in zip(cell, strides, tap, dilation))
            out[(slice(None),) + cell] += padded[:, i, j, k] @ w[tap]
    return out


def numpy_pool3d(x, pool_size, strides, padding, mode):
    """Direct loops; a window keeps only the cells inside the input (channels_last)."""
    geo = [geometry(n, k, s, padding) for n, k, s in zip(x.shape[1:4], pool_size, strides)]
    out = np.zeros((x.shape[0],) + tuple(g[0] for g in geo) + (x.shape[4],))
    for cell in itertools.product(*(range(g[0]) for g in geo)):
        window = tuple(slice(max(o * s - before, 0), min(o * s - before + k, n))
                       for o, s, (_, before, _), k, n in zip(cell, strides, geo, pool_size,
                                                             x.shape[1:4]))
        block = x[(slice(None),) + window]
        reduce = np.max if mode == 'max' else np.mean
        out[(slice(None),) + cell] = reduce(block, axis=(1, 2, 3))
    return out


def numpy_conv3d_transpose(x, w, strides, padding, out_volume):
    """Scatter every input cell through the kernel (d, r, c, filters, in_channels)."""
    before = [geometry(n, k, s, padding)[1] if padding == 'same' else 0
              for n, k, s in zip(out_volume, w.shape[:3], strides)]
    out = np.zeros((x.shape[0],) + tuple(out_volume) + (w.shape[3],))
    for cell in itertools.product(*(range(n) for n in x.shape[1:4])):
        for tap in itertools.product(*(range(k) for k in w.shape[:3])):
            where = tuple(c * s + t - b for c, s, t, b in zip(cell, strides, tap, before))
            if all(0 <= p < n for p, n in zip(where, out_volume)):
                out[(slice(None),) + where] += x[(slice(None),) + cell] @ w[tap].T
    return out


def to_first(x):
    return np.transpose(x, (0, 4, 1, 2, 3))


def evaluate(fn, data, shape, **kwargs):
    """fn(placeholder, **kwargs) computed on data (float64), batch axis unknown."""
    x = K.placeholder(shape=(None,) + shape, dtype='float64')
    return K.function([x], [fn(x, **kwargs)])([data])[0]


@pytest.mark.parametrize('strides, padding, dilation', [
    ((1, 1, 1), 'valid', (1, 1, 1)), ((2, 1, 2), 'same', (1, 1, 1)),
    ((1, 1, 1), 'same', (2, 1, 2)), ((3, 2, 1), 'valid', (1, 1, 1)),
    ((2, 2, 2), 'same', (1, 1, 1)), ((1, 1, 1), 'valid', (2, 2, 1))])
@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_conv3d_matches_numpy(strides, padding, dilation, data_format):
    rng = np.random.RandomState(0)
    x, w = rng.randn(2, 7, 6, 5, 2), rng.randn(3, 2, 3, 2, 4)
    expected = numpy_conv3d(x, w, strides, padding, dilation)
    kernel = K.constant(w, dtype='float64')
    args = dict(kernel=kernel, strides=strides, padding=padding, dilation_rate=dilation,
                data_format=data_format)
    if data_format == 'channels_first':
        got = evaluate(K.conv3d, to_first(x), (2, 7, 6, 5), **args)
        expected = to_first(expected)
    else:
        got = evaluate(K.conv3d, x, (7, 6, 5, 2), **args)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize('pool_size, strides, padding', [
    ((2, 2, 2), (2, 2, 2), 'valid'), ((3, 2, 3), (2, 1, 2), 'same'),
    ((3, 3, 3), (1, 1, 1), 'same'), ((2, 3, 1), (3, 2, 1), 'valid'),
    ((2, 2, 2), (2, 2, 2), 'same')])
@pytest.mark.parametrize('mode', ['max', 'avg'])
@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_pool3d_matches_numpy(pool_size, strides, padding, mode, data_format):
    x = np.random.RandomState(1).randn(2, 5, 7, 6, 3)
    expected = numpy_pool3d(x, pool_size, strides, padding, mode)
    args = dict(pool_size=pool_size, strides=strides, padding=padding, pool_mode=mode,
                data_format=data_format)
    if data_format == 'channels_first':
        got = evaluate(K.pool3d, to_first(x), (3, 5, 7, 6), **args)
        expected = to_first(expected)
    else:
        got = evaluate(K.pool3d, x, (5, 7, 6, 3), **args)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize('kernel, strides, padding, output_padding, expected', [
    ((3, 3, 3), (1, 1, 1), 'valid', None, (5, 6, 5)),
    ((3, 2, 3), (2, 2, 1), 'same', None, (6, 8, 3)),
    ((2, 3, 2), (2, 3, 2), 'valid', None, (6, 12, 6)),
    ((4, 3, 3), (2, 2, 3), 'same', (1, 1, 2), (5, 8, 9)),
    ((1, 1, 2), (3, 2, 2), 'valid', (2, 1, 0), (9, 8, 6))])
@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_conv3d_transpose_layer_matches_numpy(kernel, strides, padding, output_padding,
                                              expected, data_format):
    layer = Conv3DTranspose(3, kernel, strides=strides, padding=padding,
                            output_padding=output_padding, bias_initializer='ones',
                            data_format=data_format)
    first = data_format == 'channels_first'
    x = Input(shape=(2, 3, 4, 3) if first else (3, 4, 3, 2))
    y = layer(x)
    data = np.random.RandomState(0).randn(2, 3, 4, 3, 2).astype('float32')
    w, bias = layer.get_weights()
    assert w.shape == kernel + (3, 2)
    reference = numpy_conv3d_transpose(data, w, strides, padding, expected) + bias
    if first:
        data, reference = to_first(data), to_first(reference)
    assert K.int_shape(y) == (None,) + reference.shape[1:]
    np.testing.assert_allclose(Model(x, y).predict(data), reference, rtol=1e-4, atol=1e-4)


def test_conv3d_transpose_is_the_adjoint_of_conv3d():
    rng = np.random.RandomState(3)
    kernel = K.constant(rng.randn(3, 2, 3, 2, 4), dtype='float64')
    x, g = rng.randn(2, 7, 6, 5, 2), rng.randn(2, 4, 3, 3, 4)
    forward = evaluate(K.conv3d, x, (7, 6, 5, 2), kernel=kernel, strides=(2, 2, 2),
                       padding='same')
    backward = evaluate(K.conv3d_transpose, g, (4, 3, 3, 4), kernel=kernel,
                        output_shape=(None, 7, 6, 5, 2), strides=(2, 2, 2), padding='same')
    np.testing.assert_allclose(np.sum(forward * g), np.sum(x * backward), rtol=1e-10)


def test_backend_padding_cropping_resizing_match_numpy():
    x = np.random.RandomState(2).randn(2, 2, 3, 4, 2)
    pads = ((1, 0), (2, 1), (0, 3))
    padded = evaluate(K.spatial_3d_padding, x, (2, 3, 4, 2), padding=pads)
    np.testing.assert_array_equal(padded, np.pad(x, ((0, 0),) + pads + ((0, 0),)))
    cropped = evaluate(K.spatial_3d_cropping, to_first(padded), (2, 3, 6, 7),
                       cropping=pads, data_format='channels_first')
    np.testing.assert_array_equal(cropped, to_first(x))
    resized = evaluate(K.resize_volumes, x, (2, 3, 4, 2), depth_factor=2, height_factor=1,
                       width_factor=3, data_format='channels_last')
    expected = np.repeat(np.repeat(x, 2, axis=1), 3, axis=3)
    np.testing.assert_array_equal(resized, expected)


@pytest.mark.parametrize('layer_cls, kwargs, shape, expected', [
    (ZeroPadding3D, {'padding': ((1, 0), 2, (0, 1))}, (2, 3, 4, 2), (3, 7, 5, 2)),
    (ZeroPadding3D, dict(CF, padding=1), (2, 2, 3, 4), (2, 4, 5, 6)),
    (Cropping3D, {'cropping': ((1, 0), (0, 2), 1)}, (3, 4, 5, 2), (2, 2, 3, 2)),
    (Cropping3D, dict(CF, cropping=(1, 0, 2)), (2, 3, 4, 5), (2, 1, 4, 1)),
    (UpSampling3D, {'size': (2, 1, 3)}, (2, 3, 2, 2), (4, 3, 6, 2)),
    (UpSampling3D, CF, (2, 2, 1, 2), (2, 4, 2, 4)),
])
def test_spatial_layers_match_numpy(layer_cls, kwargs, shape, expected):
    data = np.random.RandomState(4).randn(2, *shape).astype('float32')
    first = kwargs.get('data_format') == 'channels_first'
    last = np.transpose(data, (0, 2, 3, 4, 1)) if first else data
    layer = layer_cls(**kwargs)
    if layer_cls is ZeroPadding3D:
        reference = np.pad(last, ((0, 0),) + layer.padding + ((0, 0),))
    elif layer_cls is Cropping3D:
        reference = last[(slice(None),) + tuple(slice(a, n - b) for (a, b), n in zip(
            layer.cropping, last.shape[1:4]))]
    else:
        reference = last
        for axis, factor in zip((1, 2, 3), layer.size):
            reference = np.repeat(reference, factor, axis=axis)
    reference = to_first(reference) if first else reference
    x = Input(shape=shape)
    y = layer(x)
    assert K.int_shape(y)[1:] == expected == reference.shape[1:]
    np.testing.assert_array_equal(Model(x, y).predict(data), reference)


LAYER_ROWS = [
    (Conv3D, {'filters': 2, 'kernel_size': 2}, (None, 3, 4, 3, 2), (None, 2, 3, 2, 2), 2),
    (Conv3D, {'filters': 2, 'kernel_size': (3, 2, 2), 'strides': (2, 1, 2),
              'padding': 'same', 'activation': 'tanh'},
     (None, 4, 3, 3, 1), (None, 2, 3, 2, 2), 2),
    (Conv3D, dict(CF, filters=2, kernel_size=2, dilation_rate=(2, 1, 1), use_bias=False),
     (None, 2, 3, 3, 3), (None, 2, 1, 2, 2), 1),
    (Conv3DTranspose, {'filters': 2, 'kernel_size': 2, 'strides': 2},
     (None, 2, 2, 1, 2), (None, 4, 4, 2, 2), 2),
    (Conv3DTranspose, dict(CF, filters=2, kernel_size=(3, 2, 3), padding='same',
                           output_padding=(1, 1, 0), strides=2),
     (None, 1, 2, 2, 2), (None, 2, 4, 3, 3), 2),
    (MaxPooling3D, {}, (None, 4, 4, 3, 2), (None, 2, 2, 1, 2), 0),
    (MaxPooling3D, dict(CF, pool_size=(3, 2, 2), strides=(2, 1, 1), padding='same'),
     (None, 2, 3, 3, 2), (None, 2, 2, 3, 2), 0),
    (AveragePooling3D, {'pool_size': 3, 'strides': 2, 'padding': 'same'},
     (None, 3, 4, 5, 2), (None, 2, 2, 3, 2), 0),
    (AveragePooling3D, dict(CF, pool_size=(2, 1, 2)), (None, 2, 4, 2, 3), (None, 2, 2, 2, 1),
     0),
    (GlobalMaxPooling3D, {}, (None, 2, 3, 2, 3), (None, 3), 0),
    (GlobalAveragePooling3D, CF, (None, 2, 2, 3, 2), (None, 2), 0),
    (ZeroPadding3D, {'padding': (1, 0, 2)}, (None, 2, 2, 2, 1), (None, 4, 2, 6, 1), 0),
    (Cropping3D, CF, (None, 2, 3, 4, 3), (None, 2, 1, 2, 1), 0),
    (UpSampling3D, {'size': (1, 2, 2)}, (None, 2, 2, 1, 2), (None, 2, 4, 2, 2), 0),
]


@pytest.mark.parametrize('layer_cls, kwargs, input_shape, output_shape, weights',
                         LAYER_ROWS, ids=lambda value: getattr(value, '__name__', None))
def test_layer_checks(layer_cls, kwargs, input_shape, output_shape, weights):
    run_layer_test(layer_cls, kwargs, input_shape, output_shape, expected_weights=weights)


def test_configs_and_weights_as_keras():
    conv = Conv3D(4, 3, name='c')
    conv.build((None, 5, 6, 7, 2))
    assert [w.name.split('/')[-1].split(':')[0] for w in conv.weights] == ['kernel', 'bias']
    assert K.int_shape(conv.kernel) == (3, 3, 3, 2, 4)
    config = conv.get_config()
    assert config['kernel_size'] == (3, 3, 3) and config['strides'] == (1, 1, 1)
    assert config['dilation_rate'] == (1, 1, 1) and config['padding'] == 'valid'
    deconv = Conv3DTranspose(4, (1, 2, 3))
    deconv.build((None, 5, 6, 7, 2))
    assert K.int_shape(deconv.kernel) == (1, 2, 3, 4, 2)
    config = deconv.get_config()
    assert 'dilation_rate' not in config and config['output_padding'] is None
    assert Conv3DTranspose.from_config(config).get_config() == config
    assert MaxPooling3D().get_config()['pool_size'] == (2, 2, 2)
    assert AveragePooling3D(3).get_config()['strides'] == (3, 3, 3)
    assert ZeroPadding3D().get_config()['padding'] == ((1, 1),) * 3
    assert Cropping3D().get_config()['cropping'] == ((1, 1),) * 3
    assert UpSampling3D().get_config()['size'] == (2, 2, 2)


def test_aliases_are_exported():
    pairs = {'Convolution3D': 'Conv3D', 'Deconvolution3D': 'Conv3DTranspose',
             'Deconv3D': 'Conv3DTranspose', 'MaxPool3D': 'MaxPooling3D',
             'AvgPool3D': 'AveragePooling3D', 'GlobalMaxPool3D': 'GlobalMaxPooling3D',
             'GlobalAvgPool3D': 'GlobalAveragePooling3D'}
    for alias, name in pairs.items():
        assert getattr(layers, alias) is getattr(layers, name)
        assert alias in layers.__all__ and name in layers.__all__


def test_unknown_batch_rows_and_cols_fold_at_run_time():
    x = Input(shape=(4, None, None, 2))
    y = MaxPooling3D(2)(Conv3D(3, (2, 3, 3), padding='same')(x))
    assert K.int_shape(y) == (None, 2, None, None, 3)
    assert Model(x, y).predict(np.ones((2, 4, 6, 5, 2), 'float32')).shape == (2, 2, 3, 2, 3)


@pytest.mark.parametrize('make, shape, message', [
    (lambda: Conv3D(2, 3, name='c3'), (4, 4, 2),
     'expected ndim=5, found ndim=4 (received shape (None, 4, 4, 2))'),
    (lambda: Conv3D(2, 3, name='c3'), (2, 4, 2, 1),
     "the window (3, 3, 3) (dilation (1, 1, 1)) does not fit in an input of shape "
     "(None, 2, 4, 2, 1) with padding 'valid'"),
    (lambda: Conv3D(2, 2, name='c3'), (None, 4, 4, 2),
     'needs inputs of static depth (the first spatial axis), received (None, None, 4, 4, 2)'),
    (lambda: MaxPooling3D(3, name='p'), (1, 5, 5, 1), 'does not fit in an input of shape'),
    (lambda: Cropping3D(2, name='cr'), (4, 5, 5, 1),
     'cropping (2, 2) leaves nothing of an axis of length 4'),
    (lambda: UpSampling3D(name='u'), (2, None, 2, 1),
     'needs static depth, rows, cols and channels, received (None, 2, None, 2, 1)'),
])
def test_errors_name_the_layer_and_shapes(make, shape, message):
    layer = make()
    with pytest.raises(ValueError) as error:
        layer(Input(shape=shape))
    text = str(error.value)
    assert type(layer).__name__ in text and "'%s'" % layer.name in text
    assert message in text


def test_argument_errors():
    with pytest.raises(ValueError, match="ZeroPadding3D 'z': `padding` must be an int"):
        ZeroPadding3D(((1, 2), (1, 2)), name='z')
    with pytest.raises(ValueError, match="Conv3DTranspose 't': each stride"):
        Conv3DTranspose(2, 3, strides=2, output_padding=2, name='t')
    with pytest.raises(ValueError, match="Conv3DTranspose 't': dilation is not supported"):
        Conv3DTranspose(2, 3, dilation_rate=2, name='t')
    with pytest.raises(ValueError, match="AveragePooling3D 'a': unknown padding"):
        AveragePooling3D(padding='full', name='a')
    with pytest.raises(ValueError, match='conv3d_transpose: output_shape'):
        K.conv3d_transpose(K.placeholder(shape=(None, 3, 3, 3, 2)), K.zeros((2, 2, 2, 1, 2)),
                           (None, 9, 6, 6, 1), strides=(2, 2, 2))
    with pytest.raises(ValueError, match='conv3d: the input of shape'):
        K.conv3d(K.placeholder(shape=(None, 3, 3, 3, 2)), K.zeros((2, 2, 2, 3, 1)))
    with pytest.raises(ValueError, match="pool3d: invalid pool_mode 'min'"):
        K.pool3d(K.placeholder(shape=(None, 3, 3, 3, 2)), (2, 2, 2), pool_mode='min')


def test_small_conv3d_model_trains_and_survives_json():
    rng = np.random.RandomState(0)
    data = rng.rand(32, 4, 6, 6, 1).astype('float32')
    labels = (data.mean(axis=(1, 2, 3, 4)) > 0.5).astype('float32')[:, None]
    model = Sequential([
        Conv3D(4, 3, padding='same', activation='relu', input_shape=(4, 6, 6, 1)),
        MaxPooling3D((1, 2, 2)),
        Conv3DTranspose(2, 2, strides=(1, 2, 2), padding='same'),
        Cropping3D(((0, 0), (1, 1), (1, 1))),
        ZeroPadding3D(((0, 0), (1, 1), (1, 1))),
        UpSampling3D((1, 1, 1)),
        AveragePooling3D(2, padding='same'),
        GlobalAveragePooling3D(),
        layers.Dense(1, activation='sigmoid'),
    ])
    model.compile('adam', 'binary_crossentropy')
    history = model.fit(data, labels, batch_size=8, epochs=8, verbose=0)
    losses = history.history['loss']
    assert losses[-1] < losses[0], losses
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(data), model.predict(data), rtol=1e-5)
