"""Keras 2.2.4's `keras.wrappers.scikit_learn`: a model-building function as an estimator.

`KerasClassifier` and `KerasRegressor` follow scikit-learn's estimator protocol
(`get_params`/`set_params`, `fit`, `predict`, `score`), so `sklearn.base.clone`,
`cross_val_score` and `GridSearchCV` can use them; scikit-learn itself is neither required
nor imported here.

Example:
    >>> from symkeras.wrappers.scikit_learn import KerasClassifier
    >>> def build(units=8):
    ...     model = Sequential([Dense(units, input_dim=2, activation='relu'),
    ...                         Dense(3, activation='softmax')])
    ...     model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    ...     return model
    >>> clf = KerasClassifier(build, units=4, epochs=2, verbose=0)
    >>> history = clf.fit(np.random.rand(12, 2), np.array(['a', 'b', 'c'] * 4))
    >>> clf.classes_
    array(['a', 'b', 'c'], dtype='<U1')
    >>> clf.predict_proba(np.random.rand(5, 2)).shape
    (5, 3)
"""
import copy
import inspect
import types

import numpy as np

from ..engine.sequential import Sequential
from ..engine.utils import to_list
from ..utils.np_utils import to_categorical

__all__ = ['BaseWrapper', 'KerasClassifier', 'KerasRegressor']

# The model methods whose keyword arguments may be given as sk_params, as in Keras 2.2.4
# (predict_proba takes the same arguments as predict_classes).
_MODEL_METHODS = (Sequential.fit, Sequential.predict, Sequential.predict_classes,
                  Sequential.predict_proba, Sequential.evaluate)
# Keras 1's name of `epochs`: accepted as an sk_param and passed to fit, which reads it.
_LEGACY_FIT_PARAMS = ('nb_epoch',)
_ACCURACY_NAMES = ('acc', 'accuracy')   # what metrics=['acc'] / ['accuracy'] are named


_KEYWORD_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def _keyword_names(fn):
    """The names of the arguments of `fn` that can be passed by keyword.

    A `**kwargs` catch-all adds none (Model.fit has one), so that a misspelled parameter
    is reported instead of being swallowed.
    """
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    return [parameter.name for parameter in parameters if parameter.kind in _KEYWORD_KINDS]


def _loss_name(model):
    """The compiled loss as a name: the string given to compile, or the function's name."""
    return getattr(model.loss, '__name__', model.loss)


