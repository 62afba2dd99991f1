"""Numpy helpers of Keras 2.2.4's `keras.utils.np_utils`."""
import numpy as np


def to_categorical(y, num_classes=None, dtype='float32'):
    """Convert a class vector (integers) to a one-hot class matrix.

    A trailing dimension of size 1 is dropped first, so labels shaped (n,) and (n, 1)
    both give (n, num_classes). As in Keras, a negative label counts from the end.

    Args:
        y: array-like of integer class labels, from 0 to num_classes - 1.
        num_classes: total number of classes; default `max(y) + 1`.
        dtype: dtype of the result (default 'float32').

    Returns:
        Array of shape `y.shape + (num_classes,)` (minus a trailing 1) with one 1 per row.

    Example:
        >>> to_categorical([0, 2], 3)
        array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    labels = np.array(y, dtype='int')
    input_shape = labels.shape
    if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
        input_shape = tuple(input_shape[:-1])
    labels = labels.ravel()
    if not num_classes:
        num_classes = int(np.max(labels)) + 1
    count = labels.shape[0]
    _check_labels(labels, num_classes)
    categorical = np.zeros((count, num_classes), dtype=dtype)
    categorical[np.arange(count), labels] = 1
    return np.reshape(categorical, input_shape + (num_classes,))


def _check_labels(labels, num_classes):
    """Raise IndexError (Keras's error type) naming the bad label, with a clear message."""
    if labels.size and (labels.max() >= num_classes or labels.min() < -num_classes):
        bad = labels.max() if labels.max() >= num_classes else labels.min()
        raise IndexError('to_categorical: expected labels in [0, %d) for num_classes=%d, '
                         'received label %d' % (num_classes, num_classes, bad))


def normalize(x, axis=-1, order=2):
    """Normalize an array to unit norm along one axis (zero vectors stay zero).

    Args:
        x: numpy array to normalize.
        axis: axis along which to normalize.
        order: normalization order (2 for the L2 norm, as `np.linalg.norm`'s `ord`).

    Returns:
        A normalized copy of `x`.

    Example:
        >>> normalize(np.array([[3., 4.]]))
        array([[0.6, 0.8]])
    """
    norms = np.atleast_1d(np.linalg.norm(x, order, axis))
    norms[norms == 0] = 1
    return x / np.expand_dims(norms, axis)
