"""Sequence preprocessing of Keras 2.2.4 (`keras.preprocessing.sequence`, which re-exports
keras_preprocessing 1.0.5): padding, word2vec-style skipgrams, time-series batches.
"""
import random

import numpy as np

from ..utils.data_utils import Sequence

_SIDES = ('pre', 'post')


def pad_sequences(sequences, maxlen=None, dtype='int32', padding='pre', truncating='pre',
                  value=0.):
    """Pad (or truncate) sequences to one length, giving a 2-D array.

    Args:
        sequences: list of sequences (lists or arrays; the items may themselves be arrays
            of one common shape).
        maxlen: length of the result; None means the length of the longest sequence.
        dtype: dtype of the result (`object` or a string dtype to pad strings).
        padding: 'pre' or 'post': add `value` before or after each short sequence.
        truncating: 'pre' or 'post': drop the start or the end of each long sequence.
        value: the padding value.

    Returns:
        An array of shape `(len(sequences), maxlen) + item shape`.

    Raises:
        ValueError: `sequences` or an item of it has no length, `padding` or `truncating`
            is unknown, `value` is a string for a numeric dtype, or an item has another
            shape than the first.

    Example:
        >>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
        array([[2, 3],
               [0, 4]], dtype=int32)
        >>> pad_sequences([[1, 2, 3], [4]], padding='post', truncating='post', value=-1)
        array([[ 1,  2,  3],
               [ 4, -1, -1]], dtype=int32)
    """
    if not hasattr(sequences, '__len__'):
        raise ValueError('pad_sequences: expected a list of sequences, received %r'
                         % (sequences,))
    for name, side in (('padding', padding), ('truncating', truncating)):
        if side not in _SIDES:
            raise ValueError("pad_sequences: expected %s 'pre' or 'post', received %r"
                             % (name, side))
    lengths = [_length(item, index) for index, item in enumerate(sequences)]
    if maxlen is None:
        maxlen = max(lengths, default=0)
    item_shape = next((np.asarray(item).shape[1:] for item in sequences if len(item)), ())
    is_text_dtype = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype != object and not is_text_dtype:
        raise ValueError('pad_sequences: dtype %s cannot hold the string value %r; use '
                         'dtype=object for variable-length strings' % (dtype, value))
    result = np.full((len(sequences), maxlen) + item_shape, value, dtype=dtype)
    for index, item in enumerate(sequences):
        kept = _truncate(item, maxlen, truncating)
        if not len(kept):
            continue
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != item_shape:
            raise ValueError('pad_sequences: sequence %d has items of shape %s, expected %s '
                             '(the shape of the first non-empty sequence\'s items)'
                             % (index, kept.shape[1:], item_shape))
        if padding == 'post':
            result[index, :len(kept)] = kept
        else:
            result[index, maxlen - len(kept):] = kept
    return result


def _length(item, index):
    """len(item), or a ValueError naming the item that has none."""
    if not hasattr(item, '__len__'):
        raise ValueError('pad_sequences: expected a list of sequences; item %d has no '
                         'length: %r' % (index, item))
    return len(item)


def _truncate(item, maxlen, truncating):
    """The at most `maxlen` items kept: the last ones ('pre') or the first ones ('post')."""
    if len(item) <= maxlen:
        return item
    return item[len(item) - maxlen:] if truncating == 'pre' else item[:maxlen]


