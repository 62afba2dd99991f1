"""1-D pooling layers: MaxPooling1D, AveragePooling1D, GlobalMax/AveragePooling1D,
their aliases, masks and errors."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import (Input, Embedding, MaxPooling1D, AveragePooling1D,
                             GlobalMaxPooling1D, GlobalAveragePooling1D, MaxPool1D, AvgPool1D,
                             GlobalMaxPool1D, GlobalAvgPool1D)
from symkeras.models import Model

DATA = np.random.RandomState(0).randn(2, 7, 3).astype('float32')


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def numpy_pool1d(x, size, stride, padding, reduce):
    """Reference (batch, steps, channels) pooling; 'same' windows stay inside the input."""
    steps = x.shape[1]
    if padding == 'same':
        length = -(-steps // stride)
        before = max((length - 1) * stride + size - steps, 0) // 2
    else:
        length, before = (steps - size) // stride + 1, 0
    out = np.zeros((x.shape[0], length, x.shape[2]))
    for i in range(length):
        start = i * stride - before
        out[:, i] = reduce(x[:, max(start, 0):start + size], axis=1)
    return out


def apply(layer, data=DATA):
    x = Input(shape=data.shape[1:])
    return Model(x, layer(x)).predict(data)


@pytest.mark.parametrize('layer_cls, reduce', [(MaxPooling1D, np.max),
                                               (AveragePooling1D, np.mean)])
@pytest.mark.parametrize('size, stride, padding', [
    (2, None, 'valid'), (3, 2, 'same'), (3, 1, 'valid'), (2, 3, 'same')])
def test_pooling1d_values_match_numpy(layer_cls, reduce, size, stride, padding):
    out = apply(layer_cls(size, stride, padding))
    np.testing.assert_allclose(out, numpy_pool1d(DATA, size, stride or size, padding, reduce),
                               rtol=1e-5, atol=1e-6)


def test_pooling1d_channels_first():
    data = DATA.transpose(0, 2, 1)
    out = apply(MaxPooling1D(2, data_format='channels_first'), data)
    reference = numpy_pool1d(DATA, 2, 2, 'valid', np.max).transpose(0, 2, 1)
    np.testing.assert_allclose(out, reference, rtol=1e-6)


def test_global_pooling1d_values():
    np.testing.assert_allclose(apply(GlobalMaxPooling1D()), DATA.max(axis=1), rtol=1e-6)
    np.testing.assert_allclose(apply(GlobalAveragePooling1D()), DATA.mean(axis=1), rtol=1e-5)
    data = DATA.transpose(0, 2, 1)
    np.testing.assert_allclose(apply(GlobalMaxPooling1D('channels_first'), data),
                               DATA.max(axis=1), rtol=1e-6)


def test_global_average_pooling1d_uses_the_mask():
    tokens = np.array([[1, 2, 3, 0, 0], [4, 0, 0, 0, 0]])
    inputs = Input(shape=(5,), dtype='int32')
    embedding = Embedding(5, 3, mask_zero=True)
    pooled = GlobalAveragePooling1D()(embedding(inputs))
    out = Model(inputs, pooled).predict(tokens)
    table = embedding.get_weights()[0]
    np.testing.assert_allclose(out[0], table[[1, 2, 3]].mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(out[1], table[4], rtol=1e-5)


def test_aliases_and_config():
    assert MaxPool1D is MaxPooling1D and AvgPool1D is AveragePooling1D
    assert GlobalMaxPool1D is GlobalMaxPooling1D and GlobalAvgPool1D is GlobalAveragePooling1D
    config = MaxPooling1D(3).get_config()
    assert config['pool_size'] == (3,) and config['strides'] == (3,)
    assert config['padding'] == 'valid' and config['data_format'] == 'channels_last'


def test_pooling1d_errors():
    with pytest.raises(ValueError, match='valid, same'):
        MaxPooling1D(padding='causal')
    with pytest.raises(ValueError, match="MaxPooling1D .max_pooling1d_2.*does not fit"):
        MaxPooling1D(4)(Input(shape=(3, 2)))
    with pytest.raises(ValueError, match="global_max_pooling1d_1.*expected ndim=3"):
        GlobalMaxPooling1D()(Input(shape=(3, 2, 2)))
