"""Wrappers (TimeDistributed, Bidirectional): values against numpy and against the
unwrapped layers sharing the weights, shapes, masks, states, gradients (float64 finite
differences), training, config/JSON and save/load round trips; models mixing them with
stacked cells (test_layers_recurrent_stacked.py tests StackedRNNCells itself)."""
import json

import numpy as np
import pytest

from layer_test_utils import run_layer_test
from symkeras import backend as K
from symkeras.layers import (Layer, Input, Dense, Conv2D, Embedding, BatchNormalization, Masking,
                             SimpleRNN, GRU, LSTM, RNN, SimpleRNNCell, GRUCell, LSTMCell,
                             StackedRNNCells, TimeDistributed, Bidirectional, Wrapper)
from symkeras.models import Model, Sequential, model_from_json, load_model
from symkeras.optimizers import Adam

DATA = np.random.RandomState(0).uniform(-1, 1, size=(3, 4, 5)).astype('float32')
MERGE_MODES = ['concat', 'sum', 'mul', 'ave', None]


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def predict(layer, data=DATA, batch_size=None):
    x = Input(batch_shape=(batch_size,) + data.shape[1:])
    return Model(x, layer(x)).predict(data)


def as_list(value):
    return value if isinstance(value, list) else [value]


# ---------------------------------------------------------------------- TimeDistributed
@pytest.mark.parametrize('batch_size', [None, 3])
def test_time_distributed_dense_equals_dense_on_each_step(batch_size):
    layer = TimeDistributed(Dense(2, bias_initializer='uniform'))
    out = predict(layer, batch_size=batch_size)
    kernel, bias = layer.get_weights()
    expected = np.stack([DATA[:, t] @ kernel + bias for t in range(DATA.shape[1])], 1)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    assert layer.output_shape == (batch_size, 4, 2)
    assert layer.trainable_weights == layer.layer.trainable_weights
    assert len(layer.weights) == 2


def test_time_distributed_unknown_timesteps_use_run_time_sizes():
    x = Input(shape=(None, 5))
    layer = TimeDistributed(Dense(3))
    y = layer(x)
    assert K.int_shape(y) == (None, None, 3)
    model = Model(x, y)
    kernel, bias = layer.get_weights()
    for steps in (2, 7):
        data = np.random.RandomState(steps).uniform(size=(2, steps, 5)).astype('float32')
        np.testing.assert_allclose(model.predict(data), data @ kernel + bias, rtol=1e-5,
                                   atol=1e-6)


def test_time_distributed_conv2d_shapes_and_values():
    frames = np.random.RandomState(1).uniform(-1, 1, size=(2, 3, 6, 6, 2))
    frames = frames.astype('float32')
    layer = TimeDistributed(Conv2D(4, 3, strides=2, padding='same'))
    x = Input(shape=(3, 6, 6, 2))
    y = layer(x)
    assert K.int_shape(y) == (None, 3, 3, 3, 4)
    assert layer.compute_output_shape((None, 3, 6, 6, 2)) == (None, 3, 3, 3, 4)
    out = Model(x, y).predict(frames)
    conv = Conv2D(4, 3, strides=2, padding='same')
    one_frame = Input(shape=(6, 6, 2))
    single = Model(one_frame, conv(one_frame))
    conv.set_weights(layer.get_weights())
    for t in range(3):
        np.testing.assert_allclose(out[:, t], single.predict(frames[:, t]), rtol=1e-5,
                                   atol=1e-6)


def test_time_distributed_masks():
    tokens = np.array([[3, 1, 0, 0], [2, 0, 0, 0]])
    ids = Input(shape=(4,), dtype='int32')
    dense = TimeDistributed(Dense(3))
    dense(Embedding(5, 2, mask_zero=True)(ids))
    mask = K.function([ids], [dense.output_mask])([tokens])[0]
    np.testing.assert_array_equal(mask, tokens != 0)
    # The wrapped layer's own mask: Masking on (batch * time, features), back to 2-D.
    x = Input(shape=(2, 3, 2))
    masking = TimeDistributed(Masking(0.))
    masking(x)
    frames = np.ones((1, 2, 3, 2), 'float32')
    frames[0, 1, 2] = 0
    mask = K.function([x], [masking.output_mask])([frames])[0]
    np.testing.assert_array_equal(mask, [[[1, 1, 1], [1, 1, 0]]])


