"""Losses against their numpy formulas (Keras 2.2.4), lookup by name and aliases."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras import losses

EPS = 1e-7
RNG = np.random.RandomState(0)
REAL_TRUE = RNG.randn(4, 5)
REAL_PRED = RNG.randn(4, 5)
POS_TRUE = RNG.uniform(0.1, 2., (4, 5))
POS_PRED = RNG.uniform(0.1, 2., (4, 5))
SIGNS = np.sign(RNG.randn(4, 5))
PROBS = RNG.dirichlet(np.ones(5), size=4)
ONE_HOT = np.eye(5)[[0, 3, 1, 4]]
BINARY = RNG.randint(0, 2, (4, 5)).astype('float64')
SIGMOIDS = RNG.uniform(0.05, 0.95, (4, 5))


def evaluate(fn, y_true, y_pred):
    t = K.placeholder(shape=(None,) + y_true.shape[1:])
    p = K.placeholder(shape=(None,) + y_pred.shape[1:])
    return K.function([t, p], [fn(t, p)])([y_true, y_pred])[0]


def kld(t, p):
    t, p = np.clip(t, EPS, 1), np.clip(p, EPS, 1)
    return (t * np.log(t / p)).sum(-1)


def cosine(t, p):
    t = t / np.sqrt(np.maximum((t ** 2).sum(-1, keepdims=True), 1e-12))
    p = p / np.sqrt(np.maximum((p ** 2).sum(-1, keepdims=True), 1e-12))
    return -(t * p).sum(-1)


def categorical_hinge(t, p):
    return np.maximum(0., ((1 - t) * p).max(-1) - (t * p).sum(-1) + 1)


CASES = [
    ('mean_squared_error', REAL_TRUE, REAL_PRED, lambda t, p: ((p - t) ** 2).mean(-1)),
    ('mean_absolute_error', REAL_TRUE, REAL_PRED, lambda t, p: np.abs(p - t).mean(-1)),
    ('mean_absolute_percentage_error', REAL_TRUE, REAL_PRED,
     lambda t, p: 100 * np.abs((t - p) / np.clip(np.abs(t), EPS, None)).mean(-1)),
    ('mean_squared_logarithmic_error', POS_TRUE, POS_PRED,
     lambda t, p: ((np.log(p + 1) - np.log(t + 1)) ** 2).mean(-1)),
    ('squared_hinge', SIGNS, REAL_PRED,
     lambda t, p: (np.maximum(1 - t * p, 0) ** 2).mean(-1)),
    ('hinge', SIGNS, REAL_PRED, lambda t, p: np.maximum(1 - t * p, 0).mean(-1)),
    ('categorical_hinge', ONE_HOT, REAL_PRED, categorical_hinge),
    ('logcosh', REAL_TRUE, REAL_PRED, lambda t, p: np.log(np.cosh(p - t)).mean(-1)),
    ('categorical_crossentropy', ONE_HOT, PROBS, lambda t, p: -(t * np.log(p)).sum(-1)),
    ('binary_crossentropy', BINARY, SIGMOIDS,
     lambda t, p: -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(-1)),
    ('kullback_leibler_divergence', PROBS[::-1], PROBS, kld),
    ('poisson', POS_TRUE, POS_PRED, lambda t, p: (p - t * np.log(p + EPS)).mean(-1)),
    ('cosine_proximity', REAL_TRUE, REAL_PRED, cosine),
]


@pytest.fixture(autouse=True)
def float64():
    previous = K.floatx()
    K.set_floatx('float64')
    yield
    K.set_floatx(previous)


@pytest.mark.parametrize('name, y_true, y_pred, reference', CASES, ids=[c[0] for c in CASES])
def test_loss_matches_numpy(name, y_true, y_pred, reference):
    out = evaluate(getattr(losses, name), y_true, y_pred)
    assert out.shape == (4,)
    np.testing.assert_allclose(out, reference(y_true, y_pred), rtol=1e-6, atol=1e-9)


def test_sparse_categorical_crossentropy():
    labels = np.array([[0], [3], [1], [4]], dtype='float64')
    out = evaluate(losses.sparse_categorical_crossentropy, labels, PROBS)
    np.testing.assert_allclose(out, -np.log(PROBS[np.arange(4), [0, 3, 1, 4]]), rtol=1e-6)


def test_crossentropy_clips_probabilities():
    out = evaluate(losses.categorical_crossentropy, ONE_HOT, np.abs(ONE_HOT - 1) / 4)
    np.testing.assert_allclose(out, -np.log(EPS), rtol=1e-6)


@pytest.mark.parametrize('alias, name', [
    ('mse', 'mean_squared_error'), ('MSE', 'mean_squared_error'),
    ('mae', 'mean_absolute_error'), ('MAE', 'mean_absolute_error'),
    ('mape', 'mean_absolute_percentage_error'), ('MAPE', 'mean_absolute_percentage_error'),
    ('msle', 'mean_squared_logarithmic_error'), ('MSLE', 'mean_squared_logarithmic_error'),
    ('kld', 'kullback_leibler_divergence'), ('KLD', 'kullback_leibler_divergence'),
    ('cosine', 'cosine_proximity')])
def test_aliases(alias, name):
    assert getattr(losses, alias) is getattr(losses, name)
    assert losses.get(alias) is getattr(losses, name)


def test_get_serialize_deserialize():
    for name, *_ in CASES:
        fn = losses.get(name)
        assert losses.serialize(fn) == name
        assert losses.deserialize(name) is fn
    assert losses.get(None) is None

    def custom(y_true, y_pred):
        return K.mean(y_pred - y_true, axis=-1)
    assert losses.get(custom) is custom
    assert losses.deserialize('custom', custom_objects={'custom': custom}) is custom


def test_unknown_loss_lists_choices():
    with pytest.raises(ValueError) as info:
        losses.get('categorical_crossentropi')
    message = str(info.value)
    assert 'categorical_crossentropi' in message
    assert 'categorical_crossentropy' in message and 'mse' in message
    with pytest.raises(ValueError):
        losses.get(3)
