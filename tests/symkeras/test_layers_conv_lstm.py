"""ConvLSTM2D, ConvLSTM2DCell and ConvRNN2D (Keras 2.2.4): values against a numpy ConvLSTM
written here, float64 gradients against finite differences, training, stateful use,
masks, initial states, the weights and config Keras 2.2.4 has, round trips and errors."""
import json

import numpy as np
import pytest

from layer_test_utils import check_gradients
from symkeras import backend as K
from symkeras.layers import (Input, Dense, Flatten, Masking, ConvLSTM2D, ConvLSTM2DCell,
                             ConvRNN2D)
from symkeras.models import Model, Sequential, load_model, model_from_json
from symkeras.optimizers import Adam

BATCH, STEPS, ROWS, COLS, CHANNELS, FILTERS = 2, 4, 5, 6, 2, 3


@pytest.fixture(autouse=True)
def fresh_session():
    # numpy's global generator (unseeded initializers and dropout seeds draw from it) is
    # left as found, so these tests do not change the draws of the tests after them
    random_state = np.random.get_state()
    K.clear_session()
    yield
    K.set_floatx('float32')
    np.random.set_state(random_state)


# ---------------------------------------------------------------------- numpy reference
def hard_sigmoid(x):
    return np.clip(0.2 * x + 0.5, 0., 1.)


