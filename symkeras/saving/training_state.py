"""What lets training resume exactly: the compile arguments, the optimizer's weights
(iterations, moments, ...) and other variables (Nadam's momentum schedule, ...), and the
random-number states of Dropout-like layers."""
import warnings

from compiler.ir import Variable

from .. import backend as K
from .. import optimizers
from ..engine.utils import contains_object
from .objects import all_custom_objects, names_of, objects_of

_COMPILE_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError)


def training_config(model):
    """The compile arguments of `model`, with functions replaced by their names."""
    optimizer = model.optimizer
    return {'optimizer_config': {'class_name': type(optimizer).__name__,
                                 'config': optimizer.get_config()},
            'loss': names_of(model.loss),
            'metrics': names_of(model.metrics),
            'weighted_metrics': names_of(getattr(model, 'weighted_metrics', None)),
            'sample_weight_mode': getattr(model, 'sample_weight_mode', None),
            'loss_weights': names_of(getattr(model, 'loss_weights', None))}


def compile_from_config(model, config, custom_objects, container):
    """model.compile(...) with the saved arguments (names resolved via custom_objects)."""
    if not isinstance(config, dict) or not isinstance(config.get('optimizer_config'), dict):
        container.fail("malformed 'training_config' (no optimizer_config)")
    customs = all_custom_objects(custom_objects)
    try:
        optimizer = optimizers.deserialize(config['optimizer_config'], custom_objects=customs)
        model.compile(optimizer=optimizer, loss=objects_of(config.get('loss'), customs),
                      metrics=objects_of(config.get('metrics'), customs),
                      loss_weights=config.get('loss_weights'),
                      sample_weight_mode=config.get('sample_weight_mode'),
                      weighted_metrics=objects_of(config.get('weighted_metrics'), customs))
    except _COMPILE_ERRORS as error:
        raise container.error('cannot compile the model with the saved training '
                              'configuration: %s: %s' % (type(error).__name__, error)) \
            from error


def _extra_variables(optimizer):
    """{attribute: variable} of the optimizer's variables that are not in its weights."""
    return {name: value for name, value in sorted(vars(optimizer).items())
            if isinstance(value, Variable) and not contains_object(optimizer.weights, value)}


def describe_optimizer(optimizer, table):
    """The 'optimizer' section: array indices of its weights and extra variables."""
    weights = [table.add('optimizer/%s' % variable.name, K.get_value(variable))
               for variable in optimizer.weights]
    extra = {name: table.add('optimizer/%s' % name, K.get_value(variable))
             for name, variable in _extra_variables(optimizer).items()}
    return {'weights': weights, 'variables': extra}


def restore_optimizer(model, section, container):
    """Give the (compiled) model's optimizer the saved weights and variables.

    As Keras does, the train function is made first so the optimizer creates its weights;
    a mismatch (e.g. trainable flags changed before saving) warns and keeps a fresh state.
    """
    if not section or not section.get('weights'):
        return
    model._make_train_function()
    optimizer = model.optimizer
    values = [container.arrays[index] for index in section['weights']]
    if not _fits(optimizer.weights, values):
        warnings.warn('%r: the saved optimizer state (%d arrays) does not fit the optimizer '
                      '(%d weights): the model starts with a freshly initialized optimizer.'
                      % (container.path, len(values),
                         len(optimizer.weights)))
        return
    pairs = list(zip(optimizer.weights, values))
    extra = _extra_variables(optimizer)
    for name, index in sorted(section.get('variables', {}).items()):
        variable = extra.get(name)
        value = container.arrays[index]
        if variable is not None and _fits([variable], [value]):
            pairs.append((variable, value))
    K.batch_set_value(pairs)


def _fits(variables, values):
    return len(variables) == len(values) and all(
        tuple(K.int_shape(v)) == value.shape for v, value in zip(variables, values))


def random_states(model):
    """Variables with a default update (random states) that the outputs depend on, in a
    deterministic depth-first order from the outputs; the model's weights excluded."""
    weights = model.weights
    found, seen = [], set()
    stack = list(reversed(model.outputs))
    while stack:
        tensor = stack.pop()
        if id(tensor) in seen:
            continue
        seen.add(id(tensor))
        if isinstance(tensor, Variable) and tensor.default_update is not None \
                and not contains_object(weights, tensor):
            found.append(tensor)
        stack.extend(reversed(tensor.inputs))
    return found


def describe_random_states(model, table):
    """Array indices of the random states (so Dropout masks continue their sequence)."""
    return [table.add('random_state/%d' % position, K.get_value(variable))
            for position, variable in enumerate(random_states(model))]


def restore_random_states(model, indices, container):
    """Set the random states when the rebuilt model has the same ones, else warn."""
    if not indices:
        return
    variables = random_states(model)
    values = [container.arrays[index] for index in indices]
    if not _fits(variables, values):
        warnings.warn('%r: %d saved random states do not fit the %d of the model; random '
                      'layers (Dropout...) start a new sequence.'
                      % (container.path, len(values), len(variables)))
        return
    K.batch_set_value(list(zip(variables, values)))
