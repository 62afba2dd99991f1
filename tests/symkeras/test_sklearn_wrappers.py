"""symkeras.wrappers.scikit_learn: Keras 2.2.4's KerasClassifier and KerasRegressor."""
import subprocess
import sys

import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import Dense
from symkeras.models import Sequential
from symkeras.utils import to_categorical
from symkeras.wrappers.scikit_learn import BaseWrapper, KerasClassifier, KerasRegressor

FEATURES = 4


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    np.random.seed(0)
    yield


def build_classifier(hidden=6, classes=3, loss='sparse_categorical_crossentropy',
                     metrics=('accuracy',)):
    """A tiny softmax (or, with classes=1, sigmoid) classifier."""
    activation = 'sigmoid' if classes == 1 else 'softmax'
    model = Sequential([Dense(hidden, input_dim=FEATURES, activation='relu'),
                        Dense(classes, activation=activation)])
    model.compile('adam', loss, metrics=list(metrics))
    return model


def build_regressor(hidden=5):
    model = Sequential([Dense(hidden, input_dim=FEATURES, activation='tanh'), Dense(1)])
    model.compile('sgd', 'mse')
    return model


def blobs(labels, per_class=8):
    """Separable samples: one cluster per label; returns (x, y) with y from `labels`."""
    y = np.repeat(np.asarray(labels), per_class)
    centers = np.eye(len(labels), FEATURES) * 3.
    x = np.repeat(centers, per_class, axis=0) + 0.3 * np.random.randn(len(y), FEATURES)
    return x.astype('float32'), y


def spy_on_fit(model, seen):
    """Record the targets' shape and the keyword arguments of every model.fit call."""
    original = model.fit

    def fit(x, y, **kwargs):
        seen.append((np.shape(y), dict(kwargs)))
        return original(x, y, **kwargs)
    model.fit = fit
    return model


def test_classifier_int_labels_map_through_classes():
    x, y = blobs([3, 5, 7])
    clf = KerasClassifier(build_classifier, epochs=2, verbose=0)
    clf.fit(x, y)
    np.testing.assert_array_equal(clf.classes_, [3, 5, 7])
    assert clf.n_classes_ == 3
    predicted = clf.predict(x)
    assert predicted.shape == (len(y),) and set(predicted) <= {3, 5, 7}
    proba = clf.predict_proba(x)
    assert proba.shape == (len(y), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1., rtol=1e-5)
    np.testing.assert_array_equal(predicted, clf.classes_[proba.argmax(axis=1)])


def test_classifier_string_labels_learn_a_separable_problem():
    x, y = blobs(['cat', 'dog', 'eel'], per_class=10)
    clf = KerasClassifier(build_classifier, hidden=16, epochs=60, batch_size=10, verbose=0)
    clf.fit(x, y)
    assert list(clf.classes_) == ['cat', 'dog', 'eel']
    assert clf.predict(x).dtype.kind == 'U'
    assert np.mean(clf.predict(x) == y) > 0.9
    assert clf.score(x, y) > 0.9


@pytest.mark.parametrize('loss,target_shape', [
    ('categorical_crossentropy', (24, 3)),          # labels one-hot encoded for the model
    ('sparse_categorical_crossentropy', (24,)),     # labels passed as indices
])
def test_classifier_one_hot_only_for_categorical_crossentropy(loss, target_shape):
    x, y = blobs(['a', 'b', 'c'])
    seen = []
    clf = KerasClassifier(lambda: spy_on_fit(build_classifier(loss=loss), seen), verbose=0)
    clf.fit(x, y)
    assert seen[0][0] == target_shape
    indices = np.searchsorted(clf.classes_, y)
    targets = to_categorical(indices, 3) if len(target_shape) == 2 else indices
    assert clf.score(x, y) == pytest.approx(clf.model.evaluate(x, targets)[1])


def test_classifier_one_hot_targets_give_index_classes():
    x, y = blobs([0, 1, 2])
    clf = KerasClassifier(build_classifier, loss='categorical_crossentropy', verbose=0)
    clf.fit(x, to_categorical(y, 3))
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.score(x, y) == pytest.approx(clf.model.evaluate(x, to_categorical(y))[1])


