"""The callback protocol and the callbacks fit() always uses (Keras 2.2.4 semantics)."""
import numpy as np

from ..utils.generic_utils import Progbar
from .metric_aliases import MetricLogs

_EVENTS = ('on_train_begin', 'on_train_end', 'on_epoch_begin', 'on_epoch_end',
           'on_batch_begin', 'on_batch_end')


class Callback:
    """Base class: override any of on_{train,epoch,batch}_{begin,end}.

    `fit` calls each method at that point of training with the index of the epoch or
    batch and a `logs` dict (the metrics so far). Setting `self.model.stop_training =
    True` ends training after the current epoch.

    Attributes:
        params: dict with batch_size, epochs, steps, samples, verbose, do_validation,
            metrics.
        model: the model being trained.

    Example:
        >>> class LossRecorder(Callback):
        ...     def on_train_begin(self, logs=None):
        ...         self.losses = []
        ...     def on_batch_end(self, batch, logs=None):
        ...         self.losses.append(logs['loss'])
        >>> model = Sequential([Dense(1, input_dim=2)])
        >>> model.compile('sgd', 'mse')
        >>> recorder = LossRecorder()
        >>> history = model.fit(np.zeros((8, 2)), np.zeros((8, 1)), batch_size=4, epochs=2,
        ...                     callbacks=[recorder], verbose=0)
        >>> len(recorder.losses)   # 2 batches per epoch, 2 epochs
        4
    """

    def __init__(self):
        self.validation_data = None
        self.model = None
        self.params = {}

    def set_params(self, params):
        """Receive the training parameters."""
        self.params = params

    def set_model(self, model):
        """Receive the model being trained."""
        self.model = model

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of an epoch."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch; logs hold the epoch's metrics (and val_*)."""

    def on_batch_begin(self, batch, logs=None):
        """Called before a batch; logs hold 'batch' and 'size'."""

    def on_batch_end(self, batch, logs=None):
        """Called after a batch; logs hold the batch's metrics."""

    def on_train_begin(self, logs=None):
        """Called at the start of training."""

    def on_train_end(self, logs=None):
        """Called at the end of training."""


class CallbackList:
    """A list of callbacks called together (what `fit` uses internally).

    Args:
        callbacks: list of Callback instances.
        queue_length: kept for Keras compatibility (unused).
    """

    def __init__(self, callbacks=None, queue_length=10):
        self.callbacks = list(callbacks or [])
        self.queue_length = queue_length

    def append(self, callback):
        """Add a callback."""
        self.callbacks.append(callback)

    def set_params(self, params):
        """Give `params` to every callback."""
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        """Give `model` to every callback."""
        for callback in self.callbacks:
            callback.set_model(model)

    def _call(self, event, *args):
        """Dispatch `event` to every callback in order."""
        for callback in self.callbacks:
            getattr(callback, event)(*args)

    def on_epoch_begin(self, epoch, logs=None):
        """Call `on_epoch_begin` of every callback."""
        self._call('on_epoch_begin', epoch, {} if logs is None else logs)

    def on_epoch_end(self, epoch, logs=None):
        """Call `on_epoch_end` of every callback."""
        self._call('on_epoch_end', epoch, {} if logs is None else logs)

    def on_batch_begin(self, batch, logs=None):
        """Call `on_batch_begin` of every callback."""
        self._call('on_batch_begin', batch, {} if logs is None else logs)

    def on_batch_end(self, batch, logs=None):
        """Call `on_batch_end` of every callback."""
        self._call('on_batch_end', batch, {} if logs is None else logs)

    def on_train_begin(self, logs=None):
        """Call `on_train_begin` of every callback."""
        self._call('on_train_begin', {} if logs is None else logs)

    def on_train_end(self, logs=None):
        """Call `on_train_end` of every callback."""
        self._call('on_train_end', {} if logs is None else logs)

    def __iter__(self):
        return iter(self.callbacks)


class BaseLogger(Callback):
    """Averages the batch metrics over each epoch (weighted by batch size) into the logs.

    Args:
        stateful_metrics: names of metrics reported as their last value, not averaged.
    """

    def __init__(self, stateful_metrics=None):
        super().__init__()
        self.stateful_metrics = set(stateful_metrics or [])

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        size = logs.get('size', 0)
        self.seen += size
        for key, value in logs.items():
            if key in self.stateful_metrics:
                self.totals[key] = value
            else:
                self.totals[key] = self.totals.get(key, 0) + value * size

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for key in self.params.get('metrics', []):
            if key in self.totals:
                stateful = key in self.stateful_metrics
                logs[key] = self.totals[key] if stateful else self.totals[key] / self.seen


