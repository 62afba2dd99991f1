"""Shared (de)serialization of named Keras objects: activations, losses, initializers...

Each public module keeps an explicit table {name: object}; these helpers look names up in
it (and in `custom_objects`), and raise ValueError listing the valid choices otherwise.
Nothing here ever executes code taken from a config.

`CustomObjectScope` (Keras's `custom_object_scope`) makes user objects visible to every
lookup inside a `with` block, so `load_model(..., custom_objects=...)` can reach the
initializers, regularizers, ... named inside layer configs.
"""
_GLOBAL_CUSTOM_OBJECTS = {}


def get_custom_objects():
    """The global {name: object} dict searched after `custom_objects` (Keras API)."""
    return _GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """`with CustomObjectScope({'MyInit': MyInit}):` registers objects for the block.

    Args:
        *scopes: dicts of {name: class or function}.
    """

    def __init__(self, *scopes):
        self.scopes = scopes
        self.backup = None

    def __enter__(self):
        self.backup = dict(_GLOBAL_CUSTOM_OBJECTS)
        for scope in self.scopes:
            _GLOBAL_CUSTOM_OBJECTS.update(scope or {})
        return self

    def __exit__(self, *exc_info):
        _GLOBAL_CUSTOM_OBJECTS.clear()
        _GLOBAL_CUSTOM_OBJECTS.update(self.backup)


def serialize_object(instance):
    """{'class_name', 'config'} for objects with get_config, else the function's name.

    Args:
        instance: an object with `get_config()`, a named function, or None.

    Returns:
        A JSON-friendly dict, a string, or None.
    """
    if instance is None:
        return None
    if hasattr(instance, 'get_config'):
        return {'class_name': type(instance).__name__, 'config': instance.get_config()}
    if hasattr(instance, '__name__'):
        return instance.__name__
    raise ValueError('Cannot serialize %r: expected an object with get_config() or a named '
                     'function' % (instance,))


def lookup(name, table, custom_objects, kind):
    """The object called `name` in custom_objects, the global custom objects, else `table`.

    Raises:
        ValueError: unknown name; the message lists the valid choices.
    """
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if name in table:
        return table[name]
    choices = sorted(table) + sorted(set(custom_objects or {}) | set(_GLOBAL_CUSTOM_OBJECTS))
    raise ValueError('Unknown %s: %r. Valid choices: %s' % (kind, name, ', '.join(choices)))


def deserialize_object(identifier, table, custom_objects=None, kind='object'):
    """Rebuild an object from a name or a {'class_name', 'config'} dict.

    A class is rebuilt with `from_config(config)` (or `cls(**config)`); a plain function
    named by a dict is called with the config as keyword arguments (Keras convention:
    `{'class_name': 'glorot_uniform', 'config': {}}` gives `glorot_uniform()`).

    Args:
        identifier: a string or a dict with 'class_name' and 'config'.
        table: {name: class or function} of the calling module.
        custom_objects: optional {name: class or function} searched first.
        kind: what is deserialized, for error messages ('initializer', ...).
    """
    if isinstance(identifier, dict):
        if 'class_name' not in identifier or 'config' not in identifier:
            raise ValueError("Improper config format for a %s: expected a dict with keys "
                             "'class_name' and 'config', received %r" % (kind, identifier))
        target = lookup(identifier['class_name'], table, custom_objects, kind)
        config = dict(identifier['config'] or {})
        if hasattr(target, 'from_config'):
            return target.from_config(config)
        return target(**config)
    if isinstance(identifier, str):
        return lookup(identifier, table, custom_objects, kind)
    raise ValueError('Could not interpret serialized %s: %r (expected a name or a dict)'
                     % (kind, identifier))
