"""Pooling layers: MaxPooling2D, AveragePooling2D, global pooling, aliases."""
import numpy as np
import pytest

from layer_test_utils import run_layer_test
from symkeras import backend as K
from symkeras.layers import (Input, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D,
                             GlobalMaxPooling2D, MaxPool2D, AvgPool2D)
from symkeras.models import Model


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def numpy_pool(x, size, strides, padding, reduce):
    """Reference NHWC pooling; 'same' windows only cover pixels inside the input."""
    rows, cols = x.shape[1:3]
    if padding == 'same':
        out_r, out_c = -(-rows // strides[0]), -(-cols // strides[1])
        pad_r = max((out_r - 1) * strides[0] + size[0] - rows, 0) // 2
        pad_c = max((out_c - 1) * strides[1] + size[1] - cols, 0) // 2
    else:
        out_r = (rows - size[0]) // strides[0] + 1
        out_c = (cols - size[1]) // strides[1] + 1
        pad_r = pad_c = 0
    out = np.zeros((x.shape[0], out_r, out_c, x.shape[3]))
    for i in range(out_r):
        for j in range(out_c):
            r0, c0 = i * strides[0] - pad_r, j * strides[1] - pad_c
            window = x[:, max(r0, 0):r0 + size[0], max(c0, 0):c0 + size[1], :]
            out[:, i, j, :] = reduce(window, axis=(1, 2))
    return out


def apply(layer, data):
    x = Input(shape=data.shape[1:])
    return Model(x, layer(x)).predict(data)


@pytest.mark.parametrize('layer_cls, reduce', [(MaxPooling2D, np.max),
                                               (AveragePooling2D, np.mean)])
@pytest.mark.parametrize('size, strides, padding', [
    ((2, 2), None, 'valid'), ((3, 3), (2, 2), 'same'), ((2, 3), (1, 2), 'valid'),
    ((3, 2), (2, 1), 'same')])
def test_pooling_values_match_numpy(layer_cls, reduce, size, strides, padding):
    data = np.random.RandomState(0).randn(2, 7, 6, 3).astype('float32')
    out = apply(layer_cls(size, strides, padding), data)
    reference = numpy_pool(data, size, strides or size, padding, reduce)
    np.testing.assert_allclose(out, reference, rtol=1e-5, atol=1e-6)


def test_pooling_channels_first():
    data = np.random.RandomState(2).randn(2, 3, 4, 4).astype('float32')
    out = apply(MaxPooling2D(data_format='channels_first'), data)
    reference = numpy_pool(data.transpose(0, 2, 3, 1), (2, 2), (2, 2), 'valid', np.max)
    np.testing.assert_allclose(out, reference.transpose(0, 3, 1, 2), rtol=1e-6)


def test_pooling_config_and_defaults():
    config = MaxPooling2D().get_config()
    assert config['pool_size'] == (2, 2) and config['strides'] == (2, 2)
    assert config['padding'] == 'valid' and config['data_format'] == 'channels_last'
    assert MaxPooling2D(padding='Same').padding == 'same'


def test_pooling_unknown_padding_lists_choices():
    with pytest.raises(ValueError, match='valid, same'):
        AveragePooling2D(padding='causal')


def test_pooling_aliases():
    assert MaxPool2D is MaxPooling2D and AvgPool2D is AveragePooling2D


@pytest.mark.parametrize('layer_cls, reduce', [(GlobalAveragePooling2D, np.mean),
                                               (GlobalMaxPooling2D, np.max)])
def test_global_pooling(layer_cls, reduce):
    data = np.random.RandomState(3).randn(2, 4, 5, 3).astype('float32')
    out = run_layer_test(layer_cls, {}, (None, 4, 5, 3), (None, 3), input_data=data)
    np.testing.assert_allclose(out, reduce(data, axis=(1, 2)), rtol=1e-5, atol=1e-6)
    first = apply(layer_cls(data_format='channels_first'), data.transpose(0, 3, 1, 2))
    np.testing.assert_allclose(first, reduce(data, axis=(1, 2)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('layer_class', [MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D])
def test_unknown_data_format_names_layer_and_choices(layer_class):
    with pytest.raises(ValueError) as info:
        layer_class(data_format='nhwc', name='pool')
    message = str(info.value)
    assert message.startswith("%s 'pool': " % layer_class.__name__)
    assert 'channels_last' in message and 'channels_first' in message
