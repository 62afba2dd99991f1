"""Helpers of Model: turning user data into lists of arrays, weighting losses, batching."""
import numpy as np

from compiler import builders

from .. import backend as K
from .training_checks import DataStructureError
from .utils import short_repr


def standardize_single_array(x, name=None, prefix='input'):
    """A numeric numpy array; 1-D arrays become (n, 1) columns, as in Keras.

    Raises:
        TypeError: `x` is not numeric array data (a string, a function, a dict, ...).
    """
    if x is None:
        return None
    array = as_numeric_array(x, name, prefix)
    if array.ndim == 1:
        array = np.expand_dims(array, 1)
    return array


def as_numeric_array(x, name=None, prefix='input'):
    """`x` as a numpy array of numbers (bool, int, uint or float), else TypeError."""
    what = 'Error when checking %s: expected %s to be a numeric array' % (
        prefix, name if name is not None else prefix)
    if isinstance(x, (str, bytes, dict, set)) or callable(x) and not hasattr(x, 'shape'):
        raise TypeError('%s, received %s of type %s' % (what, short_repr(x),
                                                        type(x).__name__))
    try:
        array = np.asarray(x)
    except (TypeError, ValueError) as error:     # ragged nested lists, odd objects
        raise TypeError('%s, received data numpy cannot read as one array: %s'
                        % (what, error)) from None
    if array.dtype.kind not in 'biuf':
        raise TypeError('%s, received an array of dtype %s: %s' % (
            what, array.dtype, short_repr(x)))
    return array


def _is_python_nested(data):
    """Whether `data` is plain nested lists/tuples of numbers (one array, as Keras reads
    `x.tolist()`), rather than a list holding one array per model input."""
    return bool(data) and all(isinstance(item, (list, tuple, int, float, np.number))
                              for item in data)


def _as_array_list(data, names, prefix):
    """A list of arrays, one per name, from an array, a list or a dict of arrays."""
    if isinstance(data, dict):
        missing = [name for name in names if name not in data]
        if missing:
            raise DataStructureError(
                'Error when checking %s: no data provided for %r. Need data for each key '
                'in: %s; received a dict with keys %s'
                % (prefix, missing[0], names, sorted(map(str, data))))
        return [data[name] for name in names]
    if isinstance(data, (list, tuple)):
        if len(names) == 1 and _is_python_nested(data):
            return [data]
        return list(data)
    return [data]


def standardize_input_data(data, names, shapes=None, check_batch_axis=True,
                           exception_prefix=''):
    """Check user data against the model's inputs (or targets) and return a list of arrays.

    Args:
        data: array, list of arrays or {name: array}.
        names: the model's input (or output) names.
        shapes: expected shapes (None entries are free), or None to skip the check.
        check_batch_axis: whether to compare the first dimension too.
        exception_prefix: 'input' or 'target', used in error messages.

    Returns:
        A list of numpy arrays, one per name.

    Raises:
        ValueError: wrong number of arrays or wrong shapes.
    """
    if not names:
        if data is not None and hasattr(data, '__len__') and len(data):
            raise ValueError('Error when checking model %s: expected no data, but got: %s'
                             % (exception_prefix, str(data)[:200]))
        return []
    if data is None:
        raise TypeError('Error when checking model %s: expected arrays for %s, received None'
                        % (exception_prefix, names))
    arrays = _as_array_list(data, names, exception_prefix)
    if len(arrays) == len(names):
        missing = [name for name, x in zip(names, arrays) if x is None]
        if missing:
            raise TypeError('Error when checking model %s: expected an array for %r, '
                            'received None' % (exception_prefix, missing[0]))
        arrays = [standardize_single_array(x, name, exception_prefix)
                  for x, name in zip(arrays, names)]
    if len(arrays) != len(names):
        raise ValueError('Error when checking model %s: the list of Numpy arrays that you are '
                         'passing to your model is not the size the model expected. Expected '
                         'to see %d array(s), but instead got %d array(s) with shapes %s'
                         % (exception_prefix, len(names), len(arrays),
                            [getattr(a, 'shape', None) for a in arrays]))
    check_shapes(arrays, names, shapes, check_batch_axis, exception_prefix)
    return arrays


def check_shapes(arrays, names, shapes, check_batch_axis=False, exception_prefix=''):
    """Raise ValueError when an array does not fit its expected shape."""
    for name, array, shape in zip(names, arrays, shapes or [None] * len(names)):
        _check_shape(name, array, shape, check_batch_axis, exception_prefix)


