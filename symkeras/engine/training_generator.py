"""fit_generator / evaluate_generator / predict_generator (Keras 2.2.4 semantics).

Batches come from a Python generator (or any iterator) or a `symkeras.utils.Sequence`
and go through `train_on_batch` / `test_on_batch` / `predict_on_batch`. They are drawn
on the calling thread: `max_queue_size`, `workers` and `use_multiprocessing` are accepted
for Keras 2 scripts and change nothing (the kernels already use every core; a second
thread preparing batches would compete with them). A Sequence is visited in order
(shuffled per epoch by `fit_generator` when `shuffle`), with `on_epoch_end()` after each
full pass, as Keras's default ordered enqueuer does.
"""
import numpy as np

from .. import callbacks as cbks
from ..callbacks.metric_aliases import MetricLogs
from ..utils.data_utils import Sequence
from ..utils.generic_utils import Progbar
from .utils import to_list, unpack_singleton
from ..legacy import legacy_support


def _batches(source, shuffle=False):
    """An endless iterator over the batches of a generator or Sequence."""
    if isinstance(source, Sequence):
        return _SequenceBatches(source, shuffle)
    return source if hasattr(source, '__next__') else iter(source)


class _SequenceBatches:
    """A Sequence's batches pass after pass (each pass in a new random order when
    `shuffle`); `on_epoch_end()` as soon as a pass's last batch is taken."""

    def __init__(self, sequence, shuffle):
        self.sequence, self.shuffle = sequence, shuffle
        self.order, self.position = [], 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.position == len(self.order):
            self.order = np.arange(len(self.sequence))
            if self.shuffle:
                np.random.shuffle(self.order)
            self.position = 0
            if not len(self.order):
                raise ValueError(f"{type(self.sequence).__name__}: a Sequence of no batches")
        batch = self.sequence[int(self.order[self.position])]
        self.position += 1
        if self.position == len(self.order):
            self.sequence.on_epoch_end()
        return batch


def _steps(source, steps, name):
    if steps is not None:
        return int(steps)
    if isinstance(source, Sequence):
        return len(source)
    raise ValueError(f"give `{name}`, the number of batches to draw from the generator: "
                     f"only a symkeras.utils.Sequence, whose length says it, may leave it "
                     f"out")


def _split(output, method):
    """(x, y, sample_weight) of one batch."""
    if isinstance(output, (tuple, list)) and len(output) in (2, 3):
        return tuple(output) + (None,) * (3 - len(output))
    raise ValueError(f"{method}: the generator's output should be a tuple (x, y) or (x, y, "
                     f"sample_weight), received {type(output).__name__}"
                     f"{' of length %d' % len(output) if hasattr(output, '__len__') else ''}")


def _batch_size(x):
    if x is None:
        return 1
    if isinstance(x, dict):
        x = next(iter(x.values()))
    elif isinstance(x, (list, tuple)):
        x = x[0] if x else None
    return 1 if x is None else len(x)


def fit_generator(model, generator, steps_per_epoch=None, epochs=1, verbose=1,
                  callbacks=None, validation_data=None, validation_steps=None,
                  class_weight=None, shuffle=True, initial_epoch=0):
    """Model.fit_generator's loop; returns the History."""
    steps_per_epoch = _steps(generator, steps_per_epoch, 'steps_per_epoch')
    val_gen = isinstance(validation_data, Sequence) or hasattr(validation_data, '__next__')
    do_validation = bool(val_gen or validation_data)
    if val_gen:
        validation_steps = _steps(validation_data, validation_steps, 'validation_steps')
        val_batches = _batches(validation_data)
    elif do_validation:
        if not isinstance(validation_data, (tuple, list)) or \
                len(validation_data) not in (2, 3):
            raise ValueError('fit_generator: `validation_data` should be a generator, a '
                             'Sequence, or a tuple (val_x, val_y) or (val_x, val_y, '
                             'val_sample_weight)')
        val_x, val_y, val_weight = (tuple(validation_data) + (None, None))[:3]
    labels = list(model.metrics_names)
    model.history = cbks.History()
    chain = [cbks.BaseLogger(stateful_metrics=model.stateful_metric_names)]
    if verbose:
        chain.append(cbks.ProgbarLogger('steps', stateful_metrics=model.stateful_metric_names))
    callback_list = cbks.CallbackList(chain + list(callbacks or []) + [model.history])
    callback_list.set_model(model)
    callback_list.set_params({'epochs': epochs, 'steps': steps_per_epoch, 'verbose': verbose,
                              'do_validation': do_validation,
                              'metrics': labels + ['val_' + n for n in labels]})
    batches = _batches(generator, shuffle)
    model.stop_training = False
    callback_list.on_train_begin()
    for epoch in range(initial_epoch, epochs):
        callback_list.on_epoch_begin(epoch)
        epoch_logs = MetricLogs()
        for step in range(steps_per_epoch):
            x, y, sample_weight = _split(next(batches), 'fit_generator')
            batch_logs = MetricLogs(batch=step, size=_batch_size(x))
            callback_list.on_batch_begin(step, batch_logs)
            outs = to_list(model.train_on_batch(x, y, sample_weight=sample_weight,
                                                class_weight=class_weight))
            batch_logs.update(zip(labels, outs))
            callback_list.on_batch_end(step, batch_logs)
            if model.stop_training:
                break
        if do_validation and not model.stop_training:
            if val_gen:
                val_outs = evaluate_generator(model, val_batches, validation_steps)
            else:
                val_outs = model.evaluate(val_x, val_y, batch_size=_batch_size(x),
                                          sample_weight=val_weight, verbose=0)
            epoch_logs.update(('val_' + label, value)
                              for label, value in zip(labels, to_list(val_outs)))
        callback_list.on_epoch_end(epoch, epoch_logs)
        if model.stop_training:
            break
    callback_list.on_train_end()
    return model.history


