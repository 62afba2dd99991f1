"""Callbacks that watch a metric or act on the model: stopping, checkpoints, learning rate,
CSV logging (Keras 2.2.4 semantics)."""
import csv
import io
import os
import warnings

import numpy as np

from .. import backend as K
from .base import Callback
from .metric_aliases import MetricLogs, monitored_value


def _monitor_op(mode, monitor, owner):
    """np.less or np.greater for mode 'min'/'max'/'auto' ('auto': greater for accuracies).

    Raises:
        ValueError: an unknown mode (Keras 2.2.4 only warns and falls back to 'auto'; API.md
            promises a ValueError listing the valid choices for every unknown string).
    """
    if mode not in ('auto', 'min', 'max'):
        raise ValueError("%s: unknown mode %r; valid choices: 'auto', 'min', 'max'"
                         % (owner, mode))
    if mode == 'max' or (mode == 'auto' and ('acc' in monitor
                                             or monitor.startswith('fmeasure'))):
        return np.greater
    return np.less


class ModelCheckpoint(Callback):
    """Saves the model (or only its weights) after every `period` epochs.

    Args:
        filepath: path, may contain '{epoch:02d}' and metric names ('{val_loss:.2f}').
        monitor: metric compared when save_best_only is set ('val_acc' and
            'val_accuracy' name the same metric, as do 'acc' and 'accuracy').
        verbose: 1 prints a line per save.
        save_best_only: only save when `monitor` improves.
        save_weights_only: use model.save_weights instead of model.save.
        mode: 'auto', 'min' or 'max'.
        period: epochs between checkpoints.

    Example:
        >>> model = Sequential([Dense(1, input_dim=2)])
        >>> model.compile('sgd', 'mse')
        >>> x, y = np.zeros((8, 2)), np.zeros((8, 1))
        >>> checkpoint = ModelCheckpoint('weights.{epoch:02d}.h5', save_weights_only=True)
        >>> history = model.fit(x, y, epochs=2, callbacks=[checkpoint], verbose=0)
        >>> import os; sorted(name for name in os.listdir('.') if name.startswith('weights'))
        ['weights.01.h5', 'weights.02.h5']
    """

    def __init__(self, filepath, monitor='val_loss', verbose=0, save_best_only=False,
                 save_weights_only=False, mode='auto', period=1):
        super().__init__()
        self.filepath, self.monitor, self.verbose = filepath, monitor, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.period = period
        self.epochs_since_last_save = 0
        self.monitor_op = _monitor_op(mode, monitor, 'ModelCheckpoint')
        self.best = np.inf if self.monitor_op is np.less else -np.inf

    def _save(self, filepath):
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epochs_since_last_save += 1
        if self.epochs_since_last_save < self.period:
            return
        self.epochs_since_last_save = 0
        fields = MetricLogs(logs)             # '{val_acc:.2f}' also reads val_accuracy
        fields['epoch'] = epoch + 1
        filepath = self.filepath.format_map(fields)
        if not self.save_best_only:
            if self.verbose > 0:
                print('\nEpoch %05d: saving model to %s' % (epoch + 1, filepath))
            self._save(filepath)
            return
        current = monitored_value(logs, self.monitor)
        if current is None:
            warnings.warn('Can save best model only with %s available, skipping.'
                          % self.monitor, RuntimeWarning)
        elif self.monitor_op(current, self.best):
            if self.verbose > 0:
                print('\nEpoch %05d: %s improved from %0.5f to %0.5f, saving model to %s'
                      % (epoch + 1, self.monitor, self.best, current, filepath))
            self.best = current
            self._save(filepath)
        elif self.verbose > 0:
            print('\nEpoch %05d: %s did not improve from %0.5f'
                  % (epoch + 1, self.monitor, self.best))


