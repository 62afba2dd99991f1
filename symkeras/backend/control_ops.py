"""Backend loops (Keras 2.2.4): rnn, map_fn, foldl, foldr, and small compatibility
helpers: slice, name_scope, is_sparse, to_dense, py_all, py_any, py_sum, py_slice.

The loops are unrolled over a static axis, for the reason the recurrent layers are (see
symkeras/layers/recurrent.py): the compiler sees, fuses and differentiates one static
graph, with no loop op hiding the body. Over an axis of unknown size the loops trace
their step once: the results are `Recurrent` nodes, unrolled per input shape when a
compiled function is called (compiler/loops.py).
"""
import contextlib

from compiler import builders as B
from compiler.loops import recurrent, unroll_steps, unstack_static  # noqa: F401 (re-exported)

from .math_ops import not_equal
from .shape_ops import stack

# Python's builtins under the names Keras's backend exports them as (its backend shadows
# all, any, sum and slice with tensor functions).
py_all = all
py_any = any
py_sum = sum
py_slice = slice


def _time_steps(inputs, input_length):
    """The step inputs of `inputs` (samples, time, ...) for K.rnn: a static time axis, or
    input_length given (over an unknown axis without it, rnn builds Recurrent nodes)."""
    timesteps = inputs.shape[1]
    if timesteps == 0 or input_length == 0:
        raise ValueError(f"rnn: expected at least one time step, received inputs of shape "
                         f"{inputs.shape} and input_length={input_length}")
    if timesteps is not None:
        if input_length is not None and input_length != timesteps:
            raise ValueError(f"rnn: input_length={input_length} differs from the number of "
                             f"timesteps of the inputs, shape {inputs.shape}")
        return unstack_static(inputs, 1)
    return [inputs[:, t] for t in range(int(input_length))]


def _rnn_mask(mask, inputs, timesteps):
    """`mask` as a bool tensor (samples, time, ...), checked against `inputs`."""
    mask = B.as_tensor(mask)
    if mask.ndim < 2 or mask.ndim > inputs.ndim or mask.shape[1] not in (None, timesteps):
        raise ValueError(f"rnn: expected a mask of shape (samples, time) for inputs of shape "
                         f"{inputs.shape}, received a mask of shape {mask.shape}")
    return mask if mask.dtype == 'bool' else not_equal(mask, 0)


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
        unroll=False, input_length=None):
    """Iterate `step_function` over the time axis (axis 1) of `inputs` (Keras 2.2.4).

    The loop is always unrolled (so `unroll` changes nothing): here over a static number
    of time steps, else by each compiled function for the number of steps of the inputs
    it is called with (compiled once per distinct shape). Where `mask` is 0 a step keeps
    the previous output (zeros before the first) and the previous states.

    Args:
        step_function: `(input, states) -> (output, new_states)`: `input` is one time step,
            (samples, ...); `states` the list of current states followed by `constants`;
            `new_states` a list as long as `initial_states`.
        inputs: tensor (samples, time, ...), at least 3-D.
        initial_states: list of tensors (samples, ...), the states before the first step.
        go_backwards: iterate from the last time step to the first; `outputs` is then in
            processing order (reversed), as in Keras.
        mask: None, or a binary tensor (samples, time) (trailing axes broadcast against the
            outputs and states), 0 on masked steps.
        constants: list of tensors passed to every step after the states.
        unroll: accepted for compatibility (the loop is always unrolled).
        input_length: the number of time steps, to unroll over it here when the time
            axis of `inputs` has no static size; must agree with a static one.

    Returns:
        (last_output, outputs, new_states): the last step's output (samples, ...), all
        outputs (samples, time, ...) and the final states.

    Raises:
        ValueError: inputs of fewer than 3 dimensions, or a mask whose shape does not
            fit the inputs.

    Example:
        >>> x = K.constant(np.ones((2, 3, 1)))
        >>> last, outputs, states = K.rnn(lambda x, s: (x + s[0], [x + s[0]]), x,
        ...                               [K.zeros((2, 1))])
        >>> K.eval(outputs)[0, :, 0]
        array([1., 2., 3.], dtype=float32)
    """
    inputs = B.as_tensor(inputs)
    if inputs.ndim < 3:
        raise ValueError(f"rnn: expected inputs of at least 3 dimensions (samples, time, "
                         f"...), received shape {inputs.shape}")
    constants = list(constants or [])
    learning_phase_flags = []

    def step(x, states):
        output, new_states = step_function(x, list(states) + constants)
        learning_phase_flags.append(getattr(output, '_uses_learning_phase', False))
        return output, new_states

    if inputs.shape[1] is None and input_length is None:
        mask = None if mask is None else _rnn_mask(mask, inputs, None)
        if mask is not None and mask.ndim != 2:
            raise ValueError(f"rnn: over a time axis of unknown size the mask must be "
                             f"(samples, time), received shape {mask.shape}")
        outputs, last_output, states = recurrent(step, inputs, list(initial_states), mask,
                                                 go_backwards)
    else:
        step_inputs = _time_steps(inputs, input_length)
        mask = None if mask is None else _rnn_mask(mask, inputs, len(step_inputs))
        outputs, states = unroll_steps(step, step_inputs, list(initial_states), mask,
                                       go_backwards)
        last_output, outputs = outputs[-1], stack(outputs, axis=1)
    if py_any(learning_phase_flags):
        last_output._uses_learning_phase = outputs._uses_learning_phase = True
    return last_output, outputs, states


