"""Saving and loading models, safe against damaged and malicious files.

`save_model` / `load_model` (architecture, weights, training configuration and optimizer
state), `save_weights` / `load_weights`, `model_from_json` / `model_from_config`, and
`export_model` (compiled inference artifacts). Files are zip archives of JSON and raw .npy
arrays (format.py): they hold no code, are recognised from their content whatever their
name, and are written atomically. Errors on bad files are `ModelFileError` (a ValueError).

Example:
    >>> model.save('model.h5')
    >>> from symkeras.models import load_model
    >>> model = load_model('model.h5')
"""
from .errors import ModelFileError, UnknownObjectsError
from .export import export_model
from .model_io import load_model, model_from_config, model_from_json, save_model
from .weights import load_weights, save_weights

__all__ = ['save_model', 'load_model', 'model_from_json', 'model_from_config',
           'save_weights', 'load_weights', 'export_model', 'ModelFileError',
           'UnknownObjectsError']
