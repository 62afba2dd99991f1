"""Keras 2 `keras.wrappers`: `scikit_learn` (estimators that wrap a model-building function).

scikit-learn is neither required nor imported: the wrappers only follow its estimator
protocol (`get_params`, `set_params`, `fit`, `predict`, `score`).

Example:
    >>> from symkeras.wrappers.scikit_learn import KerasRegressor
    >>> def build(units=4):
    ...     model = Sequential([Dense(units, input_dim=2), Dense(1)])
    ...     model.compile('sgd', 'mse')
    ...     return model
    >>> KerasRegressor(build, units=8, epochs=2).get_params()['units']
    8
"""
from . import scikit_learn

__all__ = ['scikit_learn']
