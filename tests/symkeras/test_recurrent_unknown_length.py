"""Recurrent layers and K.rnn over a time axis of unknown size (`Input(shape=(None, n))`):
`Recurrent` nodes, unrolled per input shape when a compiled function is called."""
import numpy as np
import pytest

from compiler.autodiff import gradients
from compiler.function import function
from compiler.ir import placeholder
from compiler.specialized import SpecializedFunction
from symkeras import backend as K
from symkeras.layers import (GRU, LSTM, Bidirectional, Dense, Embedding, Input, SimpleRNN,
                             TimeDistributed)
from symkeras.models import Model, Sequential, load_model

RNG = np.random.RandomState(3)


def _pair(make):
    """(model over unknown timesteps, the same over 6 static ones), same weights."""
    loose, fixed = make(None), make(6)
    fixed.set_weights(loose.get_weights())
    return loose, fixed


@pytest.mark.parametrize('layer', [
    lambda: LSTM(4), lambda: GRU(4, return_sequences=True), lambda: SimpleRNN(
        4, go_backwards=True), lambda: Bidirectional(LSTM(3), merge_mode='concat')],
    ids=['lstm', 'gru-sequences', 'simple-backwards', 'bidirectional'])
def test_training_matches_the_static_length_model(layer):
    def make(steps):
        model = Sequential([Dense(5, input_shape=(steps, 3)), layer(),
                            Dense(2, activation='softmax')])
        model.compile('sgd', 'categorical_crossentropy')
        return model
    loose, fixed = _pair(make)
    x = RNG.rand(4, 6, 3).astype('float32')
    shape = fixed.output_shape
    y = np.eye(2)[RNG.randint(0, 2, (4,) + tuple(shape[1:-1]))]
    np.testing.assert_allclose(loose.predict(x), fixed.predict(x), rtol=1e-6, atol=1e-7)
    assert loose.train_on_batch(x, y) == pytest.approx(fixed.train_on_batch(x, y), rel=1e-6)
    for a, b in zip(loose.get_weights(), fixed.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_every_length_runs_and_each_shape_compiles_once():
    model = Sequential([LSTM(3, input_shape=(None, 2)), Dense(1)])
    model.compile('sgd', 'mse')
    y = np.zeros((2, 1), 'float32')
    for steps in (5, 1, 8, 5, 1):
        model.train_on_batch(RNG.rand(2, steps, 2).astype('float32'), y)
    assert isinstance(model.train_function, SpecializedFunction)
    assert len(model.train_function._compiled) == 3
    assert model.predict(RNG.rand(3, 11, 2).astype('float32')).shape == (3, 1)


def test_gradient_through_an_unknown_length_loop_matches_finite_differences():
    """float64: K.rnn over (None, None, 2) differentiated after unrolling."""
    x = placeholder((None, None, 2), 'float64')
    w = K.variable(RNG.randn(2, 3), dtype='float64')
    u = K.variable(0.3 * RNG.randn(3, 3), dtype='float64')

    def step(inputs, states):
        h = K.tanh(K.dot(inputs, w) + K.dot(states[0], u))
        return h, [h]
    h0 = K.zeros_like(K.dot(x[:, 0], w))
    last, outputs, _ = K.rnn(step, x, [h0])
    cost = K.sum(last ** 2) + K.sum(outputs * 0.5)
    grad_w, grad_u = gradients(cost, [w, u])
    f = function([x], [cost, grad_w, grad_u])
    values = RNG.randn(2, 4, 2)
    _, got_w, got_u = f([values])
    for variable, got in ((w, got_w), (u, got_u)):
        base = variable.value.copy()
        expected = np.zeros_like(base)
        for index in np.ndindex(base.shape):
            for sign in (1, -1):
                shifted = base.copy()
                shifted[index] += sign * 1e-6
                variable.set_value(shifted)
                expected[index] += sign * f([values])[0] / 2e-6
        variable.set_value(base)
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)


