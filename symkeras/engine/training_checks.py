"""Argument checks of fit / evaluate / predict, run before anything changes.

Every check raises a clear error naming the method, the argument and the value received:
TypeError for the wrong kind of value, ValueError for a value out of range.
"""
import numpy as np

from .utils import short_repr


class DataStructureError(TypeError, ValueError):
    """Data given in the wrong structure (e.g. a dict whose keys are not the model's input
    names). A TypeError, and a ValueError as in Keras, so either `except` clause works."""


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_int(value, what, method, minimum=1, allow_none=True):
    """Raise unless `value` is an integer >= minimum (or None when allowed)."""
    if value is None and allow_none:
        return
    bound = 'a positive integer' if minimum == 1 else 'an integer >= %d' % minimum
    if not _is_int(value):
        raise TypeError('%s: `%s` must be %s, received %s of type %s'
                        % (method, what, bound, short_repr(value), type(value).__name__))
    if value < minimum:
        raise ValueError('%s: `%s` must be %s, received %d' % (method, what, bound, value))


def check_fit_arguments(batch_size, epochs, initial_epoch, validation_split,
                        steps_per_epoch, validation_steps, callbacks):
    """The scalar arguments of fit: batch_size > 0, epochs >= 0, 0 <= split < 1, ..."""
    check_int(batch_size, 'batch_size', 'fit')
    check_int(epochs, 'epochs', 'fit', minimum=0, allow_none=False)
    check_int(initial_epoch, 'initial_epoch', 'fit', minimum=0, allow_none=False)
    check_int(steps_per_epoch, 'steps_per_epoch', 'fit')
    check_int(validation_steps, 'validation_steps', 'fit')
    check_validation_split(validation_split)
    check_callbacks(callbacks)


def check_validation_split(split):
    """Raise unless `split` is a number in [0, 1)."""
    if split is None:
        return
    if isinstance(split, (bool, np.bool_)) or not isinstance(split, (int, float, np.number)):
        raise TypeError('fit: `validation_split` must be a float in [0, 1), received %s of '
                        'type %s' % (short_repr(split), type(split).__name__))
    if not 0. <= split < 1.:
        raise ValueError('fit: `validation_split` must be in [0, 1) (the fraction of the '
                         'samples held out for validation), received %r' % (split,))


def check_callbacks(callbacks):
    """Raise unless `callbacks` is None or a list of Callback objects."""
    if callbacks is None:
        return
    if not isinstance(callbacks, (list, tuple)):
        raise TypeError('fit: `callbacks` must be a list of Callback instances, received %s '
                        'of type %s' % (short_repr(callbacks), type(callbacks).__name__))
    for position, callback in enumerate(callbacks):
        if not callable(getattr(callback, 'set_model', None)):
            raise TypeError('fit: `callbacks[%d]` must be a Callback instance, received %s '
                            'of type %s' % (position, short_repr(callback),
                                            type(callback).__name__))


def check_validation_data(validation_data):
    """Raise unless `validation_data` is (x_val, y_val) or (x_val, y_val, weights)."""
    if not isinstance(validation_data, (list, tuple)):
        shape = getattr(validation_data, 'shape', None)
        raise TypeError('fit: `validation_data` must be a tuple (x_val, y_val) or (x_val, '
                        'y_val, val_sample_weights), received %s%s'
                        % (type(validation_data).__name__,
                           ' of shape %s' % (shape,) if shape is not None else ''))
    if len(validation_data) not in (2, 3):
        raise ValueError('When passing validation_data, it must contain 2 (x_val, y_val) '
                         'or 3 (x_val, y_val, val_sample_weights) items, however it '
                         'contains %d items' % len(validation_data))


def check_split_sizes(samples, split_at, validation_split):
    """Raise when a validation split leaves no training sample."""
    if split_at < 1:
        raise ValueError('fit: validation_split=%r leaves %d of the %d samples for training; '
                         'use a smaller split or more data'
                         % (validation_split, split_at, samples))


def check_not_empty(arrays, names, prefix, method):
    """Raise ValueError when an array has no samples (nothing to fit, evaluate, predict)."""
    for name, array in zip(names, arrays):
        if array is not None and array.ndim and array.shape[0] == 0:
            raise ValueError('%s: %s %r has 0 samples (array of shape %s); pass at least one '
                             'sample' % (method, prefix, name, array.shape))


def check_sparse_labels(targets, loss_fns, output_shapes, output_names):
    """Integer labels of sparse_categorical_crossentropy must lie in [0, classes).

    Out-of-range labels would silently give an all-zero one-hot row (a zero loss), so they
    are rejected before any step runs.
    """
    for y, loss, shape, name in zip(targets, loss_fns, output_shapes, output_names):
        if getattr(loss, '__name__', None) != 'sparse_categorical_crossentropy':
            continue
        if y is None or shape is None or shape[-1] is None:
            continue
        classes = shape[-1]
        whole = np.isfinite(y) & (np.floor(y) == y) if y.dtype.kind == 'f' else True
        bad = np.unique(y[~(whole & (y >= 0) & (y < classes))])
        if bad.size:
            raise ValueError("Loss 'sparse_categorical_crossentropy' of output %r: labels must "
                             "be integers in [0, %d) for an output with %d classes; received "
                             "the labels %s" % (name, classes, classes, bad[:10].tolist()))