def _leading_entries(name, elems):
    """elems (a tensor with a static first axis) cut into its entries along axis 0."""
    elems = B.as_tensor(elems)
    if elems.ndim == 0 or elems.shape[0] is None:
        raise ValueError(f"{name}: expected elems with at least one axis, received shape "
                         f"{elems.shape}")
    return unstack_static(elems, 0)


def _over_unknown_axis(elems):
    """Whether `elems` has a first axis of unknown size (looped by a Recurrent node)."""
    return elems.ndim > 0 and elems.shape[0] is None


def _entry_loop(name, step, elems, states, go_backwards=False):
    """(all step outputs, last output, final states) of `step(entry, states)` over the
    first axis of `elems`, of unknown size: a batch of one sequence for `recurrent`."""
    def wrapped(x, current):
        output, new_states = step(B.squeeze(x, 0), current)
        return B.expand_dims(B.as_tensor(output), 0), new_states
    try:
        return recurrent(wrapped, B.expand_dims(elems, 0), states, None, go_backwards)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


def map_fn(fn, elems, name=None, dtype=None):
    """`fn` applied to each entry of `elems` along its first axis, the results stacked.

    Over a first axis of static size the loop is unrolled here; over one of unknown size
    (the batch axis, say) each compiled function unrolls it for its inputs' shape.

    Args:
        fn: a function of one tensor (an entry, elems.shape[1:]) returning a tensor, or
            (over a static axis) a list/tuple of tensors.
        elems: tensor of at least one dimension.
        name: unused (Keras compatibility).
        dtype: unused: as with Keras's Theano backend, the result has fn's dtype.

    Returns:
        A tensor (elems.shape[0],) + fn's output shape; a list of them when fn returns
        several tensors.

    Raises:
        ValueError: `elems` is 0-d or (static) empty; fn returns several tensors over an
            axis of unknown size.

    Example:
        >>> K.eval(K.map_fn(lambda row: K.sum(row), K.constant([[1., 2.], [3., 4.]])))
        array([3., 7.], dtype=float32)
    """
    elems = B.as_tensor(elems)
    if _over_unknown_axis(elems):
        def step(entry, states):
            result = fn(entry)
            if isinstance(result, (list, tuple)):
                raise ValueError("over a first axis of unknown size fn must return one "
                                 "tensor, not a list")
            return result, []
        every, _, _ = _entry_loop('map_fn', step, elems, [])
        return B.squeeze(every, 0)
    entries = _leading_entries('map_fn', elems)
    if not entries:
        raise ValueError(f"map_fn: expected elems with at least one entry, received shape "
                         f"{B.as_tensor(elems).shape}")
    results = [fn(entry) for entry in entries]
    if isinstance(results[0], (list, tuple)):
        return [stack([B.as_tensor(r[i]) for r in results], 0)
                for i in range(len(results[0]))]
    return stack([B.as_tensor(r) for r in results], 0)


def _fold(name, fn, entries, initializer):
    """fn(...fn(fn(initializer, e0), e1)..., en) (elems[0] as initializer when None)."""
    if initializer is None:
        if not entries:
            raise ValueError(f"{name}: expected elems with at least one entry or an "
                             f"initializer, received empty elems and initializer=None")
        initializer, entries = entries[0], entries[1:]
    accumulator = initializer
    for entry in entries:
        accumulator = fn(accumulator, entry)
    return accumulator


def _fold_unknown(name, fn, elems, initializer, backwards):
    """The fold over a first axis of unknown size (a Recurrent loop whose state is the
    accumulator)."""
    if initializer is None:
        first = -1 if backwards else 0
        initializer = elems[first]
        elems = elems[:-1] if backwards else elems[1:]

    def step(entry, states):
        accumulator = B.as_tensor(fn(states[0], entry))
        return accumulator, [accumulator]
    _, _, (accumulator,) = _entry_loop(name, step, elems, [B.as_tensor(initializer)],
                                       backwards)
    return accumulator


