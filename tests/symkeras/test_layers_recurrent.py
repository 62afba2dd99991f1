"""Recurrent layers: SimpleRNN, GRU, LSTM (and RNN with a cell) against numpy versions of
the Keras 2.2.4 equations; arguments, states, masks, configs, errors, and an LSTM that
learns to remember."""
import json

import numpy as np
import pytest

from symkeras import backend as K
from symkeras import layers
from symkeras.layers import (Input, Dense, Embedding, SimpleRNN, GRU, LSTM, RNN, Layer,
                             SimpleRNNCell, GRUCell, LSTMCell)
from symkeras.models import Model, Sequential, model_from_json
from symkeras.optimizers import Adam

DATA = np.random.RandomState(0).uniform(-1, 1, size=(3, 5, 4)).astype('float32')


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def hard_sigmoid(x):
    return np.clip(0.2 * x + 0.5, 0., 1.)


def numpy_simple_rnn(x, kernel, recurrent, bias):
    h = np.zeros((x.shape[0], kernel.shape[1]))
    outputs = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent + bias)
        outputs.append(h)
    return np.stack(outputs, 1), [h]


def numpy_gru(x, kernel, recurrent, bias, reset_after=False):
    units = recurrent.shape[0]
    h = np.zeros((x.shape[0], units))
    input_bias, recurrent_bias = (bias[0], bias[1]) if reset_after else (bias, 0 * bias)
    block = [slice(i * units, (i + 1) * units) for i in range(3)]
    outputs = []
    for t in range(x.shape[1]):
        xw = x[:, t] @ kernel + input_bias
        hu = h @ recurrent + recurrent_bias
        z = hard_sigmoid(xw[:, block[0]] + hu[:, block[0]])
        r = hard_sigmoid(xw[:, block[1]] + hu[:, block[1]])
        if reset_after:
            candidate = np.tanh(xw[:, block[2]] + r * hu[:, block[2]])
        else:
            candidate = np.tanh(xw[:, block[2]] + (r * h) @ recurrent[:, block[2]])
        h = z * h + (1 - z) * candidate
        outputs.append(h)
    return np.stack(outputs, 1), [h]


def numpy_lstm(x, kernel, recurrent, bias):
    units = recurrent.shape[0]
    h = c = np.zeros((x.shape[0], units))
    outputs = []
    for t in range(x.shape[1]):
        gates = x[:, t] @ kernel + h @ recurrent + bias
        i, f, g, o = (gates[:, k * units:(k + 1) * units] for k in range(4))
        c = hard_sigmoid(f) * c + hard_sigmoid(i) * np.tanh(g)
        h = hard_sigmoid(o) * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, 1), [h, c]


CASES = [
    (SimpleRNN, {}, numpy_simple_rnn),
    (GRU, {}, numpy_gru),
    (GRU, {'reset_after': True}, lambda x, *w: numpy_gru(x, *w, reset_after=True)),
    (LSTM, {}, numpy_lstm),
]


def predict(layer, data=DATA):
    x = Input(shape=data.shape[1:])
    return Model(x, layer(x)).predict(data)


@pytest.mark.parametrize('layer_cls, kwargs, reference', CASES)
def test_values_match_numpy(layer_cls, kwargs, reference):
    layer = layer_cls(6, return_sequences=True, bias_initializer='uniform', **kwargs)
    out = predict(layer)
    expected, _ = reference(DATA.astype('float64'), *layer.get_weights())
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize('layer_cls, kwargs, reference', CASES)
def test_go_backwards_and_states_match_numpy(layer_cls, kwargs, reference):
    layer = layer_cls(3, go_backwards=True, return_state=True, **kwargs)
    outputs = predict(layer)
    expected, states = reference(DATA[:, ::-1].astype('float64'), *layer.get_weights())
    np.testing.assert_allclose(outputs[0], expected[:, -1], rtol=1e-4, atol=1e-5)
    for got, want in zip(outputs[1:], states):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_weight_shapes_names_and_forget_bias():
    layer = LSTM(3)
    layer(Input(shape=(4, 2)))
    kernel, recurrent, bias = layer.get_weights()
    assert kernel.shape == (2, 12) and recurrent.shape == (3, 12) and bias.shape == (12,)
    np.testing.assert_array_equal(bias, [0] * 3 + [1] * 3 + [0] * 6)
    assert [w.name for w in layer.weights] == ['lstm_1/kernel', 'lstm_1/recurrent_kernel',
                                               'lstm_1/bias']
    assert layer.units == 3 and layer.kernel is layer.cell.kernel
    gru = GRU(2, reset_after=True)
    gru(Input(shape=(4, 2)))
    assert K.int_shape(gru.bias) == (2, 6)


def test_recurrent_kernel_is_orthogonal():
    layer = SimpleRNN(5)
    layer(Input(shape=(3, 2)))
    recurrent = K.get_value(layer.recurrent_kernel)
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(5), atol=1e-5)


def test_return_state_shapes():
    x = Input(shape=(5, 4))
    output, h, c = LSTM(3, return_state=True)(x)
    assert K.int_shape(output) == K.int_shape(h) == K.int_shape(c) == (None, 3)
    sequences, state = GRU(2, return_sequences=True, return_state=True)(x)
    assert K.int_shape(sequences) == (None, 5, 2) and K.int_shape(state) == (None, 2)


