"""Metrics (Keras 2.2.4): `f(y_true, y_pred)` judged during training, never optimized.

Example:
    >>> model = Sequential([Dense(3, activation='softmax', input_dim=4)])
    >>> model.compile('sgd', 'categorical_crossentropy', metrics=['accuracy', 'mae'])
"""
import numpy as np

from . import backend as K
from ._serialization import deserialize_object, serialize_object
from .losses import (mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
                     mean_squared_logarithmic_error, squared_hinge, hinge, categorical_hinge,
                     logcosh, categorical_crossentropy, sparse_categorical_crossentropy,
                     binary_crossentropy, kullback_leibler_divergence, poisson,
                     cosine_proximity)


def binary_accuracy(y_true, y_pred):
    """Binary accuracy: mean over the last axis of (round(y_pred) == y_true).

    Args:
        y_true: targets in {0, 1}, shape (batch, ..., d).
        y_pred: predicted probabilities, same shape.

    Returns:
        Tensor of shape (batch, ...), values in [0, 1].

    Example:
        >>> K.eval(binary_accuracy(K.constant([[1., 0.]]), K.constant([[0.8, 0.6]])))
        array([0.5], dtype=float32)
    """
    return K.mean(K.cast(K.equal(y_true, K.round(y_pred)), K.floatx()), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """Categorical accuracy: 1. where argmax(y_pred) == argmax(y_true), else 0.

    Args:
        y_true: one-hot targets, shape (batch, classes).
        y_pred: predictions, same shape.

    Returns:
        Tensor of shape (batch,).

    Example:
        >>> y_true = K.constant([[0., 1.], [1., 0.]])
        >>> K.eval(categorical_accuracy(y_true, K.constant([[0.2, 0.8], [0.3, 0.7]])))
        array([1., 0.], dtype=float32)
    """
    return K.cast(K.equal(K.argmax(y_true, axis=-1), K.argmax(y_pred, axis=-1)), K.floatx())


def sparse_categorical_accuracy(y_true, y_pred):
    """Sparse categorical accuracy: 1. where argmax(y_pred) equals the integer target.

    Args:
        y_true: integer class indices, shape (batch, 1) or (batch,).
        y_pred: predictions, shape (batch, classes).

    Returns:
        Tensor of shape (batch,).

    Example:
        >>> y_pred = K.constant([[0.2, 0.8], [0.3, 0.7]])
        >>> K.eval(sparse_categorical_accuracy(K.constant([[1.], [0.]]), y_pred))
        array([1., 0.], dtype=float32)
    """
    predicted = K.cast(K.argmax(y_pred, axis=-1), K.floatx())
    labels = K.cast(_class_indices(y_true, y_pred), K.floatx())
    return K.cast(K.equal(labels, predicted), K.floatx())


def _class_indices(y_true, y_pred):
    """Integer targets shaped like y_pred without its class axis: a (batch, 1) target loses
    its last axis, a (batch,) one stays (as Keras 2.2.4's flatten gives; reducing the last
    axis of both turned a (batch,) target into one scalar compared with every sample)."""
    if K.ndim(y_true) == K.ndim(y_pred):
        return K.max(y_true, axis=-1)
    return y_true


def _in_top_k(predictions, targets, k):
    """1. where the target class's score is among the k largest (ties count as in)."""
    classes = K.int_shape(predictions)[-1]
    labels = K.constant(np.arange(classes), dtype='int64')
    one_hot = K.cast(K.equal(K.expand_dims(K.cast(targets, 'int64'), -1), labels),
                     K.dtype(predictions))
    target_score = K.sum(predictions * one_hot, axis=-1, keepdims=True)
    higher = K.sum(K.cast(K.greater(predictions, target_score), K.floatx()), axis=-1)
    return K.cast(K.less(higher, float(k)), K.floatx())


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1. where the true class (argmax of one-hot y_true) is among the k largest
    predictions, else 0 (ties count as in).

    Args:
        y_true: one-hot targets, shape (batch, classes).
        y_pred: predictions, same shape.
        k: how many of the largest predictions count (default 5).

    Returns:
        Tensor of shape (batch,).

    Example:
        >>> y_pred = K.constant([[0.1, 0.2, 0.7]])
        >>> K.eval(top_k_categorical_accuracy(K.constant([[0., 1., 0.]]), y_pred, k=2))
        array([1.], dtype=float32)
    """
    return _in_top_k(y_pred, K.argmax(y_true, axis=-1), k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1. where the integer target is among the k largest predictions, else 0.

    Args:
        y_true: integer class indices, shape (batch, 1) or (batch,).
        y_pred: predictions, shape (batch, classes).
        k: how many of the largest predictions count (default 5).

    Returns:
        Tensor of shape (batch,).
    """
    return _in_top_k(y_pred, _class_indices(y_true, y_pred), k)


# Keras's aliases.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence
cosine = cosine_proximity

_FUNCTIONS = (binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
              top_k_categorical_accuracy, sparse_top_k_categorical_accuracy,
              mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
              mean_squared_logarithmic_error, squared_hinge, hinge, categorical_hinge,
              logcosh, categorical_crossentropy, sparse_categorical_crossentropy,
              binary_crossentropy, kullback_leibler_divergence, poisson, cosine_proximity)
_METRICS = {fn.__name__: fn for fn in _FUNCTIONS}
_METRICS.update({'mse': mse, 'MSE': MSE, 'mae': mae, 'MAE': MAE, 'mape': mape,
                 'MAPE': MAPE, 'msle': msle, 'MSLE': MSLE, 'kld': kld, 'KLD': KLD,
                 'cosine': cosine})


def serialize(metric):
    """The name of a metric function (what `model.save` stores).

    Args:
        metric: a named metric function.

    Returns:
        Its name.
    """
    return serialize_object(metric)


def deserialize(name, custom_objects=None):
    """The metric function called `name` (custom_objects searched first).

    Args:
        name: a metric name or alias ('binary_accuracy', 'mae', ...).
        custom_objects: optional {name: function} of user-defined metrics.

    Returns:
        The metric function.

    Raises:
        ValueError: unknown name; the message lists the valid choices.
    """
    return deserialize_object(name, _METRICS, custom_objects, 'metric function')


def get(identifier):
    """A metric function from a name ('mae', 'binary_accuracy', ...) or a callable.

    'accuracy' / 'acc' are resolved by `Model.compile` from the loss and output shape.

    Args:
        identifier: a name or a callable `f(y_true, y_pred)`.

    Returns:
        The metric function.

    Example:
        >>> from symkeras import metrics
        >>> metrics.get('mae').__name__
        'mean_absolute_error'

    Raises:
        ValueError: unknown name (listing the valid choices) or uninterpretable identifier.
    """
    if isinstance(identifier, str):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError('Could not interpret metric function identifier: %r (expected a name '
                     'among %s or a callable)' % (identifier, ', '.join(_METRICS)))
