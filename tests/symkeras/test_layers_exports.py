"""symkeras.layers exports the Keras 2 names and aliases; models built from the newer
layers survive save/load and JSON round trips."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras import layers
from symkeras.models import Sequential, load_model, model_from_json

ALIASES = {
    'Convolution1D': 'Conv1D', 'Convolution2D': 'Conv2D', 'Deconvolution2D': 'Conv2DTranspose',
    'Deconv2D': 'Conv2DTranspose', 'Convolution2DTranspose': 'Conv2DTranspose',
    'MaxPool1D': 'MaxPooling1D', 'MaxPool2D': 'MaxPooling2D', 'AvgPool1D': 'AveragePooling1D',
    'AvgPool2D': 'AveragePooling2D', 'GlobalMaxPool1D': 'GlobalMaxPooling1D',
    'GlobalMaxPool2D': 'GlobalMaxPooling2D', 'GlobalAvgPool1D': 'GlobalAveragePooling1D',
    'GlobalAvgPool2D': 'GlobalAveragePooling2D',
}

NEW_LAYERS = [
    'Conv1D', 'Conv2DTranspose', 'MaxPooling1D', 'AveragePooling1D', 'GlobalMaxPooling1D',
    'GlobalAveragePooling1D', 'ZeroPadding1D', 'ZeroPadding2D', 'Cropping1D', 'Cropping2D',
    'UpSampling1D', 'UpSampling2D', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU',
    'Softmax', 'ReLU', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
    'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'Dot', 'RNN', 'SimpleRNN',
    'GRU', 'LSTM', 'SimpleRNNCell', 'GRUCell', 'LSTMCell', 'Permute', 'RepeatVector',
    'Subtract', 'Average', 'Maximum', 'Minimum']


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


@pytest.mark.parametrize('alias, name', sorted(ALIASES.items()))
def test_aliases(alias, name):
    assert getattr(layers, alias) is getattr(layers, name)
    assert alias in layers.__all__


@pytest.mark.parametrize('name', NEW_LAYERS)
def test_exported_with_docstring(name):
    assert name in layers.__all__
    assert getattr(layers, name).__doc__


def build_model():
    return Sequential([
        layers.Conv1D(4, 3, padding='causal', input_shape=(8, 2)),
        layers.LeakyReLU(0.1),
        layers.MaxPooling1D(2),
        layers.GRU(5, return_sequences=True, reset_after=True),
        layers.SpatialDropout1D(0.2),
        layers.LSTM(3, go_backwards=True),
        layers.RepeatVector(2),
        layers.SimpleRNN(2),
        layers.PReLU(),
    ])


def test_save_load_and_json_round_trip(tmp_path):
    model = build_model()
    model.compile('adam', 'mse')
    data = np.random.RandomState(0).randn(4, 8, 2).astype('float32')
    model.fit(data, np.zeros((4, 2), 'float32'), epochs=1, verbose=0)
    path = str(tmp_path / 'model.h5')
    model.save(path)
    restored = load_model(path)
    np.testing.assert_allclose(restored.predict(data), model.predict(data), rtol=1e-5)
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(data), model.predict(data), rtol=1e-5)
    assert [type(layer).__name__ for layer in clone.layers] == [
        type(layer).__name__ for layer in model.layers]


def test_image_model_round_trip(tmp_path):
    model = Sequential([
        layers.ZeroPadding2D(1, input_shape=(6, 6, 1)),
        layers.Conv2D(2, 3),
        layers.UpSampling2D(),
        layers.Cropping2D(2),
        layers.Conv2DTranspose(2, 3, strides=2, padding='same'),
        layers.ReLU(max_value=6.),
        layers.GaussianNoise(0.1),
        layers.GlobalAveragePooling2D(),
    ])
    data = np.random.RandomState(1).randn(3, 6, 6, 1).astype('float32')
    assert model.output_shape == (None, 2)
    model.compile('sgd', 'mse')
    path = str(tmp_path / 'images.skm')
    model.save(path)
    np.testing.assert_allclose(load_model(path).predict(data), model.predict(data), rtol=1e-5)
