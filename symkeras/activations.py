"""Activation functions (Keras 2.2.4): use by name, `Dense(10, activation='relu')`, or call.

Example:
    >>> from symkeras import activations
    >>> K.eval(activations.get('relu')(K.constant([-1., 2.])))
    array([0., 2.], dtype=float32)
"""
from . import backend as K
from ._serialization import deserialize_object

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def softmax(x, axis=-1):
    """Softmax over `axis` (the last one by default).

    Args:
        x: tensor of 2 or more dimensions.
        axis: the normalized axis.

    Returns:
        Tensor of the same shape whose entries along `axis` are positive and sum to 1.

    Raises:
        ValueError: for a 1-D tensor.
    """
    ndim = K.ndim(x)
    if ndim < 2:
        raise ValueError('softmax: cannot apply softmax to a tensor of %d dimension(s), '
                         'received shape %s' % (ndim, K.int_shape(x)))
    if ndim == 2:
        return K.softmax(x)
    shifted = K.exp(x - K.max(x, axis=axis, keepdims=True))
    return shifted / K.sum(shifted, axis=axis, keepdims=True)


def elu(x, alpha=1.0):
    """Exponential linear unit: x if x > 0 else alpha * (exp(x) - 1).

    Args:
        x: tensor.
        alpha: scale of the negative part (default 1).

    Returns:
        Tensor of the same shape.
    """
    return K.elu(x, alpha)


def selu(x):
    """Scaled exponential linear unit (Klambauer et al., 2017): scale * elu(x, alpha),
    with alpha ~ 1.6733 and scale ~ 1.0507.

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return _SELU_SCALE * K.elu(x, _SELU_ALPHA)


def softplus(x):
    """Softplus: log(exp(x) + 1).

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return K.softplus(x)


def softsign(x):
    """Softsign: x / (abs(x) + 1).

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return K.softsign(x)


def relu(x, alpha=0., max_value=None):
    """Rectified linear unit: max(x, 0), with slope `alpha` below 0 and an optional cap.

    Args:
        x: tensor.
        alpha: slope of the negative part.
        max_value: saturation threshold, or None.

    Returns:
        Tensor of the same shape.

    Example:
        >>> K.eval(relu(K.constant([-2., 1., 8.]), alpha=0.5, max_value=6.))
        array([-1.,  1.,  6.], dtype=float32)
    """
    return K.relu(x, alpha=alpha, max_value=max_value)


def tanh(x):
    """Hyperbolic tangent.

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return K.tanh(x)


def sigmoid(x):
    """Sigmoid: 1 / (1 + exp(-x)).

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.

    Example:
        >>> K.eval(sigmoid(K.constant([0.])))
        array([0.5], dtype=float32)
    """
    return K.sigmoid(x)


def hard_sigmoid(x):
    """Piecewise-linear sigmoid: clip(0.2 * x + 0.5, 0, 1).

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return K.hard_sigmoid(x)


def exponential(x):
    """Exponential: exp(x).

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return K.exp(x)


def linear(x):
    """The identity (what `activation=None` means).

    Args:
        x: tensor.

    Returns:
        `x` itself.
    """
    return x


_ACTIVATIONS = {fn.__name__: fn for fn in (softmax, elu, selu, softplus, softsign, relu, tanh,
                                           sigmoid, hard_sigmoid, exponential, linear)}


def serialize(activation):
    """The name of an activation function (what `get_config` stores).

    Args:
        activation: a named activation function.

    Returns:
        Its name, e.g. 'relu'.
    """
    name = getattr(activation, '__name__', None)
    if name is None:
        raise ValueError('activations.serialize: expected a named function, received %r'
                         % (activation,))
    return name


def deserialize(name, custom_objects=None):
    """The activation function called `name` (custom_objects searched first).

    Args:
        name: an activation name ('relu', 'softmax', ...).
        custom_objects: optional {name: function} of user-defined activations.

    Returns:
        The activation function.

    Raises:
        ValueError: unknown name; the message lists the valid choices.
    """
    return deserialize_object(name, _ACTIVATIONS, custom_objects, 'activation function')


def get(identifier):
    """An activation function from a name, a callable, or None (meaning `linear`).

    Args:
        identifier: a name, a callable or None.

    Returns:
        The activation function.

    Example:
        >>> from symkeras import activations
        >>> activations.get(None).__name__
        'linear'

    Raises:
        ValueError: unknown name or uninterpretable identifier.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError('Could not interpret activation function identifier: %r (expected a '
                     'name among %s or a callable)' % (identifier, ', '.join(_ACTIVATIONS)))
