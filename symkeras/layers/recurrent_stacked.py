"""StackedRNNCells (Keras 2.2.4): a list of recurrent cells that behaves as one cell.

Each time step runs the cells in order, the output of one being the input of the next;
the states are the cells' states in one flat list: [h1, c1, h2, c2] for two LSTM cells.
`RNN([cell_1, cell_2])` wraps the list in a StackedRNNCells.
"""
from ..engine.base_layer import Layer
from ..engine.utils import has_arg
from .utils import layer_label


def _state_sizes(cell):
    """The state sizes of one cell as a list."""
    size = cell.state_size
    return list(size) if hasattr(size, '__len__') else [size]


def _output_size(cell):
    """The size of a cell's output: `output_size` when it has one, else its first state."""
    size = getattr(cell, 'output_size', None)
    return size if size is not None else _state_sizes(cell)[0]


def _splits_the_step(cell):
    """Whether the cell splits its step into `project` (inputs . kernel) and `step`."""
    return hasattr(cell, 'project') and hasattr(cell, 'step')


def _with_training(method, training):
    """{'training': training} when `method` accepts it, else {}."""
    return {'training': training} if has_arg(method, 'training') else {}


class StackedRNNCells(Layer):
    """A stack of recurrent cells used as a single cell (a deep RNN in one layer).

    Args:
        cells: list of cells (SimpleRNNCell, GRUCell, LSTMCell or user cells with `call`
            and `state_size`), first to last.

    The state size is the flat list of the cells' state sizes, in cell order; the output
    is the last cell's output. `RNN([cell_1, cell_2])` is `RNN(StackedRNNCells([cell_1,
    cell_2]))`.

    Example:
        >>> cells = [LSTMCell(16), LSTMCell(8)]
        >>> y = RNN(StackedRNNCells(cells))(Input(shape=(10, 4)))
        >>> K.int_shape(y)
        (None, 8)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        if isinstance(cells, tuple):
            cells = list(cells)
        if not isinstance(cells, list) or not cells:
            raise ValueError('%s: expected a non-empty list of cells, received %r'
                             % (layer_label(self), cells))
        for position, cell in enumerate(cells):
            if not hasattr(cell, 'call') or not hasattr(cell, 'state_size'):
                raise ValueError('%s: every cell must have a `call` method and a '
                                 '`state_size` attribute, received %r at position %d'
                                 % (layer_label(self), cell, position))
        self.cells = cells
        self._fresh_masks = True

    @property
    def state_size(self):
        """The states of all cells, in cell order: a tuple of ints."""
        return tuple(size for cell in self.cells for size in _state_sizes(cell))

    @property
    def output_size(self):
        """The size of the last cell's output."""
        return _output_size(self.cells[-1])

    def build(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(tuple(input_shape))
                cell.built = True
            input_shape = (input_shape[0], _output_size(cell))
        self.built = True

    # ------------------------------------------------------------------ one time step
    def _nested_states(self, states):
        """The flat state list cut into one list per cell."""
        nested, start = [], 0
        for cell in self.cells:
            count = len(_state_sizes(cell))
            nested.append(list(states[start:start + count]))
            start += count
        if start != len(states):
            raise ValueError('%s: expected %d states (state_size %s), received %d'
                             % (layer_label(self), start, self.state_size, len(states)))
        return nested

    def project(self, inputs, training=None):
        """The first cell's input projection of a step or a whole sequence (see
        LSTMCell.project), or the inputs themselves when that cell does not split its
        step. Starts a new sequence: the upper cells draw new dropout masks."""
        self._fresh_masks = True
        first = self.cells[0]
        if _splits_the_step(first):
            return first.project(inputs, training)
        return inputs

    def step(self, projected, states, training=None):
        """One time step from `project`ed inputs: (last cell's output, flat new states)."""
        nested = self._nested_states(states)
        first = self.cells[0]
        if _splits_the_step(first):
            output, new_states = first.step(projected, nested[0], training)
        else:
            output, new_states = first.call(projected, nested[0],
                                            **_with_training(first.call, training))
        flat = list(_as_list(new_states))
        for cell, cell_states in zip(self.cells[1:], nested[1:]):
            output, new_states = self._run_cell(cell, output, cell_states, training)
            flat += _as_list(new_states)
        self._fresh_masks = False
        return output, flat

    def _run_cell(self, cell, inputs, states, training):
        """One step of an upper cell; its dropout masks are drawn once per sequence."""
        if _splits_the_step(cell) and has_arg(cell.project, 'reuse_masks'):
            projected = cell.project(inputs, training, reuse_masks=not self._fresh_masks)
            return cell.step(projected, states, training)
        return cell.call(inputs, states, **_with_training(cell.call, training))

    def call(self, inputs, states, training=None):
        """One time step: (last cell's output, flat new states) from (batch, input_dim)
        inputs and the flat states."""
        return self.step(self.project(inputs, training), states, training)

    # ------------------------------------------------------------------ weights, losses
    def _cell_layers(self):
        return [cell for cell in self.cells if isinstance(cell, Layer)]

    @property
    def trainable_weights(self):
        """The cells' trainable weights, in cell order ([] when frozen)."""
        if not self.trainable:
            return []
        return [w for cell in self._cell_layers() for w in cell.trainable_weights]

    @property
    def non_trainable_weights(self):
        """The cells' non-trainable weights (all of their weights when frozen)."""
        if not self.trainable:
            return [w for cell in self._cell_layers() for w in cell.weights]
        return [w for cell in self._cell_layers() for w in cell.non_trainable_weights]

    @property
    def losses(self):
        """The cells' losses (weight regularization) and the stack's own."""
        return [x for cell in self._cell_layers() for x in cell.losses] + super().losses

    def get_losses_for(self, inputs):
        """The cells' losses recorded for `inputs` and the stack's own."""
        own = super().get_losses_for(inputs)
        return [x for cell in self._cell_layers() for x in cell.get_losses_for(inputs)] + own

    # ------------------------------------------------------------------ config
    def get_config(self):
        cells = [{'class_name': type(cell).__name__, 'config': cell.get_config()}
                 for cell in self.cells]
        return dict(super().get_config(), cells=cells)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild the stack; the cells' classes are looked up in custom_objects first."""
        from . import deserialize
        config = dict(config)
        cells = [deserialize(cell, custom_objects=custom_objects)
                 for cell in config.pop('cells')]
        return cls(cells, **config)


def _as_list(states):
    """A cell's new states as a list (a single tensor is one state)."""
    return list(states) if isinstance(states, (list, tuple)) else [states]