def test_masked_sequences_match_the_static_length_model():
    def make(steps):
        model = Sequential([Embedding(10, 3, mask_zero=True, input_shape=(steps,)),
                            LSTM(4), Dense(1)])
        model.compile('sgd', 'mse')
        return model
    loose, fixed = _pair(make)
    x = RNG.randint(1, 10, (5, 6))
    x[:, 4:] = 0
    y = RNG.rand(5, 1).astype('float32')
    np.testing.assert_allclose(loose.predict(x), fixed.predict(x), rtol=1e-6, atol=1e-7)
    assert loose.train_on_batch(x, y) == pytest.approx(fixed.train_on_batch(x, y), rel=1e-6)
    # padding more zeros changes nothing for the unknown-length model
    padded = np.concatenate([x, np.zeros((5, 3), x.dtype)], axis=1)
    np.testing.assert_allclose(loose.predict(padded), loose.predict(x), rtol=1e-6)


def test_seq2seq_encoder_states_feed_a_decoder_of_another_length(tmp_path):
    """Keras's lstm_seq2seq: Input(shape=(None, n)), return_state, initial_state."""
    encoder_in, decoder_in = Input(shape=(None, 4)), Input(shape=(None, 5))
    _, h, c = LSTM(6, return_state=True)(encoder_in)
    decoded = LSTM(6, return_sequences=True)(decoder_in, initial_state=[h, c])
    model = Model([encoder_in, decoder_in], TimeDistributed(Dense(5, activation='softmax'))(
        decoded))
    model.compile('rmsprop', 'categorical_crossentropy')
    inputs = [RNG.rand(8, 7, 4).astype('float32'), RNG.rand(8, 3, 5).astype('float32')]
    targets = np.eye(5)[RNG.randint(0, 5, (8, 3))]
    history = model.fit(inputs, targets, batch_size=4, epochs=4, verbose=0)
    assert history.history['loss'][-1] < history.history['loss'][0]
    other = [RNG.rand(2, 2, 4).astype('float32'), RNG.rand(2, 9, 5).astype('float32')]
    assert model.predict(other).shape == (2, 9, 5)
    path = str(tmp_path / 'seq2seq.h5')
    model.save(path)
    np.testing.assert_allclose(load_model(path).predict(other), model.predict(other),
                               rtol=1e-6)


def test_stateful_layer_over_unknown_length_carries_its_states():
    model = Sequential([SimpleRNN(2, stateful=True, batch_input_shape=(2, None, 1))])
    model.compile('sgd', 'mse')
    x = np.ones((2, 3, 1), 'float32')
    first = model.predict(x)
    second = model.predict(np.ones((2, 5, 1), 'float32'))
    model.reset_states()
    assert not np.allclose(first, second)
    np.testing.assert_allclose(model.predict(x), first, rtol=1e-6)


def test_recurrent_dropout_uses_one_mask_for_every_step():
    """The dropout masks come from the first step's outer tensors (not per time step): the
    training-phase graph holds as many random draws as the static-length one."""
    def draws(steps):
        layer = LSTM(3, dropout=0.3, recurrent_dropout=0.3)
        out = layer(Input(shape=(steps, 2)))
        grad = K.gradients(K.sum(out), layer.trainable_weights)
        f = K.function([layer.input, K.learning_phase()], grad)
        if steps is None:
            f([np.ones((2, 4, 2), 'float32'), 1])
            f = f._last
        return sum(1 for s in f.plan.steps if s.kernel.startswith('random'))
    assert draws(None) == draws(4) > 0


def test_k_function_attributes_need_a_first_call():
    x = K.placeholder(shape=(None, None, 2))
    _, outputs, _ = K.rnn(lambda i, s: (i + s[0], [i + s[0]]), x, [K.zeros_like(x[:, 0])])
    f = K.function([x], [outputs])
    with pytest.raises(AttributeError, match='before its first call.*unknown size'):
        f.plan
    f([np.ones((1, 3, 2), 'float32')])
    assert f.plan.steps
    with pytest.raises(ValueError, match=r"input .* expected shape \(None, None, 2\), "
                                         r"received \(None, 3, 4\)"):
        f([np.ones((1, 3, 4), 'float32')])


def test_step_changing_a_state_shape_is_refused_at_build_time():
    x = K.placeholder(shape=(None, None, 2))
    with pytest.raises(ValueError, match=r'rnn: state 0 enters the step as float32 '
                                         r'\(None, 2\) and leaves it as float32 \(None, 4\)'):
        K.rnn(lambda i, s: (i, [K.concatenate([s[0], s[0]])]), x, [K.zeros_like(x[:, 0])])


