"""ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D: shapes, values, arguments, errors."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import (Input, ZeroPadding1D, ZeroPadding2D, Cropping1D, Cropping2D,
                             UpSampling1D, UpSampling2D, Conv2D)
from symkeras.models import Model, Sequential

IMAGES = np.random.RandomState(0).randn(2, 4, 5, 3).astype('float32')
SEQUENCES = np.random.RandomState(1).randn(2, 6, 3).astype('float32')


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def apply(layer, data):
    x = Input(shape=data.shape[1:])
    return Model(x, layer(x)).predict(data)


@pytest.mark.parametrize('padding, pads', [
    (1, ((1, 1), (1, 1))), ((2, 0), ((2, 2), (0, 0))), (((1, 0), (0, 3)), ((1, 0), (0, 3)))])
def test_zero_padding2d_values(padding, pads):
    out = apply(ZeroPadding2D(padding), IMAGES)
    np.testing.assert_array_equal(out, np.pad(IMAGES, ((0, 0),) + pads + ((0, 0),)))


def test_zero_padding2d_channels_first_and_config():
    data = IMAGES.transpose(0, 3, 1, 2)
    out = apply(ZeroPadding2D((1, 2), data_format='channels_first'), data)
    np.testing.assert_array_equal(out, np.pad(data, ((0, 0), (0, 0), (1, 1), (2, 2))))
    config = ZeroPadding2D(1).get_config()
    assert config['padding'] == ((1, 1), (1, 1)) and config['data_format'] == 'channels_last'


@pytest.mark.parametrize('cropping, index', [
    (1, np.s_[:, 1:3, 1:4]), ((0, 2), np.s_[:, :, 2:3]), (((1, 0), (0, 3)), np.s_[:, 1:, :2])])
def test_cropping2d_values(cropping, index):
    np.testing.assert_array_equal(apply(Cropping2D(cropping), IMAGES), IMAGES[index])


def test_cropping2d_of_unknown_size_and_training():
    x = Input(shape=(None, None, 3))
    model = Model(x, Cropping2D(((1, 1), (0, 2)))(x))
    np.testing.assert_array_equal(model.predict(IMAGES), IMAGES[:, 1:3, :3])
    net = Sequential([Conv2D(2, 3, padding='same', input_shape=(6, 6, 1)),
                      Cropping2D(1)])
    net.compile('sgd', 'mse')
    data = np.random.RandomState(2).randn(4, 6, 6, 1).astype('float32')
    first = net.train_on_batch(data, np.zeros((4, 4, 4, 2), 'float32'))
    assert net.train_on_batch(data, np.zeros((4, 4, 4, 2), 'float32')) < first


def test_upsampling2d_values_and_channels_first():
    out = apply(UpSampling2D((2, 3)), IMAGES)
    np.testing.assert_array_equal(out, IMAGES.repeat(2, axis=1).repeat(3, axis=2))
    data = IMAGES.transpose(0, 3, 1, 2)
    out = apply(UpSampling2D(2, data_format='channels_first'), data)
    np.testing.assert_array_equal(out, data.repeat(2, axis=2).repeat(2, axis=3))
    assert UpSampling2D().get_config()['interpolation'] == 'nearest'


def test_one_d_values():
    np.testing.assert_array_equal(apply(ZeroPadding1D(), SEQUENCES),
                                  np.pad(SEQUENCES, ((0, 0), (1, 1), (0, 0))))
    np.testing.assert_array_equal(apply(Cropping1D((2, 1)), SEQUENCES), SEQUENCES[:, 2:5])
    np.testing.assert_array_equal(apply(UpSampling1D(2), SEQUENCES),
                                  SEQUENCES.repeat(2, axis=1))


def test_errors_name_the_layer():
    with pytest.raises(ValueError, match="Cropping2D .cropping2d_1.*leaves nothing"):
        Cropping2D(((2, 2), (0, 0)))(Input(shape=(4, 5, 3)))
    with pytest.raises(ValueError, match='padding'):
        ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match='>= 0'):
        ZeroPadding1D(-1)
    with pytest.raises(ValueError, match="'nearest'"):
        UpSampling2D(interpolation='bilinear')
    with pytest.raises(ValueError, match='expected ndim=4'):
        ZeroPadding2D()(Input(shape=(4, 5)))
