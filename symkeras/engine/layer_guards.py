"""Guards around a layer call: a failed first call leaves the layer unbuilt, and errors
raised by graph ops (which know no layer) get the layer's name in front."""
import contextlib

_BUILD_STATE = ('built', 'input_spec', '_trainable_weights', '_non_trainable_weights',
                '_losses', '_updates', '_per_input_losses', '_per_input_updates')


@contextlib.contextmanager
def unbuilt_on_error(layer):
    """A first call that fails leaves the layer as it was: unbuilt, without weights."""
    if layer.built:
        yield
        return
    saved = {name: _copied(getattr(layer, name)) for name in _BUILD_STATE}
    try:
        yield
    except Exception:
        for name, value in saved.items():
            setattr(layer, name, value)
        raise


def _copied(value):
    """Lists and {key: list} dicts copied (build appends to them); other values as is
    (build replaces them)."""
    if isinstance(value, dict):
        return {key: list(item) if isinstance(item, list) else item
                for key, item in value.items()}
    return list(value) if isinstance(value, list) else value


def _user_line():
    """'file.py:LINE' of the user's code calling the layer (outside our packages)."""
    from compiler.ir import _user_frame
    return _user_frame()


@contextlib.contextmanager
def naming_errors(layer):
    """Re-raise a ValueError/TypeError from building or calling `layer` (often raised by
    a graph op, which knows no layer) with the layer's name in front of the message."""
    try:
        yield
    except (ValueError, TypeError) as error:
        message = str(error)
        where = _user_line()
        if "'%s'" % layer.name in message:
            if not where or where in message:
                raise
            label = "'%s'" % layer.name
            message = message.replace(label, '%s at %s' % (label, where), 1)
            try:
                named = type(error)(message)
            except Exception:
                raise error from None
            raise named from error
        try:
            at = ' at %s' % where if where else ''
            named = type(error)("Layer '%s' (%s)%s: %s" % (
                layer.name, type(layer).__name__, at, message))
        except Exception:       # an exception class with its own signature: keep it
            raise error from None
        raise named from error
