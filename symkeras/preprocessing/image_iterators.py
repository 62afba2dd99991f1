"""Batches of augmented images: `Iterator` and `NumpyArrayIterator` (Keras 2.2.4).

An iterator is a `symkeras.utils.Sequence` (so `fit_generator` takes it, visits each batch
once per epoch and reshuffles through `on_epoch_end`) and also an endless Python iterator
(`next(it)`), as in Keras. With a `seed`, each batch draws its random transforms from
`RandomState(seed + number of batches served so far)` and the shuffling from
`RandomState(seed)`: the same calls give the same batches. Without one, numpy's global RNG
is used. Unlike Keras, numpy's global RNG is never reseeded.
"""
import threading
import warnings

import numpy as np

from .. import backend as K
from ..utils.data_utils import Sequence


class Iterator(Sequence):
    """Base class of the image iterators: indexing, shuffling and batching of `n` samples.

    A subclass defines `_get_batches_of_transformed_samples(index_array)` (as in Keras);
    `self._batch_random()` gives the random source of the batch being made.

    Args:
        n: number of samples.
        batch_size: samples per batch (the last batch may hold fewer).
        shuffle: visit the samples in a new random order each epoch.
        seed: seed of the shuffling and of the random transforms (None: numpy's global
            RNG).

    Example:
        >>> class Indices(Iterator):
        ...     def _get_batches_of_transformed_samples(self, index_array):
        ...         return index_array
        >>> batches = Indices(5, batch_size=2, shuffle=False, seed=None)
        >>> len(batches), batches[2], next(batches), next(batches)
        (3, array([4]), array([0, 1]), array([2, 3]))
    """

    def __init__(self, n, batch_size, shuffle, seed):
        self.n, self.batch_size, self.shuffle, self.seed = n, batch_size, shuffle, seed
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self._order_rng = np.random if seed is None else np.random.RandomState(seed)
        self._local = threading.local()   # the random source of each thread's batch

    def _set_index_array(self):
        """Draw the order of the samples for the next epoch."""
        self.index_array = np.arange(self.n)
        if self.shuffle:
            self.index_array = self._order_rng.permutation(self.n)

    def _batch_rng(self):
        """A new random source for the next batch's transforms."""
        if self.seed is None:
            return np.random
        return np.random.RandomState(self.seed + self.total_batches_seen)

    def _batch_random(self):
        """The random source of the batch this thread is making."""
        return getattr(self._local, 'rng', np.random)

    def _make_batch(self, index_array, rng):
        """Call the subclass's batch maker with `rng` as this thread's random source."""
        self._local.rng = rng
        try:
            return self._get_batches_of_transformed_samples(index_array)
        finally:
            self._local.rng = None

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise ValueError('%s: asked for batch %d, but the Sequence has length %d'
                             % (type(self).__name__, index, len(self)))
        rng = self._batch_rng()
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        part = self.index_array[self.batch_size * index:self.batch_size * (index + 1)]
        return self._make_batch(part, rng)

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self):
        """Reshuffle the samples (when `shuffle`) for the next epoch."""
        self._set_index_array()

    def reset(self):
        """Restart the endless iteration (`next`) at the first batch of a new epoch."""
        self.batch_index = 0

    def __iter__(self):
        return self

    def __next__(self):
        return self.next()

    def next(self):
        """The next batch of the endless iteration: epochs follow each other forever.

        Returns:
            A batch, as `__getitem__` gives it.
        """
        with self.lock:   # only the bookkeeping: the transforms may run in parallel
            rng = self._batch_rng()
            if self.batch_index == 0:
                self._set_index_array()
            start = (self.batch_index * self.batch_size) % self.n
            more = self.n > start + self.batch_size
            self.batch_index = self.batch_index + 1 if more else 0
            self.total_batches_seen += 1
            part = self.index_array[start:start + self.batch_size]
        return self._make_batch(part, rng)

    def _get_batches_of_transformed_samples(self, index_array):
        """The batch of the samples `index_array`."""
        raise NotImplementedError('%s: an Iterator must define '
                                  '_get_batches_of_transformed_samples(index_array)'
                                  % type(self).__name__)


