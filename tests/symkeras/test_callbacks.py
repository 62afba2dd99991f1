"""Callbacks, driven directly (fake model) and through fit."""
import csv

import numpy as np
import pytest

from symkeras import backend as K
from symkeras.callbacks import (Callback, CallbackList, BaseLogger, History, ProgbarLogger,
                                EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, CSVLogger,
                                LambdaCallback, TerminateOnNaN, LearningRateScheduler)


class FakeOptimizer:
    def __init__(self, lr):
        self.lr = K.variable(lr)


class FakeModel:
    """Just what callbacks touch: stop_training, weights, optimizer, save."""

    def __init__(self, lr=0.1):
        self.stop_training = False
        self.optimizer = FakeOptimizer(lr)
        self.weights = [np.zeros(2)]
        self.saved = []

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = weights

    def save(self, path, overwrite=True):
        self.saved.append(('model', path))

    def save_weights(self, path, overwrite=True):
        self.saved.append(('weights', path))


def attach(callback, model=None, metrics=('loss', 'val_loss')):
    model = model or FakeModel()
    callback.set_model(model)
    callback.set_params({'epochs': 3, 'samples': 10, 'steps': None, 'verbose': 1,
                         'batch_size': 5, 'do_validation': True, 'metrics': list(metrics)})
    return model


def test_callback_list_dispatches_in_order():
    calls = []

    class Recorder(Callback):
        def __init__(self, tag):
            super().__init__()
            self.tag = tag

        def on_epoch_end(self, epoch, logs=None):
            calls.append((self.tag, epoch, dict(logs)))
    callback_list = CallbackList([Recorder('a'), Recorder('b')])
    callback_list.on_epoch_end(3, {'loss': 1.0})
    assert calls == [('a', 3, {'loss': 1.0}), ('b', 3, {'loss': 1.0})]


def test_base_logger_averages_by_batch_size():
    logger = BaseLogger()
    attach(logger, metrics=['loss'])
    logger.on_epoch_begin(0)
    logger.on_batch_end(0, {'size': 3, 'loss': 1.0})
    logger.on_batch_end(1, {'size': 1, 'loss': 5.0})
    logs = {}
    logger.on_epoch_end(0, logs)
    assert logs['loss'] == pytest.approx(2.0)


def test_history_records_epochs():
    history = History()
    history.on_train_begin()
    history.on_epoch_end(0, {'loss': 2.0})
    history.on_epoch_end(1, {'loss': 1.0})
    assert history.epoch == [0, 1] and history.history == {'loss': [2.0, 1.0]}


def test_early_stopping_patience_and_restore():
    stopper = EarlyStopping(monitor='val_loss', patience=1, restore_best_weights=True)
    model = attach(stopper)
    stopper.on_train_begin()
    model.weights = [np.ones(2)]
    stopper.on_epoch_end(0, {'val_loss': 1.0})
    model.weights = [np.full(2, 5.0)]
    stopper.on_epoch_end(1, {'val_loss': 2.0})
    assert model.stop_training and stopper.stopped_epoch == 1
    np.testing.assert_array_equal(model.weights[0], np.ones(2))


def test_early_stopping_auto_mode_maximizes_accuracy():
    stopper = EarlyStopping(monitor='val_accuracy', patience=0)
    model = attach(stopper)
    stopper.on_train_begin()
    stopper.on_epoch_end(0, {'val_accuracy': 0.5})
    stopper.on_epoch_end(1, {'val_accuracy': 0.6})
    assert not model.stop_training
    stopper.on_epoch_end(2, {'val_accuracy': 0.6})
    assert model.stop_training


def test_early_stopping_missing_metric_warns():
    stopper = EarlyStopping(monitor='val_loss')
    attach(stopper)
    stopper.on_train_begin()
    with pytest.warns(RuntimeWarning, match='not available'):
        stopper.on_epoch_end(0, {'loss': 1.0})


