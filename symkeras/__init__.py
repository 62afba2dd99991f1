"""symkeras: Keras 2 ergonomics on a Theano-style graph compiler with a Numba runtime.

`import symkeras` makes the Keras 2 submodules reachable as attributes, so scripts written
as `keras.utils.to_categorical(...)` or `keras.optimizers.Adadelta()` run with the word
`keras` replaced by `symkeras`.
"""
from . import backend
from . import activations, initializers, regularizers, constraints
from . import losses, metrics, optimizers, callbacks
from . import layers, models, datasets, preprocessing, utils, wrappers
from .models import Sequential, Model

__version__ = '0.1.0'

__all__ = ['backend', 'activations', 'initializers', 'regularizers', 'constraints',
           'losses', 'metrics', 'optimizers', 'callbacks', 'layers', 'models',
           'datasets', 'preprocessing', 'utils', 'wrappers', 'Sequential', 'Model',
           '__version__']
