"""Small helpers shared by the engine modules (lists, uids, argument inspection)."""
import inspect


def to_list(value):
    """Wrap `value` in a list unless it already is one (tuples become lists).

    Args:
        value: anything.

    Returns:
        A list.
    """
    if isinstance(value, list):
        return value
    if isinstance(value, tuple):
        return list(value)
    return [value]


def unpack_singleton(values):
    """Return the only element of a one-element list, else the list itself."""
    if isinstance(values, list) and len(values) == 1:
        return values[0]
    return values


def object_list_uid(objects):
    """A string key identifying a list of objects by identity (None stays None)."""
    if objects is None:
        return None
    return ', '.join(str(abs(id(obj))) for obj in to_list(objects))


def has_arg(fn, name):
    """Whether callable `fn` accepts a keyword argument `name`."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    parameter = signature.parameters.get(name)
    if parameter is not None:
        return parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
    return any(p.kind == p.VAR_KEYWORD for p in signature.parameters.values())


def short_repr(value, limit=80):
    """repr(value) cut to `limit` characters, for error messages."""
    text = repr(value)
    if len(text) > limit:
        text = text[:limit - 3] + '...'
    return text


def unique_by_id(items):
    """Drop repeated objects (compared by identity), keeping the first occurrence."""
    seen = set()
    result = []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            result.append(item)
    return result


def contains_object(items, target):
    """Identity membership test (symbolic tensors overload ==)."""
    return any(item is target for item in items)
