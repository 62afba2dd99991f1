"""Weight regularizers (Keras 2.2.4): penalties added to the loss.

Example:
    >>> from symkeras import regularizers
    >>> layer = Dense(64, input_dim=8, kernel_regularizer=regularizers.l2(0.01))
"""
from . import backend as K
from ._serialization import deserialize_object, serialize_object


class Regularizer:
    """Base class: `__call__(x)` returns a scalar penalty tensor.

    Any callable `f(weight) -> scalar tensor` works as a regularizer too; subclass this to
    make one that saves with the model (through `get_config`).
    """

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
    """The penalty l1 * sum(abs(x)) + l2 * sum(x ** 2).

    Args:
        l1: L1 factor (default 0).
        l2: L2 factor (default 0).

    Example:
        >>> penalty = L1L2(l1=0.1, l2=0.5)(K.constant([1., -2.]))
        >>> round(float(K.eval(penalty)), 4)
        2.8
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
    """L1 penalty with factor `l`: l * sum(abs(x)).

    Args:
        l: the factor (default 0.01).

    Returns:
        An `L1L2` regularizer.
    """
    return L1L2(l1=l)


def l2(l=0.01):  # noqa: E741
    """L2 penalty with factor `l`: l * sum(x ** 2).

    Args:
        l: the factor (default 0.01).

    Returns:
        An `L1L2` regularizer.

    Example:
        >>> layer = Dense(4, input_dim=3, kernel_regularizer=l2(0.01))
    """
    return L1L2(l2=l)


def l1_l2(l1=0.01, l2=0.01):  # noqa: F811
    """L1 and L2 penalties: l1 * sum(abs(x)) + l2 * sum(x ** 2).

    Args:
        l1: the L1 factor (default 0.01).
        l2: the L2 factor (default 0.01).

    Returns:
        An `L1L2` regularizer.
    """
    return L1L2(l1=l1, l2=l2)


_REGULARIZERS = {'Regularizer': Regularizer, 'L1L2': L1L2, 'l1': l1, 'l2': l2,
                 'l1_l2': l1_l2}


def serialize(regularizer):
    """{'class_name': ..., 'config': ...} of a regularizer (None stays None).

    Args:
        regularizer: a Regularizer or None.

    Returns:
        A JSON-friendly dict, or None.
    """
    return serialize_object(regularizer)


def deserialize(config, custom_objects=None):
    """A regularizer from `serialize` output (custom_objects searched first).

    Args:
        config: a name or a {'class_name', 'config'} dict.
        custom_objects: optional {name: class or function}.

    Returns:
        The regularizer.
    """
    return deserialize_object(config, _REGULARIZERS, custom_objects, 'regularizer')


def get(identifier):
    """A regularizer from None, a name ('l1', 'l2', 'l1_l2'), a config dict or a callable.

    Args:
        identifier: None, a name, a `serialize` dict or a callable.

    Returns:
        The regularizer, or None.

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
