"""K.ctc_batch_cost against a numpy CTC written from the definition (the sum over every
alignment, enumerated), and its gradient against finite differences."""
import itertools

import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import Dense, Input, Lambda, LSTM
from symkeras.models import Model

RNG = np.random.RandomState(11)


def _collapse(path, blank):
    merged = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
    return tuple(k for k in merged if k != blank)


def brute_force_ctc(probs, label, steps):
    """-log of the total probability of the alignments of `label` over the first `steps`
    rows of `probs` (every path enumerated: small sizes only); blank = last class."""
    probs = probs[:steps] + K.epsilon()
    blank = probs.shape[1] - 1
    total = 0.0
    for path in itertools.product(range(probs.shape[1]), repeat=steps):
        if _collapse(path, blank) == tuple(label):
            total += np.prod([probs[t, k] for t, k in enumerate(path)])
    return -np.log(total)


def _batch(samples, steps, classes, max_label):
    logits = RNG.randn(samples, steps, classes)
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    labels = RNG.randint(0, classes - 1, (samples, max_label)).astype('float32')
    labels[0, :2] = 1                         # a repeated label needs a blank between
    label_length = RNG.randint(1, max_label + 1, (samples, 1))
    label_length[0] = max(2, label_length[0, 0])
    input_length = np.array([[steps]] + [[RNG.randint(2 * max_label, steps + 1)]
                                         for _ in range(samples - 1)])
    return probs, labels, input_length, label_length


@pytest.mark.parametrize('time_axis', ['static', 'unknown'])
def test_losses_match_the_sum_over_alignments(time_axis):
    probs, labels, input_length, label_length = _batch(4, 6, 3, 2)
    y_pred = K.placeholder(shape=(None, 6 if time_axis == 'static' else None, 3))
    y_true = K.placeholder(shape=(None, 2))
    lengths = [K.placeholder(shape=(None, 1)) for _ in range(2)]
    loss = K.ctc_batch_cost(y_true, y_pred, *lengths)
    got = K.function([y_true, y_pred] + lengths, [loss])(
        [labels, probs.astype('float32'), input_length, label_length])[0]
    expected = [brute_force_ctc(probs[n], labels[n, :label_length[n, 0]].astype(int),
                                input_length[n, 0]) for n in range(4)]
    assert got.shape == (4, 1)
    np.testing.assert_allclose(got[:, 0], expected, rtol=2e-5)


def test_impossible_alignment_is_a_large_finite_loss():
    """A label longer than the steps allow: no path, a huge loss, no NaN."""
    probs = np.full((1, 2, 3), 1 / 3.0, 'float32')
    loss = K.eval(K.ctc_batch_cost(K.constant([[0., 0.]]), K.constant(probs),
                                   K.constant([[2]]), K.constant([[2]])))
    assert np.isfinite(loss).all() and loss[0, 0] > 1e3


def test_gradient_matches_finite_differences():
    probs, labels, input_length, label_length = _batch(2, 5, 3, 2)
    x = K.placeholder(shape=(None, 5, 3), dtype='float64')
    y_pred = K.softmax(x)
    loss = K.sum(K.ctc_batch_cost(K.constant(labels), y_pred, K.constant(input_length),
                                  K.constant(label_length)))
    (grad,) = K.gradients(loss, [x])
    f = K.function([x], [loss, grad])
    logits = np.log(probs)
    got = f([logits])[1]
    expected = np.zeros_like(logits)
    for index in np.ndindex(logits.shape):
        for sign in (1, -1):
            shifted = logits.copy()
            shifted[index] += sign * 1e-6
            expected[index] += sign * f([shifted])[0] / 2e-6
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


def test_a_ctc_model_trains_on_sequences_of_any_length():
    """Keras's image_ocr wiring: the loss as a Lambda layer, the model's output is it."""
    features = Input(shape=(None, 4), name='features')
    labels = Input(shape=(2,), name='labels')
    input_length = Input(shape=(1,), name='input_length', dtype='int64')
    label_length = Input(shape=(1,), name='label_length', dtype='int64')
    y_pred = Dense(3, activation='softmax')(LSTM(8, return_sequences=True)(features))
    loss = Lambda(lambda args: K.ctc_batch_cost(*args), output_shape=(1,))(
        [labels, y_pred, input_length, label_length])
    model = Model([features, labels, input_length, label_length], loss)
    model.compile(loss=lambda y_true, y_pred: y_pred, optimizer='adam')
    for steps in (6, 9):
        inputs = [RNG.rand(8, steps, 4).astype('float32'),
                  RNG.randint(0, 2, (8, 2)).astype('float32'),
                  np.full((8, 1), steps), np.full((8, 1), 2)]
        history = model.fit(inputs, np.zeros((8, 1)), epochs=5, verbose=0)
        assert history.history['loss'][-1] < history.history['loss'][0]


def _greedy_reference(probs, steps):
    blank = probs.shape[1] - 1
    best = probs[:steps].argmax(1)
    labels = [k for i, k in enumerate(best) if k != blank and (i == 0 or k != best[i - 1])]
    return labels, -np.log(probs[:steps].max(1) + K.epsilon()).sum()


def test_greedy_decode_matches_best_path_collapsing():
    probs = RNG.dirichlet(np.ones(4) * 0.3, size=(6, 9)).astype('float32')
    probs[0, :4] = [[0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0]]  # 1 1 - 1
    lengths = np.array([9, 9, 5, 1, 7, 3])
    decoded, log_prob = K.ctc_decode(K.constant(probs), K.constant(lengths))
    got, got_log = K.eval(decoded[0]), K.eval(log_prob)
    assert got.shape == (6, 9) and got_log.shape == (6, 1)
    for n in range(6):
        labels, total = _greedy_reference(probs[n], lengths[n])
        assert list(got[n, :len(labels)]) == labels and (got[n, len(labels):] == -1).all()
        assert got_log[n, 0] == pytest.approx(total, rel=1e-5)
    assert list(got[0, :2]) == [1, 1]


def test_beam_search_is_refused():
    with pytest.raises(NotImplementedError, match='beam search'):
        K.ctc_decode(K.constant(np.ones((1, 2, 3))), K.constant([2]), greedy=False)