def test_model_checkpoint_formats_path_and_saves_best_only(tmp_path):
    pattern = str(tmp_path / 'w.{epoch:02d}-{val_loss:.2f}.h5')
    checkpoint = ModelCheckpoint(pattern, save_best_only=True, save_weights_only=True)
    model = attach(checkpoint)
    checkpoint.on_epoch_end(0, {'val_loss': 0.5})
    checkpoint.on_epoch_end(1, {'val_loss': 0.7})
    checkpoint.on_epoch_end(2, {'val_loss': 0.25})
    assert model.saved == [('weights', str(tmp_path / 'w.01-0.50.h5')),
                           ('weights', str(tmp_path / 'w.03-0.25.h5'))]


def test_model_checkpoint_every_period():
    checkpoint = ModelCheckpoint('m.h5', period=2)
    model = attach(checkpoint)
    for epoch in range(4):
        checkpoint.on_epoch_end(epoch, {'val_loss': 1.0})
    assert model.saved == [('model', 'm.h5'), ('model', 'm.h5')]


def test_reduce_lr_on_plateau():
    reducer = ReduceLROnPlateau(monitor='val_loss', factor=0.5, patience=1, min_lr=0.03)
    model = attach(reducer, FakeModel(lr=0.1))
    reducer.on_train_begin()
    logs = {'val_loss': 1.0}
    reducer.on_epoch_end(0, logs)
    assert logs['lr'] == pytest.approx(0.1)
    reducer.on_epoch_end(1, {'val_loss': 1.0})
    assert np.ravel(K.get_value(model.optimizer.lr))[0] == pytest.approx(0.05)
    reducer.on_epoch_end(2, {'val_loss': 1.0})
    assert np.ravel(K.get_value(model.optimizer.lr))[0] == pytest.approx(0.03)
    with pytest.raises(ValueError, match='factor'):
        ReduceLROnPlateau(factor=1.5)


def test_learning_rate_scheduler_one_and_two_arguments():
    scheduler = LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    model = attach(scheduler, FakeModel(lr=0.2))
    scheduler.on_epoch_begin(0)
    assert np.ravel(K.get_value(model.optimizer.lr))[0] == pytest.approx(0.1)
    scheduler = LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))
    attach(scheduler, model)
    scheduler.on_epoch_begin(2)
    assert np.ravel(K.get_value(model.optimizer.lr))[0] == pytest.approx(0.03)


def test_csv_logger_writes_rows(tmp_path):
    path = tmp_path / 'log.csv'
    logger = CSVLogger(str(path))
    attach(logger)
    logger.on_train_begin()
    logger.on_epoch_end(0, {'loss': 1.5, 'val_loss': 2.0})
    logger.on_epoch_end(1, {'loss': 1.0, 'val_loss': 1.5})
    logger.on_train_end()
    rows = list(csv.reader(path.open()))
    assert rows == [['epoch', 'loss', 'val_loss'], ['0', '1.5', '2.0'], ['1', '1.0', '1.5']]
    logger = CSVLogger(str(path), append=True)
    attach(logger)
    logger.on_train_begin()
    logger.on_epoch_end(2, {'loss': 0.5, 'val_loss': 1.0})
    logger.on_train_end()
    assert list(csv.reader(path.open()))[-1] == ['2', '0.5', '1.0']
    assert len(list(csv.reader(path.open()))) == 4


def test_lambda_callback():
    seen = []
    callback = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch),
                              on_train_begin=lambda logs: seen.append('begin'))
    callback.on_train_begin({})
    callback.on_epoch_end(4, {})
    callback.on_batch_end(0, {})
    assert seen == ['begin', 4]


def test_terminate_on_nan(capsys):
    callback = TerminateOnNaN()
    model = attach(callback)
    callback.on_batch_end(0, {'loss': 1.0})
    assert not model.stop_training
    callback.on_batch_end(1, {'loss': float('nan')})
    assert model.stop_training
    assert 'Batch 1: Invalid loss' in capsys.readouterr().out


