"""Backend configuration and session state: floatx, epsilon, data format, learning phase."""
from collections import defaultdict

from compiler.ir import normalize_dtype, placeholder

_STATE = {'floatx': 'float32', 'epsilon': 1e-7, 'image_data_format': 'channels_last',
          'learning_phase': None, 'fixed_phase': None, 'nan_guard': False}
_UIDS = defaultdict(int)
DATA_FORMATS = ('channels_last', 'channels_first')


def floatx():
    """The default float type, 'float32' unless changed with `set_floatx`."""
    return _STATE['floatx']


def set_floatx(value):
    """Set the default float type ('float16', 'float32' or 'float64')."""
    if value not in ('float16', 'float32', 'float64'):
        raise ValueError(f"Unknown floatx type: {value!r}; expected one of "
                         "('float16', 'float32', 'float64')")
    _STATE['floatx'] = normalize_dtype(value)


def epsilon():
    """The fuzz factor used in numeric expressions (1e-7)."""
    return _STATE['epsilon']


def set_epsilon(value):
    _STATE['epsilon'] = float(value)


def image_data_format():
    """'channels_last' (NHWC, the default) or 'channels_first'."""
    return _STATE['image_data_format']


def set_image_data_format(data_format):
    if data_format not in DATA_FORMATS:
        raise ValueError(f"Unknown data_format: {data_format!r}; expected one of "
                         f"{DATA_FORMATS}")
    _STATE['image_data_format'] = data_format


def normalize_data_format(value):
    value = image_data_format() if value is None else str(value).lower()
    if value not in DATA_FORMATS:
        raise ValueError(f"Unknown data_format: {value!r}; expected one of {DATA_FORMATS}")
    return value


def get_nan_guard():
    """Whether compiled functions check every value for NaN/inf (see `set_nan_guard`)."""
    return _STATE['nan_guard']


def set_nan_guard(enabled):
    """Turn the NaN guard on or off for `K.function` and for fit/evaluate/predict.

    With the guard on, every kernel's output is checked and the first NaN or inf raises
    `FloatingPointError` naming the node, its op, its layer and the source line that
    built it; the failing call changes no weight. It costs one pass over every value.

    Example:
        >>> K.set_nan_guard(True)
        >>> model.fit(x, y)     # FloatingPointError: NaN guard: node 'log_42' ...
    """
    _STATE['nan_guard'] = bool(enabled)


def learning_phase():
    """The learning phase: a symbolic uint8 scalar (1 = training, 0 = test), or the int
    fixed by `set_learning_phase`."""
    if _STATE['fixed_phase'] is not None:
        return _STATE['fixed_phase']
    if _STATE['learning_phase'] is None:
        _STATE['learning_phase'] = placeholder((), 'uint8', name='keras_learning_phase')
    return _STATE['learning_phase']


def set_learning_phase(value):
    if value not in (0, 1):
        raise ValueError(f"Expected learning phase to be 0 or 1, received {value!r}")
    _STATE['fixed_phase'] = value


def get_uid(prefix=''):
    """A per-prefix counter starting at 1 (layer names: dense_1, dense_2...)."""
    _UIDS[prefix] += 1
    return _UIDS[prefix]


def reset_uids():
    _UIDS.clear()


def clear_session():
    """Forget layer-name counters and the learning phase (start a fresh graph)."""
    reset_uids()
    _STATE['learning_phase'] = None
    _STATE['fixed_phase'] = None