class BaseWrapper(object):
    """Base class of the scikit-learn wrappers (use KerasClassifier or KerasRegressor).

    `build_fn` builds, compiles and returns a new model each time `fit` is called. It can
    be a function, an instance of a class with a `__call__` method, or None, in which case
    the wrapper subclass's own `__call__` method is the builder.

    `sk_params` mixes the builder's arguments and those of the model's `fit`, `predict`,
    `predict_proba` and `evaluate` (`epochs`, `batch_size`, `verbose`, ...): each method
    receives the sk_params its signature names. A name that none of them accepts raises
    ValueError. A keyword argument given to `fit`, `predict`, ... overrides the sk_param
    of the same name, which overrides the model method's default. Everything in sk_params
    is a tunable parameter for scikit-learn's grid search.

    Args:
        build_fn: the model builder (see above). Like any scikit-learn estimator's
            parameters, its arguments should all have defaults.
        **sk_params: builder and fitting/prediction parameters.

    Example:
        >>> from symkeras.wrappers.scikit_learn import KerasRegressor
        >>> def build(units=4):
        ...     model = Sequential([Dense(units, input_dim=3), Dense(1)])
        ...     model.compile('sgd', 'mse')
        ...     return model
        >>> reg = KerasRegressor(build, units=8, epochs=3, batch_size=4, verbose=0)
        >>> sorted(reg.get_params())
        ['batch_size', 'build_fn', 'epochs', 'units', 'verbose']
        >>> reg.filter_sk_params(build)
        {'units': 8}
    """

    def __init__(self, build_fn=None, **sk_params):
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    def __sklearn_tags__(self):
        """scikit-learn >= 1.6's estimator tags (`is_classifier`, `GridSearchCV`, ...).

        Only scikit-learn calls this, so its import here never loads it on its own.
        """
        from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags
        estimator_type = getattr(self, '_estimator_type', None)
        tags = Tags(estimator_type=estimator_type, target_tags=TargetTags(required=True))
        if estimator_type == 'classifier':
            tags.classifier_tags = ClassifierTags()
        elif estimator_type == 'regressor':
            tags.regressor_tags = RegressorTags()
        return tags

    def _builder(self):
        """The callable that builds the model: build_fn, its `__call__`, or our own."""
        if self.build_fn is None:
            if not callable(getattr(type(self), '__call__', None)):
                raise AttributeError('%s: build_fn is None, so the class must define a '
                                     '__call__ method that builds the model'
                                     % type(self).__name__)
            return self.__call__
        if isinstance(self.build_fn, (types.FunctionType, types.MethodType)):
            return self.build_fn
        return self.build_fn.__call__

    def check_params(self, params):
        """Check that every name in `params` is an argument of the builder or of the model's
        fit/predict/predict_proba/evaluate methods.

        Args:
            params: {parameter name: value}.

        Raises:
            ValueError: naming the first parameter that nothing accepts.
        """
        legal_fns = _MODEL_METHODS + (self._builder(),)
        for name in params:
            if name in _LEGACY_FIT_PARAMS:
                continue
            if not any(name in _keyword_names(fn) for fn in legal_fns):
                raise ValueError(
                    '%s: %r is not a legal parameter. Expected an argument of build_fn %s '
                    'or of the model\'s fit, predict, predict_proba or evaluate.'
                    % (type(self).__name__, name, _keyword_names(self._builder())))

    def get_params(self, **params):
        """The estimator's parameters: the sk_params and `build_fn`.

        Args:
            **params: ignored (scikit-learn passes `deep=...`).

        Returns:
            A new dict {parameter name: value}, so that
            `type(est)(**est.get_params())` is an unfitted copy of `est`.
        """
        result = dict(self.sk_params)
        result['build_fn'] = self.build_fn
        return result

    def set_params(self, **params):
        """Set parameters (checked like the constructor's sk_params).

        Args:
            **params: {parameter name: value}; `build_fn` replaces the builder.

        Returns:
            The estimator itself.

        Raises:
            ValueError: for a name that neither the builder nor the model methods accept
                (the estimator is then left unchanged).
        """
        params = dict(params)
        previous = self.build_fn
        self.build_fn = params.pop('build_fn', previous)
        try:
            self.check_params(params)
        except ValueError:
            self.build_fn = previous
            raise
        self.sk_params.update(params)
        return self

    def filter_sk_params(self, fn, override=None):
        """The sk_params that are arguments of `fn`, updated with `override`.

        Args:
            fn: a function or method.
            override: dict of values that take precedence over the sk_params.

        Returns:
            A dict {argument name: value}.
        """
        accepted = _keyword_names(fn)
        result = {name: value for name, value in self.sk_params.items()
                  if name in accepted}
        result.update(override or {})
        return result

    def fit(self, x, y, **kwargs):
        """Build a new model with `build_fn` and fit it to `(x, y)`.

        Args:
            x: array of shape (n_samples, n_features): the training samples.
            y: array of shape (n_samples,) or (n_samples, n_outputs): the targets. With a
                `categorical_crossentropy` model, integer labels are one-hot encoded.
            **kwargs: arguments of the model's `fit` (they override the sk_params).

        Returns:
            The History returned by the model's `fit`.
        """
        builder = self._builder()
        self.model = builder(**self.filter_sk_params(builder))
        if _loss_name(self.model) == 'categorical_crossentropy' and np.ndim(y) != 2:
            y = to_categorical(y)
        fit_args = copy.deepcopy(self._fit_sk_params())
        fit_args.update(kwargs)
        return self.model.fit(x, y, **fit_args)

    def _fit_sk_params(self):
        """The sk_params for the model's fit, including the legacy `nb_epoch`."""
        legacy = {name: self.sk_params[name] for name in _LEGACY_FIT_PARAMS
                  if name in self.sk_params}
        return self.filter_sk_params(Sequential.fit, legacy)

    def _fitted_model(self, method):
        """The model built by `fit`; AttributeError (as in Keras) before `fit`."""
        model = getattr(self, 'model', None)
        if model is None:
            raise AttributeError('%s.%s: this estimator is not fitted yet. Call fit '
                                 'before %s.' % (type(self).__name__, method, method))
        return model