def test_classifier_score_one_hot_uses_all_classes():
    x, y = blobs(['a', 'b', 'c'])
    clf = KerasClassifier(build_classifier, loss='categorical_crossentropy', verbose=0)
    clf.fit(x, y)
    keep = y != 'c'                      # the test set lacks the last class
    expected = clf.model.evaluate(x[keep], to_categorical(np.searchsorted(
        clf.classes_, y[keep]), 3))[1]
    assert clf.score(x[keep], y[keep]) == pytest.approx(expected)


def test_binary_sigmoid_output_gives_two_probability_columns():
    x, y = blobs(['no', 'yes'])
    clf = KerasClassifier(build_classifier, classes=1, loss='binary_crossentropy',
                          metrics=['acc'], epochs=2, verbose=0)
    clf.fit(x, y)
    proba = clf.predict_proba(x)
    sigmoid = clf.model.predict(x)
    assert proba.shape == (len(y), 2)
    np.testing.assert_allclose(proba[:, 1:], sigmoid, rtol=1e-6)
    np.testing.assert_allclose(proba.sum(axis=1), 1., rtol=1e-6)
    predicted = clf.predict(x)
    assert predicted.shape == (len(y), 1)       # Keras 2.2.4 keeps the unit axis
    np.testing.assert_array_equal(predicted[:, 0], np.where(sigmoid[:, 0] > 0.5, 'yes', 'no'))
    expected = clf.model.evaluate(x, np.searchsorted(clf.classes_, y))[1]
    assert clf.score(x, y) == pytest.approx(expected)


def test_classifier_score_needs_an_accuracy_metric():
    x, y = blobs([0, 1, 2])
    clf = KerasClassifier(build_classifier, metrics=(), verbose=0)
    clf.fit(x, y)
    with pytest.raises(ValueError, match='accuracy'):
        clf.score(x, y)


def test_classifier_rejects_labels_of_three_dimensions():
    clf = KerasClassifier(build_classifier, verbose=0)
    with pytest.raises(ValueError, match=r'\(2, 2, 2\)'):
        clf.fit(np.zeros((2, FEATURES)), np.zeros((2, 2, 2)))


def test_regressor_predict_and_score_is_negative_loss():
    x = np.random.rand(20, FEATURES).astype('float32')
    y = x.sum(axis=1)
    reg = KerasRegressor(build_regressor, epochs=3, batch_size=5, verbose=0)
    history = reg.fit(x, y)
    assert len(history.history['loss']) == 3
    predicted = reg.predict(x)
    assert predicted.shape == (20,)
    np.testing.assert_allclose(predicted, reg.model.predict(x)[:, 0], rtol=1e-6)
    assert reg.score(x, y) == pytest.approx(-reg.model.evaluate(x, y))


def test_regressor_score_with_metrics_is_negative_loss():
    def build():
        model = build_regressor()
        model.compile('sgd', 'mse', metrics=['mae'])
        return model
    x = np.random.rand(10, FEATURES)
    reg = KerasRegressor(build, verbose=0)
    reg.fit(x, x[:, 0])
    assert reg.score(x, x[:, 0]) == pytest.approx(-reg.model.evaluate(x, x[:, 0])[0])


def test_sk_params_are_routed_to_build_fn_and_fit():
    x, y = blobs([0, 1])
    clf = KerasClassifier(build_classifier, hidden=7, epochs=3, batch_size=4, verbose=0)
    history = clf.fit(x, y)
    assert clf.model.layers[0].units == 7
    assert history.params['epochs'] == 3
    assert history.params['batch_size'] == 4
    assert history.params['verbose'] == 0
    assert len(history.history['loss']) == 3


def test_fit_keyword_arguments_override_sk_params():
    x, y = blobs([0, 1])
    clf = KerasClassifier(build_classifier, epochs=3, verbose=0)
    history = clf.fit(x, y, epochs=1, batch_size=2)
    assert history.params['epochs'] == 1 and history.params['batch_size'] == 2


def test_legacy_nb_epoch_reaches_fit():
    x, y = blobs([0, 1])
    with pytest.warns(UserWarning, match='epochs=2'):
        history = KerasClassifier(build_classifier, nb_epoch=2, verbose=0).fit(x, y)
    assert len(history.history['loss']) == 2


def test_unknown_sk_param_is_an_error():
    with pytest.raises(ValueError, match="'epocs' is not a legal parameter"):
        KerasClassifier(build_classifier, epocs=3)
    clf = KerasRegressor(build_regressor)
    with pytest.raises(ValueError, match='hidden'):      # the message lists the builder's
        clf.set_params(hiden=3)
    assert 'hiden' not in clf.get_params()


