"""Loss functions (Keras 2.2.4): `f(y_true, y_pred)` -> one loss value per sample.

Example:
    >>> model = Sequential([Dense(3, activation='softmax', input_dim=4)])
    >>> model.compile('sgd', loss='categorical_crossentropy')
    >>> model.compile('sgd', loss=symkeras.losses.mean_squared_error)
"""
import numpy as np

from . import backend as K
from ._serialization import deserialize_object


def mean_squared_error(y_true, y_pred):
    """Mean squared error: mean((y_pred - y_true) ** 2) over the last axis ('mse').

    Args:
        y_true: tensor of targets, shape (batch, ..., d).
        y_pred: tensor of predictions, same shape.

    Returns:
        Tensor of shape (batch, ...): one loss per sample (the last axis reduced).

    Example:
        >>> y_true = K.constant([[0., 1.], [1., 1.]])
        >>> y_pred = K.constant([[1., 1.], [1., 0.]])
        >>> K.eval(mean_squared_error(y_true, y_pred))
        array([0.5, 0.5], dtype=float32)
    """
    return K.mean(K.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean absolute error: mean(abs(y_pred - y_true)) over the last axis ('mae').

    Args:
        y_true: tensor of targets, shape (batch, ..., d).
        y_pred: tensor of predictions, same shape.

    Returns:
        Tensor of shape (batch, ...): one loss per sample (the last axis reduced).

    Example:
        >>> K.eval(mean_absolute_error(K.constant([[0., 2.]]), K.constant([[1., 1.]])))
        array([1.], dtype=float32)
    """
    return K.mean(K.abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """Mean absolute percentage error ('mape'):
    100 * mean(abs((y_true - y_pred) / y_true)), abs(y_true) clipped below at epsilon.

    Args:
        y_true: tensor of targets, shape (batch, ..., d).
        y_pred: tensor of predictions, same shape.

    Returns:
        Tensor of shape (batch, ...): one loss per sample (the last axis reduced).
    """
    diff = K.abs((y_true - y_pred) / K.clip(K.abs(y_true), K.epsilon(), None))
    return 100. * K.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean squared logarithmic error ('msle'):
    mean((log(y_pred + 1) - log(y_true + 1)) ** 2), both clipped below at epsilon.

    Args:
        y_true: tensor of targets, shape (batch, ..., d).
        y_pred: tensor of predictions, same shape.

    Returns:
        Tensor of shape (batch, ...): one loss per sample (the last axis reduced).
    """
    first_log = K.log(K.clip(y_pred, K.epsilon(), None) + 1.)
    second_log = K.log(K.clip(y_true, K.epsilon(), None) + 1.)
    return K.mean(K.square(first_log - second_log), axis=-1)


def squared_hinge(y_true, y_pred):
    """Squared hinge loss: mean(max(1 - y_true * y_pred, 0) ** 2); targets in {-1, 1}.

    Args:
        y_true: tensor of targets, shape (batch, ..., d).
        y_pred: tensor of predictions, same shape.

    Returns:
        Tensor of shape (batch, ...): one loss per sample (the last axis reduced).
    """
    return K.mean(K.square(K.maximum(1. - y_true * y_pred, 0.)), axis=-1)


def hinge(y_true, y_pred):
    """Hinge loss: mean(max(1 - y_true * y_pred, 0)); targets in {-1, 1}.

    Args:
        y_true: tensor of targets, shape (batch, ..., d).
        y_pred: tensor of predictions, same shape.

    Returns:
        Tensor of shape (batch, ...): one loss per sample (the last axis reduced).

    Example:
        >>> K.eval(hinge(K.constant([[1., -1.]]), K.constant([[0.5, 0.5]])))
        array([1.], dtype=float32)
    """
    return K.mean(K.maximum(1. - y_true * y_pred, 0.), axis=-1)


def categorical_hinge(y_true, y_pred):
    """Categorical hinge loss: max(0, max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1).

    Args:
        y_true: one-hot targets, shape (batch, ..., d).
        y_pred: tensor of predictions, same shape.

    Returns:
        Tensor of shape (batch, ...): one loss per sample (the last axis reduced).
    """
    positive = K.sum(y_true * y_pred, axis=-1)
    negative = K.max((1. - y_true) * y_pred, axis=-1)
    return K.maximum(0., negative - positive + 1.)


def logcosh(y_true, y_pred):
    """Log-cosh loss: mean(log(cosh(y_pred - y_true))), computed stably as
    x + softplus(-2x) - log(2).

    Args:
        y_true: tensor of targets, shape (batch, ..., d).
        y_pred: tensor of predictions, same shape.

    Returns:
        Tensor of shape (batch, ...): one loss per sample (the last axis reduced).
    """
    error = y_pred - y_true
    return K.mean(error + K.softplus(-2. * error) - float(np.log(2.)), axis=-1)


def categorical_crossentropy(y_true, y_pred):
    """Categorical cross-entropy: -sum(y_true * log(y_pred)) over the last axis.

    `y_pred` holds probabilities (a softmax output); they are renormalised to sum to 1 and
    clipped to [epsilon, 1 - epsilon], as in Keras 2.2.4. The compiler rewrites
    log(softmax(z)) into a stable log-softmax, so training does not suffer from the clip.

    Args:
        y_true: one-hot targets, shape (batch, classes).
        y_pred: predicted probabilities, same shape.

    Returns:
        Tensor of shape (batch,).

    Example:
        >>> y_true = K.constant([[0., 1.]])
        >>> y_pred = K.constant([[0.5, 0.5]])
        >>> np.round(K.eval(categorical_crossentropy(y_true, y_pred)), 4)
        array([0.6931], dtype=float32)
    """
    return K.categorical_crossentropy(y_true, y_pred)


def sparse_categorical_crossentropy(y_true, y_pred):
    """Categorical cross-entropy with integer class targets.

    Args:
        y_true: integer class indices, shape (batch,) or (batch, 1).
        y_pred: predicted probabilities, shape (batch, classes).

    Returns:
        Tensor of shape (batch,).

    Example:
        >>> y_pred = K.constant([[0.25, 0.75]])
        >>> np.round(K.eval(sparse_categorical_crossentropy(K.constant([1.]), y_pred)), 4)
        array([0.2877], dtype=float32)
    """
    return K.sparse_categorical_crossentropy(y_true, y_pred)


def binary_crossentropy(y_true, y_pred):
    """Binary cross-entropy: mean over the last axis of -(y log p + (1 - y) log(1 - p)).

    Args:
        y_true: targets in [0, 1], shape (batch, ..., d).
        y_pred: predicted probabilities (a sigmoid output), same shape; clipped to
            [epsilon, 1 - epsilon].

    Returns:
        Tensor of shape (batch, ...).

    Example:
        >>> np.round(K.eval(binary_crossentropy(K.constant([[1.]]), K.constant([[0.5]]))), 4)
        array([0.6931], dtype=float32)
    """
    return K.mean(K.binary_crossentropy(y_true, y_pred), axis=-1)


def kullback_leibler_divergence(y_true, y_pred):
    """Kullback-Leibler divergence ('kld'): sum(y_true * log(y_true / y_pred)) over the
    last axis, both clipped to [epsilon, 1].

    Args:
        y_true: tensor of targets, shape (batch, ..., d).
        y_pred: tensor of predictions, same shape.

    Returns:
        Tensor of shape (batch, ...): one loss per sample (the last axis reduced).
    """
    y_true = K.clip(y_true, K.epsilon(), 1)
    y_pred = K.clip(y_pred, K.epsilon(), 1)
    return K.sum(y_true * K.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Poisson loss: mean(y_pred - y_true * log(y_pred + epsilon)) over the last axis.

    Args:
        y_true: tensor of targets, shape (batch, ..., d).
        y_pred: tensor of predictions, same shape.

    Returns:
        Tensor of shape (batch, ...): one loss per sample (the last axis reduced).
    """
    return K.mean(y_pred - y_true * K.log(y_pred + K.epsilon()), axis=-1)


def cosine_proximity(y_true, y_pred):
    """Cosine proximity ('cosine'): -sum(l2_normalize(y_true) * l2_normalize(y_pred))
    over the last axis (-1 when the vectors point the same way).

    Args:
        y_true: tensor of targets, shape (batch, ..., d).
        y_pred: tensor of predictions, same shape.

    Returns:
        Tensor of shape (batch, ...): one loss per sample (the last axis reduced).
    """
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
    """The name of a loss function (what `model.save` stores).

    Args:
        loss: a named loss function.

    Returns:
        Its name, e.g. 'mean_squared_error'.

    Raises:
        ValueError: `loss` has no name.
    """
    name = getattr(loss, '__name__', None)
    if name is None:
        raise ValueError('losses.serialize: expected a named function, received %r' % (loss,))
    return name


def deserialize(name, custom_objects=None):
    """The loss function called `name` (custom_objects searched first).

    Args:
        name: a loss name or alias ('mse', 'categorical_crossentropy', ...).
        custom_objects: optional {name: function} of user-defined losses.

    Returns:
        The loss function.

    Raises:
        ValueError: unknown name; the message lists the valid choices.
    """
    return deserialize_object(name, _LOSSES, custom_objects, 'loss function')


def get(identifier):
    """A loss function from a name ('mse', 'categorical_crossentropy', ...) or a callable;
    None stays None.

    Args:
        identifier: a name, a callable `f(y_true, y_pred)` or None.

    Returns:
        The loss function (or None).

    Example:
        >>> from symkeras import losses
        >>> losses.get('mse').__name__
        'mean_squared_error'

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
