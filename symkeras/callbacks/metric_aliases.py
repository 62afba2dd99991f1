"""Keras 2.2.4's name for accuracy, read through symkeras's.

API.md names the metric of `metrics=['accuracy']` 'accuracy' (and 'val_accuracy'), as
later Keras does; Keras 2.2.4 named it 'acc' (and 'val_acc'), and its scripts read
`history.history['acc']` or pass `monitor='val_acc'`. The logs and the history keep the
one name compile gave; lookups of the other name find it, in both directions.
"""

_ALIASES = {'acc': 'accuracy', 'accuracy': 'acc'}


def metric_alias(name):
    """The other name of an accuracy metric ('acc' <-> 'accuracy', 'val_acc' <->
    'val_accuracy'), or None for any other name."""
    if not isinstance(name, str):
        return None
    prefix = 'val_' if name.startswith('val_') else ''
    other = _ALIASES.get(name[len(prefix):])
    return prefix + other if other else None


def monitored_value(logs, monitor):
    """logs[monitor], else the value under its alias (see `metric_alias`), else None."""
    logs = logs or {}
    if monitor in logs:
        return logs[monitor]
    alias = metric_alias(monitor)
    return logs.get(alias) if alias is not None else None


class MetricLogs(dict):
    """A dict whose lookups of 'acc' / 'val_acc' find 'accuracy' / 'val_accuracy' and back.

    Only the keys stored are listed (keys(), iteration, len, printing, CSV columns); `[]`,
    `get` and `in` also answer for the alias of a stored key.

    Example:
        >>> logs = MetricLogs(loss=0.5, accuracy=0.75)
        >>> logs['acc'], sorted(logs)
        (0.75, ['accuracy', 'loss'])
    """

    def __missing__(self, key):
        alias = metric_alias(key)
        if alias is not None and dict.__contains__(self, alias):
            return dict.__getitem__(self, alias)
        raise KeyError(key)

    def __contains__(self, key):
        if dict.__contains__(self, key):
            return True
        alias = metric_alias(key)
        return alias is not None and dict.__contains__(self, alias)

    def get(self, key, default=None):
        return self[key] if key in self else default