def test_time_distributed_updates_losses_and_trainable():
    x = Input(shape=(3, 2))
    model = Model(x, TimeDistributed(BatchNormalization())(x))
    assert len(model.updates) == 2
    regularized = TimeDistributed(Dense(2, kernel_regularizer='l2',
                                        activity_regularizer='l1'))
    model = Model(x, regularized(x))
    assert len(model.losses) == 2
    frozen = TimeDistributed(Dense(2, trainable=False))
    frozen(x)
    assert not frozen.trainable and frozen.trainable_weights == []
    assert len(frozen.non_trainable_weights) == 2
    frozen.trainable = True
    assert frozen.layer.trainable and len(frozen.trainable_weights) == 2


def test_time_distributed_rejects_two_dimensional_input():
    with pytest.raises(ValueError, match=r"TimeDistributed 'td'.*at least 3 dimensions.*"
                                         r"\(None, 4\)"):
        TimeDistributed(Dense(2), name='td')(Input(shape=(4,)))
    with pytest.raises(ValueError, match='expected a Layer instance'):
        TimeDistributed(lambda x: x)


# ---------------------------------------------------------------------- Bidirectional
def directions(bidirectional, layer_cls, kwargs, data=DATA):
    """Predictions of a forward layer and of a go_backwards one holding the weights of
    `bidirectional`'s two directions."""
    results = []
    weights = bidirectional.get_weights()
    half = len(weights) // 2
    for go_backwards, part in ((False, weights[:half]), (True, weights[half:])):
        layer = layer_cls(2, go_backwards=go_backwards, **kwargs)
        x = Input(shape=data.shape[1:])
        model = Model(x, layer(x))
        layer.set_weights(part)
        results.append(as_list(model.predict(data)))
    return results


def merge(mode, forward, backward):
    if mode == 'concat':
        return [np.concatenate([forward, backward], -1)]
    if mode is None:
        return [forward, backward]
    return [{'sum': forward + backward, 'mul': forward * backward,
             'ave': (forward + backward) / 2}[mode]]


@pytest.mark.parametrize('return_sequences', [False, True])
@pytest.mark.parametrize('merge_mode', MERGE_MODES)
@pytest.mark.parametrize('layer_cls', [SimpleRNN, GRU, LSTM])
def test_bidirectional_equals_forward_and_backward_layers(layer_cls, merge_mode,
                                                          return_sequences):
    kwargs = {'return_sequences': return_sequences, 'bias_initializer': 'uniform'}
    layer = Bidirectional(layer_cls(2, **kwargs), merge_mode=merge_mode)
    out = as_list(predict(layer))
    forward, backward = (result[0] for result in directions(layer, layer_cls, kwargs))
    if return_sequences:
        backward = backward[:, ::-1]
    expected = merge(merge_mode, forward, backward)
    assert len(out) == len(expected)
    for got, want in zip(out, expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    shapes = as_list(layer.compute_output_shape((None, 4, 5)))
    assert [tuple(s) for s in shapes] == [(None,) + e.shape[1:] for e in expected]


def test_bidirectional_lstm_matches_numpy_equations():
    from test_layers_recurrent import numpy_lstm
    layer = Bidirectional(LSTM(3, return_sequences=True))
    out = predict(layer)
    weights = layer.get_weights()
    data = DATA.astype('float64')
    forward, _ = numpy_lstm(data, *weights[:3])
    backward, _ = numpy_lstm(data[:, ::-1], *weights[3:])
    expected = np.concatenate([forward, backward[:, ::-1]], -1)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize('merge_mode', ['concat', None])
def test_bidirectional_return_state(merge_mode):
    kwargs = {'return_state': True, 'return_sequences': True}
    layer = Bidirectional(LSTM(2, **kwargs), merge_mode=merge_mode)
    x = Input(shape=(4, 5))
    outputs = layer(x)
    count = 2 if merge_mode is None else 1
    assert len(outputs) == count + 4
    assert [K.int_shape(s) for s in outputs[count:]] == [(None, 2)] * 4
    got = Model(x, outputs).predict(DATA)
    forward, backward = directions(layer, LSTM, kwargs)
    expected = merge(merge_mode, forward[0], backward[0][:, ::-1])
    for have, want in zip(got, expected + forward[1:] + backward[1:]):
        np.testing.assert_allclose(have, want, rtol=1e-5, atol=1e-6)


def test_bidirectional_initial_state():
    x = Input(shape=(4, 5))
    states = [Input(shape=(2,)) for _ in range(4)]
    layer = Bidirectional(LSTM(2), merge_mode='concat')
    model = Model([x] + states, layer(x, initial_state=states))
    rng = np.random.RandomState(1)
    values = [rng.uniform(-1, 1, size=(3, 2)).astype('float32') for _ in range(4)]
    out = model.predict([DATA] + values)
    expected = []
    weights = layer.get_weights()
    for go_backwards, part, start in ((False, weights[:3], values[:2]),
                                      (True, weights[3:], values[2:])):
        inner = LSTM(2, go_backwards=go_backwards)
        h, c = Input(shape=(2,)), Input(shape=(2,))
        single = Model([x, h, c], inner(x, initial_state=[h, c]))
        inner.set_weights(part)
        expected.append(single.predict([DATA] + start))
    np.testing.assert_allclose(out, np.concatenate(expected, -1), rtol=1e-5, atol=1e-6)
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict([DATA] + values), out, rtol=1e-5)
    with pytest.raises(ValueError, match=r"Bidirectional 'bidirectional_2'.*4 initial state "
                                         r".*received 2"):
        Bidirectional(LSTM(2))(x, initial_state=states[:2])


