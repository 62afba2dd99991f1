"""Callbacks: hooks called by fit() at the start/end of training, epochs and batches.

Keras 2.2.4 semantics. Example:
    >>> history = model.fit(x, y, callbacks=[EarlyStopping(patience=2)])
"""
from .base import (Callback, CallbackList, BaseLogger, History, ProgbarLogger, TerminateOnNaN,
                   LambdaCallback)
from .monitors import (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, CSVLogger,
                       LearningRateScheduler)

__all__ = ['Callback', 'CallbackList', 'BaseLogger', 'History', 'ProgbarLogger',
           'EarlyStopping', 'ModelCheckpoint', 'ReduceLROnPlateau', 'CSVLogger',
           'LambdaCallback', 'TerminateOnNaN', 'LearningRateScheduler']
