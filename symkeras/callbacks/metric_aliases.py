"""Keras 2.2.4's metric names, read through symkeras's.

API.md names the metric of `metrics=['accuracy']` 'accuracy' (and 'val_accuracy'), as
later Keras does; Keras 2.2.4 named it 'acc' (and 'val_acc'), and its scripts read
`history.history['acc']` or pass `monitor='val_acc'`. Likewise a metric given by its
short name ('mae', 'mse', ...) is logged under that name here, while Keras 2.2.4 logged
the function's name ('mean_absolute_error', ...). The logs and the history keep the one
name compile gave; lookups of the other name find it, in both directions.
"""

_PAIRS = (('acc', 'accuracy'), ('mae', 'mean_absolute_error'), ('mse', 'mean_squared_error'),
          ('mape', 'mean_absolute_percentage_error'),
          ('msle', 'mean_squared_logarithmic_error'), ('kld', 'kullback_leibler_divergence'),
          ('cosine', 'cosine_proximity'))
_ALIASES = dict(_PAIRS + tuple((long, short) for short, long in _PAIRS))


def metric_alias(name):
    """The other name of a metric ('acc' <-> 'accuracy', 'val_mae' <->
    'val_mean_absolute_error', ...), or None for a name without one."""
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
    """A dict whose lookups of 'acc' / 'val_acc' find 'accuracy' / 'val_accuracy' and back
    (and 'mae' <-> 'mean_absolute_error', ...: see `metric_alias`).

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
