"""Callbacks: hooks called by fit() at the start/end of training, epochs and batches.

Keras 2.2.4 semantics.

Example:
    >>> from symkeras.callbacks import EarlyStopping
    >>> model = Sequential([Dense(1, input_dim=2)])
    >>> model.compile('sgd', 'mse')
    >>> x, y = np.zeros((8, 2)), np.zeros((8, 1))
    >>> history = model.fit(x, y, epochs=10, verbose=0,
    ...                     callbacks=[EarlyStopping(monitor='loss', patience=2)])
    >>> len(history.history['loss'])   # the loss stopped improving after the first epoch
    3
"""
from .base import (Callback, CallbackList, BaseLogger, History, ProgbarLogger, TerminateOnNaN,
                   LambdaCallback)
from .monitors import (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, CSVLogger,
                       LearningRateScheduler)

__all__ = ['Callback', 'CallbackList', 'BaseLogger', 'History', 'ProgbarLogger',
           'EarlyStopping', 'ModelCheckpoint', 'ReduceLROnPlateau', 'CSVLogger',
           'LambdaCallback', 'TerminateOnNaN', 'LearningRateScheduler']