def test_build_fn_catch_all_kwargs_do_not_make_names_legal():
    def build(**kwargs):
        return build_regressor()
    with pytest.raises(ValueError, match='typo'):
        KerasRegressor(build, typo=1)


def test_get_params_set_params_round_trip():
    clf = KerasClassifier(build_classifier, hidden=3, epochs=2, verbose=0)
    params = clf.get_params()
    assert params == {'build_fn': build_classifier, 'hidden': 3, 'epochs': 2, 'verbose': 0}
    assert clf.get_params(deep=True) == params
    assert clf.set_params(hidden=9, batch_size=4) is clf
    assert clf.get_params()['hidden'] == 9 and clf.get_params()['batch_size'] == 4
    other = KerasClassifier(build_regressor).set_params(**params)
    assert other.get_params() == params
    with pytest.raises(ValueError, match='units'):
        other.set_params(build_fn=build_regressor, units=3)
    assert other.build_fn is build_classifier       # unchanged after the error


def test_hand_written_clone_is_an_unfitted_copy():
    x, y = blobs([0, 1])
    clf = KerasClassifier(build_classifier, hidden=4, epochs=1, verbose=0)
    clf.fit(x, y)
    params = clf.get_params(deep=False)
    copy = type(clf)(**params)
    assert copy.get_params(deep=False) == params
    for name, value in params.items():     # sklearn.base.clone's identity check
        assert copy.get_params(deep=False)[name] is value
    assert not hasattr(copy, 'model') and not hasattr(copy, 'classes_')
    copy.set_params(hidden=2)
    assert clf.get_params()['hidden'] == 4
    copy.fit(x, y)
    assert copy.model.layers[0].units == 2


def test_callable_instance_as_build_fn():
    class Builder(object):
        def __call__(self, hidden=2):
            return build_regressor(hidden)
    reg = KerasRegressor(Builder(), hidden=3, verbose=0)
    x = np.random.rand(6, FEATURES)
    reg.fit(x, x[:, 0])
    assert reg.model.layers[0].units == 3
    with pytest.raises(ValueError, match='units'):
        KerasRegressor(Builder(), units=3)


def test_subclass_call_is_the_builder_when_build_fn_is_none():
    class MyRegressor(KerasRegressor):
        def __call__(self, hidden=2):
            return build_regressor(hidden)
    reg = MyRegressor(hidden=4, epochs=1, verbose=0)
    x = np.random.rand(6, FEATURES)
    reg.fit(x, x[:, 0])
    assert reg.model.layers[0].units == 4
    with pytest.raises(AttributeError, match='__call__'):
        KerasRegressor(epochs=1)


def test_predict_before_fit_says_to_fit():
    with pytest.raises(AttributeError, match='fit'):
        KerasClassifier(build_classifier).predict(np.zeros((2, FEATURES)))


def test_predict_kwargs_filtered_to_predict_arguments():
    x, y = blobs([0, 1, 2])
    clf = KerasClassifier(build_classifier, epochs=1, batch_size=4, verbose=0)
    clf.fit(x, y)
    assert clf.filter_sk_params(Sequential.predict) == {'batch_size': 4, 'verbose': 0}
    assert clf.predict(x, batch_size=5).shape == (len(y),)
    assert clf.predict_proba(x, batch_size=5).shape == (len(y), 3)


def test_estimator_types_and_no_sklearn_import():
    assert KerasClassifier._estimator_type == 'classifier'
    assert KerasRegressor._estimator_type == 'regressor'
    assert issubclass(KerasClassifier, BaseWrapper)
    code = ('import sys, symkeras.wrappers.scikit_learn; '
            'assert "sklearn" not in sys.modules, "sklearn was imported"')
    subprocess.run([sys.executable, '-c', code], check=True)


def test_sklearn_clone_and_grid_search_when_installed():
    pytest.importorskip('sklearn')
    from sklearn.base import clone, is_classifier
    from sklearn.model_selection import GridSearchCV
    x, y = blobs(['a', 'b'], per_class=6)
    clf = KerasClassifier(build_classifier, classes=2, metrics=['accuracy'], epochs=1,
                          verbose=0)
    assert is_classifier(clf)
    assert clone(clf).get_params() == clf.get_params()
    search = GridSearchCV(clf, {'hidden': [2, 3]}, cv=2).fit(x, y)
    assert search.best_params_['hidden'] in (2, 3)
    assert set(search.predict(x)) <= {'a', 'b'}