def test_bidirectional_mask():
    tokens = np.array([[3, 1, 2, 0], [2, 4, 0, 0]])
    ids = Input(shape=(4,), dtype='int32')
    embedding = Embedding(5, 3, mask_zero=True)
    layer = Bidirectional(GRU(2, return_sequences=True), merge_mode=None)
    outputs = layer(embedding(ids))
    model = Model(ids, outputs)
    got = model.predict(tokens)
    for direction, go_backwards in ((0, False), (1, True)):
        gru = GRU(2, return_sequences=True, go_backwards=go_backwards)
        single = Model(ids, gru(embedding(ids)))
        gru.set_weights(layer.get_weights()[3 * direction:3 * direction + 3])
        want = single.predict(tokens)
        np.testing.assert_allclose(got[direction], want[:, ::-1] if go_backwards else want,
                                   rtol=1e-5, atol=1e-6)
    masks = K.function([ids], layer.output_mask)([tokens])
    for mask in masks:
        np.testing.assert_array_equal(mask, tokens != 0)


def test_bidirectional_weights_order_names_and_trainable():
    layer = Bidirectional(SimpleRNN(2, kernel_regularizer='l2'), name='bi')
    x = Input(shape=(4, 5))
    model = Model(x, layer(x))
    names = [w.name for w in layer.weights]
    assert names == ['forward_simple_rnn_1/kernel', 'forward_simple_rnn_1/recurrent_kernel',
                     'forward_simple_rnn_1/bias', 'backward_simple_rnn_1/kernel',
                     'backward_simple_rnn_1/recurrent_kernel', 'backward_simple_rnn_1/bias']
    assert len(model.losses) == 2
    rng = np.random.RandomState(2)
    values = [rng.uniform(size=w.shape) for w in layer.get_weights()]
    layer.set_weights(values)
    np.testing.assert_allclose(layer.forward_layer.get_weights()[0], values[0], rtol=1e-6)
    np.testing.assert_allclose(layer.backward_layer.get_weights()[0], values[3], rtol=1e-6)
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 6
    given = Bidirectional(SimpleRNN(2), weights=values)
    predict(given)
    for got, want in zip(given.get_weights(), values):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_bidirectional_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"invalid `merge_mode` argument 'max'; expected "
                                         r"one of 'sum', 'mul', 'ave', 'concat' or None"):
        Bidirectional(LSTM(2), merge_mode='max')
    with pytest.raises(ValueError, match=r'expected a recurrent layer.*received.*Dense'):
        Bidirectional(Dense(2))


