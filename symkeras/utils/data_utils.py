"""`Sequence`: a dataset that gives its batches by index (Keras 2 `keras.utils.Sequence`).

`fit_generator`, `evaluate_generator` and `predict_generator` take one in place of a Python
generator: its length is the number of steps per epoch, and `fit_generator` visits its
batches in a new random order each epoch (`shuffle=True`), calling `on_epoch_end()` after
each full pass.
"""


class Sequence:
    """Base class of an indexable dataset of batches.

    A subclass defines `__getitem__(index)` (the batch: `(x, y)`, `(x, y, sample_weight)`,
    or, for `predict_generator`, `x`) and `__len__()` (the number of batches); it may
    define `on_epoch_end()` (e.g. to reshuffle its samples).

    Example:
        >>> class Batches(Sequence):
        ...     def __init__(self, x, y, batch_size):
        ...         self.x, self.y, self.batch_size = x, y, batch_size
        ...     def __len__(self):
        ...         return -(-len(self.x) // self.batch_size)
        ...     def __getitem__(self, index):
        ...         part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        ...         return self.x[part], self.y[part]
        >>> len(Batches(np.zeros((10, 3)), np.zeros((10, 1)), 4))
        3
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__}: a Sequence must define "
                                  f"__getitem__(index), the batch at that index")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__}: a Sequence must define "
                                  f"__len__(), the number of batches")

    def on_epoch_end(self):
        """Called after each full pass by the generator methods (nothing by default)."""

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]
