"""save_model / load_model: architecture, weights, training configuration, optimizer state
and random states in one symkeras file (see format.py); model_from_json / model_from_config.
"""
import json
import warnings

from .._serialization import CustomObjectScope
from ..engine.network_config import deserialize_layer
from .errors import UnknownObjectsError
from .format import read_container, write_container
from .objects import MissingNames
from .training_state import (compile_from_config, describe_optimizer, describe_random_states,
                             restore_optimizer, restore_random_states, training_config)
from .weights import (ArrayTable, assign_layer_weights, base_document, check_overwrite,
                      describe_layer_weights, layer_groups)

_BUILD_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError)


def _model_config(model):
    return {'class_name': type(model).__name__, 'config': model.get_config()}


def _warn_anonymous_lambdas(config):
    """Lambda layers are saved by function name; a lambda's name, '<lambda>', will have to
    be given in custom_objects on load."""
    if isinstance(config, dict):
        inner = config.get('config')
        if config.get('class_name') == 'Lambda' and isinstance(inner, dict) \
                and inner.get('function') == '<lambda>':
            warnings.warn("Lambda layer '%s' wraps an anonymous lambda: symkeras saves "
                          "functions by name only (never code), so load_model will need "
                          "custom_objects={'<lambda>': function}" % inner.get('name'))
        for value in config.values():
            _warn_anonymous_lambdas(value)
    elif isinstance(config, list):
        for value in config:
            _warn_anonymous_lambdas(value)


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Save a model: architecture, weights, and (when compiled) the compile arguments,
    the optimizer state and the random states, so that training resumes exactly.

    The file is a zip of JSON and raw .npy arrays that holds no code (Lambda functions,
    custom layers, losses and metrics are saved by name). It is written to a temporary
    file and renamed over `filepath`, so a failed save never damages an existing file.

    Args:
        model: a Model (Sequential or functional).
        filepath: destination; any file name ('model.h5', 'model.skm', ...).
        overwrite: when False, an existing file raises FileExistsError.
        include_optimizer: also save the training configuration and optimizer state.

    Example:
        >>> model.save('model.h5')
        >>> model = load_model('model.h5')
    """
    check_overwrite(filepath, overwrite)
    table = ArrayTable()
    document = base_document('model')
    document['model_config'] = _model_config(model)
    _warn_anonymous_lambdas(document['model_config'])
    document['layers'] = describe_layer_weights(model, table)
    if include_optimizer and getattr(model, 'optimizer', None) is not None:
        document['training_config'] = training_config(model)
        document['optimizer'] = describe_optimizer(model.optimizer, table)
        document['random_states'] = describe_random_states(model, table)
    write_container(filepath, document, table.named_arrays)


def load_model(filepath, custom_objects=None, compile=True):
    """Load a model saved by `save_model` / `model.save`.

    Args:
        filepath: the file (its format is recognised from its content).
        custom_objects: {name: class or function} for user-defined layers, Lambda
            functions, losses, metrics, optimizers, initializers...
        compile: compile the model with the saved training configuration and restore the
            optimizer state.

    Returns:
        A Model.

    Raises:
        ModelFileError: empty, truncated, damaged or foreign file, or arrays that do not
            fit the architecture (a ValueError naming the file and the problem).
        UnknownObjectsError: names missing from custom_objects (all listed at once).
    """
    container = read_container(filepath)
    document = container.document
    if document.get('kind') == 'weights':
        container.fail('it holds only weights (written by save_weights): create the model, '
                       'then call model.load_weights(%r)' % container.path)
    if document.get('kind') != 'model' or not isinstance(document.get('model_config'), dict):
        container.fail("its JSON document describes no model (kind=%r)" % document.get('kind'))
    training = document.get('training_config') if compile else None
    _check_names('Cannot load %r' % container.path, document['model_config'], training,
                 custom_objects)
    with CustomObjectScope(custom_objects or {}):
        model = _build_model(container, document['model_config'], custom_objects)
        assign_layer_weights(model, container, layer_groups(container))
        restore_random_states(model, _indices(container, 'random_states'), container)
        if training is not None:
            compile_from_config(model, training, custom_objects, container)
            _check_optimizer_section(container)
            restore_optimizer(model, document.get('optimizer'), container)
        elif compile:
            warnings.warn('No training configuration found in %r: the model was *not* '
                          'compiled. Compile it manually.' % container.path)
    return model


def _check_names(where, model_config, training, custom_objects):
    names = MissingNames(custom_objects)
    names.scan_layer(model_config)
    if training is not None and isinstance(training, dict):
        names.scan_training(training)
    if names.missing:
        raise UnknownObjectsError(where, names.missing)


def _build_model(container, model_config, custom_objects):
    from ..engine.network import Network
    try:
        model = deserialize_layer(model_config, custom_objects)
    except _BUILD_ERRORS as error:
        raise container.error('cannot rebuild the architecture: %s: %s'
                              % (type(error).__name__, error)) from error
    if not isinstance(model, Network):
        container.fail('the architecture is a %s layer, not a model' % type(model).__name__)
    return model


def _indices(container, key, section=None):
    """The list of array indices stored under `key` (of `section`, else of the document)."""
    value = (section if section is not None else container.document).get(key) or []
    if isinstance(value, dict):
        value = list(value.values())
    count = len(container.arrays)
    if not isinstance(value, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 <= i < count for i in value):
        container.fail('malformed %r section: %.200r' % (key, value))
    return value


def _check_optimizer_section(container):
    section = container.document.get('optimizer')
    if section is None:
        return
    if not isinstance(section, dict):
        container.fail("malformed 'optimizer' section")
    _indices(container, 'weights', section)
    _indices(container, 'variables', section)


def model_from_config(config, custom_objects=None):
    """Create a model (fresh weights, not compiled) from {'class_name', 'config'}.

    Args:
        config: what `{'class_name': type(model).__name__, 'config': model.get_config()}`
            gives.
        custom_objects: {name: class or function} of user-defined objects.

    Returns:
        A Model.

    Raises:
        TypeError: `config` is a list (use Sequential.from_config).
        UnknownObjectsError: names missing from custom_objects (all listed at once).
    """
    return _from_config(config, custom_objects, 'model_from_config')


def _from_config(config, custom_objects, where):
    if isinstance(config, list):
        raise TypeError('`model_from_config` expects a dictionary, not a list. Maybe you '
                        'meant to use `Sequential.from_config(config)`?')
    if not isinstance(config, dict) or not isinstance(config.get('class_name'), str) \
            or 'config' not in config:
        raise ValueError("%s: expected a dict with 'class_name' and 'config', received %.200r"
                         % (where, config))
    _check_names(where, config, None, custom_objects)
    with CustomObjectScope(custom_objects or {}):
        return deserialize_layer(config, custom_objects)


def model_from_json(json_string, custom_objects=None):
    """Create a model (fresh weights, not compiled) from `model.to_json()` output.

    Args:
        json_string: the JSON text.
        custom_objects: {name: class or function} of user-defined objects.

    Returns:
        A Model.

    Raises:
        ValueError: the text is not JSON or not a model description.
        UnknownObjectsError: names missing from custom_objects (all listed at once).

    Example:
        >>> clone = model_from_json(model.to_json())
    """
    try:
        config = json.loads(json_string)
    except (TypeError, ValueError) as error:
        raise ValueError('model_from_json: the text is not valid JSON (%s); expected the '
                         'output of model.to_json()' % error) from None
    return _from_config(config, custom_objects, 'model_from_json')
