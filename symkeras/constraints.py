"""Weight constraints (Keras 2.2.4): applied to a weight after each optimizer update.

Example:
    >>> from symkeras import constraints
    >>> Dense(64, kernel_constraint=constraints.max_norm(2.))
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
    """Rescale weights whose norm along `axis` exceeds `max_value` (default 2, axis 0)."""

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
    """Zero the negative weights."""

    def __call__(self, w):
        return w * K.cast(K.greater_equal(w, 0.), K.dtype(w))


class UnitNorm(Constraint):
    """Weights of unit norm along `axis` (default 0)."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (K.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {'axis': self.axis}


class MinMaxNorm(Constraint):
    """Norms along `axis` moved towards [min_value, max_value] at `rate` (1: at once)."""

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
    """{'class_name': ..., 'config': ...} of a constraint (None stays None)."""
    return serialize_object(constraint)


def deserialize(config, custom_objects=None):
    """A constraint from `serialize` output (custom_objects searched first)."""
    return deserialize_object(config, _CONSTRAINTS, custom_objects, 'constraint')


def get(identifier):
    """A constraint from None, a name ('max_norm', 'non_neg', ...), a config dict or a
    callable.

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
