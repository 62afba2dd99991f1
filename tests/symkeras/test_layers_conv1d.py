"""Conv1D (alias Convolution1D): shapes, values against numpy, causal padding, errors."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import Input, Conv1D, Convolution1D
from symkeras.models import Model


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def numpy_conv1d(x, w, stride, padding, dilation=1):
    """Reference (batch, steps, channels) convolution with kernel (width, in, filters)."""
    span = (w.shape[0] - 1) * dilation + 1
    steps = x.shape[1]
    if padding == 'causal':
        x = np.pad(x, [(0, 0), (span - 1, 0), (0, 0)])
    elif padding == 'same':
        total = max((-(-steps // stride) - 1) * stride + span - steps, 0)
        x = np.pad(x, [(0, 0), (total // 2, total - total // 2), (0, 0)])
    length = (x.shape[1] - span) // stride + 1
    out = np.zeros((x.shape[0], length, w.shape[2]))
    for i in range(length):
        window = x[:, i * stride:i * stride + span:dilation, :]
        out[:, i] = np.tensordot(window, w, axes=([1, 2], [0, 1]))
    return out


@pytest.mark.parametrize('padding, stride, dilation, steps', [
    ('valid', 1, 1, 7), ('same', 2, 1, 7), ('same', 1, 2, 8), ('causal', 1, 3, 9),
    ('valid', 3, 1, 10), ('causal', 2, 1, 7)])
def test_conv1d_values_match_numpy(padding, stride, dilation, steps):
    layer = Conv1D(4, 3, strides=stride, padding=padding, dilation_rate=dilation,
                   bias_initializer='ones')
    x = Input(shape=(steps, 2))
    y = layer(x)
    data = np.random.RandomState(0).randn(2, steps, 2).astype('float32')
    out = Model(x, y).predict(data)
    kernel, bias = layer.get_weights()
    reference = numpy_conv1d(data, kernel, stride, padding, dilation) + bias
    assert K.int_shape(y) == (None,) + reference.shape[1:]
    np.testing.assert_allclose(out, reference, rtol=1e-4, atol=1e-5)


def test_causal_output_never_sees_later_steps():
    x = Input(shape=(8, 1))
    model = Model(x, Conv1D(1, 3, padding='causal', dilation_rate=2)(x))
    data = np.random.RandomState(1).randn(1, 8, 1).astype('float32')
    changed = data.copy()
    changed[0, 5:] += 10.0
    before, after = model.predict(data), model.predict(changed)
    np.testing.assert_allclose(before[0, :5], after[0, :5], rtol=1e-6)
    assert not np.allclose(before[0, 5:], after[0, 5:])


def test_conv1d_channels_first():
    layer = Conv1D(3, 2, data_format='channels_first')
    x = Input(shape=(2, 6))
    y = layer(x)
    assert K.int_shape(y) == (None, 3, 5)
    data = np.random.RandomState(2).randn(2, 2, 6).astype('float32')
    kernel, bias = layer.get_weights()
    reference = numpy_conv1d(data.transpose(0, 2, 1), kernel, 1, 'valid') + bias
    np.testing.assert_allclose(Model(x, y).predict(data), reference.transpose(0, 2, 1),
                               rtol=1e-4, atol=1e-5)


def test_conv1d_kernel_shape_config_and_alias():
    assert Convolution1D is Conv1D
    layer = Conv1D(5, 4)
    layer(Input(shape=(10, 3)))
    assert K.int_shape(layer.kernel) == (4, 3, 5)
    config = layer.get_config()
    assert config['kernel_size'] == (4,) and config['strides'] == (1,)
    assert config['dilation_rate'] == (1,) and config['data_format'] == 'channels_last'
    assert Conv1D(1, 2, padding='CAUSAL').padding == 'causal'


def test_conv1d_errors_name_the_layer():
    with pytest.raises(ValueError, match='valid, same, causal'):
        Conv1D(1, 2, padding='full')
    with pytest.raises(ValueError, match='causal'):
        Conv1D(1, 2, padding='causal', data_format='channels_first')
    with pytest.raises(ValueError, match="Conv1D 'conv1d_3'.*does not fit"):
        Conv1D(1, 5)(Input(shape=(3, 2)))
    with pytest.raises(ValueError, match="conv1d_4.*expected ndim=3"):
        Conv1D(1, 2)(Input(shape=(5, 5, 2)))