def test_export_refuses_a_model_over_unknown_lengths(tmp_path):
    model = Sequential([LSTM(2, input_shape=(None, 3))])
    with pytest.raises(ValueError, match=r"export: model .* unknown size \(input shapes "
                                         r"\(None, None, 3\)\).*static number of time"):
        model.export(str(tmp_path / 'model.skx'))
    assert not (tmp_path / 'model.skx').exists()


def test_map_fn_and_folds_over_the_batch_axis_compile_per_batch_size():
    x = K.placeholder(shape=(None, 3))
    mapped = K.map_fn(lambda row: K.sum(row * row), x)
    left = K.foldl(lambda acc, row: acc * 2.0 + row, x)
    right = K.foldr(lambda acc, row: acc * 0.5 + row, x, initializer=K.zeros((3,)))
    f = K.function([x], [mapped, left, right])
    for rows in (4, 2, 4):
        values = RNG.randn(rows, 3).astype('float32')
        expected_left, expected_right = values[0], np.zeros(3)
        for row in values[1:]:
            expected_left = expected_left * 2.0 + row
        for row in values[::-1]:
            expected_right = expected_right * 0.5 + row
        got = f([values])
        np.testing.assert_allclose(got[0], (values ** 2).sum(1), rtol=1e-5)
        np.testing.assert_allclose(got[1], expected_left, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(got[2], expected_right, rtol=1e-5, atol=1e-6)
    assert len(f._compiled) == 2


def test_map_fn_over_samples_in_a_model_trains_like_the_vectorized_form():
    from symkeras.layers import Lambda

    def make(per_sample):
        scale = ((lambda t: K.map_fn(lambda row: row * K.sum(row), t)) if per_sample else
                 (lambda t: t * K.sum(t, axis=1, keepdims=True)))
        model = Sequential([Dense(4, input_shape=(3,)), Lambda(scale), Dense(1)])
        model.compile('sgd', 'mse')
        return model
    looped, vectorized = make(True), make(False)
    vectorized.set_weights(looped.get_weights())
    x, y = RNG.rand(10, 3).astype('float32'), RNG.rand(10, 1).astype('float32')
    a = looped.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history['loss']
    b = vectorized.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history['loss']
    np.testing.assert_allclose(a, b, rtol=1e-5)


def test_map_fn_with_several_results_needs_a_static_axis():
    with pytest.raises(ValueError, match='map_fn: over a first axis of unknown size fn must '
                                         'return one tensor'):
        K.map_fn(lambda row: [row, row], K.placeholder(shape=(None, 3)))


def test_many_lengths_warn_once_and_keep_a_bounded_number_of_plans(monkeypatch):
    import compiler.specialized as specialized
    monkeypatch.setattr(specialized, 'WARN_SHAPES', 3)
    monkeypatch.setattr(specialized, 'MAX_SHAPES', 4)
    x = K.placeholder(shape=(None, None, 1))
    _, outputs, _ = K.rnn(lambda i, s: (i + s[0], [i + s[0]]), x, [K.zeros_like(x[:, 0])])
    f = K.function([x], [outputs])
    with pytest.warns(UserWarning, match=r"compiled for 3 input shapes.*pad the sequences"):
        for steps in range(1, 7):
            out = f([np.ones((1, steps, 1), 'float32')])[0]
            np.testing.assert_allclose(out[0, :, 0], np.arange(1, steps + 1))
    assert [shape[0][1] for shape in f.compiled_shapes] == [3, 4, 5, 6]


def test_run_time_sizes_indexed_by_a_tensor_survive_the_lowering():
    """K.shape(x)[i] with a tensor i stays a run-time size when the loop is unrolled."""
    x = K.placeholder(shape=(None, None, 2))
    i = K.placeholder(shape=(), dtype='int64')
    _, outputs, _ = K.rnn(lambda v, s: (v + s[0], [v + s[0]]), x, [K.zeros_like(x[:, 0])])
    f = K.function([x, i], [K.sum(outputs) * K.cast(K.shape(x)[i], 'float32')])
    value = f([np.ones((1, 3, 2), 'float32'), np.array(1)])[0]
    assert value == pytest.approx((2 * (1 + 2 + 3)) * 3)
