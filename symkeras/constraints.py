"""Weight constraints (Keras 2.2.4): applied to a weight after each optimizer update.

Example:
    >>> from symkeras import constraints
    >>> layer = Dense(64, input_dim=8, kernel_constraint=constraints.max_norm(2.))
"""
from . import backend as K
from ._serialization import deserialize_object, serialize_object


class Constraint:
    """Base class: `__call__(w)` returns the constrained weight tensor."""

    def __call__(self, w):
        return w

    def get_config(self):
        """The constructor arguments, as a dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Rebuild from `get_config()` output."""
        return cls(**config)


def _norms(w, axis):
    return K.sqrt(K.sum(K.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescale weights whose norm along `axis` exceeds `max_value`.

    Args:
        max_value: the largest norm allowed (default 2).
        axis: the axis the norms are taken along (default 0: each column of a Dense
            kernel, the incoming weights of one unit).

    Example:
        >>> w = MaxNorm(1.)(K.constant([[3.], [4.]]))
        >>> np.round(K.eval(w), 3)
        array([[0.6],
               [0.8]], dtype=float32)
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = K.clip(norms, 0, self.max_value)
        return w * (desired / (K.epsilon() + norms))

    def get_config(self):
        return {'max_value': self.max_value, 'axis': self.axis}


class NonNeg(Constraint):
    """Zero the negative weights.

    Example:
        >>> K.eval(NonNeg()(K.constant([-1., 2.]))).tolist() == [0., 2.]
        True
    """

    def __call__(self, w):
        return w * K.cast(K.greater_equal(w, 0.), K.dtype(w))


class UnitNorm(Constraint):
    """Weights of unit norm along `axis`.

    Args:
        axis: the axis the norms are taken along (default 0).
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (K.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {'axis': self.axis}


class MinMaxNorm(Constraint):
    """Norms along `axis` moved towards [min_value, max_value] at `rate`.

    Args:
        min_value: the smallest norm (default 0).
        max_value: the largest norm (default 1).
        rate: 1 enforces the bounds at once; smaller values move towards them.
        axis: the axis the norms are taken along (default 0).
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = (self.rate * K.clip(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms)
        return w * (desired / (K.epsilon() + norms))

    def get_config(self):
        return {'min_value': self.min_value, 'max_value': self.max_value, 'rate': self.rate,
                'axis': self.axis}


# Keras's aliases.
max_norm = maxnorm = MaxNorm
non_neg = nonneg = NonNeg
unit_norm = unitnorm = UnitNorm
min_max_norm = MinMaxNorm

_CONSTRAINTS = {'Constraint': Constraint, 'MaxNorm': MaxNorm, 'NonNeg': NonNeg,
                'UnitNorm': UnitNorm, 'MinMaxNorm': MinMaxNorm, 'max_norm': MaxNorm,
                'maxnorm': MaxNorm, 'non_neg': NonNeg, 'nonneg': NonNeg,
                'unit_norm': UnitNorm, 'unitnorm': UnitNorm, 'min_max_norm': MinMaxNorm}


def serialize(constraint):
    """{'class_name': ..., 'config': ...} of a constraint (None stays None).

    Args:
        constraint: a Constraint or None.

    Returns:
        A JSON-friendly dict, or None.
    """
    return serialize_object(constraint)


def deserialize(config, custom_objects=None):
    """A constraint from `serialize` output (custom_objects searched first).

    Args:
        config: a name or a {'class_name', 'config'} dict.
        custom_objects: optional {name: class or function}.

    Returns:
        The constraint.
    """
    return deserialize_object(config, _CONSTRAINTS, custom_objects, 'constraint')


def get(identifier):
    """A constraint from None, a name ('max_norm', 'non_neg', ...), a config dict or a
    callable.

    Args:
        identifier: None, a name, a `serialize` dict or a callable.

    Returns:
        The constraint, or None.

    Raises:
        ValueError: unknown name (listing the valid choices) or uninterpretable identifier.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({'class_name': identifier, 'config': {}})
    if callable(identifier):
        return identifier
    raise ValueError('Could not interpret constraint identifier: %r (expected a name, a '
                     'config dict or a callable)' % (identifier,))