class KerasClassifier(BaseWrapper):
    """The scikit-learn classifier interface for a model-building function.

    `fit` accepts labels of any sortable type (ints, strings, ...): `classes_` holds the
    sorted distinct labels and the model is trained on their indices, one-hot encoded when
    its loss is `categorical_crossentropy` (use `sparse_categorical_crossentropy` or a
    single sigmoid unit with `binary_crossentropy` for index labels). `predict` maps the
    model's outputs back to labels. `score` is the accuracy, which needs the model compiled
    with `metrics=['accuracy']`.

    Args:
        build_fn: function (or callable instance, or None with a subclass `__call__`)
            returning a compiled model.
        **sk_params: builder and fitting/prediction parameters (see BaseWrapper).

    Example:
        >>> from symkeras.wrappers.scikit_learn import KerasClassifier
        >>> def build(hidden=8):
        ...     model = Sequential([Dense(hidden, input_dim=2, activation='relu'),
        ...                         Dense(1, activation='sigmoid')])
        ...     model.compile('adam', 'binary_crossentropy', metrics=['accuracy'])
        ...     return model
        >>> clf = KerasClassifier(build, hidden=4, epochs=2, batch_size=8, verbose=0)
        >>> x, y = np.random.rand(16, 2), np.array(['no', 'yes'] * 8)
        >>> history = clf.fit(x, y)
        >>> clf.predict_proba(x[:3]).shape      # one sigmoid unit gives two columns
        (3, 2)
        >>> 0. <= clf.score(x, y) <= 1.
        True
    """

    _estimator_type = 'classifier'   # what sklearn.base.is_classifier looks for

    def fit(self, x, y, sample_weight=None, **kwargs):
        """Build a new model and fit it to `(x, y)`; sets `classes_` and `n_classes_`.

        Args:
            x: array of shape (n_samples, n_features): the training samples.
            y: labels of shape (n_samples,) or (n_samples, 1), of any sortable type, or a
                one-hot matrix of shape (n_samples, n_classes) (then `classes_` is
                `arange(n_classes)`).
            sample_weight: optional array of per-sample loss weights.
            **kwargs: arguments of the model's `fit` (they override the sk_params).

        Returns:
            The History returned by the model's `fit`.

        Raises:
            ValueError: when y has another shape.
        """
        y = np.array(y)
        if y.ndim == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        elif y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError('%s.fit: expected labels y of shape (n_samples,), '
                             '(n_samples, 1) or (n_samples, n_classes). Received: %s'
                             % (type(self).__name__, y.shape))
        self.n_classes_ = len(self.classes_)
        if sample_weight is not None:
            kwargs['sample_weight'] = sample_weight
        return super(KerasClassifier, self).fit(x, y, **kwargs)

    def predict(self, x, **kwargs):
        """Predicted labels: the argmax of the outputs, or output > 0.5 for one unit.

        Args:
            x: array of shape (n_samples, n_features).
            **kwargs: arguments of the model's `predict_classes` (`batch_size`,
                `verbose`), overriding the sk_params.

        Returns:
            An array of labels taken from `classes_`: shape (n_samples,), or
            (n_samples, 1) for a single sigmoid unit (as in Keras 2.2.4).
        """
        model = self._fitted_model('predict')
        kwargs = self.filter_sk_params(Sequential.predict_classes, kwargs)
        proba = model.predict(x, **kwargs)
        if proba.shape[-1] > 1:
            classes = proba.argmax(axis=-1)
        else:
            classes = (proba > 0.5).astype('int32')
        return self.classes_[classes]

    def predict_proba(self, x, **kwargs):
        """Class probabilities, one column per class of `classes_`.

        Args:
            x: array of shape (n_samples, n_features).
            **kwargs: arguments of the model's `predict_proba` (`batch_size`,
                `verbose`), overriding the sk_params.

        Returns:
            An array of shape (n_samples, n_classes). A single sigmoid output p gives the
            two columns [1 - p, p], as scikit-learn expects for two classes.
        """
        model = self._fitted_model('predict_proba')
        kwargs = self.filter_sk_params(Sequential.predict_proba, kwargs)
        probs = model.predict(x, **kwargs)
        if probs.shape[1] == 1:
            probs = np.hstack([1 - probs, probs])
        return probs

    def score(self, x, y, **kwargs):
        """The accuracy of the model on `(x, y)`, as the model's `evaluate` computes it.

        Args:
            x: array of shape (n_samples, n_features).
            y: labels from `classes_` (shapes as for `fit`).
            **kwargs: arguments of the model's `evaluate`, overriding the sk_params.

        Returns:
            The mean accuracy, a float.

        Raises:
            ValueError: when the model was not compiled with `metrics=['accuracy']`.
        """
        model = self._fitted_model('score')
        y = np.searchsorted(self.classes_, y)
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        if _loss_name(model) == 'categorical_crossentropy' and y.ndim != 2:
            y = to_categorical(y, self.n_classes_)
        outputs = to_list(model.evaluate(x, y, **kwargs))
        for name, output in zip(model.metrics_names, outputs):
            if name in _ACCURACY_NAMES:
                return output
        raise ValueError('%s.score: the model is not configured to compute accuracy. '
                         'Expected metrics=["accuracy"] in model.compile(). Received the '
                         'metrics %s' % (type(self).__name__, model.metrics_names))