def _check_shape(name, array, shape, check_batch_axis, prefix):
    """Raise ValueError when `array` does not fit `shape` (None dims are free)."""
    if shape is None:
        return
    if array.ndim != len(shape):
        raise ValueError('Error when checking %s: expected %s to have %d dimensions, but got '
                         'array with shape %s' % (prefix, name, len(shape), array.shape))
    data_shape, expected = array.shape, tuple(shape)
    if not check_batch_axis:
        data_shape, expected = data_shape[1:], expected[1:]
    for dim, ref_dim in zip(data_shape, expected):
        if ref_dim is not None and ref_dim != dim:
            raise ValueError('Error when checking %s: expected %s to have shape %s but got '
                             'array with shape %s' % (prefix, name, expected, data_shape))


def plain_arrays(data, shapes):
    """`data` as a list of arrays when it already is exactly what a compiled function
    takes, else None (the caller then runs the full checks, which name what is wrong).

    Plain means: one numpy array (or a list/tuple of them, one per entry of `shapes`) of
    numbers, each with at least 2 dimensions, every non-batch dimension as in its shape,
    and all with the same non-zero number of samples.

    Args:
        data: the user's x (or y).
        shapes: the expected shapes (None entries are free); None entries in the list
            (shape unknown) make the data not plain.

    Returns:
        A list of the arrays (the user's own objects, not copies), or None.
    """
    if type(data) is np.ndarray:  # noqa: E721  (subclasses take the checked path)
        arrays = [data]
    elif type(data) in (list, tuple):  # noqa: E721
        arrays = list(data)
    else:
        return None
    if len(arrays) != len(shapes) or not arrays:
        return None
    samples = arrays[0].shape[0] if type(arrays[0]) is np.ndarray and arrays[0].ndim else 0
    for array, shape in zip(arrays, shapes):
        if not (type(array) is np.ndarray and shape is not None  # noqa: E721
                and array.dtype.kind in 'biuf' and array.ndim == len(shape) >= 2
                and array.shape[0] == samples > 0):
            return None
        for dim, expected in zip(array.shape[1:], shape[1:]):
            if expected is not None and dim != expected:
                return None
    return arrays


def ones_weights(samples, count, cache):
    """`count` references to one read-only float array of `samples` ones (the default
    sample weights), kept in `cache` ({samples: array}) for the next call."""
    weights = cache.get(samples)
    if weights is None or weights.dtype != np.dtype(K.floatx()):
        weights = np.ones((samples,), dtype=K.floatx())
        weights.setflags(write=False)
        cache.clear()
        cache[samples] = weights
    return [weights] * count


def standardize_per_output(value, output_names, what):
    """One entry per output from None, a single value, a list or a {name: value} dict."""
    if value is None:
        return [None] * len(output_names)
    if isinstance(value, dict):
        unknown = [key for key in value if key not in output_names]
        if unknown:
            raise ValueError('Unknown entries in %s dictionary: %s. Only expected the '
                             'following keys: %s' % (what, unknown, output_names))
        return [value.get(name) for name in output_names]
    if isinstance(value, (list, tuple)):
        if len(value) != len(output_names):
            raise ValueError('When passing a list as %s, it should have one entry per model '
                             'output. The model has %d outputs, but you passed %d entries'
                             % (what, len(output_names), len(value)))
        return list(value)
    if len(output_names) == 1:
        return [value]
    raise TypeError('The model has multiple outputs, so `%s` should be either a list or a '
                    'dict. Provided `%s` type not understood: %r' % (what, what, value))


def standardize_weights(y, sample_weight=None, class_weight=None):
    """Per-sample weights for targets `y` from `sample_weight` or `class_weight`.

    Returns:
        A float array of shape (len(y),) (ones when neither is given).
    """
    if sample_weight is not None:
        sample_weight = as_numeric_array(sample_weight, 'sample_weight', 'sample_weight')
        if sample_weight.ndim != 1 or sample_weight.shape[0] != y.shape[0]:
            raise ValueError('Found a sample_weight array with shape %s for targets with shape '
                             '%s: expected a 1-D array of length %d'
                             % (sample_weight.shape, y.shape, y.shape[0]))
        return sample_weight.astype(K.floatx())
    if isinstance(class_weight, dict):
        return _class_weights(y, class_weight)
    if class_weight is not None:
        raise TypeError('`class_weight` must be a dict {class index: weight}, received %s of '
                        'type %s' % (short_repr(class_weight), type(class_weight).__name__))
    return np.ones((y.shape[0],), dtype=K.floatx())


def _class_weights(y, class_weight):
    """Per-sample weights looked up from the class of each target row."""
    if y.ndim > 2:
        raise ValueError('`class_weight` not supported for 3+ dimensional targets, received '
                         'targets of shape %s' % (y.shape,))
    classes = np.argmax(y, axis=1) if y.shape[1] > 1 else np.reshape(y, y.shape[0])
    missing = set(classes.tolist()) - set(class_weight)
    if missing:
        raise ValueError('`class_weight` must contain all classes in the data. The classes '
                         '%s exist in the data but not in `class_weight`.' % missing)
    return np.asarray([class_weight[c] for c in classes.tolist()], dtype=K.floatx())


