"""Model classes and (de)serialization entry points: Sequential, Model, load_model, ..."""
from .engine.sequential import Sequential
from .engine.training import Model
from .engine.cloning import clone_model

__all__ = ['Sequential', 'Model', 'load_model', 'model_from_json', 'save_model',
           'model_from_config', 'clone_model']


def _saving():
    """The symkeras.saving module (NotImplementedError while it does not exist)."""
    try:
        from . import saving
    except ImportError as error:
        raise NotImplementedError('symkeras.saving is not yet implemented (%s)'
                                  % error) from None
    return saving


def _delegate(name):
    function = getattr(_saving(), name, None)
    if function is None:
        raise NotImplementedError('symkeras.saving.%s is not yet implemented' % name)
    return function


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Save architecture, weights and optimizer state of `model` to `filepath`.

    Args:
        model: a Model.
        filepath: destination path (any file name).
        overwrite: replace an existing file.
        include_optimizer: also save the optimizer state.
    """
    return _delegate('save_model')(model, filepath, overwrite=overwrite,
                                   include_optimizer=include_optimizer)


def load_model(filepath, custom_objects=None, compile=True):
    """Load a model saved by `save_model` / `model.save`.

    Args:
        filepath: path of the saved model.
        custom_objects: {name: class or function} for user-defined objects.
        compile: compile the model with the saved training configuration.

    Returns:
        A Model.
    """
    return _delegate('load_model')(filepath, custom_objects=custom_objects, compile=compile)


def model_from_json(json_string, custom_objects=None):
    """Create a model (uncompiled, fresh weights) from `model.to_json()` output.

    Returns:
        A Model.
    """
    return _delegate('model_from_json')(json_string, custom_objects=custom_objects)


def model_from_config(config, custom_objects=None):
    """Create a model from {'class_name': ..., 'config': ...}.

    Returns:
        A Model.
    """
    from .saving import model_from_config as load_config
    return load_config(config, custom_objects)
