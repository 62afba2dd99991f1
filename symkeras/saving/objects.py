"""Names in saved configs: what the file stores for functions, and which names cannot be
resolved on load (so one error can list every missing custom object at once).

Only names are ever stored (Lambda functions, custom losses and metrics included): a file
carries no code. On load a name resolves to `custom_objects`, the global custom objects
(`CustomObjectScope`), or a symkeras built-in.
"""
import inspect

from .. import activations, constraints, initializers, losses, metrics, optimizers
from .. import regularizers
from .._serialization import get_custom_objects
from ..engine.base_layer import Layer
from ..layers.lambda_layer import backend_function

_ENGINE_CLASSES = ('InputLayer', 'Network', 'Model', 'Sequential')
_COMPILE_METRICS = ('accuracy', 'acc', 'crossentropy', 'ce')
_NESTED_KINDS = (('_initializer', initializers, 'initializer'),
                 ('_regularizer', regularizers, 'regularizer'),
                 ('_constraint', constraints, 'constraint'))


def all_custom_objects(custom_objects):
    """The global custom objects updated with `custom_objects`."""
    return dict(get_custom_objects(), **(custom_objects or {}))


def function_name(function):
    """The name a function (loss, metric, ...) is saved under."""
    if isinstance(function, str) or function is None:
        return function
    name = getattr(function, '__name__', None)
    return name if name is not None else type(function).__name__


def names_of(value):
    """`value` (a loss / metrics spec: callable, list or dict of them) with names."""
    if isinstance(value, dict):
        return {key: names_of(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [names_of(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return function_name(value)


def objects_of(value, customs):
    """Inverse of `names_of`: names found in `customs` become the objects."""
    if isinstance(value, dict):
        return {key: objects_of(item, customs) for key, item in value.items()}
    if isinstance(value, list):
        return [objects_of(item, customs) for item in value]
    if isinstance(value, str) and value in customs:
        return customs[value]
    return value


def _resolves(module, name, customs):
    """Whether module.deserialize finds the string `name` (a lookup, nothing is built)."""
    try:
        module.deserialize(name, custom_objects=customs)
    except ValueError:
        return False
    return True


def _layer_class_known(name, customs):
    if name in customs or name in _ENGINE_CLASSES:
        return True
    from .. import layers
    found = getattr(layers, name, None)
    return inspect.isclass(found) and issubclass(found, Layer)


def _function_known(name, customs):
    """What Lambda.from_config accepts: custom objects, activations, backend functions
    (the same rule: `lambda_layer.backend_function`)."""
    if name in customs:
        return True
    if callable(getattr(activations, name, None)) and not name.startswith('_'):
        return True
    return backend_function(name) is not None


class MissingNames:
    """Collects (kind, name) pairs that no lookup can resolve."""

    def __init__(self, custom_objects):
        self.customs = all_custom_objects(custom_objects)
        self.missing = []

    def add(self, kind, name):
        if (kind, name) not in self.missing:
            self.missing.append((kind, name))

    def scan_layer(self, layer_config):
        """A layer config {'class_name', 'config'}, nested models included."""
        if not isinstance(layer_config, dict):
            return
        class_name = layer_config.get('class_name')
        config = layer_config.get('config')
        if not isinstance(class_name, str) or not _layer_class_known(class_name, self.customs):
            self.add('layer class', class_name)
            return
        if isinstance(config, list):                 # Keras 1-era Sequential config
            config = {'layers': config}
        if not isinstance(config, dict):
            return
        if class_name in _ENGINE_CLASSES[1:] and isinstance(config.get('layers'), list):
            for inner in config['layers']:
                self.scan_layer(inner)
        if class_name == 'Lambda' and class_name not in self.customs:
            self._scan_lambda(config)
        self._scan_nested_objects(config)

    def _scan_lambda(self, config):
        names = [config.get('function')]
        if config.get('output_shape_type', 'raw') != 'raw':
            names.append(config.get('output_shape'))
        for name in names:
            if isinstance(name, str) and not _function_known(name, self.customs):
                self.add('Lambda function', name)

    def _scan_nested_objects(self, config):
        for key, value in config.items():
            name = value.get('class_name') if isinstance(value, dict) else value
            if not isinstance(name, str):
                continue
            if key == 'activation' and not _resolves(activations, name, self.customs):
                self.add('activation', name)
            for suffix, module, kind in _NESTED_KINDS:
                if key.endswith(suffix) and not _resolves(module, name, self.customs):
                    self.add(kind, name)

    def scan_training(self, training_config):
        """Optimizer, losses and metrics of a training configuration."""
        optimizer = (training_config.get('optimizer_config') or {}).get('class_name')
        if isinstance(optimizer, str) and not self._optimizer_known(optimizer):
            self.add('optimizer', optimizer)
        for name in _leaves(training_config.get('loss')):
            if not _resolves(losses, name, self.customs):
                self.add('loss', name)
        for key in ('metrics', 'weighted_metrics'):
            for name in _leaves(training_config.get(key)):
                if name not in _COMPILE_METRICS and not _resolves(metrics, name,
                                                                  self.customs):
                    self.add('metric', name)

    def _optimizer_known(self, name):
        if name in self.customs:
            return True
        found = getattr(optimizers, name, None) or getattr(optimizers, name.lower(), None)
        return inspect.isclass(found) and issubclass(found, optimizers.Optimizer)


def _leaves(value):
    """The strings inside a loss / metrics spec (a name, a list or a dict of them)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [name for item in value for name in _leaves(item)]
    return []
