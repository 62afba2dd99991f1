"""Optimizers (Keras 2.2.4 update rules). `get_updates(loss, params)` emits the whole update
step into the graph as (variable, new value) pairs, so one compiled function is one step.

`learning_rate=` is the argument name; `lr=` is accepted as an alias, and both `opt.lr` and
`opt.learning_rate` name the same variable.

Example:
    >>> from symkeras.optimizers import SGD
    >>> model = Sequential([Dense(1, input_dim=3)])
    >>> model.compile(SGD(learning_rate=0.1, momentum=0.9), 'mse')
"""
from .._serialization import deserialize_object, serialize_object
from .base import Optimizer, clip_norm
from .sgd import SGD
from .adaptive import RMSprop, Adagrad, Adadelta
from .adam import Adam, Adamax, Nadam

__all__ = ['Optimizer', 'SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adam', 'Adamax', 'Nadam',
           'sgd', 'rmsprop', 'adagrad', 'adadelta', 'adam', 'adamax', 'nadam', 'clip_norm',
           'serialize', 'deserialize', 'get']

# Keras's lower-case aliases.
sgd = SGD
rmsprop = RMSprop
adagrad = Adagrad
adadelta = Adadelta
adam = Adam
adamax = Adamax
nadam = Nadam

_OPTIMIZERS = {'sgd': SGD, 'rmsprop': RMSprop, 'adagrad': Adagrad, 'adadelta': Adadelta,
               'adam': Adam, 'adamax': Adamax, 'nadam': Nadam}


def serialize(optimizer):
    """{'class_name': ..., 'config': ...} of an optimizer.

    Args:
        optimizer: an Optimizer.

    Returns:
        A JSON-friendly dict (what `model.save` stores).
    """
    return serialize_object(optimizer)


def deserialize(config, custom_objects=None):
    """An optimizer from `serialize` output; class names are matched case-insensitively.

    Args:
        config: a {'class_name', 'config'} dict.
        custom_objects: optional {name: class} of user-defined optimizers.

    Returns:
        A new Optimizer.

    Raises:
        ValueError: unknown optimizer (listing the valid choices).
    """
    config = dict(config)
    if str(config.get('class_name', '')).lower() in _OPTIMIZERS:
        config['class_name'] = config['class_name'].lower()
    return deserialize_object(config, _OPTIMIZERS, custom_objects, 'optimizer')


def get(identifier):
    """An optimizer from a name ('sgd', 'adam', ...), a config dict or an instance.

    Args:
        identifier: a name, a `serialize` dict or an Optimizer (returned as is).

    Returns:
        An Optimizer; a name gives one with the default arguments.

    Example:
        >>> from symkeras import optimizers
        >>> type(optimizers.get('adam')).__name__
        'Adam'

    Raises:
        ValueError: unknown name (listing the valid choices) or uninterpretable identifier.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({'class_name': identifier, 'config': {}})
    raise ValueError('Could not interpret optimizer identifier: %r (expected a name among %s, '
                     'a config dict or an Optimizer instance)'
                     % (identifier, ', '.join(_OPTIMIZERS)))
