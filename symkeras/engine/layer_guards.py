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


@contextlib.contextmanager
def naming_errors(layer):
    """Re-raise a ValueError/TypeError from building or calling `layer` (often raised by
    a graph op, which knows no layer) with the layer's name in front of the message."""
    try:
        yield
    except (ValueError, TypeError) as error:
        message = str(error)
        if "'%s'" % layer.name in message:
            raise
        try:
            named = type(error)("Layer '%s' (%s): %s" % (layer.name, type(layer).__name__,
                                                         message))
        except Exception:       # an exception class with its own signature: keep it
            raise error from None
        raise named from error
