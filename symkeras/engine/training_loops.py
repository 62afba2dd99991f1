"""The loops behind fit / evaluate / predict on numpy arrays (Keras 2.2.4 semantics)."""
import numpy as np

from .. import callbacks as cbks
from ..callbacks.metric_aliases import MetricLogs
from ..utils.generic_utils import Progbar
from .training_utils import make_batches, slice_arrays, num_samples, to_scalar
from .utils import unpack_singleton


def _run(function, arrays):
    """Call a compiled function; scalars come back as Python floats."""
    return [to_scalar(value) for value in function(arrays)]


def _make_callbacks(model, callbacks, verbose, count_mode):
    """BaseLogger, ProgbarLogger (when verbose), the user's callbacks, then History."""
    model.history = cbks.History()
    stateful = getattr(model, 'stateful_metric_names', [])
    chain = [cbks.BaseLogger(stateful_metrics=stateful)]
    if verbose:
        chain.append(cbks.ProgbarLogger(count_mode, stateful_metrics=stateful))
    chain += list(callbacks or []) + [model.history]
    return cbks.CallbackList(chain)


def fit_loop(model, fit_function, fit_inputs, out_labels=None, batch_size=None, epochs=100,
             verbose=1, callbacks=None, val_function=None, val_inputs=None, shuffle=True,
             callback_metrics=None, initial_epoch=0, steps_per_epoch=None,
             validation_steps=None):
    """Train for `epochs` epochs over `fit_inputs` (inputs + targets + sample weights).

    Returns:
        The model's History callback.
    """
    do_validation = bool(val_function and val_inputs)
    samples = None if steps_per_epoch is not None else num_samples(fit_inputs)
    if do_validation and verbose and samples is not None:
        print('Train on %d samples, validate on %d samples'
              % (samples, num_samples(val_inputs)))
    callback_list = _make_callbacks(model, callbacks, verbose,
                                    'steps' if steps_per_epoch is not None else 'samples')
    callback_list.set_model(model)
    callback_list.set_params({
        'batch_size': batch_size, 'epochs': epochs, 'steps': steps_per_epoch,
        'samples': samples, 'verbose': verbose, 'do_validation': do_validation,
        'metrics': list(callback_metrics or [])})
    model.stop_training = False
    for callback in callback_list:
        callback.validation_data = val_inputs
    callback_list.on_train_begin()
    out_labels = out_labels or []
    index_array = np.arange(samples) if samples is not None else None
    for epoch in range(initial_epoch, epochs):
        callback_list.on_epoch_begin(epoch)
        epoch_logs = MetricLogs()       # logs['val_acc'] also finds 'val_accuracy'
        batches = _epoch_batches(index_array, batch_size, shuffle, steps_per_epoch)
        for batch_index, batch_ids in enumerate(batches):
            batch_logs = MetricLogs(batch=batch_index,   # logs['acc'] finds 'accuracy'
                                    size=1 if batch_ids is None else len(batch_ids))
            callback_list.on_batch_begin(batch_index, batch_logs)
            arrays = fit_inputs if batch_ids is None else slice_arrays(fit_inputs, batch_ids)
            batch_logs.update(zip(out_labels, _run(fit_function, arrays)))
            callback_list.on_batch_end(batch_index, batch_logs)
            if model.stop_training:
                break
        if do_validation and not model.stop_training:
            val_outs = test_loop(model, val_function, val_inputs, batch_size=batch_size,
                                 steps=validation_steps)
            epoch_logs.update(('val_' + label, value)
                              for label, value in zip(out_labels, _as_list(val_outs)))
        callback_list.on_epoch_end(epoch, epoch_logs)
        if model.stop_training:
            break
    callback_list.on_train_end()
    return model.history


def _epoch_batches(index_array, batch_size, shuffle, steps):
    """The sample indices of each batch of one epoch (None: whole arrays, per step)."""
    if index_array is None:
        return [None] * steps
    if shuffle == 'batch':
        index_array = _batch_shuffle(index_array, batch_size)
    elif shuffle:
        np.random.shuffle(index_array)
    return [index_array[start:end] for start, end in make_batches(len(index_array),
                                                                   batch_size)]


def _batch_shuffle(index_array, batch_size):
    """Shuffle whole batches, keeping the order inside each (Keras's shuffle='batch')."""
    batch_count = len(index_array) // batch_size
    head = index_array[:batch_count * batch_size].reshape((batch_count, batch_size))
    np.random.shuffle(head)
    return np.append(head.flatten(), index_array[batch_count * batch_size:])


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_loop(model, function, inputs, batch_size=32, verbose=0, steps=None):
    """Evaluate `function` batch by batch; average each output weighted by batch size.

    Returns:
        A float (one output) or a list of floats.
    """
    if steps is not None:
        totals = None
        progbar = Progbar(target=steps) if verbose == 1 else None
        for step in range(steps):
            outs = _run(function, inputs)
            totals = outs if totals is None else [t + o for t, o in zip(totals, outs)]
            if progbar:
                progbar.update(step + 1)
        return unpack_singleton([t / steps for t in totals])
    samples = num_samples(inputs)
    progbar = Progbar(target=samples) if verbose == 1 else None
    totals = None
    for start, end in make_batches(samples, batch_size):
        outs = _run(function, slice_arrays(inputs, start, end))
        weighted = [o * (end - start) for o in outs]
        totals = weighted if totals is None else [t + w for t, w in zip(totals, weighted)]
        if progbar:
            progbar.update(end)
    return unpack_singleton([float(t) / samples for t in totals])


def predict_loop(model, function, inputs, batch_size=32, verbose=0, steps=None):
    """Run `function` batch by batch and concatenate the outputs.

    Returns:
        An array (one output) or a list of arrays.
    """
    if steps is not None:
        parts = [function(inputs) for _ in range(steps)]
        return unpack_singleton([np.concatenate(p) for p in zip(*parts)])
    samples = num_samples(inputs)
    progbar = Progbar(target=samples) if verbose == 1 else None
    results = []
    for start, end in make_batches(samples, batch_size):
        outs = function(slice_arrays(inputs, start, end))
        if not results:
            results = [np.zeros((samples,) + np.shape(o)[1:], dtype=np.asarray(o).dtype)
                       for o in outs]
        for result, out in zip(results, outs):
            result[start:end] = out
        if progbar:
            progbar.update(end)
    return unpack_singleton(results)
