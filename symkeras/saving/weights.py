"""Layer weights <-> the arrays of a symkeras file (save_weights / load_weights).

A file lists the layers that have weights, in `model.layers` order, each with the names and
array indices of its weights (`layer.weights` order). Loading matches layers by position
(Keras's default) or by name, checks every count and shape against the model, and assigns
nothing until everything has been checked.
"""
import os
import warnings

import numpy as np

from .. import backend as K
from .format import read_container, write_container

KERAS_VERSION = '2.2.4'


class ArrayTable:
    """Collects (name, array) pairs for write_container and hands out their indices."""

    def __init__(self):
        self.named_arrays = []

    def add(self, name, value):
        """Append one array; returns its index in the manifest."""
        self.named_arrays.append((name, np.asarray(value)))
        return len(self.named_arrays) - 1


def layer_label(layer):
    return "layer '%s' (%s)" % (layer.name, type(layer).__name__)


def weighted_layers(model):
    """The layers of `model` that own weights, in `model.layers` order."""
    return [layer for layer in model.layers if layer.weights]


def describe_layer_weights(model, table):
    """The 'layers' section of a file: [{'name', 'class_name', 'weights': [...]}]."""
    groups = []
    for layer in weighted_layers(model):
        values = K.batch_get_value(layer.weights)
        weights = [{'name': variable.name, 'array': table.add(variable.name, value)}
                   for variable, value in zip(layer.weights, values)]
        groups.append({'name': layer.name, 'class_name': type(layer).__name__,
                       'weights': weights})
    return groups


def base_document(kind):
    """The fields every symkeras file starts with."""
    return {'kind': kind, 'keras_version': KERAS_VERSION, 'backend': 'symkeras'}


def check_overwrite(filepath, overwrite):
    """Keras asks before replacing a file when overwrite=False; a library cannot ask, so
    it refuses with FileExistsError."""
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError("File %r exists and overwrite=False: nothing was written"
                              % (os.fspath(filepath),))


def save_weights(model, filepath, overwrite=True):
    """Save the weights of `model` (layer by layer) to `filepath`.

    Args:
        model: a Model.
        filepath: destination (any file name; written atomically).
        overwrite: when False, an existing file raises FileExistsError.

    Example:
        >>> model.save_weights('weights.h5'); model.load_weights('weights.h5')
    """
    check_overwrite(filepath, overwrite)
    table = ArrayTable()
    document = dict(base_document('weights'), layers=describe_layer_weights(model, table))
    write_container(filepath, document, table.named_arrays)


def load_weights(model, filepath, by_name=False, skip_mismatch=False, reshape=False):
    """Load weights saved by `save_weights` or `save_model` into `model`.

    Args:
        model: a built Model.
        filepath: a symkeras file (recognised from its content).
        by_name: match layers by name (layers absent from the file keep their weights)
            instead of by position among the layers that have weights.
        skip_mismatch: with by_name, skip (with a warning) layers whose weight count or
            shapes differ instead of raising.
        reshape: accept an array of another shape with the same number of values.

    Raises:
        ModelFileError: damaged or foreign file, or weights that do not fit the model
            (the message names the layer and both shapes). Nothing is assigned then.
    """
    container = read_container(filepath)
    groups = layer_groups(container)
    assign_layer_weights(model, container, groups, by_name, skip_mismatch, reshape)


def layer_groups(container):
    """The validated 'layers' section of a container."""
    groups = container.document.get('layers')
    if not isinstance(groups, list):
        container.fail("its JSON document has no 'layers' section")
    count = len(container.arrays)
    for group in groups:
        ok = isinstance(group, dict) and isinstance(group.get('name'), str) and \
            isinstance(group.get('weights'), list)
        ok = ok and all(isinstance(w, dict) and isinstance(w.get('array'), int)
                        and 0 <= w['array'] < count for w in group['weights'])
        if not ok:
            container.fail("malformed entry in the 'layers' section: %.200r" % (group,))
    return groups


def assign_layer_weights(model, container, groups, by_name=False, skip_mismatch=False,
                         reshape=False):
    """Check every weight of every matched layer, then assign them all at once."""
    if by_name:
        pairs = _pairs_by_name(model, container, groups)
    else:
        pairs = _pairs_by_position(model, container, groups)
    assignments = []
    for layer, group in pairs:
        checked = _layer_assignments(layer, container, group, reshape, skip_mismatch)
        assignments += checked or []
    K.batch_set_value(assignments)


def _pairs_by_position(model, container, groups):
    layers = weighted_layers(model)
    if len(layers) != len(groups):
        container.fail('the file holds weights for %d layers (%s) but the model has %d '
                       'layers with weights (%s)'
                       % (len(groups), ', '.join(g['name'] for g in groups), len(layers),
                          ', '.join(layer.name for layer in layers)))
    return list(zip(layers, groups))


def _pairs_by_name(model, container, groups):
    by_name = {group['name']: group for group in groups}
    return [(layer, by_name[layer.name]) for layer in model.layers
            if layer.name in by_name]


def _layer_assignments(layer, container, group, reshape, skip_mismatch):
    """[(variable, value)] for one layer, or None when skipped after a mismatch."""
    variables = layer.weights
    stored = group['weights']
    problem = None
    if len(variables) != len(stored):
        problem = ('%s has %d weights but the file holds %d for layer %r'
                   % (layer_label(layer), len(variables), len(stored), group['name']))
    pairs = []
    for variable, entry in zip(variables, stored) if problem is None else ():
        value = container.arrays[entry['array']]
        expected = tuple(K.int_shape(variable))
        if value.shape != expected and reshape and value.size == int(np.prod(expected)):
            value = value.reshape(expected)
        if value.shape != expected:
            problem = ('%s: weight %r expects shape %s, the file holds shape %s (array %r)'
                       % (layer_label(layer), variable.name, expected, value.shape,
                          entry.get('name')))
            break
        pairs.append((variable, value))
    if problem is None:
        return pairs
    if skip_mismatch:
        warnings.warn('Skipping loading of weights for %s: %s' % (layer_label(layer),
                                                                  problem))
        return None
    container.fail(problem)
