"""Stateful recurrent layers (Keras 2.2.4's stateful=True): a sequence fed in two halves
gives what the whole sequence gives; the states carry across predict, evaluate,
train_on_batch and fit(shuffle=False); reset_states; the gradient of one batch; errors;
Bidirectional; nested models; configs and saved files."""
import json

import numpy as np
import pytest

from symkeras import backend as K
from symkeras.callbacks import LambdaCallback
from symkeras.layers import (Input, Dense, Embedding, SimpleRNN, GRU, LSTM, Bidirectional,
                             TimeDistributed)
from symkeras.models import Model, Sequential, load_model, model_from_json
from symkeras.optimizers import SGD

BATCH, STEPS, FEATURES, UNITS = 2, 6, 3, 4
HALF = STEPS // 2
DATA = np.random.RandomState(0).uniform(-1, 1, (BATCH, STEPS, FEATURES)).astype('float32')


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield
    K.set_floatx('float32')


def hard_sigmoid(x):
    return np.clip(0.2 * x + 0.5, 0., 1.)


def numpy_simple_rnn(x, states, kernel, recurrent, bias):
    (h,) = states
    outputs = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent + bias)
        outputs.append(h)
    return np.stack(outputs, 1), [h]


def numpy_lstm(x, states, kernel, recurrent, bias):
    h, c = states
    units = recurrent.shape[0]
    outputs = []
    for t in range(x.shape[1]):
        gates = x[:, t] @ kernel + h @ recurrent + bias
        i, f, g, o = (gates[:, k * units:(k + 1) * units] for k in range(4))
        c = hard_sigmoid(f) * c + hard_sigmoid(i) * np.tanh(g)
        h = hard_sigmoid(o) * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, 1), [h, c]


def zeros(count):
    return [np.zeros((BATCH, UNITS))] * count


def stateful_model(layer_cls, **kwargs):
    layer = layer_cls(UNITS, stateful=True, return_sequences=True,
                      batch_input_shape=(BATCH, HALF, FEATURES), **kwargs)
    return Sequential([layer]), layer


def stateless_twin(layer_cls, source, **kwargs):
    """A stateless layer_cls with `source`'s weights, on whole sequences."""
    x = Input(shape=(STEPS, FEATURES))
    layer = layer_cls(UNITS, return_sequences=True, **kwargs)
    model = Model(x, layer(x))
    layer.set_weights(source.get_weights())
    return model