def numpy_conv2d(x, kernel, strides=(1, 1), padding='valid', dilation=(1, 1)):
    """NHWC convolution, 'same' padding as TensorFlow (the extra pad after)."""
    spans = [(k - 1) * d + 1 for k, d in zip(kernel.shape[:2], dilation)]
    if padding == 'same':
        pads = []
        for size, span, stride in zip(x.shape[1:3], spans, strides):
            total = max((-(-size // stride) - 1) * stride + span - size, 0)
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    rows, cols = ((n - span) // s + 1 for n, span, s in zip(x.shape[1:3], spans, strides))
    out = np.zeros((x.shape[0], rows, cols, kernel.shape[3]))
    for a in range(kernel.shape[0]):
        for b in range(kernel.shape[1]):
            top, left = a * dilation[0], b * dilation[1]
            patch = x[:, top:top + (rows - 1) * strides[0] + 1:strides[0],
                      left:left + (cols - 1) * strides[1] + 1:strides[1]]
            out += patch @ kernel[a, b]
    return out


def numpy_conv_lstm(x, kernel, recurrent, bias, strides=(1, 1), padding='valid',
                    dilation=(1, 1), go_backwards=False, states=None, mask=None):
    """(outputs in processing order, h, c) of a ConvLSTM on channels_last x."""
    conv = [numpy_conv2d(x[:, t], kernel, strides, padding, dilation) + bias
            for t in range(x.shape[1])]
    filters = recurrent.shape[2]
    if states is None:
        states = [np.zeros(conv[0].shape[:3] + (filters,))] * 2
    h, c = states
    output, outputs = np.zeros_like(h), []
    for t in (reversed(range(x.shape[1])) if go_backwards else range(x.shape[1])):
        z = conv[t] + numpy_conv2d(h, recurrent, padding='same')
        i, f, g, o = (z[..., k * filters:(k + 1) * filters] for k in range(4))
        new_c = hard_sigmoid(f) * c + hard_sigmoid(i) * np.tanh(g)
        new_h = hard_sigmoid(o) * np.tanh(new_c)
        keep = np.ones(x.shape[0], bool) if mask is None else mask[:, t]
        keep = keep[:, None, None, None]
        h, c = np.where(keep, new_h, h), np.where(keep, new_c, c)
        output = np.where(keep, new_h, output)
        outputs.append(output)
    return np.stack(outputs, 1), h, c


def to_channels_first(x):
    return np.moveaxis(x, -1, -3)


def to_channels_last(x):
    return np.moveaxis(x, -3, -1)


def sequences(shape=(BATCH, STEPS, ROWS, COLS, CHANNELS), seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype('float32')


def random_weights(layer, seed=1):
    rng = np.random.RandomState(seed)
    weights = [rng.uniform(-0.5, 0.5, w.shape).astype('float32') for w in layer.get_weights()]
    layer.set_weights(weights)
    return [w.astype('float64') for w in weights]


def model_of(layer, shape):
    x = Input(shape=shape)
    return Model(x, layer(x))


# ---------------------------------------------------------------------- values
VALUE_CASES = [
    ('channels_last', 'valid', (1, 1), (1, 1), False, False),
    ('channels_last', 'same', (1, 1), (1, 1), True, False),
    ('channels_last', 'valid', (2, 2), (1, 1), True, True),
    ('channels_last', 'same', (2, 1), (1, 1), False, True),
    ('channels_last', 'same', (1, 1), (2, 2), True, False),
    ('channels_first', 'valid', (1, 1), (1, 1), True, True),
    ('channels_first', 'same', (2, 2), (1, 1), True, False),
    ('channels_first', 'valid', (2, 1), (1, 1), False, False),
]


@pytest.mark.parametrize('data_format, padding, strides, dilation, sequences_out, backwards',
                         VALUE_CASES)
def test_values_match_numpy(data_format, padding, strides, dilation, sequences_out,
                            backwards):
    data = sequences()
    fed = to_channels_first(data) if data_format == 'channels_first' else data
    layer = ConvLSTM2D(FILTERS, (3, 2), strides=strides, padding=padding,
                       data_format=data_format, dilation_rate=dilation,
                       return_sequences=sequences_out, go_backwards=backwards)
    model = model_of(layer, fed.shape[1:])
    weights = random_weights(layer)
    outputs, h, _ = numpy_conv_lstm(data.astype('float64'), *weights, strides, padding,
                                    dilation, backwards)
    expected = outputs if sequences_out else h
    if data_format == 'channels_first':
        expected = to_channels_first(expected)
    got = model.predict(fed)
    assert got.shape == expected.shape
    assert model.output_shape == (None,) + expected.shape[1:]
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_return_state_and_initial_state():
    data = sequences()
    x = Input(shape=data.shape[1:])
    h0, c0 = Input(shape=(ROWS - 2, COLS - 2, FILTERS)), Input(shape=(ROWS - 2, COLS - 2,
                                                                        FILTERS))
    layer = ConvLSTM2D(FILTERS, 3, return_sequences=True, return_state=True)
    outputs = layer(x, initial_state=[h0, c0])
    assert [K.int_shape(y) for y in outputs] == [
        (None, STEPS, ROWS - 2, COLS - 2, FILTERS)] + [(None, ROWS - 2, COLS - 2, FILTERS)] * 2
    model = Model([x, h0, c0], outputs)
    weights = random_weights(layer)
    rng = np.random.RandomState(5)
    states = [rng.uniform(-1, 1, (BATCH, ROWS - 2, COLS - 2, FILTERS)) for _ in range(2)]
    expected = numpy_conv_lstm(data.astype('float64'), *weights, states=states)
    got = model.predict([data] + [s.astype('float32') for s in states])
    for value, want in zip(got, expected):
        np.testing.assert_allclose(value, want, rtol=1e-4, atol=1e-5)


def test_masked_steps_hold_outputs_and_states():
    data = sequences()
    data[0, 1] = 0.       # sample 0: step 1 masked
    data[1, 3] = 0.       # sample 1: the last step masked
    mask = np.any(data != 0, axis=(2, 3, 4))
    x = Input(shape=data.shape[1:])
    layer = ConvLSTM2D(FILTERS, 2, padding='same', return_sequences=True)
    hidden = layer(Masking(0.)(x))
    assert K.int_shape(layer.output_mask) == (None, STEPS)   # a step mask, not per pixel
    model = Model(x, hidden)
    weights = random_weights(layer)
    expected, _, _ = numpy_conv_lstm(data.astype('float64'), *weights, padding='same',
                                     mask=mask)
    np.testing.assert_allclose(model.predict(data), expected, rtol=1e-4, atol=1e-5)


def test_conv_rnn2d_with_the_cell_equals_the_layer():
    data = sequences()
    layer = ConvLSTM2D(FILTERS, 3, padding='same', go_backwards=True)
    model = model_of(layer, data.shape[1:])
    random_weights(layer)
    cell_layer = ConvRNN2D(ConvLSTM2DCell(FILTERS, 3, padding='same'), go_backwards=True)
    cell_model = model_of(cell_layer, data.shape[1:])
    cell_layer.set_weights(layer.get_weights())
    np.testing.assert_allclose(cell_model.predict(data), model.predict(data), rtol=1e-6)


def test_cell_call_is_one_step():
    data = sequences()
    cell = ConvLSTM2DCell(FILTERS, 3, padding='same', data_format='channels_last')
    cell.build((None, ROWS, COLS, CHANNELS))
    weights = random_weights(cell)
    states = [K.zeros((BATCH, ROWS, COLS, FILTERS))] * 2
    h, (_, c) = cell.call(K.constant(data[:, 0]), states)
    _, want_h, want_c = numpy_conv_lstm(data[:, :1].astype('float64'), *weights,
                                        padding='same')
    np.testing.assert_allclose(K.eval(h), want_h, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(K.eval(c), want_c, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------- gradients
@pytest.mark.parametrize('kwargs, shape, random', [
    ({'padding': 'same', 'return_sequences': True}, (2, 3, 4, 3, 2), False),
    ({'strides': 2, 'go_backwards': True, 'data_format': 'channels_first',
      'bias_initializer': 'uniform'}, (2, 3, 2, 5, 5), False),
    ({'dropout': 0.3, 'recurrent_dropout': 0.3, 'padding': 'same'}, (2, 3, 3, 3, 2), True),
])
def test_float64_gradients_match_finite_differences(kwargs, shape, random):
    K.set_floatx('float64')
    layer = ConvLSTM2D(2, (2, 2), **kwargs)
    data = sequences(shape, seed=3).astype('float64')
    output_shape = layer.compute_output_shape(shape)
    check_gradients(layer, (None,) + shape[1:], data, [output_shape], random=random)


# ---------------------------------------------------------------------- training
def test_small_model_trains():
    rng = np.random.RandomState(0)
    data = rng.uniform(-1, 1, (16, 3, 4, 4, 1)).astype('float32')
    target = (data.sum(axis=(1, 2, 3, 4)) > 0).astype('float32')[:, None]
    model = Sequential([ConvLSTM2D(4, 3, padding='same', input_shape=(3, 4, 4, 1)),
                        Flatten(), Dense(1, activation='sigmoid')])
    model.compile(Adam(0.01), 'binary_crossentropy')
    history = model.fit(data, target, batch_size=8, epochs=15, verbose=0)
    losses = history.history['loss']
    assert losses[-1] < 0.7 * losses[0], losses


# ---------------------------------------------------------------------- stateful
def test_stateful_two_halves_give_the_whole_sequence():
    data = sequences()
    half = STEPS // 2
    layer = ConvLSTM2D(FILTERS, 3, stateful=True, return_sequences=True,
                       batch_input_shape=(BATCH, half, ROWS, COLS, CHANNELS))
    model = Sequential([layer])
    random_weights(layer)
    assert [K.int_shape(s) for s in layer.states] == [(BATCH, ROWS - 2, COLS - 2, FILTERS)] * 2
    first = model.predict(data[:, :half], batch_size=BATCH)
    second = model.predict(data[:, half:], batch_size=BATCH)
    twin = ConvLSTM2D(FILTERS, 3, return_sequences=True)
    whole = model_of(twin, data.shape[1:])
    twin.set_weights(layer.get_weights())
    expected = whole.predict(data)
    np.testing.assert_allclose(np.concatenate([first, second], 1), expected, rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(K.get_value(layer.states[0]), expected[:, -1], rtol=1e-5,
                               atol=1e-6)
    model.reset_states()
    np.testing.assert_allclose(model.predict(data[:, :half]), first, rtol=1e-6)
    start = [np.ones((BATCH, ROWS - 2, COLS - 2, FILTERS))] * 2
    layer.reset_states(start)
    assert np.all(K.get_value(layer.states[1]) == 1.)


# ---------------------------------------------------------------------- weights, config
def test_weights_names_shapes_order_and_forget_bias():
    layer = ConvLSTM2D(FILTERS, (3, 2), name='clstm')
    model_of(layer, (STEPS, ROWS, COLS, CHANNELS))
    assert [w.name for w in layer.weights] == ['clstm/kernel', 'clstm/recurrent_kernel',
                                               'clstm/bias']
    assert [K.int_shape(w) for w in layer.weights] == [
        (3, 2, CHANNELS, 4 * FILTERS), (3, 2, FILTERS, 4 * FILTERS), (4 * FILTERS,)]
    np.testing.assert_array_equal(K.get_value(layer.bias),
                                  [0.] * FILTERS + [1.] * FILTERS + [0.] * 2 * FILTERS)
    assert layer.filters == FILTERS and layer.kernel_size == (3, 2)
    assert layer.kernel is layer.cell.kernel
    plain = ConvLSTM2D(FILTERS, 3, unit_forget_bias=False, use_bias=False)
    model_of(plain, (STEPS, ROWS, COLS, CHANNELS))
    assert len(plain.weights) == 2


KERAS_CONFIG_KEYS = {
    'name', 'trainable', 'filters', 'kernel_size', 'strides', 'padding', 'data_format',
    'dilation_rate', 'activation', 'recurrent_activation', 'use_bias', 'kernel_initializer',
    'recurrent_initializer', 'bias_initializer', 'unit_forget_bias', 'kernel_regularizer',
    'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint',
    'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout',
    'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll'}


def test_config_has_the_keras_keys_and_defaults():
    config = ConvLSTM2D(FILTERS, 3).get_config()
    assert set(config) == KERAS_CONFIG_KEYS
    assert config['activation'] == 'tanh' and config['recurrent_activation'] == 'hard_sigmoid'
    assert config['padding'] == 'valid' and config['strides'] == (1, 1)
    assert config['recurrent_initializer']['class_name'] == 'Orthogonal'
    decoded = json.loads(json.dumps(config))
    assert json.loads(json.dumps(ConvLSTM2D.from_config(decoded).get_config())) == decoded


def round_trip_model():
    model = Sequential([
        ConvLSTM2D(FILTERS, 3, padding='same', return_sequences=True,
                   input_shape=(STEPS, ROWS, COLS, CHANNELS)),
        ConvLSTM2D(2, 2, strides=2, data_format='channels_last', go_backwards=True,
                   kernel_regularizer='l2', recurrent_dropout=0.2),
        Flatten(), Dense(1)])
    model.compile('adam', 'mse')
    return model


def test_json_and_save_load_round_trips(tmp_path):
    model = round_trip_model()
    data = sequences()
    model.fit(data, np.zeros((BATCH, 1), 'float32'), epochs=1, verbose=0)
    expected = model.predict(data)
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(data), expected, rtol=1e-5, atol=1e-6)
    path = str(tmp_path / 'conv_lstm.h5')
    model.save(path)
    restored = load_model(path)
    np.testing.assert_allclose(restored.predict(data), expected, rtol=1e-5, atol=1e-6)
    assert restored.layers[1].get_config() == model.layers[1].get_config()


# ---------------------------------------------------------------------- errors
def test_errors_name_the_layer_and_shapes():
    with pytest.raises(ValueError, match=r"ConvLSTM2D 'c1'.*5 dimensions.*\(None, 4, 5, 2\)"):
        ConvLSTM2D(2, 3, name='c1')(Input(shape=(4, 5, 2)))
    with pytest.raises(ValueError, match=r"'c2'.*rows and cols must be known.*"
                                         r"\(None, 4, 5, None, 2\)"):
        ConvLSTM2D(2, 3, name='c2')(Input(shape=(4, 5, None, 2)))
    with pytest.raises(ValueError, match=r"'c3'.*\(None, 4, None, 6, 2\)"):
        ConvLSTM2D(2, 3, name='c3')(Input(shape=(4, None, 6, 2)))
    with pytest.raises(ValueError, match=r"'c4'.*window \(5, 5\).*does not fit"):
        ConvLSTM2D(2, 5, name='c4')(Input(shape=(4, 3, 6, 2)))
    with pytest.raises(ValueError, match=r"'c5'.*batch size.*\(None, 4, 5, 6, 2\)"):
        ConvLSTM2D(2, 3, stateful=True, name='c5')(Input(shape=(4, 5, 6, 2)))
    with pytest.raises(ValueError, match=r"'c6'.*initial states of shapes.*\(None, 3, 4, 2\)"):
        ConvLSTM2D(2, 3, name='c6')(Input(shape=(4, 5, 6, 2)),
                                    initial_state=[Input(shape=(5, 6, 2))] * 2)


def test_argument_errors():
    with pytest.raises(TypeError, match='ConvLSTM2D: unroll=True is not supported'):
        ConvLSTM2D(2, 3, unroll=True)
    with pytest.raises(TypeError, match='ConvRNN2D: convolutional cells cannot be stacked'):
        ConvRNN2D([ConvLSTM2DCell(2, 3), ConvLSTM2DCell(2, 3)])
    with pytest.raises(TypeError, match="ConvLSTM2D: keyword argument.*not understood: "
                                        "units"):
        ConvLSTM2D(2, 3, units=4)
    with pytest.raises(TypeError):
        ConvLSTM2D(2, 3, (1, 1))   # Keras 2.2.4: only filters and kernel_size positional
    with pytest.raises(ValueError, match="ConvLSTM2D: unknown padding 'causal'"):
        ConvLSTM2D(2, 3, padding='causal')
    with pytest.raises(ValueError, match="ConvLSTM2D: `filters` must be a positive"):
        ConvLSTM2D(0, 3)
    with pytest.raises(ValueError, match="ConvLSTM2DCell 'cell_x'.*kernel_size"):
        ConvLSTM2DCell(2, (1, 2, 3), name='cell_x')


def test_unknown_timesteps_match_the_static_layer():
    def make(steps):
        model = Sequential([ConvLSTM2D(2, 3, padding='same', input_shape=(steps, 4, 5, 1))])
        model.compile('sgd', 'mse')
        return model
    loose, fixed = make(None), make(3)
    fixed.set_weights(loose.get_weights())
    data = np.random.RandomState(5).rand(2, 3, 4, 5, 1).astype('float32')
    np.testing.assert_allclose(loose.predict(data), fixed.predict(data), rtol=1e-6,
                               atol=1e-7)
    target = np.zeros((2, 4, 5, 2), 'float32')
    assert loose.train_on_batch(data, target) == pytest.approx(
        fixed.train_on_batch(data, target), rel=1e-6)
    assert loose.predict(data[:, :2]).shape == (2, 4, 5, 2)