def evaluate_generator(model, generator, steps=None, verbose=0):
    """Model.evaluate_generator's loop: outputs averaged over batches weighted by their
    sizes (stateful metrics: the last batch's value)."""
    steps = _steps(generator, steps, 'steps')
    batches = _batches(generator)
    stateful = [i for i, name in enumerate(model.metrics_names)
                if name in model.stateful_metric_names]
    outs, sizes = [], []
    progbar = Progbar(target=steps) if verbose == 1 else None
    for step in range(steps):
        x, y, sample_weight = _split(next(batches), 'evaluate_generator')
        size = _batch_size(x)
        if size == 0:
            raise ValueError('evaluate_generator: received an empty batch; batches should '
                             'hold at least one sample')
        outs.append(to_list(model.test_on_batch(x, y, sample_weight=sample_weight)))
        sizes.append(size)
        if progbar:
            progbar.update(step + 1)
    if not outs:
        raise ValueError('evaluate_generator: `steps` must be at least 1')
    averages = [float(outs[-1][i]) if i in stateful else
                float(np.average([out[i] for out in outs], weights=sizes))
                for i in range(len(outs[0]))]
    return unpack_singleton(averages)


def predict_generator(model, generator, steps=None, verbose=0):
    """Model.predict_generator's loop: the outputs of every batch, concatenated (a batch
    may be x alone, or (x, y) / (x, y, sample_weight) whose x is used)."""
    steps = _steps(generator, steps, 'steps')
    batches = _batches(generator)
    parts = []
    progbar = Progbar(target=steps) if verbose == 1 else None
    for step in range(steps):
        output = next(batches)
        x = output[0] if isinstance(output, tuple) and len(output) in (2, 3) else output
        parts.append(to_list(model.predict_on_batch(x)))
        if progbar:
            progbar.update(step + 1)
    if not parts:
        raise ValueError('predict_generator: `steps` must be at least 1')
    return unpack_singleton([np.concatenate(outputs) for outputs in zip(*parts)])


class GeneratorMethods:
    """The generator methods of Model (Keras 2.2.4 signatures)."""

    @legacy_support('generator_methods')
    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1,
                      callbacks=None, validation_data=None, validation_steps=None,
                      class_weight=None, max_queue_size=10, workers=1,
                      use_multiprocessing=False, shuffle=True, initial_epoch=0):
        """Train on batches from a generator or `symkeras.utils.Sequence`.

        Args:
            generator: yields (x, y) or (x, y, sample_weight) batches without end, or a
                Sequence.
            steps_per_epoch: batches per epoch (default: len(Sequence); required for a
                generator).
            epochs, verbose, callbacks, class_weight, initial_epoch: as for `fit`.
            validation_data: a generator or Sequence (with `validation_steps`), or a tuple
                (x, y) or (x, y, sample_weight).
            max_queue_size, workers, use_multiprocessing: accepted, no effect (batches
                are drawn on the calling thread).
            shuffle: visit a Sequence's batches in a new random order each epoch.

        Returns:
            The History.

        Example:
            >>> model = Sequential([Dense(1, input_dim=3)])
            >>> model.compile('sgd', 'mse')
            >>> def batches():
            ...     while True:
            ...         yield np.ones((4, 3), 'float32'), np.zeros((4, 1), 'float32')
            >>> history = model.fit_generator(batches(), steps_per_epoch=5, epochs=2,
            ...                               verbose=0)
            >>> len(history.history['loss'])
            2
        """
        self._check_compiled()
        return fit_generator(self, generator, steps_per_epoch, epochs, verbose, callbacks,
                             validation_data, validation_steps, class_weight, shuffle,
                             initial_epoch)

    @legacy_support('generator_methods')
    def evaluate_generator(self, generator, steps=None, max_queue_size=10, workers=1,
                           use_multiprocessing=False, verbose=0):
        """Loss (and metrics) over `steps` batches of a generator or Sequence, averaged
        weighted by batch size: a float, or [loss, metric, ...] as `evaluate` returns."""
        self._check_compiled()
        return evaluate_generator(self, generator, steps, verbose)

    @legacy_support('generator_methods')
    def predict_generator(self, generator, steps=None, max_queue_size=10, workers=1,
                          use_multiprocessing=False, verbose=0):
        """Predictions for `steps` batches of a generator or Sequence, concatenated."""
        return predict_generator(self, generator, steps, verbose)
