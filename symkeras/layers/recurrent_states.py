"""The states of a stateful recurrent layer (Keras 2.2.4's `stateful=True`).

A stateful RNN keeps one variable of shape (batch, size) per state, zero at first. Its call
starts from them (unless given `initial_state`) and records updates writing the final
states back, so the next batch continues where this one stopped. The variables are not
weights: `get_weights`, saving and the optimizer never see them. The batch size must be
static, since the variables have it.
"""
import numpy as np

from .. import backend as K
from ..engine.utils import to_list
from .utils import layer_label

_NO_BATCH_SIZE = (
    '%s: a stateful RNN needs to know its batch size, received input shape %s. Specify '
    'the batch size of your input tensors: in a Sequential model, pass '
    '`batch_input_shape=(batch_size, timesteps, features)` (or `batch_size=` next to '
    '`input_shape=`) to the first layer; in the functional API, pass '
    '`batch_shape=(batch_size, timesteps, features)` to your Input layer.')


def make_state_variables(layer, input_shape, sizes):
    """Zero variables of shape (batch, size), one per state size, for `layer` built on
    inputs of `input_shape`.

    Raises:
        ValueError: the batch size of `input_shape` is unknown.
    """
    batch_size = input_shape[0]
    if batch_size is None:
        raise ValueError(_NO_BATCH_SIZE % (layer_label(layer), tuple(input_shape)))
    return [K.zeros((batch_size, size), name='%s/state_%d' % (layer.name, index))
            for index, size in enumerate(sizes)]


def check_state_batch(layer, inputs):
    """Raise ValueError unless `inputs` (batch, timesteps, features) has the static batch
    size of the stateful `layer`'s states."""
    expected = layer.states[0].shape
    received = K.int_shape(inputs)
    if received[0] != expected[0]:
        raise ValueError('%s is stateful with batch size %d (states of shape %s), received '
                         'input of shape %s; call it on inputs with a static batch size of %d'
                         % (layer_label(layer), expected[0], tuple(expected), received,
                            expected[0]))


def state_values(layer, values):
    """[(state variable, array)] setting the states of `layer` to `values` (None: zeros),
    every shape checked before anything is set.

    Raises:
        ValueError: wrong number of arrays, or an array of the wrong shape.
    """
    variables = layer.states
    if values is None:
        return [(state, np.zeros(state.shape)) for state in variables]
    values = to_list(values)
    if len(values) != len(variables):
        raise ValueError('%s: reset_states expected %d state array(s), received %d'
                         % (layer_label(layer), len(variables), len(values)))
    pairs = []
    for index, (state, value) in enumerate(zip(variables, values)):
        value = np.asarray(value)
        if value.shape != tuple(state.shape):
            raise ValueError('%s: reset_states expected state %d of shape %s, received an '
                             'array of shape %s' % (layer_label(layer), index,
                                                    tuple(state.shape), value.shape))
        pairs.append((state, value))
    return pairs