def foldl(fn, elems, initializer=None, name=None):
    """Reduce `elems` along its first axis from left to right: acc = fn(acc, elems[i]).

    Over a first axis of unknown size the loop is unrolled by each compiled function for
    its inputs' shape (at least one entry, or two without an initializer).

    Args:
        fn: a function (accumulator, entry) -> new accumulator.
        elems: tensor of at least one dimension.
        initializer: the first accumulator (None: elems[0], and the fold starts at
            elems[1]).
        name: unused (Keras compatibility).

    Returns:
        The last accumulator (the type and shape of `initializer`).

    Raises:
        ValueError: `elems` is 0-d.

    Example:
        >>> K.eval(K.foldl(lambda acc, x: acc * 10 + x, K.constant([1., 2., 3.])))
        array(123., dtype=float32)
    """
    elems = B.as_tensor(elems)
    if _over_unknown_axis(elems):
        return _fold_unknown('foldl', fn, elems, initializer, False)
    return _fold('foldl', fn, _leading_entries('foldl', elems), initializer)


def foldr(fn, elems, initializer=None, name=None):
    """Reduce `elems` along its first axis from right to left: acc = fn(acc, elems[i]).

    Over a first axis of unknown size, as `foldl`.

    Args:
        fn: a function (accumulator, entry) -> new accumulator.
        elems: tensor of at least one dimension.
        initializer: the first accumulator (None: elems[-1], and the fold starts at
            elems[-2]).
        name: unused (Keras compatibility).

    Returns:
        The last accumulator (the type and shape of `initializer`).

    Raises:
        ValueError: `elems` is 0-d.

    Example:
        >>> K.eval(K.foldr(lambda acc, x: acc * 10 + x, K.constant([1., 2., 3.])))
        array(321., dtype=float32)
    """
    elems = B.as_tensor(elems)
    if _over_unknown_axis(elems):
        return _fold_unknown('foldr', fn, elems, initializer, True)
    return _fold('foldr', fn, _leading_entries('foldr', elems)[::-1], initializer)


def _static_ints(what, values, ndim):
    """`values` as a list of `ndim` Python ints (TypeError / ValueError otherwise)."""
    if B.is_tensor(values):
        raise TypeError(f"slice: expected {what} as a list of ints (static bounds), "
                        f"received the tensor {values!r}")
    values = list(values)
    if len(values) != ndim or not py_all(int(v) == v for v in values):
        raise ValueError(f"slice: expected {what} as {ndim} ints, one per axis of x, "
                         f"received {values!r}")
    return [int(v) for v in values]


def slice(x, start, size):  # noqa: A001  (Keras's name)
    """x[start[0]:start[0] + size[0], ..., start[-1]:start[-1] + size[-1]].

    Keras 2.2.4 documents this function (its TensorFlow backend runs tf.slice; its Theano
    backend raises NotImplementedError); here the bounds are static ints.

    Args:
        x: tensor.
        start: list of ints >= 0, one per axis: where each axis's slice begins.
        size: list of ints, one per axis: the length taken (-1: up to the end).

    Returns:
        A tensor of shape `size` (-1 entries: what remains of the axis).

    Raises:
        ValueError: a bound is negative or past the end of a static axis, or the lists
            do not have one entry per axis.

    Example:
        >>> K.eval(K.slice(K.constant([[1., 2., 3.], [4., 5., 6.]]), (0, 1), (2, -1)))
        array([[2., 3.],
               [5., 6.]], dtype=float32)
    """
    x = B.as_tensor(x)
    start = _static_ints('start', start, x.ndim)
    size = _static_ints('size', size, x.ndim)
    for axis, (begin, length) in enumerate(zip(start, size)):
        dim = x.shape[axis]
        stop = None if length == -1 else begin + length
        end = begin if stop is None else stop
        if begin < 0 or length < -1 or (dim is not None and end > dim):
            raise ValueError(f"slice: axis {axis} of size {dim} cannot be sliced from "
                             f"{begin} taking {length} (x of shape {x.shape}, start "
                             f"{start}, size {size})")
        if begin != 0 or (stop is not None and stop != dim):
            x = B.slice_axis(x, axis, begin, stop)
    return x


@contextlib.contextmanager
def name_scope(name):
    """A context manager for Keras code that groups ops under a name (it has no effect).

    Args:
        name: the scope's name (a string).

    Returns:
        A context manager.

    Example:
        >>> with K.name_scope('block1'):
        ...     y = K.relu(K.constant([-1., 2.]))
        >>> K.eval(y)
        array([0., 2.], dtype=float32)
    """
    yield


def is_sparse(tensor):
    """Whether `tensor` is sparse: always False (sparse tensors are not supported).

    Args:
        tensor: a tensor.

    Returns:
        False.

    Example:
        >>> K.is_sparse(K.placeholder(shape=(2, 3)))
        False
    """
    return False


def to_dense(tensor):
    """A dense tensor equal to `tensor`: the tensor itself (every tensor is dense here).

    Args:
        tensor: a tensor.

    Returns:
        `tensor`.

    Example:
        >>> x = K.placeholder(shape=(2, 3))
        >>> K.to_dense(x) is x
        True
    """
    return tensor


__all__ = ['rnn', 'map_fn', 'foldl', 'foldr', 'slice', 'name_scope', 'is_sparse',
           'to_dense', 'py_all', 'py_any', 'py_sum', 'py_slice']
