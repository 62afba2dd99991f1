"""Model.compile's graph work: targets, sample weights, total loss and metric tensors."""
from .. import backend as K
from .training_utils import standardize_per_output, weighted_masked_objective
from .utils import to_list

_ACCURACY = ('accuracy', 'acc')
_CROSSENTROPY = ('crossentropy', 'ce')


def resolve_losses(loss, output_names):
    """One loss function (or None: output not trained) per output."""
    from .. import losses
    if isinstance(loss, dict):
        per_output = standardize_per_output(loss, output_names, 'loss')
    elif isinstance(loss, (list, tuple)):
        per_output = standardize_per_output(list(loss), output_names, 'loss')
    else:
        per_output = [loss] * len(output_names)
    return [None if item is None else losses.get(item) for item in per_output]


def resolve_loss_weights(loss_weights, output_names):
    """One float weight per output (default 1.)."""
    if loss_weights is not None and not isinstance(loss_weights, (dict, list, tuple)):
        raise TypeError('Could not interpret loss_weights argument: %r - expected a list or a '
                        'dict' % (loss_weights,))
    weights = standardize_per_output(loss_weights, output_names, 'loss_weights')
    return [1. if w is None else w for w in weights]


def resolve_metric(metric, loss_fn, output_shape):
    """(name, function) of one metric of one output.

    'accuracy'/'acc' (and 'crossentropy'/'ce') pick the binary, sparse or categorical
    variant from the loss and the output shape, as Keras does. A metric given as a string
    keeps that string as its name; a callable is named by its `name` or `__name__`.
    """
    from .. import metrics as metrics_module
    if isinstance(metric, str) and metric in _ACCURACY + _CROSSENTROPY:
        kind = 'accuracy' if metric in _ACCURACY else 'crossentropy'
        loss_name = getattr(loss_fn, '__name__', None)
        if output_shape[-1] == 1 or loss_name == 'binary_crossentropy':
            family = 'binary'
        elif loss_name == 'sparse_categorical_crossentropy':
            family = 'sparse_categorical'
        else:
            family = 'categorical'
        return metric, getattr(metrics_module, family + '_' + kind)
    fn = metrics_module.get(metric)
    if isinstance(metric, str):
        return metric, fn
    return getattr(fn, 'name', None) or fn.__name__, fn


def collect_metrics(metrics, output_names):
    """One list of metrics per output, from a list (all outputs) or a {name: list} dict."""
    if not metrics:
        return [[] for _ in output_names]
    if isinstance(metrics, dict):
        unknown = [key for key in metrics if key not in output_names]
        if unknown:
            raise ValueError('Unknown entries in metrics dictionary: %s. Only expected the '
                             'following keys: %s' % (unknown, output_names))
        return [to_list(metrics.get(name, [])) for name in output_names]
    if isinstance(metrics, (str, tuple)) or callable(metrics):
        metrics = to_list(metrics) if isinstance(metrics, tuple) else [metrics]
    if not isinstance(metrics, list):
        raise TypeError('Type of `metrics` argument not understood. Expected a list or '
                        'dictionary, found: %r' % (metrics,))
    return [list(metrics) for _ in output_names]


def _unique_name(name, taken):
    """`name`, or `name_1`, `name_2`, ... when already taken."""
    candidate, suffix = name, 1
    while candidate in taken:
        candidate = '%s_%d' % (name, suffix)
        suffix += 1
    return candidate