class NumpyArrayIterator(Iterator):
    """Batches of augmented images from arrays (what `ImageDataGenerator.flow` returns).

    Each image is transformed at random (`get_random_transform`, `apply_transform`) then
    normalized (`standardize`) by the generator; labels and sample weights pass unchanged.

    Args:
        x: images, a 4-D array; or a tuple `(images, extra)` where `extra` is an array or a
            list of arrays, batched along and returned unchanged after the images.
        y: labels (None: batches hold only the images).
        image_data_generator: the `ImageDataGenerator` that transforms and normalizes.
        batch_size: images per batch.
        shuffle: new random order each epoch.
        sample_weight: per-image weights, returned as a third item of each batch.
        seed: seed of the shuffling and of the transforms.
        data_format: 'channels_last' or 'channels_first' (default:
            `K.image_data_format()`).
        save_to_dir: unsupported (saving images needs PIL); must be None.
        save_prefix: unused.
        save_format: unused.
        subset: 'training' or 'validation' with the generator's `validation_split`: the
            first `int(len(x) * validation_split)` images are the validation subset.
        dtype: dtype of the image batches (default: `K.floatx()`).

    Returns:
        A `Sequence` of `(x_batch, y_batch)`, `(x_batch, y_batch, weights)` or `x_batch`.

    Raises:
        ValueError: arrays of different lengths, images not 4-D, unknown subset, or
            subsets with different sets of labels.
        NotImplementedError: `save_to_dir` is given.

    Example:
        >>> from symkeras.preprocessing.image import ImageDataGenerator
        >>> batches = NumpyArrayIterator(np.zeros((5, 4, 4, 1)), np.arange(5),
        ...                              ImageDataGenerator(), batch_size=2)
        >>> [batches[index][1].tolist() for index in range(len(batches))]
        [[0, 1], [2, 3], [4]]
    """

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, data_format=None, save_to_dir=None,
                 save_prefix='', save_format='png', subset=None, dtype=None):
        if save_to_dir is not None:
            raise NotImplementedError('NumpyArrayIterator: save_to_dir needs PIL to write '
                                      'images, which symkeras does not use')
        self.dtype = dtype or K.floatx()
        self.data_format = data_format or K.image_data_format()
        self.image_data_generator = image_data_generator
        x, extras = _split_extras(x)
        _check_lengths(x, y, sample_weight, extras)
        if subset is not None:
            x, y, sample_weight, extras = _subset(
                x, y, sample_weight, extras, subset, image_data_generator._validation_split)
        self.x = np.asarray(x, dtype=self.dtype)
        if self.x.ndim != 4:
            raise ValueError('NumpyArrayIterator: expected images of rank 4, received an '
                             'array of shape %s' % (self.x.shape,))
        _warn_channels(self.x.shape, self.data_format, 'NumpyArrayIterator')
        self.x_misc = extras
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        super().__init__(len(self.x), batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        generator, rng = self.image_data_generator, self._batch_random()
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        for position, sample in enumerate(index_array):
            image = self.x[sample]
            params = generator._draw_transform(image.shape, rng)
            batch_x[position] = generator.standardize(generator.apply_transform(image, params))
        inputs = batch_x if not self.x_misc else \
            [batch_x] + [extra[index_array] for extra in self.x_misc]
        if self.y is None:
            return inputs
        if self.sample_weight is None:
            return inputs, self.y[index_array]
        return inputs, self.y[index_array], self.sample_weight[index_array]


def _split_extras(x):
    """`(images, [extra arrays])` of a flow input (an array or `(images, extra)`)."""
    if not isinstance(x, (tuple, list)):
        return x, []
    extras = x[1] if isinstance(x[1], list) else [x[1]]
    return x[0], [np.asarray(extra) for extra in extras]


def _check_lengths(x, y, sample_weight, extras):
    """Raise ValueError unless every array holds as many samples as `x`."""
    named = [('y', y), ('sample_weight', sample_weight)]
    named += [('x[1][%d]' % index, extra) for index, extra in enumerate(extras)]
    for name, array in named:
        if array is not None and len(array) != len(x):
            raise ValueError('NumpyArrayIterator: %s must hold as many samples as the '
                             'images; received shapes %s and %s'
                             % (name, np.shape(array), np.shape(x)))


def _subset(x, y, sample_weight, extras, subset, validation_split):
    """Keep the 'validation' head or the 'training' tail of every array."""
    if subset not in ('training', 'validation'):
        raise ValueError("NumpyArrayIterator: expected subset 'training' or 'validation', "
                         "received %r" % (subset,))
    cut = int(len(x) * validation_split)
    if y is not None and not np.array_equal(np.unique(y[:cut]), np.unique(y[cut:])):
        raise ValueError('NumpyArrayIterator: the training and validation subsets hold '
                         'different sets of labels after the split at %d; shuffle the '
                         'arrays if they are sorted by label' % cut)
    part = slice(None, cut) if subset == 'validation' else slice(cut, None)
    return (x[part], None if y is None else y[part],
            None if sample_weight is None else sample_weight[part],
            [extra[part] for extra in extras])


def _warn_channels(shape, data_format, who):
    """Warn (as Keras does) when the channel axis holds neither 1, 3 nor 4 channels."""
    axis = 3 if data_format == 'channels_last' else 1
    if shape[axis] not in (1, 3, 4):
        warnings.warn('%s: with data_format %r the channels are on axis %d, expected 1, 3 '
                      'or 4 of them; received an array of shape %s (%d channels)'
                      % (who, data_format, axis, shape, shape[axis]))