@pytest.mark.parametrize('layer_cls', [SimpleRNN, GRU, LSTM])
def test_two_halves_give_the_whole_sequence(layer_cls):
    model, layer = stateful_model(layer_cls)
    first = model.predict(DATA[:, :HALF], batch_size=BATCH)
    second = model.predict(DATA[:, HALF:], batch_size=BATCH)
    whole = stateless_twin(layer_cls, layer).predict(DATA)
    np.testing.assert_allclose(np.concatenate([first, second], 1), whole, rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(K.get_value(layer.states[0]), whole[:, -1], rtol=1e-5,
                               atol=1e-6)
    model.reset_states()
    np.testing.assert_allclose(model.predict(DATA[:, :HALF]), first, rtol=1e-6)


@pytest.mark.parametrize('layer_cls, reference, count',
                         [(SimpleRNN, numpy_simple_rnn, 1), (LSTM, numpy_lstm, 2)])
def test_states_match_numpy_and_reset_to_given_values(layer_cls, reference, count):
    model, layer = stateful_model(layer_cls, bias_initializer='uniform')
    weights = [w.astype('float64') for w in layer.get_weights()]
    model.predict(DATA[:, :HALF])
    second = model.predict_on_batch(DATA[:, HALF:])
    expected, final = reference(DATA.astype('float64'), zeros(count), *weights)
    np.testing.assert_allclose(second, expected[:, HALF:], rtol=1e-4, atol=1e-5)
    for state, value in zip(layer.states, final):
        np.testing.assert_allclose(K.get_value(state), value, rtol=1e-4, atol=1e-5)
    start = [np.random.RandomState(index).randn(BATCH, UNITS) for index in range(count)]
    layer.reset_states(start if count > 1 else start[0])
    expected, _ = reference(DATA[:, :HALF].astype('float64'), start, *weights)
    np.testing.assert_allclose(model.predict(DATA[:, :HALF]), expected, rtol=1e-4,
                               atol=1e-5)


def test_states_are_not_weights_and_config_round_trips():
    model, layer = stateful_model(LSTM)
    assert len(layer.states) == 2 and K.int_shape(layer.states[1]) == (BATCH, UNITS)
    assert len(model.get_weights()) == 3 and len(layer.weights) == 3
    assert all(state not in model.weights for state in layer.states)
    config = json.loads(json.dumps(layer.get_config()))
    assert config['stateful'] is True
    assert config['batch_input_shape'] == [BATCH, HALF, FEATURES]
    assert json.loads(json.dumps(LSTM.from_config(config).get_config())) == config
    assert model.stateful and len(model.state_updates) == 2
    assert not Sequential([LSTM(2, input_shape=(3, 1))]).stateful


def test_states_carry_across_train_on_batch_and_test_on_batch():
    model, layer = stateful_model(LSTM)
    model.compile(SGD(learning_rate=0.), 'mse')      # weights fixed: only the states move
    whole = stateless_twin(LSTM, layer).predict(DATA)
    target = np.random.RandomState(1).randn(BATCH, STEPS, UNITS).astype('float32')
    model.train_on_batch(DATA[:, :HALF], target[:, :HALF])
    loss = model.train_on_batch(DATA[:, HALF:], target[:, HALF:])
    expected = np.mean((whole[:, HALF:] - target[:, HALF:]) ** 2)
    np.testing.assert_allclose(loss, expected, rtol=1e-5)
    model.reset_states()
    model.test_on_batch(DATA[:, :HALF], target[:, :HALF])
    loss = model.evaluate(DATA[:, HALF:], target[:, HALF:], batch_size=BATCH)
    np.testing.assert_allclose(loss, expected, rtol=1e-5)


def test_fit_without_shuffle_carries_the_state_across_batches():
    model, layer = stateful_model(LSTM)
    model.compile(SGD(learning_rate=0.), 'mse')
    whole = stateless_twin(LSTM, layer).predict(DATA)
    target = np.random.RandomState(2).randn(BATCH, STEPS, UNITS).astype('float32')
    # Samples 2 and 3 (the second batch) continue samples 0 and 1 (the first).
    x = np.concatenate([DATA[:, :HALF], DATA[:, HALF:]])
    y = np.concatenate([target[:, :HALF], target[:, HALF:]])
    losses = []
    record = LambdaCallback(on_batch_end=lambda batch, logs: losses.append(logs['loss']))
    model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0,
              callbacks=[record])
    expected = [np.mean((whole[:, part] - target[:, part]) ** 2)
                for part in (slice(0, HALF), slice(HALF, STEPS))]
    np.testing.assert_allclose(losses, expected, rtol=1e-5)
    np.testing.assert_allclose(K.get_value(layer.states[0]), whole[:, -1], rtol=1e-5,
                               atol=1e-6)


def test_gradient_of_one_batch_takes_the_states_as_constants():
    K.set_floatx('float64')
    model, layer = stateful_model(GRU, bias_initializer='uniform')
    learning_rate = 0.1
    model.compile(SGD(learning_rate=learning_rate), 'mse')
    rng = np.random.RandomState(3)
    start = rng.randn(BATCH, UNITS)
    target = rng.randn(BATCH, HALF, UNITS)
    x = DATA[:, :HALF].astype('float64')
    output = model.outputs[0]
    loss = K.function([model.inputs[0]], [K.mean(K.square(output - target))])  # no updates
    layer.reset_states(start)
    before = [K.get_value(w) for w in layer.trainable_weights]
    numeric = [finite_differences(lambda: loss([x])[0], w) for w in layer.trainable_weights]
    model.train_on_batch(x, target)
    for weight, old, gradient in zip(layer.trainable_weights, before, numeric):
        np.testing.assert_allclose(K.get_value(weight), old - learning_rate * gradient,
                                   rtol=1e-6, atol=1e-8)
    assert not np.allclose(K.get_value(layer.states[0]), start)