def test_initial_state_is_used_and_serialized():
    x = Input(shape=(5, 4))
    h0, c0 = Input(shape=(3,)), Input(shape=(3,))
    layer = LSTM(3)
    model = Model([x, h0, c0], layer(x, initial_state=[h0, c0]))
    start = np.random.RandomState(1).randn(3, 3).astype('float32')
    zero = np.zeros((3, 3), 'float32')
    from_zero = model.predict([DATA, zero, zero])
    np.testing.assert_allclose(from_zero, predict_with_weights(LSTM(3), layer), rtol=1e-5)
    assert not np.allclose(model.predict([DATA, start, start]), from_zero)
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict([DATA, start, zero]),
                               model.predict([DATA, start, zero]), rtol=1e-5)


def predict_with_weights(layer, source):
    x = Input(shape=DATA.shape[1:])
    model = Model(x, layer(x))
    layer.set_weights(source.get_weights())
    return model.predict(DATA)


def test_mask_holds_outputs_and_states():
    tokens = np.array([[3, 1, 2, 0, 0], [2, 2, 0, 0, 0]])
    inputs = Input(shape=(5,), dtype='int32')
    embedded = Embedding(5, 4, mask_zero=True)(inputs)
    sequences = GRU(3, return_sequences=True)(embedded)
    out = Model(inputs, sequences).predict(tokens)
    np.testing.assert_allclose(out[0, 3], out[0, 2], rtol=1e-6)
    np.testing.assert_allclose(out[1, 4], out[1, 1], rtol=1e-6)
    assert not np.allclose(out[0, 1], out[0, 2])


def test_dropout_only_in_training():
    x = Input(shape=(5, 4))
    layer = LSTM(3, dropout=0.5, recurrent_dropout=0.5)
    y = layer(x)
    phase = K.learning_phase()
    train = K.function([x, phase], [y])
    test = K.function([x], [y])
    plain = predict_with_weights(LSTM(3), layer)
    np.testing.assert_allclose(test([DATA])[0], plain, rtol=1e-5)
    assert not np.allclose(train([DATA, 1])[0], plain)


def test_config_uses_keras_names_and_round_trips():
    layer = LSTM(4, activation='relu', recurrent_dropout=0.1, return_sequences=True,
                 kernel_regularizer='l2', activity_regularizer='l1')
    config = json.loads(json.dumps(layer.get_config()))
    for key in ('units', 'activation', 'recurrent_activation', 'use_bias',
                'kernel_initializer', 'recurrent_initializer', 'bias_initializer',
                'unit_forget_bias', 'kernel_regularizer', 'recurrent_regularizer',
                'activity_regularizer', 'dropout', 'recurrent_dropout', 'implementation',
                'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll'):
        assert key in config, key
    assert config['recurrent_initializer']['class_name'] == 'Orthogonal'
    assert LSTM.from_config(config).get_config() == config
    assert 'reset_after' in GRU(2).get_config()
    assert 'recurrent_activation' not in SimpleRNN(2).get_config()


def test_regularizer_losses_reach_the_model():
    x = Input(shape=(3, 2))
    model = Model(x, SimpleRNN(2, kernel_regularizer='l2', recurrent_regularizer='l1')(x))
    assert len(model.losses) == 2


def test_rnn_with_cells_and_custom_cell():
    for cell in (SimpleRNNCell(3), GRUCell(3), LSTMCell(3)):
        layer = RNN(cell, return_sequences=True)
        assert predict(layer).shape == (3, 5, 3)
        config = json.loads(json.dumps(layers.serialize(layer)))
        clone = layers.deserialize(config)
        assert type(clone.cell) is type(cell)

    class MinimalCell(Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight('kernel', (input_shape[-1], self.units))
            self.built = True

        def call(self, inputs, states):
            output = K.dot(inputs, self.kernel) + states[0] * 0.5
            return output, [output]

    layer = RNN(MinimalCell(2))
    out = predict(layer)
    kernel = layer.get_weights()[0]
    h = np.zeros((3, 2))
    for t in range(5):
        h = DATA[:, t] @ kernel + 0.5 * h
    np.testing.assert_allclose(out, h, rtol=1e-4, atol=1e-5)


def test_unroll_over_unknown_timesteps_raises_keras_error():
    with pytest.raises(ValueError, match="LSTM 'lstm_1'.*cannot unroll a RNN if the time "
                                         "dimension is undefined"):
        LSTM(2, unroll=True)(Input(shape=(None, 3)))


def test_unknown_argument_and_bad_units():
    with pytest.raises(TypeError, match='recurrent_activation'):
        SimpleRNN(2, recurrent_activation='sigmoid')
    with pytest.raises(ValueError, match='units'):
        LSTM(0)


def test_input_dim_and_input_length_shorthand():
    with pytest.warns(UserWarning, match='are deprecated in recurrent layers'), \
            pytest.warns(UserWarning, match=r'GRU\(2, input_shape=\(4, 3\)\)'):
        model = Sequential([GRU(2, input_dim=3, input_length=4)])
    assert model.input_shape == (None, 4, 3) and model.output_shape == (None, 2)


def test_lstm_learns_to_remember_the_first_step():
    rng = np.random.RandomState(0)
    x = rng.choice([-1.0, 1.0], size=(256, 6, 1)).astype('float32')
    y = (x[:, 0, 0] > 0).astype('float32')
    model = Sequential([LSTM(8, input_shape=(6, 1)), Dense(1, activation='sigmoid')])
    model.compile(Adam(learning_rate=0.02), 'binary_crossentropy', metrics=['accuracy'])
    history = model.fit(x, y, batch_size=32, epochs=6, verbose=0).history
    assert history['loss'][-1] < 0.5 * history['loss'][0]
    assert history['accuracy'][-1] > 0.9
