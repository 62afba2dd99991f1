"""Conv2D (alias Convolution2D): shapes, values against numpy, arguments, errors."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import Input, Conv2D, Convolution2D
from symkeras.models import Model


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def same_pads(n, k, s, d=1):
    """(before, after) padding of Keras-on-TensorFlow 'same' (odd pixel after)."""
    k = (k - 1) * d + 1
    total = max((-(-n // s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def numpy_conv2d(x, w, strides, padding, dilation=(1, 1)):
    """Reference NHWC convolution with kernel (kh, kw, cin, cout)."""
    kh, kw = w.shape[:2]
    if padding == 'same':
        pads = [same_pads(x.shape[1], kh, strides[0], dilation[0]),
                same_pads(x.shape[2], kw, strides[1], dilation[1])]
        x = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    span_h, span_w = (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1
    rows = (x.shape[1] - span_h) // strides[0] + 1
    cols = (x.shape[2] - span_w) // strides[1] + 1
    out = np.zeros((x.shape[0], rows, cols, w.shape[3]))
    for i in range(rows):
        for j in range(cols):
            r, c = i * strides[0], j * strides[1]
            patch = x[:, r:r + span_h:dilation[0], c:c + span_w:dilation[1], :]
            out[:, i, j, :] = np.tensordot(patch, w, axes=([1, 2, 3], [0, 1, 2]))
    return out


@pytest.mark.parametrize('padding, strides, dilation, expected', [
    ('valid', (1, 1), (1, 1), (None, 5, 6, 4)),
    ('same', (1, 1), (1, 1), (None, 7, 8, 4)),
    ('same', (2, 2), (1, 1), (None, 4, 4, 4)),
    ('valid', (2, 3), (1, 1), (None, 3, 2, 4)),
    ('valid', (1, 1), (2, 2), (None, 3, 4, 4)),
    ('same', (1, 1), (2, 1), (None, 7, 8, 4)),
])
def test_conv2d_values_match_numpy(padding, strides, dilation, expected):
    layer = Conv2D(4, 3, strides=strides, padding=padding, dilation_rate=dilation,
                   bias_initializer='ones')
    x = Input(shape=(7, 8, 2))
    y = layer(x)
    assert K.int_shape(y) == expected
    data = np.random.RandomState(0).randn(2, 7, 8, 2).astype('float32')
    out = Model(x, y).predict(data)
    kernel, bias = layer.get_weights()
    reference = numpy_conv2d(data, kernel, strides, padding, dilation) + bias
    np.testing.assert_allclose(out, reference, rtol=1e-4, atol=1e-5)


def test_conv2d_channels_first():
    layer = Conv2D(3, (2, 2), data_format='channels_first', activation='relu')
    x = Input(shape=(2, 5, 4))
    y = layer(x)
    assert K.int_shape(y) == (None, 3, 4, 3)
    assert K.int_shape(layer.kernel) == (2, 2, 2, 3)
    data = np.random.RandomState(1).randn(2, 2, 5, 4).astype('float32')
    out = Model(x, y).predict(data)
    kernel, bias = layer.get_weights()
    nhwc = numpy_conv2d(data.transpose(0, 2, 3, 1), kernel, (1, 1), 'valid') + bias
    np.testing.assert_allclose(out, np.maximum(nhwc, 0).transpose(0, 3, 1, 2), rtol=1e-4,
                               atol=1e-5)


def test_conv2d_kernel_shape_and_defaults():
    layer = Conv2D(8, (3, 5))
    layer(Input(shape=(10, 10, 3)))
    assert K.int_shape(layer.kernel) == (3, 5, 3, 8)
    config = layer.get_config()
    assert config['strides'] == (1, 1) and config['dilation_rate'] == (1, 1)
    assert config['padding'] == 'valid' and config['data_format'] == 'channels_last'
    assert config['kernel_initializer']['config']['distribution'] == 'uniform'
    assert config['bias_initializer'] == {'class_name': 'Zeros', 'config': {}}


def test_conv2d_padding_is_case_insensitive():
    assert Conv2D(1, 3, padding='SAME').padding == 'same'


def test_conv2d_unknown_padding_lists_choices():
    with pytest.raises(ValueError, match="valid, same"):
        Conv2D(1, 3, padding='full')


def test_conv2d_bad_kernel_size():
    with pytest.raises(ValueError, match='kernel_size'):
        Conv2D(1, (3, 3, 3))


def test_conv2d_window_larger_than_input_names_layer():
    with pytest.raises(ValueError, match="Conv2D 'conv2d_1'.*does not fit.*"):
        Conv2D(1, 5)(Input(shape=(3, 3, 1)))


def test_conv2d_wrong_rank_names_layer():
    with pytest.raises(ValueError, match="conv2d_1"):
        Conv2D(1, 3)(Input(shape=(8, 8)))


def test_conv2d_alias():
    assert Convolution2D is Conv2D


@pytest.mark.parametrize('kwargs, choice', [
    ({'data_format': 'nhwc'}, 'channels_last'),
    ({'activation': 'rel'}, 'relu'),
    ({'bias_initializer': 'zero_'}, 'zeros'),
])
def test_unknown_string_argument_names_layer_and_choices(kwargs, choice):
    with pytest.raises(ValueError) as info:
        Conv2D(4, 3, name='conv', **kwargs)
    assert str(info.value).startswith("Conv2D 'conv': ") and choice in str(info.value)