class TerminateOnNaN(Callback):
    """Stops training when the loss becomes NaN or infinite.

    Example:
        >>> callbacks = [TerminateOnNaN()]
    """

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get('loss')
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            print('Batch %d: Invalid loss, terminating training' % batch)
            self.model.stop_training = True


class ProgbarLogger(Callback):
    """Prints 'Epoch i/n' and a progress bar with the metrics.

    `fit` adds one when `verbose` is not 0; there is no need to pass it. One passed in
    `callbacks` prints too, with fit's `verbose` (verbose=0 silences only fit's own logger,
    so an explicit one then shows the progress bar of verbose=1).

    Args:
        count_mode: 'samples' or 'steps' ('samples' counts steps when fit runs
            `steps_per_epoch` steps, which have no sample count).
        stateful_metrics: names of metrics shown as given rather than averaged.
    """

    def __init__(self, count_mode='samples', stateful_metrics=None):
        super().__init__()
        if count_mode not in ('samples', 'steps'):
            raise ValueError("ProgbarLogger: unknown count_mode %r; valid choices: 'samples', "
                             "'steps'" % (count_mode,))
        self.use_steps = count_mode == 'steps'
        self.stateful_metrics = set(stateful_metrics or [])

    def on_train_begin(self, logs=None):
        self.verbose = self.params.get('verbose') or 1
        self.epochs = self.params['epochs']
        self.counts_steps = self.use_steps or self.params.get('samples') is None

    def on_epoch_begin(self, epoch, logs=None):
        self.target = self.params['steps'] if self.counts_steps else self.params['samples']
        print('Epoch %d/%d' % (epoch + 1, self.epochs))
        self.progbar = Progbar(target=self.target, verbose=self.verbose,
                               stateful_metrics=self.stateful_metrics)
        self.seen = 0
        self.log_values = []

    def on_batch_begin(self, batch, logs=None):
        if self.target is None or self.seen < self.target:
            self.log_values = []

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        self.seen += 1 if self.counts_steps else logs.get('size', 0)
        self.log_values += [(k, logs[k]) for k in self.params['metrics'] if k in logs]
        if self.target is None or self.seen < self.target:  # the last waits for val_*
            self.progbar.update(self.seen, self.log_values)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.log_values += [(k, logs[k]) for k in self.params['metrics'] if k in logs]
        self.progbar.update(self.seen, self.log_values)


class History(Callback):
    """Records the epoch logs: `history.history['loss']` is the list of epoch losses.

    `fit` always adds one and returns it.

    Attributes:
        epoch: list of epoch indices.
        history: {metric name: [value per epoch]}; a dict in which 'acc' / 'val_acc' also
            find 'accuracy' / 'val_accuracy' and back (Keras 2.2.4 scripts read 'acc'),
            while only the names compile gave are listed.

    Example:
        >>> model = Sequential([Dense(1, input_dim=2)])
        >>> model.compile('sgd', 'mse', metrics=['mae'])
        >>> history = model.fit(np.zeros((8, 2)), np.zeros((8, 1)), epochs=3, verbose=0,
        ...                     validation_split=0.25)
        >>> sorted(history.history), history.epoch
        (['loss', 'mae', 'val_loss', 'val_mae'], [0, 1, 2])
    """

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = MetricLogs()

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


class LambdaCallback(Callback):
    """A callback made of plain functions.

    Args:
        on_epoch_begin: f(epoch, logs), called at the start of each epoch.
        on_epoch_end: f(epoch, logs).
        on_batch_begin: f(batch, logs), called before each batch.
        on_batch_end: f(batch, logs).
        on_train_begin: f(logs), called once before training.
        on_train_end: f(logs).

    Example:
        >>> seen = []
        >>> log_epochs = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
        >>> model = Sequential([Dense(1, input_dim=2)])
        >>> model.compile('sgd', 'mse')
        >>> history = model.fit(np.zeros((8, 2)), np.zeros((8, 1)), epochs=2, verbose=0,
        ...                     callbacks=[log_epochs])
        >>> seen
        [0, 1]
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None, **kwargs):
        super().__init__()
        self.__dict__.update(kwargs)
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_batch_begin=on_batch_begin, on_batch_end=on_batch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end)
        for event in _EVENTS:
            if given[event] is not None:
                setattr(self, event, given[event])
            elif event.startswith('on_train'):
                setattr(self, event, lambda logs: None)
            else:
                setattr(self, event, lambda index, logs: None)