def test_progbar_logger_prints_epochs(capsys):
    logger = ProgbarLogger()
    attach(logger, metrics=['loss'])
    logger.on_train_begin()
    logger.on_epoch_begin(0)
    logger.on_batch_begin(0)
    logger.on_batch_end(0, {'size': 5, 'loss': 1.0})
    logger.on_batch_begin(1)
    logger.on_batch_end(1, {'size': 5, 'loss': 3.0})
    logger.on_epoch_end(0, {'loss': 2.0})
    out = capsys.readouterr().out
    assert 'Epoch 1/3' in out
    assert '10/10 [==============================]' in out
    assert 'loss: 2.0000' in out
    with pytest.raises(ValueError, match='count_mode'):
        ProgbarLogger('bogus')


def test_callbacks_through_fit(tmp_path):
    from symkeras.models import Sequential
    from symkeras.layers import Dense
    model = Sequential([Dense(2, input_dim=3)])
    model.compile('sgd', 'mse')
    events = []
    callback = LambdaCallback(on_train_begin=lambda logs: events.append('train_begin'),
                              on_epoch_begin=lambda e, logs: events.append(('epoch', e)),
                              on_batch_end=lambda b, logs: events.append(('batch', b,
                                                                          logs['size'])),
                              on_train_end=lambda logs: events.append('train_end'))
    stopper = EarlyStopping(monitor='loss', patience=0, min_delta=1e9)
    log_path = tmp_path / 'fit.csv'
    model.fit(np.ones((5, 3)), np.zeros((5, 2)), batch_size=4, epochs=5, verbose=0,
              callbacks=[callback, stopper, CSVLogger(str(log_path))])
    assert events[:4] == ['train_begin', ('epoch', 0), ('batch', 0, 4), ('batch', 1, 1)]
    assert events[-1] == 'train_end'
    assert stopper.stopped_epoch == 1
    assert len(list(csv.reader(log_path.open()))) == 3


# ------------------------------------------------------------------ unknown mode strings
MONITORS = {'EarlyStopping': EarlyStopping, 'ReduceLROnPlateau': ReduceLROnPlateau,
            'ModelCheckpoint': lambda **kwargs: ModelCheckpoint('m.h5', **kwargs)}


@pytest.mark.parametrize('name', sorted(MONITORS))
def test_unknown_mode_raises_value_error_listing_the_choices(name, recwarn):
    # Keras 2.2.4 only warns and falls back to 'auto'; API.md promises a ValueError.
    with pytest.raises(ValueError) as info:
        MONITORS[name](mode='maxx')
    message = str(info.value)
    assert name in message and "'maxx'" in message
    assert "'auto'" in message and "'min'" in message and "'max'" in message
    for mode in ('auto', 'min', 'max'):
        MONITORS[name](mode=mode)
    assert not [w for w in recwarn if 'mode' in str(w.message)]


# ------------------------------------------------------------------ ProgbarLogger
def tiny_model():
    from symkeras.models import Sequential
    from symkeras.layers import Dense
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile('sgd', 'mse')
    return model


def test_explicit_progbar_logger_prints_with_fit_verbose_0(capsys):
    model = tiny_model()
    x, y = np.zeros((4, 2)), np.zeros((4, 1))
    model.fit(x, y, verbose=0)
    assert capsys.readouterr().out == ''
    model.fit(x, y, epochs=2, verbose=0, callbacks=[ProgbarLogger()])
    out = capsys.readouterr().out
    assert 'Epoch 1/2' in out and 'Epoch 2/2' in out
    assert '4/4 [==============================]' in out and 'loss:' in out


def test_explicit_progbar_logger_counts_steps_when_fit_runs_steps(capsys):
    model = tiny_model()
    for logger in (ProgbarLogger(), ProgbarLogger(count_mode='steps')):
        model.fit(np.zeros((4, 2)), np.zeros((4, 1)), steps_per_epoch=2, verbose=0,
                  callbacks=[logger])
        assert '2/2 [==============================]' in capsys.readouterr().out


