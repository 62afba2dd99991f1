"""Loss functions (Keras 2.2.4): `f(y_true, y_pred)` -> one loss value per sample.

Example:
    >>> model.compile('sgd', loss='categorical_crossentropy')
    >>> model.compile('sgd', loss=symkeras.losses.mean_squared_error)
"""
import numpy as np

from . import backend as K
from ._serialization import deserialize_object


def mean_squared_error(y_true, y_pred):
    """mean((y_pred - y_true) ** 2) over the last axis."""
    return K.mean(K.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_pred - y_true|) over the last axis."""
    return K.mean(K.abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|(y_true - y_pred) / y_true|), |y_true| clipped below at epsilon."""
    diff = K.abs((y_true - y_pred) / K.clip(K.abs(y_true), K.epsilon(), None))
    return 100. * K.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(y_pred + 1) - log(y_true + 1)) ** 2), both clipped below at epsilon."""
    first_log = K.log(K.clip(y_pred, K.epsilon(), None) + 1.)
    second_log = K.log(K.clip(y_true, K.epsilon(), None) + 1.)
    return K.mean(K.square(first_log - second_log), axis=-1)


def squared_hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0) ** 2); targets in {-1, 1}."""
    return K.mean(K.square(K.maximum(1. - y_true * y_pred, 0.)), axis=-1)


def hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0)); targets in {-1, 1}."""
    return K.mean(K.maximum(1. - y_true * y_pred, 0.), axis=-1)


def categorical_hinge(y_true, y_pred):
    """max(0, max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1); one-hot targets."""
    positive = K.sum(y_true * y_pred, axis=-1)
    negative = K.max((1. - y_true) * y_pred, axis=-1)
    return K.maximum(0., negative - positive + 1.)


def logcosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true))), computed stably as x + softplus(-2x) - log 2."""
    error = y_pred - y_true
    return K.mean(error + K.softplus(-2. * error) - float(np.log(2.)), axis=-1)


def categorical_crossentropy(y_true, y_pred):
    """-sum(y_true * log(y_pred)) over the last axis (y_pred: probabilities)."""
    return K.categorical_crossentropy(y_true, y_pred)


def sparse_categorical_crossentropy(y_true, y_pred):
    """Categorical crossentropy with integer class targets."""
    return K.sparse_categorical_crossentropy(y_true, y_pred)


def binary_crossentropy(y_true, y_pred):
    """mean over the last axis of -(y log p + (1 - y) log(1 - p))."""
    return K.mean(K.binary_crossentropy(y_true, y_pred), axis=-1)


def kullback_leibler_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred)), both clipped to [epsilon, 1]."""
    y_true = K.clip(y_true, K.epsilon(), 1)
    y_pred = K.clip(y_pred, K.epsilon(), 1)
    return K.sum(y_true * K.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + epsilon))."""
    return K.mean(y_pred - y_true * K.log(y_pred + K.epsilon()), axis=-1)


def cosine_proximity(y_true, y_pred):
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred)) over the last axis."""
    y_true = K.l2_normalize(y_true, axis=-1)
    y_pred = K.l2_normalize(y_pred, axis=-1)
    return -K.sum(y_true * y_pred, axis=-1)


# Keras's aliases.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence
cosine = cosine_proximity

_FUNCTIONS = (mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
              mean_squared_logarithmic_error, squared_hinge, hinge, categorical_hinge,
              logcosh, categorical_crossentropy, sparse_categorical_crossentropy,
              binary_crossentropy, kullback_leibler_divergence, poisson, cosine_proximity)
_LOSSES = {fn.__name__: fn for fn in _FUNCTIONS}
_LOSSES.update({'mse': mse, 'MSE': MSE, 'mae': mae, 'MAE': MAE, 'mape': mape, 'MAPE': MAPE,
                'msle': msle, 'MSLE': MSLE, 'kld': kld, 'KLD': KLD, 'cosine': cosine})


def serialize(loss):
    """The name of a loss function."""
    name = getattr(loss, '__name__', None)
    if name is None:
        raise ValueError('losses.serialize: expected a named function, received %r' % (loss,))
    return name


def deserialize(name, custom_objects=None):
    """The loss function called `name` (custom_objects searched first).

    Raises:
        ValueError: unknown name; the message lists the valid choices.
    """
    return deserialize_object(name, _LOSSES, custom_objects, 'loss function')


def get(identifier):
    """A loss function from a name ('mse', 'categorical_crossentropy', ...) or a callable;
    None stays None.

    Raises:
        ValueError: unknown name (listing the valid choices) or uninterpretable identifier.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError('Could not interpret loss function identifier: %r (expected a name '
                     'among %s or a callable)' % (identifier, ', '.join(_LOSSES)))