class HalfCell(Layer):
    """A user cell: h = x . kernel + h / 2."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight('kernel', (input_shape[-1], self.units))
        self.built = True

    def call(self, inputs, states):
        output = K.dot(inputs, self.kernel) + states[0] * 0.5
        return output, [output]

    def get_config(self):
        return dict(super().get_config(), units=self.units)


def test_bidirectional_copies_a_user_cell():
    x = Input(shape=(4, 5))
    layer = Bidirectional(RNN([HalfCell(2), HalfCell(3)]), merge_mode=None)
    model = Model(x, layer(x))
    assert type(layer.backward_layer.cell.cells[1]) is HalfCell
    forward, backward = model.predict(DATA)
    reference = RNN([HalfCell(2), HalfCell(3)], go_backwards=True)
    single = Model(x, reference(x))
    reference.set_weights(layer.backward_layer.get_weights())
    np.testing.assert_allclose(backward, single.predict(DATA), rtol=1e-5, atol=1e-6)
    clone = model_from_json(model.to_json(), custom_objects={'HalfCell': HalfCell})
    clone.set_weights(model.get_weights())
    for got, want in zip(clone.predict(DATA), (forward, backward)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------- the five checks
TABLE = [
    (TimeDistributed, lambda: {'layer': Dense(3)}, (None, 4, 2), (None, 4, 3), 2),
    (TimeDistributed, lambda: {'layer': Conv2D(2, 2)}, (None, 2, 3, 3, 1),
     (None, 2, 2, 2, 2), 2),
    (Bidirectional, lambda: {'layer': SimpleRNN(2)}, (None, 3, 2), (None, 4), 6),
    (Bidirectional, lambda: {'layer': GRU(2, return_sequences=True), 'merge_mode': 'sum'},
     (None, 3, 2), (None, 3, 2), 6),
    (Bidirectional, lambda: {'layer': LSTM(2, return_sequences=True), 'merge_mode': 'mul'},
     (None, 3, 2), (None, 3, 2), 6),
    (Bidirectional, lambda: {'layer': LSTM(2, return_state=True), 'merge_mode': 'ave'},
     (None, 3, 2), [(None, 2)] * 5, 6),
    (Bidirectional, lambda: {'layer': SimpleRNN(2), 'merge_mode': None}, (None, 3, 2),
     [(None, 2)] * 2, 6),
    (RNN, lambda: {'cell': StackedRNNCells([LSTMCell(2), SimpleRNNCell(2)])}, (None, 3, 2),
     (None, 2), 6),
]


@pytest.mark.parametrize('layer_cls, make_kwargs, input_shape, output_shape, weights',
                         TABLE, ids=['td-dense', 'td-conv2d', 'bi-rnn-concat', 'bi-gru-sum',
                                     'bi-lstm-mul', 'bi-lstm-state-ave', 'bi-rnn-none',
                                     'rnn-stacked'])
def test_layer_checks_and_float64_gradients(layer_cls, make_kwargs, input_shape,
                                            output_shape, weights):
    run_layer_test(layer_cls, make_kwargs(), input_shape, output_shape,
                   expected_weights=weights)


# ---------------------------------------------------------------------- models
def sequence_model():
    return Sequential([
        TimeDistributed(Dense(4, activation='tanh'), input_shape=(6, 2)),
        Bidirectional(LSTM(6, return_sequences=True)),
        RNN([GRUCell(4), SimpleRNNCell(3)], return_sequences=True),
        TimeDistributed(Dense(1)),
    ])


def test_model_learns_a_task_that_needs_both_directions():
    data = np.random.RandomState(1).uniform(-1, 1, size=(64, 6, 2)).astype('float32')
    # target at step t: the first feature at t + 1 minus the second at t - 1
    ahead = np.concatenate([data[:, 1:, :1], np.zeros((64, 1, 1))], 1)
    behind = np.concatenate([np.zeros((64, 1, 1)), data[:, :-1, 1:]], 1)
    target = (ahead - behind).astype('float32')
    model = sequence_model()
    model.compile(Adam(0.02), 'mse')
    history = model.fit(data, target, batch_size=16, epochs=30, verbose=0)
    losses = history.history['loss']
    assert losses[-1] < 0.1 * losses[0], losses


def test_json_and_save_load_round_trips(tmp_path):
    model = sequence_model()
    data = np.random.RandomState(1).uniform(-1, 1, size=(2, 6, 2)).astype('float32')
    before = model.predict(data)
    config = json.loads(model.to_json())
    classes = [layer['class_name'] for layer in config['config']['layers']]
    assert classes == ['TimeDistributed', 'Bidirectional', 'RNN', 'TimeDistributed']
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(data), before, rtol=1e-5, atol=1e-6)
    assert clone.to_json() == model.to_json()
    path = str(tmp_path / 'wrappers.h5')
    model.compile('sgd', 'mse')
    model.save(path)
    restored = load_model(path)
    np.testing.assert_allclose(restored.predict(data), before, rtol=1e-5, atol=1e-6)
    assert [w.shape for w in restored.get_weights()] == [w.shape for w in model.get_weights()]


def test_configs_nest_the_wrapped_layer():
    layer = Bidirectional(GRU(3, go_backwards=False), merge_mode='sum', name='bi')
    config = json.loads(json.dumps(layer.get_config()))
    assert config['merge_mode'] == 'sum' and config['name'] == 'bi'
    assert config['layer']['class_name'] == 'GRU'
    assert config['layer']['config']['go_backwards'] is False
    clone = Bidirectional.from_config(config)
    assert clone.backward_layer.go_backwards and not clone.forward_layer.go_backwards
    assert clone.get_config() == config
    assert issubclass(TimeDistributed, Wrapper) and issubclass(Bidirectional, Wrapper)