class KerasRegressor(BaseWrapper):
    """The scikit-learn regressor interface for a model-building function.

    `score` is the negated loss of the model's `evaluate` (scikit-learn maximizes scores).

    Args:
        build_fn: function (or callable instance, or None with a subclass `__call__`)
            returning a compiled model.
        **sk_params: builder and fitting/prediction parameters (see BaseWrapper).

    Example:
        >>> from symkeras.wrappers.scikit_learn import KerasRegressor
        >>> def build():
        ...     model = Sequential([Dense(1, input_dim=3)])
        ...     model.compile('sgd', 'mse')
        ...     return model
        >>> reg = KerasRegressor(build, epochs=2, verbose=0)
        >>> x = np.random.rand(10, 3)
        >>> history = reg.fit(x, x.sum(axis=1))
        >>> reg.predict(x).shape
        (10,)
        >>> reg.score(x, x.sum(axis=1)) <= 0.
        True
    """

    _estimator_type = 'regressor'   # what sklearn.base.is_regressor looks for

    def predict(self, x, **kwargs):
        """The model's predictions, with axes of length 1 squeezed out.

        Args:
            x: array of shape (n_samples, n_features).
            **kwargs: arguments of the model's `predict`, overriding the sk_params.

        Returns:
            An array of shape (n_samples,) for a one-unit output.
        """
        model = self._fitted_model('predict')
        kwargs = self.filter_sk_params(Sequential.predict, kwargs)
        return np.squeeze(model.predict(x, **kwargs))

    def score(self, x, y, **kwargs):
        """The negated loss of the model on `(x, y)`.

        Args:
            x: array of shape (n_samples, n_features).
            y: the targets.
            **kwargs: arguments of the model's `evaluate`, overriding the sk_params.

        Returns:
            `-loss`, a float (higher is better).
        """
        model = self._fitted_model('score')
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        loss = model.evaluate(x, y, **kwargs)
        if isinstance(loss, list):
            return -loss[0]
        return -loss
