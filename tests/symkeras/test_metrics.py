"""Metrics against numpy; regularizers and constraints (values, config, lookup)."""
import json

import numpy as np
import pytest

from symkeras import backend as K
from symkeras import metrics, losses, regularizers, constraints


@pytest.fixture(autouse=True)
def float64():
    previous = K.floatx()
    K.set_floatx('float64')
    yield
    K.set_floatx(previous)


def evaluate(fn, y_true, y_pred):
    t = K.placeholder(shape=(None,) + y_true.shape[1:])
    p = K.placeholder(shape=(None,) + y_pred.shape[1:])
    return K.function([t, p], [fn(t, p)])([y_true, y_pred])[0]


PRED = np.array([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3], [0.2, 0.3, 0.5], [0.4, 0.35, 0.25]])
LABELS = np.array([1, 2, 2, 1])
ONE_HOT = np.eye(3)[LABELS]


def test_binary_accuracy():
    y_true = np.array([[1., 0.], [0., 0.]])
    y_pred = np.array([[0.7, 0.2], [0.6, 0.4]])
    np.testing.assert_allclose(evaluate(metrics.binary_accuracy, y_true, y_pred), [1., .5])


def test_categorical_and_sparse_accuracy():
    expected = [1., 0., 1., 0.]
    np.testing.assert_allclose(evaluate(metrics.categorical_accuracy, ONE_HOT, PRED),
                               expected)
    sparse = evaluate(metrics.sparse_categorical_accuracy, LABELS[:, None].astype(float), PRED)
    np.testing.assert_allclose(sparse, expected)


def test_top_k_accuracy():
    sparse_labels = LABELS[:, None].astype(float)
    for k, expected in ((1, [1., 0., 1., 0.]), (2, [1., 1., 1., 1.])):
        out = evaluate(lambda t, p: metrics.top_k_categorical_accuracy(t, p, k=k), ONE_HOT,
                       PRED)
        np.testing.assert_allclose(out, expected)
        out = evaluate(lambda t, p: metrics.sparse_top_k_categorical_accuracy(t, p, k=k),
                       sparse_labels, PRED)
        np.testing.assert_allclose(out, expected)
    low = np.array([[0.1, 0.2, 0.7]])
    np.testing.assert_allclose(evaluate(lambda t, p: metrics.top_k_categorical_accuracy(
        t, p, k=2), np.eye(3)[[0]], low), [0.])



@pytest.mark.parametrize('labels', [LABELS.astype(float), LABELS.astype('int32')])
def test_sparse_metrics_take_targets_shaped_batch(labels):
    """(batch,) targets are compared sample by sample, like (batch, 1) ones."""
    accuracy = evaluate(metrics.sparse_categorical_accuracy, labels, PRED)
    np.testing.assert_allclose(accuracy, [1., 0., 1., 0.])
    top_2 = evaluate(lambda t, p: metrics.sparse_top_k_categorical_accuracy(t, p, k=2),
                     labels, PRED)
    np.testing.assert_allclose(top_2, [1., 1., 1., 1.])
    top_1 = evaluate(lambda t, p: metrics.sparse_top_k_categorical_accuracy(t, p, k=1),
                     labels, PRED)
    np.testing.assert_allclose(top_1, [1., 0., 1., 0.])


def test_binary_accuracy_rounds_half_to_even_and_top_k_defaults_to_5():
    y_true = np.array([[1., 0., 1., 0.]])
    y_pred = np.array([[0.5, 0.5, 0.49, 0.51]])   # 0.5 rounds to 0, as Keras's K.round
    np.testing.assert_allclose(evaluate(metrics.binary_accuracy, y_true, y_pred), [0.25])
    scores = np.arange(7.)[None, ::-1]             # class 0 best, class 6 worst
    np.testing.assert_allclose(evaluate(metrics.top_k_categorical_accuracy, np.eye(7)[[4]],
                                        scores), [1.])
    np.testing.assert_allclose(evaluate(metrics.top_k_categorical_accuracy, np.eye(7)[[5]],
                                        scores), [0.])

def test_metric_lookup_and_aliases():
    assert metrics.get('mae') is losses.mean_absolute_error
    assert metrics.get('mse') is losses.mean_squared_error
    assert metrics.get('categorical_accuracy') is metrics.categorical_accuracy
    assert metrics.serialize(metrics.binary_accuracy) == 'binary_accuracy'
    with pytest.raises(ValueError, match='binary_accuracy'):
        metrics.get('binary_acuracy')


# ---------------------------------------------------------------- regularizers
W = np.array([[1., -2.], [0.5, 3.]])


def value_of(fn, array):
    x = K.variable(array)
    return float(K.eval(fn(x)))


def test_l1_l2_values():
    assert value_of(regularizers.l1(0.1), W) == pytest.approx(0.1 * np.abs(W).sum())
    assert value_of(regularizers.l2(0.2), W) == pytest.approx(0.2 * (W ** 2).sum())
    both = regularizers.l1_l2(l1=0.1, l2=0.2)
    assert value_of(both, W) == pytest.approx(0.1 * np.abs(W).sum() + 0.2 * (W ** 2).sum())


def test_regularizer_lookup_and_config():
    assert regularizers.get(None) is None
    assert regularizers.get('l2').get_config() == {'l1': 0., 'l2': 0.01}
    config = json.loads(json.dumps(regularizers.serialize(regularizers.L1L2(0.3, 0.4))))
    assert regularizers.get(config).get_config() == {'l1': 0.3, 'l2': 0.4}
    with pytest.raises(ValueError, match='l1_l2'):
        regularizers.get('l3')


# ---------------------------------------------------------------- constraints
def test_max_norm():
    out = K.eval(constraints.MaxNorm(2.)(K.variable(W)))
    norms = np.sqrt((W ** 2).sum(axis=0, keepdims=True))
    np.testing.assert_allclose(out, W * np.clip(norms, 0, 2) / (1e-7 + norms), rtol=1e-6)


def test_non_neg_unit_norm_min_max_norm():
    np.testing.assert_allclose(K.eval(constraints.NonNeg()(K.variable(W))), np.maximum(W, 0))
    unit = K.eval(constraints.UnitNorm(axis=1)(K.variable(W)))
    np.testing.assert_allclose((unit ** 2).sum(axis=1), 1., rtol=1e-6)
    bounded = K.eval(constraints.MinMaxNorm(1., 2., rate=0.5)(K.variable(W)))
    norms = np.sqrt((W ** 2).sum(axis=0, keepdims=True))
    desired = 0.5 * np.clip(norms, 1, 2) + 0.5 * norms
    np.testing.assert_allclose(bounded, W * desired / (1e-7 + norms), rtol=1e-6)


def test_constraint_lookup_and_config():
    assert constraints.get(None) is None
    assert isinstance(constraints.get('max_norm'), constraints.MaxNorm)
    assert isinstance(constraints.get('nonneg'), constraints.NonNeg)
    config = json.loads(json.dumps(constraints.serialize(constraints.MinMaxNorm(0.5, 3.))))
    assert constraints.get(config).get_config() == {'min_value': 0.5, 'max_value': 3.,
                                                    'rate': 1.0, 'axis': 0}
    with pytest.raises(ValueError, match='unit_norm'):
        constraints.get('unitnorms')