class EarlyStopping(Callback):
    """Stops training when `monitor` has stopped improving for `patience` epochs.

    Args:
        monitor: metric to watch (default 'val_loss'; 'val_acc' and 'val_accuracy'
            name the same metric, as do 'acc' and 'accuracy').
        min_delta: smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        verbose: 1 prints when stopping.
        mode: 'auto', 'min' or 'max'.
        baseline: value the metric must beat.
        restore_best_weights: restore the weights of the best epoch when stopping.

    Example:
        >>> model = Sequential([Dense(1, input_dim=2)])
        >>> model.compile('sgd', 'mse')
        >>> x, y = np.zeros((8, 2)), np.zeros((8, 1))
        >>> stop = EarlyStopping(monitor='loss', patience=2)
        >>> history = model.fit(x, y, epochs=10, callbacks=[stop], verbose=0)
        >>> stop.stopped_epoch   # the loss (always 0 here) stopped improving at once
        2
    """

    def __init__(self, monitor='val_loss', min_delta=0, patience=0, verbose=0, mode='auto',
                 baseline=None, restore_best_weights=False):
        super().__init__()
        self.monitor, self.patience, self.verbose = monitor, patience, verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.wait = 0
        self.stopped_epoch = 0
        self.monitor_op = _monitor_op(mode, monitor, 'EarlyStopping')
        # Keras 2.2.4 flips the sign for 'min' (it takes no abs: a negative min_delta
        # loosens the test instead of tightening it).
        self.min_delta = min_delta if self.monitor_op is np.greater else -min_delta

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        if self.baseline is not None:
            self.best = self.baseline
        else:
            self.best = np.inf if self.monitor_op is np.less else -np.inf

    def on_epoch_end(self, epoch, logs=None):
        current = monitored_value(logs, self.monitor)
        if current is None:
            warnings.warn('Early stopping conditioned on metric `%s` which is not available. '
                          'Available metrics are: %s' % (self.monitor, ','.join(logs or {})),
                          RuntimeWarning)
            return
        if self.monitor_op(current - self.min_delta, self.best):
            self.best = current
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                if self.verbose > 0:
                    print('Restoring model weights from the end of the best epoch')
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print('Epoch %05d: early stopping' % (self.stopped_epoch + 1))


def _lr_variable(model, owner):
    """The optimizer's learning-rate variable (`lr` or `learning_rate`)."""
    optimizer = getattr(model, 'optimizer', None)
    for attribute in ('lr', 'learning_rate'):
        if hasattr(optimizer, attribute):
            return getattr(optimizer, attribute)
    raise ValueError('%s: the optimizer must have a "lr" attribute, received %r'
                     % (owner, optimizer))


