"""Backend configuration and session state: floatx, epsilon, data format, learning phase."""
from collections import defaultdict

from compiler.ir import normalize_dtype, placeholder

_STATE = {'floatx': 'float32', 'epsilon': 1e-7, 'image_data_format': 'channels_last',
          'learning_phase': None, 'fixed_phase': None, 'nan_guard': False}
_UIDS = defaultdict(int)
DATA_FORMATS = ('channels_last', 'channels_first')


def floatx():
    """The default float type of new placeholders, variables and constants.

    Returns:
        'float32' unless changed with `set_floatx`.

    Example:
        >>> K.floatx()
        'float32'
    """
    return _STATE['floatx']


def set_floatx(value):
    """Set the default float type.

    Args:
        value: 'float16', 'float32' or 'float64' (float64 for gradient checks).

    Raises:
        ValueError: any other value.
    """
    if value not in ('float16', 'float32', 'float64'):
        raise ValueError(f"Unknown floatx type: {value!r}; expected one of "
                         "('float16', 'float32', 'float64')")
    _STATE['floatx'] = normalize_dtype(value)


def epsilon():
    """The fuzz factor used in numeric expressions (losses, optimizers).

    Returns:
        A float, 1e-7 unless changed with `set_epsilon`.

    Example:
        >>> K.epsilon()
        1e-07
    """
    return _STATE['epsilon']


def set_epsilon(value):
    """Set the fuzz factor returned by `epsilon()`.

    Args:
        value: a small positive float.
    """
    _STATE['epsilon'] = float(value)


def image_data_format():
    """The default layout of images.

    Returns:
        'channels_last' (NHWC, the default) or 'channels_first'.

    Example:
        >>> K.image_data_format()
        'channels_last'
    """
    return _STATE['image_data_format']


def set_image_data_format(data_format):
    """Set the default layout of images for layers created afterwards.

    Args:
        data_format: 'channels_last' or 'channels_first'.

    Raises:
        ValueError: any other value.
    """
    if data_format not in DATA_FORMATS:
        raise ValueError(f"Unknown data_format: {data_format!r}; expected one of "
                         f"{DATA_FORMATS}")
    _STATE['image_data_format'] = data_format


def normalize_data_format(value):
    """A layer's `data_format` argument, checked, with None meaning the default.

    Args:
        value: None, 'channels_last' or 'channels_first' (any case).

    Returns:
        'channels_last' or 'channels_first'.

    Raises:
        ValueError: any other value.
    """
    value = image_data_format() if value is None else str(value).lower()
    if value not in DATA_FORMATS:
        raise ValueError(f"Unknown data_format: {value!r}; expected one of {DATA_FORMATS}")
    return value


def get_nan_guard():
    """Whether compiled functions check every value for NaN/inf (see `set_nan_guard`).

    Returns:
        bool.
    """
    return _STATE['nan_guard']


def set_nan_guard(enabled):
    """Turn the NaN guard on or off for `K.function` and for fit/evaluate/predict.

    With the guard on, every kernel's output is checked and the first NaN or inf raises
    `FloatingPointError` naming the node, its op, its layer and the source line that
    built it; the failing call changes no weight. It costs one pass over every value.

    Args:
        enabled: bool.

    Example:
        >>> K.set_nan_guard(True)
        >>> x = K.placeholder(shape=(2,), name='x')
        >>> f = K.function([x], [K.log(x)])
        >>> f([np.array([1., -1.], 'float32')])
        Traceback (most recent call last):
          ...
        NanGuardError: NaN guard: node 'log_2' (op Log, ...) produced 1 NaN and 0 inf values ...
        >>> K.set_nan_guard(False)
    """
    _STATE['nan_guard'] = bool(enabled)


def learning_phase():
    """The learning phase: 1 while training, 0 at test and prediction time.

    `fit` compiles its function with the phase set to 1, `evaluate` and `predict` with 0;
    layers read it through `in_train_phase`.

    Returns:
        A symbolic uint8 scalar, or the int fixed by `set_learning_phase`.
    """
    if _STATE['fixed_phase'] is not None:
        return _STATE['fixed_phase']
    if _STATE['learning_phase'] is None:
        _STATE['learning_phase'] = placeholder((), 'uint8', name='keras_learning_phase')
    return _STATE['learning_phase']


def set_learning_phase(value):
    """Fix the learning phase to a constant for graphs built afterwards.

    Args:
        value: 0 (test) or 1 (training).

    Raises:
        ValueError: any other value.
    """
    if value not in (0, 1):
        raise ValueError(f"Expected learning phase to be 0 or 1, received {value!r}")
    _STATE['fixed_phase'] = value


def get_uid(prefix=''):
    """A per-prefix counter starting at 1 (layer names: dense_1, dense_2, ...).

    Args:
        prefix: the counter's name.

    Returns:
        int: the counter's new value.
    """
    _UIDS[prefix] += 1
    return _UIDS[prefix]


def reset_uids():
    """Reset every `get_uid` counter (layer names start again at _1)."""
    _UIDS.clear()


def clear_session():
    """Forget layer-name counters and the learning phase (start a fresh graph).

    Example:
        >>> K.clear_session()
        >>> Dense(2).name
        'dense_1'
    """
    reset_uids()
    _STATE['learning_phase'] = None
    _STATE['fixed_phase'] = None
