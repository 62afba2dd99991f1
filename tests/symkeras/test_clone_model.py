"""clone_model (Keras 2.2.4): same architecture, fresh weights, independent training;
Sequential and functional models, shared layers, input_tensors."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import (Dense, Dropout, Embedding, Input, InputLayer, Lambda, LSTM,
                             concatenate)
from symkeras.models import Model, Sequential, clone_model

X = np.random.RandomState(0).rand(6, 4).astype('float32')
Y = np.random.RandomState(1).rand(6, 2).astype('float32')


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def sequential():
    return Sequential([Dense(5, activation='relu', input_shape=(4,)), Dropout(0.5),
                       Dense(2)], name='stack')


def functional_with_shared_layer():
    left, right = Input(shape=(4,), name='left'), Input(shape=(4,), name='right')
    shared = Dense(3, activation='tanh', name='shared')
    merged = concatenate([shared(left), shared(right)])
    return Model([left, right], Dense(2, name='head')(merged), name='siamese')


def check_clone(model, clone, data):
    """Different weights at first, the same predictions with the same weights."""
    assert type(clone) is type(model) and clone.name == model.name
    assert [type(layer) for layer in clone.layers] == [type(layer) for layer in model.layers]
    assert len(clone.weights) == len(model.weights)
    assert not any(a is b for a, b in zip(clone.weights, model.weights))
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    kernels = [(a, b) for a, b in zip(clone.get_weights(), model.get_weights()) if a.ndim == 2]
    assert kernels and all(not np.allclose(a, b) for a, b in kernels)
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(data), model.predict(data), rtol=1e-6)


def test_clone_of_a_sequential_model():
    model = sequential()
    clone = clone_model(model)
    assert isinstance(clone, Sequential)
    check_clone(model, clone, X)
    assert clone.get_config() == model.get_config()


def test_clone_of_a_functional_model_with_a_shared_layer():
    model = functional_with_shared_layer()
    clone = clone_model(model)
    assert isinstance(clone, Model) and len(clone.layers) == len(model.layers) == 5
    shared = clone.get_layer('shared')
    assert len(shared._inbound_nodes) == 2 and len(clone.weights) == 4
    assert clone.input_names == model.input_names
    check_clone(model, clone, [X, X[::-1]])


def test_clones_train_independently():
    model = sequential()
    clone = clone_model(model)
    clone.set_weights(model.get_weights())
    before = [w.copy() for w in model.get_weights()]
    clone.compile('sgd', 'mse')
    clone.fit(X, Y, epochs=2, verbose=0)
    for kept, now in zip(before, model.get_weights()):
        np.testing.assert_array_equal(kept, now)
    assert any(not np.allclose(a, b) for a, b in zip(clone.get_weights(), before))
    model.compile('adam', 'mse')
    model.fit(X, Y, epochs=1, verbose=0)      # the original still trains on its own graph


def test_clone_on_given_input_tensors():
    model = functional_with_shared_layer()
    inputs = [Input(shape=(4,), name='a'), K.placeholder(shape=(None, 4), name='b')]
    clone = clone_model(model, input_tensors=inputs)
    assert clone.inputs[0] is inputs[0]
    assert clone._input_layers[1].name == 'input_wrapper_for_right'
    seq_input = Input(shape=(4,), name='given')
    clone = clone_model(sequential(), input_tensors=seq_input)
    assert clone.inputs == [seq_input] and K.int_shape(clone.output) == (None, 2)
    clone.set_weights(sequential().get_weights())
    assert clone.predict(X).shape == (6, 2)


def test_clone_keeps_an_explicit_input_layer_and_masks():
    model = Sequential([InputLayer(input_shape=(5,), dtype='int32', name='tokens'),
                        Embedding(10, 3, mask_zero=True), LSTM(4)])
    clone = clone_model(model)
    assert clone.built and clone.input_names == ['tokens']
    tokens = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 6, 0]], 'int32')
    check_clone(model, clone, tokens)


def test_clone_of_a_nested_model_and_a_lambda():
    inner = sequential()
    x = Input(shape=(4,))
    model = Model(x, Lambda(lambda t: t * 2)(inner(x)))
    clone = clone_model(model)
    assert clone.layers[1] is not inner
    check_clone(model, clone, X)


def test_clone_model_errors():
    with pytest.raises(ValueError, match=r"clone_model: model 'siamese' has 2 inputs, "
                                         r"received 1"):
        clone_model(functional_with_shared_layer(), input_tensors=[Input(shape=(4,))])
    hidden = Dense(3)(Input(shape=(4,)))
    with pytest.raises(ValueError, match=r"clone_model: cannot clone a Sequential model on "
                                         r"a tensor from layer 'dense_\d+'"):
        clone_model(sequential(), input_tensors=hidden)
    with pytest.raises(ValueError, match='clone_model: expected a functional Model'):
        clone_model(Dense(2))