def finite_differences(f, variable, eps=1e-6):
    value = K.get_value(variable)
    gradient = np.zeros_like(value)
    for index in np.ndindex(value.shape):
        shifted = []
        for sign in (1, -1):
            moved = value.copy()
            moved[index] += sign * eps
            K.set_value(variable, moved)
            shifted.append(f())
        gradient[index] = (shifted[0] - shifted[1]) / (2 * eps)
    K.set_value(variable, value)
    return gradient


def test_no_batch_size_raises_naming_the_layer():
    with pytest.raises(ValueError, match=r"LSTM 'lstm_1'.*: a stateful RNN needs to know its "
                                         r"batch size, received input shape \(None, 3, 2\)"
                                         r".*batch_input_shape.*batch_shape"):
        Sequential([LSTM(2, stateful=True, input_shape=(3, 2))])
    with pytest.raises(ValueError, match="GRU 'gru_1'.*batch size"):
        GRU(2, stateful=True)(Input(shape=(3, 2)))


def test_batch_size_argument_and_functional_batch_shape():
    model = Sequential([SimpleRNN(2, stateful=True, batch_size=3, input_shape=(4, 1))])
    assert K.int_shape(model.layers[0].states[0]) == (3, 2)
    x = Input(batch_shape=(5, 4, 1))
    model = Model(x, GRU(2, stateful=True)(x))
    assert model.predict(np.ones((10, 4, 1)), batch_size=5).shape == (10, 2)


def test_batches_of_another_size_raise_and_change_nothing():
    model, layer = stateful_model(LSTM)
    model.compile('sgd', 'mse')
    message = (r"predict_on_batch received a batch of 3 samples, but layer LSTM 'lstm_1' "
               r"is stateful with batch size 2 \(states of shape \(2, 4\)\)")
    with pytest.raises(ValueError, match=message):
        model.predict_on_batch(np.ones((3, HALF, FEATURES)))
    with pytest.raises(ValueError, match="train_on_batch received a batch of 1 samples"):
        model.train_on_batch(np.ones((1, HALF, FEATURES)), np.ones((1, HALF, UNITS)))
    with pytest.raises(ValueError, match=r"fit received 6 samples in batches of "
                                         r"batch_size=4.*Pass batch_size=2"):
        model.fit(np.ones((6, HALF, FEATURES)), np.ones((6, HALF, UNITS)), batch_size=4,
                  shuffle=False, verbose=0)
    with pytest.raises(ValueError, match="evaluate received 3 samples.*batches of 1"):
        model.evaluate(np.ones((3, HALF, FEATURES)), np.ones((3, HALF, UNITS)),
                       batch_size=2)
    with pytest.raises(ValueError, match="is stateful with batch size 2"):
        layer(Input(batch_shape=(3, HALF, FEATURES)))
    assert not np.any(K.get_value(layer.states[0]))


def test_reset_states_errors():
    model, layer = stateful_model(LSTM)
    with pytest.raises(ValueError, match=r"LSTM 'lstm_1': reset_states expected state 1 of "
                                         r"shape \(2, 4\), received an array of shape "
                                         r"\(3, 4\)"):
        layer.reset_states([np.ones((2, 4)), np.ones((3, 4))])
    assert not np.any(K.get_value(layer.states[0]))      # nothing set before the check
    with pytest.raises(ValueError, match="expected 2 state array.*received 1"):
        layer.reset_states(np.ones((2, 4)))
    with pytest.raises(AttributeError, match="GRU 'gru_1'.*stateful"):
        GRU(2).reset_states()
    with pytest.raises(ValueError, match="SimpleRNN 'simple_rnn_1'.*built"):
        SimpleRNN(2, stateful=True).reset_states()