def make_sampling_table(size, sampling_factor=1e-5):
    """Word2vec's keep-probabilities by word rank, for the `sampling_table` of `skipgrams`.

    `table[i] = min(1, sqrt(sampling_factor / frequency(i)))`, with word frequencies
    assumed to follow Zipf's law: `1 / frequency(rank) ~ rank * (log(rank) + gamma) + 1/2
    - 1 / (12 * rank)`, `gamma` = 0.577 (Euler-Mascheroni); ranks 0 and 1 both count as 1.

    Args:
        size: number of words (the length of the table).
        sampling_factor: the word2vec sampling factor.

    Returns:
        A float64 array of `size` probabilities, not increasing with the rank.

    Example:
        >>> table = make_sampling_table(10000)
        >>> table.shape, bool(table[1] < table[9999] <= 1.0)
        ((10000,), True)
    """
    rank = np.arange(size, dtype=np.float64)
    rank[:1] = 1.0
    gamma = 0.577
    inverse_frequency = rank * (np.log(rank) + gamma) + 0.5 - 1.0 / (12.0 * rank)
    return np.minimum(1.0, np.sqrt(sampling_factor * inverse_frequency))


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1., shuffle=True,
              categorical=False, sampling_table=None, seed=None):
    """Word pairs for skip-gram training: neighbours (label 1) and random words (label 0).

    Each non-zero word `w_i` (kept with probability `sampling_table[w_i]` when a table is
    given) is paired with every non-zero word of `sequence[i - window_size:
    i + window_size + 1]` but itself (positives), then `int(negative_samples * positives)`
    pairs of a first word of the positives and a random index in [1, vocabulary_size) are
    added (negatives). Index 0 is a non-word and is skipped.

    Args:
        sequence: list of word indices.
        vocabulary_size: the largest word index + 1.
        window_size: half-width of the window.
        negative_samples: negatives per positive (0 for none).
        shuffle: shuffle the pairs (with their labels).
        categorical: labels as `[0, 1]` / `[1, 0]` instead of 1 / 0.
        sampling_table: keep-probability of each word index (see `make_sampling_table`).
        seed: seed of all the random draws (sampling, negatives, shuffle).

    Returns:
        `(couples, labels)`: a list of `[word, context]` pairs and the list of their labels.

    Example:
        >>> couples, labels = skipgrams([1, 2, 3], vocabulary_size=4, window_size=1,
        ...                             negative_samples=0., shuffle=False)
        >>> couples, labels
        ([[1, 2], [2, 1], [2, 3], [3, 2]], [1, 1, 1, 1])
    """
    rng = random.Random(seed)
    couples, labels = [], []
    positive, negative = ([0, 1], [1, 0]) if categorical else (1, 0)
    for i, word in enumerate(sequence):
        if not word or (sampling_table is not None and sampling_table[word] < rng.random()):
            continue
        for j in range(max(0, i - window_size), min(len(sequence), i + window_size + 1)):
            if j != i and sequence[j]:
                couples.append([word, sequence[j]])
                labels.append(list(positive) if categorical else positive)
    count = int(len(labels) * negative_samples)
    if count > 0:
        words = [first for first, _ in couples]
        rng.shuffle(words)
        for k in range(count):
            couples.append([words[k % len(words)], rng.randint(1, vocabulary_size - 1)])
            labels.append(list(negative) if categorical else negative)
    if shuffle:
        order = list(range(len(couples)))
        rng.shuffle(order)
        couples, labels = [couples[k] for k in order], [labels[k] for k in order]
    return couples, labels


class TimeseriesGenerator(Sequence):
    """Batches of fixed-length windows over a time series, with the target after each.

    Sample `k` of the series ends just before time `row_k`: it is
    `data[row_k - length:row_k:sampling_rate]`, and its target is `targets[row_k]`. The
    rows run from `start_index + length` to `end_index` (inclusive) by `stride`; a batch
    holds `batch_size` consecutive rows (or, with `shuffle`, `batch_size` random rows).

    Args:
        data: array of time steps, time on axis 0.
        targets: array of targets, as long as `data`.
        length: span of time covered by one sample, in time steps.
        sampling_rate: keep one time step in `sampling_rate` within a sample.
        stride: time steps between the ends of two consecutive samples.
        start_index: first time step usable in a sample.
        end_index: last row usable as a target (default: the last one).
        shuffle: draw the rows of each batch at random instead of in order.
        reverse: give each sample's time steps in reverse order.
        batch_size: samples per batch (the last batch may hold fewer).

    Returns:
        A `symkeras.utils.Sequence` whose items are `(samples, targets)`: `samples` of
        shape `(batch, ceil(length / sampling_rate)) + data.shape[1:]`.

    Raises:
        ValueError: `data` and `targets` differ in length, or no row is left to target.

    Example:
        >>> data = np.arange(50).reshape(50, 1)
        >>> batches = TimeseriesGenerator(data, data, length=10, sampling_rate=2,
        ...                               batch_size=2)
        >>> x, y = batches[0]
        >>> len(batches), x.shape, x[0, :, 0], y[:, 0]
        (20, (2, 5, 1), array([0, 2, 4, 6, 8]), array([10, 11]))
    """

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128):
        self.data, self.targets = np.asarray(data), np.asarray(targets)
        if len(self.data) != len(self.targets):
            raise ValueError('TimeseriesGenerator: data and targets must have the same '
                             'length; received %d and %d' % (len(data), len(targets)))
        self.length, self.sampling_rate, self.stride = length, sampling_rate, stride
        self.start_index = start_index + length
        self.end_index = len(self.data) - 1 if end_index is None else end_index
        self.shuffle, self.reverse, self.batch_size = shuffle, reverse, batch_size
        if self.start_index > self.end_index:
            raise ValueError('TimeseriesGenerator: start_index + length = %d > end_index '
                             '= %d: no time step would be left as a target'
                             % (self.start_index, self.end_index))

    def __len__(self):
        span = self.batch_size * self.stride
        return (self.end_index - self.start_index + span) // span

    def __getitem__(self, index):
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1,
                                     size=self.batch_size)
        else:
            if not 0 <= index < len(self):
                raise IndexError('TimeseriesGenerator: batch %d requested, there are %d'
                                 % (index, len(self)))
            first = self.start_index + self.batch_size * self.stride * index
            last = min(first + self.batch_size * self.stride, self.end_index + 1)
            rows = np.arange(first, last, self.stride)
        samples = np.stack([self.data[row - self.length:row:self.sampling_rate]
                            for row in rows])
        targets = self.targets[rows]
        if self.reverse:
            samples = samples[:, ::-1]
        return samples, targets