# ------------------------------------------------------------------ 'acc' <-> 'accuracy'
def test_history_reads_each_accuracy_name_under_the_other():
    history = History()
    history.on_train_begin()
    history.on_epoch_end(0, {'loss': 1.0, 'accuracy': 0.5, 'val_accuracy': 0.25})
    h = history.history
    assert sorted(h) == ['accuracy', 'loss', 'val_accuracy'] and len(h) == 3
    assert h['acc'] == [0.5] and h['val_acc'] == [0.25] and h.get('val_acc') == [0.25]
    assert 'acc' in h and 'val_acc' in h and 'mae' not in h and h.get('mae') is None
    with pytest.raises(KeyError):
        h['val_mae']
    history.on_train_begin()
    history.on_epoch_end(0, {'acc': 0.5})
    assert history.history['accuracy'] == [0.5] and sorted(history.history) == ['acc']
    with pytest.raises(KeyError):
        history.history['val_accuracy']


@pytest.mark.parametrize('logged, monitor', [('val_accuracy', 'val_acc'),
                                             ('val_acc', 'val_accuracy'),
                                             ('accuracy', 'acc')])
def test_monitors_find_the_other_accuracy_name(logged, monitor, tmp_path, recwarn):
    stopper = EarlyStopping(monitor=monitor, patience=0)
    reducer = ReduceLROnPlateau(monitor=monitor, factor=0.5, patience=1)
    checkpoint = ModelCheckpoint(str(tmp_path / ('{epoch}-{%s:.2f}' % monitor)),
                                 monitor=monitor, save_best_only=True)
    model = FakeModel(lr=0.1)
    for callback in (stopper, reducer, checkpoint):
        attach(callback, model)
        callback.on_train_begin()
    for epoch, value in enumerate((0.5, 0.5)):
        for callback in (stopper, reducer, checkpoint):
            callback.on_epoch_end(epoch, {'loss': 1.0, logged: value})
    assert model.stop_training and stopper.stopped_epoch == 1
    assert float(K.get_value(model.optimizer.lr)) == pytest.approx(0.05)
    assert model.saved == [('model', str(tmp_path / '1-0.50'))]
    assert not [w for w in recwarn if 'available' in str(w.message)]


def accuracy_model(metric):
    from symkeras.models import Sequential
    from symkeras.layers import Dense
    from symkeras.optimizers import SGD
    model = Sequential([Dense(2, input_dim=3, activation='softmax')])
    model.compile(SGD(lr=0.), 'categorical_crossentropy', metrics=[metric])  # frozen
    x = np.random.RandomState(0).rand(20, 3)
    return model, x, np.eye(2)[np.arange(20) % 2]


def test_keras_2_2_4_accuracy_names_through_fit(tmp_path, recwarn):
    model, x, y = accuracy_model('accuracy')
    log_path = tmp_path / 'log.csv'
    stopper = EarlyStopping(monitor='val_acc', patience=0)
    best = tmp_path / 'best-{val_acc:.2f}.h5'
    checkpoint = ModelCheckpoint(str(best), monitor='val_acc', save_best_only=True)
    history = model.fit(x, y, epochs=5, verbose=0, validation_split=0.5,
                        callbacks=[stopper, checkpoint, CSVLogger(str(log_path))])
    assert stopper.stopped_epoch == 1 and history.epoch == [0, 1]   # val_acc never improves
    h = history.history
    assert sorted(h) == ['accuracy', 'loss', 'val_accuracy', 'val_loss']
    assert h['acc'] == h['accuracy'] and h['val_acc'] == h['val_accuracy']
    assert [p.name for p in tmp_path.glob('best-*.h5')] == \
        ['best-%.2f.h5' % h['val_accuracy'][0]]
    header = next(csv.reader(log_path.open()))
    assert header == ['epoch', 'accuracy', 'loss', 'val_accuracy', 'val_loss']
    assert not [w for w in recwarn if 'available' in str(w.message)]


def test_accuracy_monitor_finds_acc_through_fit(tmp_path):
    model, x, y = accuracy_model('acc')
    path = tmp_path / 'best.h5'
    history = model.fit(x, y, epochs=2, verbose=0, validation_split=0.5, callbacks=[
        ModelCheckpoint(str(path), monitor='val_accuracy', save_best_only=True)])
    assert path.exists() and sorted(history.history) == ['acc', 'loss', 'val_acc', 'val_loss']
    assert history.history['val_accuracy'] == history.history['val_acc']
