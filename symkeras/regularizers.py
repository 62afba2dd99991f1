"""Weight regularizers (Keras 2.2.4): penalties added to the loss.

Example:
    >>> from symkeras import regularizers
    >>> Dense(64, kernel_regularizer=regularizers.l2(0.01))
"""
from . import backend as K
from ._serialization import deserialize_object, serialize_object


class Regularizer:
    """Base class: `__call__(x)` returns a scalar penalty tensor."""

    def __call__(self, x):
        return 0.

    def get_config(self):
        """The constructor arguments, as a dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Rebuild from `get_config()` output."""
        return cls(**config)


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x ** 2).

    Args:
        l1: L1 factor (default 0).
        l2: L2 factor (default 0).
    """

    def __init__(self, l1=0., l2=0.):
        self.l1 = float(l1)
        self.l2 = float(l2)

    def __call__(self, x):
        regularization = 0.
        if self.l1:
            regularization += K.sum(self.l1 * K.abs(x))
        if self.l2:
            regularization += K.sum(self.l2 * K.square(x))
        return regularization

    def get_config(self):
        return {'l1': self.l1, 'l2': self.l2}


def l1(l=0.01):  # noqa: E741  (Keras's argument name)
    """L1 penalty with factor `l`."""
    return L1L2(l1=l)


def l2(l=0.01):  # noqa: E741
    """L2 penalty with factor `l`."""
    return L1L2(l2=l)


def l1_l2(l1=0.01, l2=0.01):  # noqa: F811
    """L1 and L2 penalties."""
    return L1L2(l1=l1, l2=l2)


_REGULARIZERS = {'Regularizer': Regularizer, 'L1L2': L1L2, 'l1': l1, 'l2': l2,
                 'l1_l2': l1_l2}


def serialize(regularizer):
    """{'class_name': ..., 'config': ...} of a regularizer (None stays None)."""
    return serialize_object(regularizer)


def deserialize(config, custom_objects=None):
    """A regularizer from `serialize` output (custom_objects searched first)."""
    return deserialize_object(config, _REGULARIZERS, custom_objects, 'regularizer')


def get(identifier):
    """A regularizer from None, a name ('l1', 'l2', 'l1_l2'), a config dict or a callable.

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
    raise ValueError('Could not interpret regularizer identifier: %r (expected a name, a '
                     'config dict or a callable)' % (identifier,))