def test_bidirectional_stateful_lstm():
    wrapper = Bidirectional(LSTM(UNITS, stateful=True, return_sequences=True),
                            batch_input_shape=(BATCH, HALF, FEATURES))
    model = Sequential([wrapper])
    assert wrapper.stateful and model.stateful and len(model.state_updates) == 4
    first = model.predict(DATA[:, :HALF])
    second = model.predict(DATA[:, HALF:])
    forward = [w.astype('float64') for w in wrapper.forward_layer.get_weights()]
    backward = [w.astype('float64') for w in wrapper.backward_layer.get_weights()]
    whole, _ = numpy_lstm(DATA.astype('float64'), zeros(2), *forward)
    np.testing.assert_allclose(second[..., :UNITS], whole[:, HALF:], rtol=1e-4, atol=1e-5)
    # The backward layer reads each half from its end, starting the second half from the
    # states it had at the start of the first.
    reversed_first, states = numpy_lstm(DATA[:, HALF - 1::-1].astype('float64'), zeros(2),
                                        *backward)
    reversed_second, _ = numpy_lstm(DATA[:, :HALF - 1:-1].astype('float64'), states,
                                    *backward)
    np.testing.assert_allclose(first[..., UNITS:], reversed_first[:, ::-1], rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(second[..., UNITS:], reversed_second[:, ::-1], rtol=1e-4,
                               atol=1e-5)
    model.reset_states()
    np.testing.assert_allclose(model.predict(DATA[:, :HALF]), first, rtol=1e-6)


def test_bidirectional_stateful_with_initial_state_updates_its_states():
    x = Input(batch_shape=(BATCH, HALF, FEATURES))
    starts = [Input(batch_shape=(BATCH, UNITS)) for _ in range(2)]
    wrapper = Bidirectional(SimpleRNN(UNITS, stateful=True))
    model = Model([x] + starts, wrapper(x, initial_state=starts))
    assert len(model.state_updates) == 2
    ones = np.ones((BATCH, UNITS), 'float32')
    model.predict([DATA[:, :HALF], ones, -ones])
    assert np.any(K.get_value(wrapper.forward_layer.states[0]))


def test_model_reset_states_reaches_nested_models():
    inner = Sequential([GRU(UNITS, stateful=True, batch_input_shape=(BATCH, HALF, FEATURES)),
                        Dense(1)])
    x = Input(batch_shape=(BATCH, HALF, FEATURES))
    model = Model(x, inner(x))
    assert model.stateful and len(model.state_updates) == 1
    first = model.predict(DATA[:, :HALF])
    assert not np.allclose(model.predict(DATA[:, :HALF]), first)
    model.reset_states()
    np.testing.assert_allclose(model.predict(DATA[:, :HALF]), first, rtol=1e-6)
    model.compile('sgd', 'mse')
    model.evaluate(DATA[:, :HALF], np.zeros((BATCH, 1)), batch_size=BATCH)  # test function
    assert np.any(K.get_value(inner.layers[0].states[0]))


def test_masked_steps_keep_the_state():
    tokens = np.array([[1, 2, 0], [3, 0, 0]])
    model = Sequential([Embedding(4, 3, mask_zero=True, batch_input_shape=(2, 3)),
                        SimpleRNN(UNITS, stateful=True, return_sequences=True)])
    out = model.predict(tokens)
    np.testing.assert_allclose(K.get_value(model.layers[1].states[0]),
                               out[[0, 1], [1, 0]], rtol=1e-6)


def test_save_load_and_json_round_trips(tmp_path):
    model = Sequential([
        LSTM(UNITS, stateful=True, return_sequences=True,
             batch_input_shape=(BATCH, HALF, FEATURES)),
        TimeDistributed(Dense(1))])
    model.compile('sgd', 'mse')
    first = model.predict(DATA[:, :HALF])
    model.save(str(tmp_path / 'stateful'))
    loaded = load_model(str(tmp_path / 'stateful'))
    assert loaded.stateful and loaded.layers[0].stateful
    np.testing.assert_allclose(loaded.predict(DATA[:, :HALF]), first, rtol=1e-6)
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    assert clone.layers[0].get_config()['stateful'] is True
    np.testing.assert_allclose(clone.predict(DATA[:, :HALF]), first, rtol=1e-6)
