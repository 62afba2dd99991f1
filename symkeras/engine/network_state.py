"""Stateful layers in a network (Keras 2.2.4): `stateful`, `reset_states`, `state_updates`,
and the check that every batch a stateful model is fed has its layers' batch size."""
from .training_utils import make_batches, num_samples
from .utils import unique_by_id


class StatefulNetworkMixin:
    """What a Network knows of its stateful layers (recurrent layers with stateful=True,
    and networks nested in it that hold some)."""

    @property
    def stateful(self):
        """Whether a layer of the network (or of a network nested in it) is stateful."""
        return any(getattr(layer, 'stateful', False) for layer in getattr(self, '_layers', []))

    @stateful.setter
    def stateful(self, value):
        pass  # Layer.__init__ assigns it; a network derives it from its layers

    def reset_states(self):
        """Reset the states of every stateful layer, nested models' included, to zeros.

        Example:
            >>> model = Sequential([LSTM(4, stateful=True, batch_input_shape=(2, 5, 3))])
            >>> x = np.ones((2, 5, 3))
            >>> first = model.predict(x)
            >>> np.allclose(model.predict(x), first)   # went on from the states of `first`
            False
            >>> model.reset_states()                    # back to zero states
            >>> np.allclose(model.predict(x), first)
            True
        """
        for layer in self.layers:
            if getattr(layer, 'stateful', False) and hasattr(layer, 'reset_states'):
                layer.reset_states()

    @property
    def state_updates(self):
        """The updates of the stateful layers (their new states), which the test and
        predict functions run too; a subset of `updates`."""
        if not self.stateful:
            return []
        owned = {id(update) for layer in self._stateful_layers() for update in layer.updates}
        return [update for update in self.updates if id(update) in owned]

    def _stateful_layers(self):
        """The stateful layers of this network and of the networks nested in it."""
        return [layer for layer in self._leaf_layers() if getattr(layer, 'stateful', False)]


def state_variables(layer):
    """The state variables of a stateful `layer`: an RNN's own (`layer.states`), a
    wrapper's (Bidirectional) those of the layers it wraps."""
    inner = getattr(layer, '_wrapped_layers', None)
    if inner is not None:
        return unique_by_id([state for one in inner() for state in state_variables(one)])
    states = getattr(layer, 'states', None) or []
    return [state for state in states if state is not None]


def check_stateful_batches(model, arrays, batch_size, method, whole=False):
    """Raise ValueError naming the stateful layer unless every batch `method` feeds (the
    arrays cut in batches of `batch_size`, or the whole arrays at once) has the batch size
    of the states of each stateful layer of `model`.

    Run before the first batch, so a refused call changes no state.
    """
    if not model.stateful:
        return
    samples = num_samples(arrays)
    whole = whole or batch_size is None
    if whole:
        sizes = {samples}
    else:
        sizes = {end - start for start, end in make_batches(samples, batch_size)}
    for layer in model._stateful_layers():
        states = state_variables(layer)
        expected = states[0].shape[0] if states else None
        wrong = sorted(size for size in sizes if expected is not None and size != expected)
        if not wrong:
            continue
        if whole:
            received, hint = 'a batch of %d samples' % samples, 'Feed batches of %d samples.'
        else:
            received = ('%d samples in batches of batch_size=%d, which gives batches of %s '
                        'samples' % (samples, batch_size, ', '.join(map(str, wrong))))
            hint = 'Pass batch_size=%d and a number of samples that is a multiple of it.'
        raise ValueError("Model '%s': %s received %s, but layer %s '%s' is stateful with "
                         "batch size %d (states of shape %s): every batch must have "
                         "exactly %d samples. %s"
                         % (model.name, method, received, type(layer).__name__, layer.name,
                            expected, tuple(states[0].shape), expected, hint % expected))
