"""Embedding: lookup, shapes, masking, config, training."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import Input, Embedding, Flatten, Dense
from symkeras.models import Model, Sequential


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def test_embedding_looks_up_rows():
    layer = Embedding(6, 2)
    x = Input(shape=(3,))
    out = Model(x, layer(x)).predict(np.array([[0, 5, 2], [1, 1, 4]], dtype='float32'))
    table = layer.get_weights()[0]
    np.testing.assert_array_equal(out, table[[[0, 5, 2], [1, 1, 4]]])


def test_embedding_input_length_in_sequential_and_training():
    model = Sequential([Embedding(5, 4, input_length=3), Flatten(), Dense(1)])
    assert model.output_shape == (None, 1)
    model.compile('sgd', 'mse')
    data = np.array([[0, 1, 2], [3, 4, 0]])
    before = model.layers[0].get_weights()[0].copy()
    model.train_on_batch(data, np.ones((2, 1)))
    after = model.layers[0].get_weights()[0]
    assert not np.allclose(before[:5], after[:5])


def test_embedding_default_initializer_range_and_config():
    layer = Embedding(100, 8, mask_zero=True, input_length=7)
    layer(Input(shape=(7,)))
    assert np.abs(layer.get_weights()[0]).max() <= 0.05
    config = layer.get_config()
    assert config['embeddings_initializer']['class_name'] == 'RandomUniform'
    assert (config['input_dim'], config['output_dim'], config['mask_zero'],
            config['input_length']) == (100, 8, True, 7)


def test_embedding_mask_zero():
    layer = Embedding(4, 2, mask_zero=True)
    x = Input(shape=(3,))
    mask = layer.compute_mask(x)
    out = K.function([x], [mask])([np.array([[0, 1, 2]], dtype='float32')])[0]
    np.testing.assert_array_equal(out, [[False, True, True]])


def test_embedding_input_length_mismatch():
    with pytest.raises(ValueError, match="Embedding 'embedding_1': input_length"):
        Embedding(4, 2, input_length=3).compute_output_shape((None, 5))


def test_unknown_initializer_names_layer_and_choices():
    with pytest.raises(ValueError) as info:
        Embedding(5, 2, embeddings_initializer='uniformm', name='emb')
    assert str(info.value).startswith("Embedding 'emb': ")
    assert 'uniform' in str(info.value)
