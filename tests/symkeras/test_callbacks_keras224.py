"""Callbacks against Keras 2.2.4 details: metric names in every log, min_delta's sign."""
import csv

import numpy as np
import pytest

from symkeras.callbacks import (EarlyStopping, ModelCheckpoint, CSVLogger, LambdaCallback,
                                ReduceLROnPlateau)
from symkeras.layers import Dense
from symkeras.models import Sequential


def regression_model(metrics):
    model = Sequential([Dense(2, input_dim=3)])
    model.compile('sgd', 'mse', metrics=metrics)
    rng = np.random.RandomState(0)
    return model, rng.rand(10, 3), rng.rand(10, 2)


def test_batch_logs_find_the_keras_2_2_4_accuracy_name():
    model = Sequential([Dense(2, input_dim=3, activation='softmax')])
    model.compile('sgd', 'categorical_crossentropy', metrics=['accuracy'])
    seen = []
    record = LambdaCallback(on_batch_end=lambda batch, logs: seen.append(
        (sorted(logs), logs['acc'], logs.get('acc'), 'acc' in logs, logs['accuracy'])))
    model.fit(np.zeros((6, 3)), np.eye(2)[[0, 1, 0, 1, 0, 1]], batch_size=4, verbose=0,
              callbacks=[record])
    assert len(seen) == 2
    for keys, acc, got, found, accuracy in seen:
        assert keys == ['accuracy', 'batch', 'loss', 'size']   # one name stored
        assert acc == got == accuracy and found


def test_short_metric_names_find_keras_2_2_4_function_names(tmp_path, recwarn):
    model, x, y = regression_model(['mae', 'mse'])
    stopper = EarlyStopping(monitor='val_mean_absolute_error', patience=5)
    path = tmp_path / 'w-{epoch:02d}-{val_mean_squared_error:.3f}.h5'
    checkpoint = ModelCheckpoint(str(path), monitor='val_mean_squared_error',
                                 save_best_only=True, save_weights_only=True)
    batch_values = []
    record = LambdaCallback(on_batch_end=lambda batch, logs: batch_values.append(
        logs['mean_absolute_error']))
    log_path = tmp_path / 'log.csv'
    history = model.fit(x, y, epochs=2, verbose=0, validation_split=0.2,
                        callbacks=[stopper, checkpoint, record, CSVLogger(str(log_path))])
    h = history.history
    assert sorted(h) == ['loss', 'mae', 'mse', 'val_loss', 'val_mae', 'val_mse']
    assert h['mean_absolute_error'] == h['mae'] and h['mean_squared_error'] == h['mse']
    assert h['val_mean_absolute_error'] == h['val_mae'] and 'val_mean_squared_error' in h
    assert stopper.best == min(h['val_mae']) and len(batch_values) == 2
    saved = sorted(p.name for p in tmp_path.glob('w-*.h5'))
    first, second = h['val_mse']                   # epoch 2 is saved only if it is better
    assert saved == ['w-01-%.3f.h5' % first] + (['w-02-%.3f.h5' % second]
                                                if second < first else [])
    header = next(csv.reader(log_path.open()))
    assert header == ['epoch', 'loss', 'mae', 'mse', 'val_loss', 'val_mae', 'val_mse']
    assert not [w for w in recwarn if 'available' in str(w.message)]


@pytest.mark.parametrize('min_delta, mode, monitor, expected', [
    (0.1, 'min', 'val_loss', -0.1), (0.1, 'max', 'val_loss', 0.1),
    (0.1, 'auto', 'val_acc', 0.1), (0.1, 'auto', 'loss', -0.1),
    (-0.1, 'min', 'val_loss', 0.1), (-0.1, 'max', 'val_loss', -0.1)])
def test_early_stopping_min_delta_sign_follows_the_mode(min_delta, mode, monitor, expected):
    # Keras 2.2.4 multiplies by -1 for 'min' and by 1 for 'max' (no abs).
    stopper = EarlyStopping(monitor=monitor, min_delta=min_delta, mode=mode)
    assert stopper.min_delta == pytest.approx(expected)


def test_reduce_lr_epsilon_alias_and_lr_in_logs(recwarn):
    model, x, y = regression_model([])
    reducer = ReduceLROnPlateau(monitor='loss', epsilon=100., patience=1, factor=0.5)
    assert reducer.min_delta == 100.
    assert [w for w in recwarn if 'epsilon' in str(w.message)]
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[reducer])
    # logged before the epoch's reduction, as Keras 2.2.4
    assert history.history['lr'] == pytest.approx([0.01, 0.01, 0.005], rel=1e-6)
