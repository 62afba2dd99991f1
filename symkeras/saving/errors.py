"""Errors raised by symkeras.saving (both are ValueErrors, as Keras raises ValueError)."""


class ModelFileError(ValueError):
    """A file that is empty, truncated, damaged, of another format or inconsistent with the
    model it is loaded into. The message names the file and what is wrong."""


class UnknownObjectsError(ValueError):
    """An architecture or training configuration names classes or functions that are neither
    built into symkeras nor given in `custom_objects`. The message lists all of them."""

    def __init__(self, where, missing):
        self.missing = list(missing)
        described = ', '.join('%s %r' % (kind, name) for kind, name in self.missing)
        names = ', '.join('%r: ...' % name for name in sorted({n for _, n in self.missing}))
        hint = ''
        if any(name == '<lambda>' for _, name in self.missing):
            hint = (" An anonymous lambda is stored as '<lambda>' (no code is ever saved): "
                    "define it with `def` and pass it by name, or pass "
                    "custom_objects={'<lambda>': function}.")
        super().__init__('%s: unknown objects: %s. Pass them with custom_objects={%s}.%s'
                         % (where, described, names, hint))