def _current_lr(variable):
    """The learning rate as a float (ravel: a scalar variable may read back as shape (1,))."""
    return float(np.ravel(K.get_value(variable))[0])


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by `factor` when `monitor` stops improving.

    Args:
        monitor: metric to watch (default 'val_loss'; 'val_acc' and 'val_accuracy'
            name the same metric, as do 'acc' and 'accuracy').
        factor: new_lr = lr * factor (< 1, default 0.1).
        patience: epochs without improvement before reducing (default 10).
        verbose: 1 prints a line per reduction.
        mode: 'auto', 'min' or 'max'.
        min_delta: threshold for an improvement (default 1e-4).
        cooldown: epochs to wait after a reduction before watching again.
        min_lr: lower bound of the learning rate.

    Example:
        >>> model = Sequential([Dense(1, input_dim=2)])
        >>> model.compile('sgd', 'mse')
        >>> x, y = np.zeros((8, 2)), np.zeros((8, 1))
        >>> reduce = ReduceLROnPlateau(monitor='loss', factor=0.5, patience=1)
        >>> history = model.fit(x, y, epochs=3, callbacks=[reduce], verbose=0)
        >>> [round(lr, 4) for lr in history.history['lr']]
        [0.01, 0.01, 0.005]
    """

    def __init__(self, monitor='val_loss', factor=0.1, patience=10, verbose=0, mode='auto',
                 min_delta=1e-4, cooldown=0, min_lr=0, **kwargs):
        super().__init__()
        if 'epsilon' in kwargs:
            min_delta = kwargs.pop('epsilon')
            warnings.warn('`epsilon` argument is deprecated, use `min_delta` instead.')
        if kwargs:
            raise TypeError('ReduceLROnPlateau: unknown arguments %s' % sorted(kwargs))
        if factor >= 1.0:
            raise ValueError('ReduceLROnPlateau does not support a factor >= 1.0, received '
                             '%r' % (factor,))
        self.monitor, self.factor, self.min_lr = monitor, factor, min_lr
        self.min_delta, self.patience, self.verbose = min_delta, patience, verbose
        self.cooldown, self.mode = cooldown, mode
        self._reset()

    def _reset(self):
        op = _monitor_op(self.mode, self.monitor, 'ReduceLROnPlateau')
        if op is np.less:
            self.monitor_op = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self):
        """Whether the callback is waiting after a reduction.

        Returns:
            bool.
        """
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        variable = _lr_variable(self.model, 'ReduceLROnPlateau')
        logs['lr'] = _current_lr(variable)
        current = monitored_value(logs, self.monitor)
        if current is None:
            warnings.warn('Reduce LR on plateau conditioned on metric `%s` which is not '
                          'available. Available metrics are: %s'
                          % (self.monitor, ','.join(logs)), RuntimeWarning)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(variable, epoch)

    def _reduce(self, variable, epoch):
        old_lr = _current_lr(variable)
        if old_lr > self.min_lr:
            new_lr = max(old_lr * self.factor, self.min_lr)
            K.set_value(variable, new_lr)
            if self.verbose > 0:
                print('\nEpoch %05d: ReduceLROnPlateau reducing learning rate to %s.'
                      % (epoch + 1, new_lr))
            self.cooldown_counter = self.cooldown
            self.wait = 0


class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of each epoch from `schedule(epoch[, lr])`.

    Args:
        schedule: function(epoch index, current lr) -> new lr (or function(epoch)).
        verbose: 1 prints the new rate.

    Example:
        >>> model = Sequential([Dense(1, input_dim=2)])
        >>> model.compile('sgd', 'mse')
        >>> x, y = np.zeros((8, 2)), np.zeros((8, 1))
        >>> halve = LearningRateScheduler(lambda epoch, lr: lr / 2)
        >>> history = model.fit(x, y, epochs=2, callbacks=[halve], verbose=0)
        >>> round(float(K.get_value(model.optimizer.lr)), 4)
        0.0025
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        variable = _lr_variable(self.model, 'LearningRateScheduler')
        lr = _current_lr(variable)
        try:
            lr = self.schedule(epoch, lr)
        except TypeError:  # the one-argument schedule(epoch) of older Keras
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, int, np.floating, np.integer)):
            raise ValueError('The output of the "schedule" function should be float, received '
                             '%r' % (lr,))
        K.set_value(variable, float(lr))
        if self.verbose > 0:
            print('\nEpoch %05d: LearningRateScheduler setting learning rate to %s.'
                  % (epoch + 1, lr))


class CSVLogger(Callback):
    """Streams the epoch logs to a CSV file (one row per epoch, 'epoch' first).

    Args:
        filename: path of the CSV file.
        separator: field separator.
        append: append to an existing file instead of overwriting it.

    Example:
        >>> model = Sequential([Dense(1, input_dim=2)])
        >>> model.compile('sgd', 'mse')
        >>> x, y = np.zeros((8, 2)), np.zeros((8, 1))
        >>> history = model.fit(x, y, epochs=2, callbacks=[CSVLogger('log.csv')], verbose=0)
        >>> print(open('log.csv').read())
        epoch,loss
        0,0.0
        1,0.0
        <BLANKLINE>
    """

    def __init__(self, filename, separator=',', append=False):
        super().__init__()
        self.sep, self.filename, self.append = separator, filename, append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append and os.path.exists(self.filename):
            with open(self.filename) as handle:
                self.append_header = not bool(len(handle.readline()))
        self.csv_file = io.open(self.filename, 'a' if self.append else 'w', newline='')

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
        if getattr(self.model, 'stop_training', False):
            logs = dict((k, logs.get(k, 'NA')) for k in self.keys)
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=['epoch'] + self.keys,
                                         delimiter=self.sep, lineterminator='\n')
            if self.append_header:
                self.writer.writeheader()
        row = {'epoch': epoch}
        row.update((key, _csv_value(logs.get(key, 'NA'))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None:
            self.csv_file.close()
        self.writer = None


def _csv_value(value):
    """Lists and arrays become '"[a, b]"'; scalars stay as they are."""
    if isinstance(value, str):
        return value
    if hasattr(value, '__iter__') and not (isinstance(value, np.ndarray) and value.ndim == 0):
        return '"[%s]"' % ', '.join(map(str, value))
    return value