def _make_feeds(model, loss_fns, target_tensors, sample_weight_mode):
    """Target and sample-weight placeholders of the trained outputs."""
    if sample_weight_mode is not None:
        raise ValueError('sample_weight_mode=%r is not supported; valid choices: None '
                         '(per-sample weights)' % (sample_weight_mode,))
    given = standardize_per_output(target_tensors, model.output_names, 'target_tensors')
    model.targets, model.sample_weights = [], []
    model._feed_targets, model._feed_outputs, model._feed_output_names = [], [], []
    model._feed_output_shapes, model._feed_loss_fns, model._feed_sample_weights = [], [], []
    for output, name, loss_fn, target in zip(model.outputs, model.output_names, loss_fns,
                                             given):
        if loss_fn is None:
            model.targets.append(None)
            model.sample_weights.append(None)
            continue
        if target is None:
            target = K.placeholder(ndim=K.ndim(output), dtype=K.dtype(output),
                                   name=name + '_target')
        weight = K.placeholder(ndim=1, dtype=K.floatx(), name=name + '_sample_weights')
        model.targets.append(target)
        model.sample_weights.append(weight)
        model._feed_targets.append(target)
        model._feed_outputs.append(output)
        model._feed_output_names.append(name)
        model._feed_output_shapes.append(K.int_shape(output))
        model._feed_loss_fns.append(loss_fn)
        model._feed_sample_weights.append(weight)
    model._feed_sample_weight_modes = [None] * len(model._feed_targets)


def _total_loss(model, loss_fns, loss_weights, masks):
    """Sum over outputs of weight * mean weighted loss, plus the model's own losses."""
    total = None
    multi = len(model.outputs) > 1
    for i, loss_fn in enumerate(loss_fns):
        if loss_fn is None:
            continue
        output_loss = weighted_masked_objective(loss_fn)(
            model.targets[i], model.outputs[i], model.sample_weights[i], masks[i])
        if multi:
            model.metrics_tensors.append(output_loss)
            model.metrics_names.append(model.output_names[i] + '_loss')
        term = output_loss if loss_weights[i] == 1 else loss_weights[i] * output_loss
        total = term if total is None else total + term
    extra = model.losses
    if total is None:
        if not extra:
            raise ValueError("Model '%s' cannot be compiled because it has no loss to "
                             "optimize: give `loss=` to compile()." % model.name)
        total = 0.
    for loss_tensor in extra:
        total = total + loss_tensor
    return total


def _add_metrics(model, i, metrics, masks, weighted):
    """Metric tensors of output i (weighted ones use the sample weights)."""
    prefix = 'weighted_' if weighted else ''
    weights = model.sample_weights[i] if weighted else None
    for metric in metrics:
        name, fn = resolve_metric(metric, model.loss_functions[i],
                                  K.int_shape(model.outputs[i]))
        value = weighted_masked_objective(fn)(model.targets[i], model.outputs[i], weights,
                                              masks[i])
        name = prefix + name
        if len(model.outputs) > 1:
            name = model.output_names[i] + '_' + name
        model.metrics_names.append(_unique_name(name, model.metrics_names))
        model.metrics_tensors.append(value)


def compile_graph(model, target_tensors=None):
    """Build targets, sample weights, total loss and metrics of a compiled `model`."""
    names = model.output_names
    loss_fns = resolve_losses(model.loss, names)
    model.loss_functions = loss_fns
    loss_weights = resolve_loss_weights(model.loss_weights, names)
    masks = model.compute_mask(model.inputs, mask=None)
    masks = [None] * len(model.outputs) if masks is None else to_list(masks)
    _make_feeds(model, loss_fns, target_tensors, model.sample_weight_mode)
    model.metrics_names = ['loss']
    model.metrics_tensors = []
    model.total_loss = _total_loss(model, loss_fns, loss_weights, masks)
    nested = collect_metrics(model.metrics, names)
    nested_weighted = collect_metrics(model.weighted_metrics, names)
    for i in range(len(model.outputs)):
        if loss_fns[i] is None:
            continue
        _add_metrics(model, i, nested[i], masks, weighted=False)
        _add_metrics(model, i, nested_weighted[i], masks, weighted=True)
    model.stateful_metric_names = []
    model.stateful_metric_functions = []
    model.metrics_updates = []
    model._collected_trainable_weights = model.trainable_weights
    model.train_function = None
    model.test_function = None
    model.predict_function = None
    model._is_compiled = True
