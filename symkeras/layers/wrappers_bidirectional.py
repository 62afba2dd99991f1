"""Helpers of Bidirectional: the two copies of the wrapped recurrent layer, and the merge
of their outputs."""
from .. import backend as K
from ..engine.utils import has_arg

MERGE_MODES = ('sum', 'mul', 'ave', 'concat', None)


def rename(layer, name):
    """Rename a layer; SimpleRNN, GRU and LSTM name their cell (hence their weights)
    after themselves, so such a cell is renamed too."""
    cell = getattr(layer, 'cell', None)
    if cell is not None and getattr(cell, 'name', None) == layer.name:
        cell.name = name
    layer.name = name


def nested_classes(layer):
    """{class name: class} of the cells inside `layer` (so a copy finds user cells)."""
    found = {}
    pending = [getattr(layer, 'cell', None)]
    while pending:
        cell = pending.pop()
        if cell is not None:
            found[type(cell).__name__] = type(cell)
            pending += list(getattr(cell, 'cells', []))
    return found


def backward_copy(layer, config):
    """A new layer of `layer`'s class from `config` (go_backwards flipped)."""
    config = dict(config, go_backwards=not config['go_backwards'])
    if has_arg(type(layer).from_config, 'custom_objects'):
        return type(layer).from_config(config, custom_objects=nested_classes(layer))
    return type(layer).from_config(config)


def state_count(rnn):
    """How many states the recurrent layer `rnn` carries."""
    size = rnn.cell.state_size
    return len(size) if hasattr(size, '__len__') else 1


def merge(mode, forward, backward):
    """The merged output of the two directions (a list of both for mode None)."""
    if mode == 'concat':
        return K.concatenate([forward, backward], axis=-1)
    if mode == 'sum':
        return forward + backward
    if mode == 'ave':
        return (forward + backward) / 2
    if mode == 'mul':
        return forward * backward
    return [forward, backward]
