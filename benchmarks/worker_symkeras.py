"""symkeras worker: the benchmark rows through the public Keras 2 API, as a user writes them.

`Sequential` models, `model.compile(SGD(learning_rate=0.01), 'categorical_crossentropy')`,
`model.train_on_batch(x, y)` and `model.predict_on_batch(x)`; nothing internal.
"""
import time

import common

common.setup_threads()


def probe():
    """Import symkeras (an ImportError here is an error, not a missing extra)."""
    import symkeras  # noqa: F401


def _versions():
    import numba
    import numpy
    import scipy
    import symkeras
    from runtime.kernels import blas
    return {'symkeras': getattr(symkeras, '__version__', 'unknown'), 'numba': numba.__version__,
            'numpy': numpy.__version__, 'scipy': scipy.__version__,
            "symkeras's GEMM:": blas.LIBRARY.name}


def cnn_model():
    """The seed CNN (uncompiled)."""
    from symkeras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
    from symkeras.models import Sequential
    model = Sequential()
    for index, filters in enumerate(common.CNN_FILTERS):
        shape = {'input_shape': (28, 28, 1)} if index == 0 else {}
        model.add(Conv2D(filters, (3, 3), padding='same', activation='relu', **shape))
        model.add(MaxPooling2D((2, 2)))
    model.add(Flatten())
    model.add(Dense(common.CNN_DENSE, activation='relu'))
    model.add(Dropout(common.CNN_DROPOUT))
    model.add(Dense(common.NUM_CLASSES, activation='softmax'))
    return model


def mlp_model(row):
    """The row's MLP (uncompiled): relu hidden layers, softmax output."""
    from symkeras.layers import Dense
    from symkeras.models import Sequential
    model = Sequential()
    for index, units in enumerate(common.MLP_UNITS[row]):
        shape = {'input_dim': 784} if index == 0 else {}
        model.add(Dense(units, activation='relu', **shape))
    model.add(Dense(common.NUM_CLASSES, activation='softmax'))
    return model


def model_for(row):
    """The uncompiled model a row runs."""
    return mlp_model(row) if row.startswith('mlp') else cnn_model()


def compile_model(model):
    """Compile for the benchmark's training step: SGD lr 0.01, categorical crossentropy."""
    from symkeras.optimizers import SGD
    model.compile(optimizer=SGD(learning_rate=common.LEARNING_RATE),
                  loss='categorical_crossentropy')
    return model


def train_row(args):
    """Median `train_on_batch` call."""
    model = compile_model(model_for(args.row))
    x, y = common.make_data(args.row)
    times = common.time_steps(lambda: model.train_on_batch(x, y), args.steps, args.warmup)
    return common.step_result(args.row, times), _versions()


def infer_row(args):
    """Median `predict_on_batch` call of the seed CNN."""
    model = compile_model(cnn_model())
    x, _ = common.make_data(args.row)
    times = common.time_steps(lambda: model.predict_on_batch(x), args.steps, args.warmup)
    return common.step_result(args.row, times), _versions()


def compile_row(args):
    """`model.compile` + first `train_on_batch`, less one steady step (seconds)."""
    model = cnn_model()
    x, y = common.make_data('cnn_train')
    start = time.perf_counter()
    compile_model(model)
    model.train_on_batch(x, y)
    first_call = time.perf_counter() - start
    steady = common.time_steps(lambda: model.train_on_batch(x, y),
                               common.COMPILE_STEADY_STEPS, 0)
    return common.compile_result(args.row, first_call, steady), _versions()


ROWS = {'cnn_train': train_row, 'mlp512_train': train_row, 'mlp32_train': train_row,
        'cnn_infer128': infer_row, 'cnn_infer1': infer_row,
        'compile_cold': compile_row, 'compile_warm': compile_row}

if __name__ == '__main__':
    common.run_worker('symkeras', ROWS, probe, optional=False)
