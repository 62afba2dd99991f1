"""Conv2DTranspose (aliases Deconvolution2D, Deconv2D, Convolution2DTranspose): shapes,
values against a numpy scatter, the adjoint of Conv2D, arguments and errors."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import (Input, Conv2DTranspose, Deconvolution2D, Deconv2D,
                             Convolution2DTranspose)
from symkeras.models import Model


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def same_before(out_size, kernel, stride):
    """Padding before the data of a forward 'same' conv of an `out_size` input."""
    total = max((-(-out_size // stride) - 1) * stride + kernel - out_size, 0)
    return total // 2


def numpy_conv_transpose(x, w, strides, padding, out_hw):
    """Scatter each input pixel through the kernel (rows, cols, filters, in_channels)."""
    kh, kw = w.shape[:2]
    tops = [same_before(n, k, s) if padding == 'same' else 0
            for n, k, s in zip(out_hw, (kh, kw), strides)]
    out = np.zeros((x.shape[0],) + tuple(out_hw) + (w.shape[2],))
    for i in range(x.shape[1]):
        for j in range(x.shape[2]):
            for a in range(kh):
                for b in range(kw):
                    r, c = i * strides[0] + a - tops[0], j * strides[1] + b - tops[1]
                    if 0 <= r < out_hw[0] and 0 <= c < out_hw[1]:
                        out[:, r, c] += x[:, i, j] @ w[a, b].T
    return out


@pytest.mark.parametrize('kernel, strides, padding, output_padding, expected_hw', [
    ((3, 3), (1, 1), 'valid', None, (7, 8)),
    ((3, 3), (2, 2), 'same', None, (10, 12)),
    ((2, 3), (2, 3), 'valid', None, (10, 18)),
    ((4, 4), (2, 2), 'same', (1, 1), (9, 11)),
    ((3, 2), (3, 2), 'valid', (2, 1), (17, 13)),
    ((1, 1), (3, 3), 'valid', None, (15, 18)),
])
def test_conv2d_transpose_values_match_numpy(kernel, strides, padding, output_padding,
                                             expected_hw):
    layer = Conv2DTranspose(3, kernel, strides=strides, padding=padding,
                            output_padding=output_padding, bias_initializer='ones')
    x = Input(shape=(5, 6, 2))
    y = layer(x)
    assert K.int_shape(y) == (None,) + expected_hw + (3,)
    data = np.random.RandomState(0).randn(2, 5, 6, 2).astype('float32')
    w, bias = layer.get_weights()
    assert w.shape == kernel + (3, 2)
    reference = numpy_conv_transpose(data, w, strides, padding, expected_hw) + bias
    np.testing.assert_allclose(Model(x, y).predict(data), reference, rtol=1e-4, atol=1e-5)


def test_conv2d_transpose_is_the_adjoint_of_conv2d():
    rng = np.random.RandomState(3)
    images = K.placeholder(shape=(None, 7, 6, 2))
    maps = K.placeholder(shape=(None, 4, 3, 5))
    kernel = K.variable(rng.randn(3, 3, 2, 5))
    forward = K.conv2d(images, kernel, strides=(2, 2), padding='same')
    backward = K.conv2d_transpose(maps, kernel, (None, 7, 6, 2), strides=(2, 2),
                                  padding='same')
    x, g = rng.randn(2, 7, 6, 2).astype('float32'), rng.randn(2, 4, 3, 5).astype('float32')
    conv_x = K.function([images], [forward])([x])[0]
    deconv_g = K.function([maps], [backward])([g])[0]
    np.testing.assert_allclose(np.sum(conv_x * g), np.sum(x * deconv_g), rtol=1e-4)


def test_conv2d_transpose_channels_first():
    layer = Conv2DTranspose(2, 2, strides=2, data_format='channels_first')
    x = Input(shape=(3, 4, 5))
    y = layer(x)
    assert K.int_shape(y) == (None, 2, 8, 10)
    data = np.random.RandomState(1).randn(2, 3, 4, 5).astype('float32')
    w, bias = layer.get_weights()
    nhwc = numpy_conv_transpose(data.transpose(0, 2, 3, 1), w, (2, 2), 'valid', (8, 10))
    np.testing.assert_allclose(Model(x, y).predict(data), (nhwc + bias).transpose(0, 3, 1, 2),
                               rtol=1e-4, atol=1e-5)


def test_conv2d_transpose_aliases_and_config():
    assert Deconvolution2D is Deconv2D is Convolution2DTranspose is Conv2DTranspose
    config = Conv2DTranspose(4, 3, strides=2, output_padding=1).get_config()
    assert config['output_padding'] == (1, 1) and config['strides'] == (2, 2)
    assert Conv2DTranspose.from_config(config).get_config()['output_padding'] == (1, 1)
    assert Conv2DTranspose(4, 3).get_config()['output_padding'] is None


def test_conv2d_transpose_errors():
    with pytest.raises(ValueError, match='output padding'):
        Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match='static rows and cols'):
        Conv2DTranspose(2, 3)(Input(shape=(None, None, 3)))
    with pytest.raises(ValueError, match='valid, same'):
        Conv2DTranspose(2, 3, padding='causal')