def check_array_length_consistency(inputs, targets, weights=None):
    """Raise ValueError when inputs, targets and weights disagree on the sample count."""
    def lengths(arrays):
        return set(a.shape[0] for a in arrays if a is not None)
    for arrays, what in ((inputs, 'input arrays (x)'), (targets, 'target arrays (y)'),
                         (weights or [], 'sample_weight arrays')):
        if len(lengths(arrays)) > 1:
            raise ValueError('All %s should have the same number of samples. Got array '
                             'shapes: %s' % (what, [a.shape for a in arrays if a is not None]))
    set_x, set_y = lengths(inputs), lengths(targets)
    if set_x and set_y and set_x != set_y:
        raise ValueError('Input arrays should have the same number of samples as target '
                         'arrays. Found %d input samples and %d target samples.'
                         % (set_x.pop(), set_y.pop()))


def check_loss_and_target_compatibility(targets, loss_fns, output_shapes):
    """Catch targets that cannot fit the loss (e.g. integer labels with categorical CE)."""
    key_losses = ('mean_squared_error', 'binary_crossentropy', 'categorical_crossentropy')
    for y, loss, shape in zip(targets, loss_fns, output_shapes):
        name = getattr(loss, '__name__', None)
        if y is None or shape is None or name not in key_losses:
            continue
        if y.ndim != len(shape):
            continue                       # check_shapes reports the rank mismatch
        if name == 'categorical_crossentropy' and y.shape[-1] == 1 and shape[-1] != 1:
            raise ValueError('You are passing a target array of shape %s while using as loss '
                             '`categorical_crossentropy`, which expects one-hot targets of '
                             'shape (samples, classes). Convert integer classes with '
                             '`symkeras.utils.to_categorical(y)` or use the loss '
                             '`sparse_categorical_crossentropy`.' % (y.shape,))
        for target_dim, out_dim in zip(y.shape[1:], shape[1:]):
            if out_dim is not None and target_dim != out_dim:
                raise ValueError('A target array with shape %s was passed for an output of '
                                 'shape %s while using as loss `%s`. This loss expects targets '
                                 'to have the same shape as the output.'
                                 % (y.shape, shape, name))


def weighted_masked_objective(fn):
    """Wrap loss/metric `fn(y_true, y_pred)` into `f(y_true, y_pred, weights, mask)`.

    The result is the mean over the batch of the per-sample score times the sample weight,
    divided by the fraction of non-zero weights (Keras's normalization).
    """
    if fn is None:
        return None

    def weighted(y_true, y_pred, weights, mask=None):
        score = fn(y_true, y_pred)
        if mask is not None:
            mask = K.cast(mask, K.floatx())
            score = score * mask / K.mean(mask)
        if weights is not None:
            score_ndim, weight_ndim = K.ndim(score), K.ndim(weights)
            if score_ndim > weight_ndim:
                score = K.mean(score, axis=list(range(weight_ndim, score_ndim)))
            if _same_shape(score, weights):
                # mean(score * weights / mean(weights != 0)) as one op each way
                # (compiler/ops/weighted.py) instead of a dozen tiny kernels.
                return builders.weighted_mean(score, K.cast(weights, score.dtype))
            score = score * weights
            score = score / K.mean(K.cast(K.not_equal(weights, 0), K.floatx()))
        return K.mean(score)
    weighted.__name__ = getattr(fn, '__name__', 'weighted')
    return weighted


def _same_shape(x, y):
    """Whether float tensors x and y have one static shape (None matching None only):
    then no broadcasting can happen between them."""
    return (K.is_tensor(x) and K.is_tensor(y) and x.dtype.startswith('float')
            and K.int_shape(x) == K.int_shape(y))


def make_batches(size, batch_size):
    """[(start, end), ...] covering range(size) in chunks of batch_size (last one short)."""
    count = int(np.ceil(size / float(batch_size)))
    return [(i * batch_size, min(size, (i + 1) * batch_size)) for i in range(count)]


def slice_arrays(arrays, start=None, stop=None):
    """Slice every array of a list by a range, or index them by an index array."""
    if arrays is None:
        return [None]
    if isinstance(start, (list, np.ndarray)):
        return [None if a is None else a[start] for a in arrays]
    return [None if a is None else a[start:stop] for a in arrays]


def num_samples(arrays):
    """Number of samples in a list of arrays (first non-None one)."""
    for array in arrays:
        if array is not None:
            return int(array.shape[0])
    raise ValueError('No data was provided: expected at least one array')


def to_scalar(value):
    """0-d arrays and numpy scalars become Python floats; other values unchanged."""
    if isinstance(value, (np.ndarray, np.generic)) and np.ndim(value) == 0:
        return float(value)
    return value
