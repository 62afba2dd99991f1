"""Backend: compiled functions, gradients and variable updates."""
import numpy as np

from compiler import autodiff, builders as B
from compiler.function import function as compile_function
from compiler.graph import graph_inputs
from compiler.ir import Variable, is_tensor as _is_tensor
from compiler.ops.debug import Print

from .config import learning_phase, get_nan_guard
from .variables import int_shape


def eval(x):  # noqa: A001  (Keras's name)
    """Evaluate a tensor that reads no placeholder (compiles and runs it once).

    Args:
        x: tensor, or a numpy array (what an initializer returns here: Keras's returns a
            tensor, which scripts evaluate with `K.eval(init(shape))`), returned as is.

    Returns:
        numpy array.

    Example:
        >>> K.eval(K.constant([1., 2.]) * 3)
        array([3., 6.], dtype=float32)
    """
    if isinstance(x, np.ndarray):
        return x
    return function([], [x])([])[0]


def update(x, new_x):
    """An update for `K.function(..., updates=[...])`: set `x` to `new_x`.

    Args:
        x: a variable.
        new_x: tensor of the same shape.

    Returns:
        The pair (x, new_x).

    Example:
        >>> counter = K.variable(0.)
        >>> step = K.function([], [counter], updates=[K.update(counter, counter + 1)])
        >>> step([]), step([])     # outputs see the value from before the update
        ([array(0., dtype=float32)], [array(1., dtype=float32)])
    """
    return (x, new_x)


def update_add(x, increment):
    """An update adding `increment` to the variable `x`.

    Args:
        x: a variable.
        increment: tensor of the same shape (or broadcastable).

    Returns:
        The pair (x, x + increment).
    """
    return (x, x + increment)


def update_sub(x, decrement):
    """An update subtracting `decrement` from the variable `x`.

    Args:
        x: a variable.
        decrement: tensor of the same shape (or broadcastable).

    Returns:
        The pair (x, x - decrement).
    """
    return (x, x - decrement)


def moving_average_update(variable=None, value=None, momentum=None, *, x=None):
    """An update moving `variable` towards `value`: variable * momentum + value * (1 -
    momentum).

    Args:
        variable: a variable (a running mean, for instance); `x=` is accepted too.
        value: the new observation.
        momentum: weight of the old value, e.g. 0.99.

    Returns:
        The pair (variable, new value).

    Raises:
        TypeError: both or neither of `variable` and `x` given, or no value / momentum.

    Example:
        >>> mean = K.variable([1., 1.])
        >>> _, new = K.moving_average_update(mean, K.constant([3., 5.]), 0.5)
        >>> K.eval(new)
        array([2., 3.], dtype=float32)
    """
    if (variable is None) == (x is None):
        raise TypeError("moving_average_update: expected the variable once (positionally, "
                        f"as variable= or as x=), received variable={variable!r}, x={x!r}")
    if value is None or momentum is None:
        raise TypeError("moving_average_update: expected value and momentum, received "
                        f"value={value!r}, momentum={momentum!r}")
    variable = x if variable is None else variable
    return (variable, variable * momentum + value * (1.0 - momentum))


def identity(x, name=None):
    """A new tensor equal to `x`.

    Args:
        x: tensor.
        name: unused (Keras compatibility).

    Returns:
        A tensor.
    """
    return B.add(x, B.as_tensor(np.zeros((), x.dtype)))


def is_keras_tensor(x):
    """Whether `x` is a Keras tensor: the output of a layer or of `Input`.

    Args:
        x: a symbolic tensor.

    Returns:
        True for layer and `Input` outputs; False for variables, constants and plain
        placeholders.

    Raises:
        ValueError: `x` is not a symbolic tensor (a numpy array, for instance).

    Example:
        >>> from symkeras.layers import Input, Dense
        >>> K.is_keras_tensor(K.variable([1., 2.])), K.is_keras_tensor(Input((3,)))
        (False, True)
    """
    if not _is_tensor(x):
        raise ValueError(f"is_keras_tensor: unexpectedly found an instance of type "
                         f"`{type(x).__name__}`; expected a symbolic tensor instance")
    return hasattr(x, '_keras_history')


def get_variable_shape(x):
    """The shape of a variable (its `int_shape`).

    Args:
        x: a variable.

    Returns:
        A tuple of ints.

    Example:
        >>> K.get_variable_shape(K.variable(np.zeros((2, 3))))
        (2, 3)
    """
    return int_shape(x)


def print_tensor(x, message=''):
    """`x`, printing `message` and its value each time a compiled function computes it.

    As Keras 2.2.4 on Theano (Theano's `Print` op): the line reads
    `message __str__ = <value>`. Use the returned tensor: printing happens only where it
    is computed (a result nobody uses is not computed). The gradient passes through.

    Args:
        x: tensor.
        message: text printed before the value.

    Returns:
        A tensor equal to `x`.

    Example:
        >>> K.eval(K.print_tensor(K.constant([1., 2.]), message='x ='))
        x = __str__ = [1. 2.]
        array([1., 2.], dtype=float32)
    """
    if not isinstance(message, str):
        raise TypeError(f"print_tensor: expected a string message, received "
                        f"{type(message).__name__} {message!r}")
    return Print(message=message)(B.as_tensor(x))


def stop_gradient(variables):
    """`variables` unchanged, but with no gradient flowing through them.

    Args:
        variables: a tensor or a list of tensors.

    Returns:
        A tensor or a list of tensors.

    Example:
        >>> x = K.variable([1., 2.])
        >>> K.gradients(K.sum(K.stop_gradient(x) * x), [x])[0].shape
        (2,)
    """
    if isinstance(variables, (list, tuple)):
        return [B.stop_gradient(v) for v in variables]
    return B.stop_gradient(variables)


def gradients(loss, variables):
    """Symbolic gradients of a scalar `loss` with respect to each of `variables`.

    The stabilize rewrite runs on the loss first, so a softmax cross-entropy differentiates
    to softmax(z) - y. A non-scalar loss is summed.

    Args:
        loss: scalar tensor.
        variables: list of variables (or other tensors of the graph).

    Returns:
        list of tensors, one per variable, of the variable's shape.

    Example:
        >>> w = K.variable([1., 2.])
        >>> (grad,) = K.gradients(K.sum(K.square(w)), [w])
        >>> K.eval(grad)
        array([2., 4.], dtype=float32)
    """
    return autodiff.gradients(loss, list(variables))


def _check_function_graph(outputs, updates):
    """TypeError unless outputs are tensors and updates are (variable, value) pairs."""
    for position, output in enumerate(outputs):
        if not _is_tensor(output):
            raise TypeError(f"function: output {position} must be a symbolic tensor, "
                            f"received {repr(output)[:80]}")
    for position, pair in enumerate(updates):
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2
                and isinstance(pair[0], Variable)):
            raise TypeError(f"function: update {position} must be a pair (variable, new "
                            f"value), received {repr(pair)[:80]}")


def function(inputs, outputs, updates=None, givens=None, name=None, profile=False,
             nan_guard=None, **kwargs):
    """Compile a graph into a callable taking a list of arrays, returning a list of arrays.

    Example:
        >>> x = K.placeholder(shape=(None, 2))
        >>> f = K.function([x], [x * 2])
        >>> f([np.ones((1, 2))])[0].tolist()
        [[2.0, 2.0]]

    Args:
        inputs: list of placeholders.
        outputs: list of tensors (a single tensor is accepted too).
        updates: list of (variable, new value), or a dict (an OrderedDict) {variable:
            new value} as Theano accepts; outputs use the values from before them.
        givens: {tensor: value} substitutions (the learning phase, for instance). When the
            graph reads the learning phase and neither inputs nor givens set it, it is 0.
        profile: time each kernel; see `.profile()` of the result.
        nan_guard: check every computed value and raise FloatingPointError naming the
            first node (op, layer, source line) holding a NaN or inf; None follows
            `K.set_nan_guard` (off by default). Settable later as `f.nan_guard`.
    """
    unknown = set(kwargs) - {'on_unused_input', 'allow_input_downcast', 'mode'}
    if unknown:
        raise ValueError(f"function: invalid keyword arguments {sorted(unknown)}")
    inputs = list(inputs)
    single = _is_tensor(outputs)
    outputs = [outputs] if single else list(outputs)
    updates = list(updates.items()) if isinstance(updates, dict) else list(updates or [])
    _check_function_graph(outputs, updates)
    givens = dict(givens or {})
    phase = learning_phase()
    if _is_tensor(phase) and phase not in inputs and phase not in givens:
        roots = outputs + [u[1] for u in updates]
        if any(t is phase for t in graph_inputs(roots)):
            givens[phase] = 0
    if nan_guard is None:
        nan_guard = get_nan_guard()
    return compile_function(inputs, outputs, updates, givens, name or 'function', profile,
                            nan_guard=nan_guard)


__all__ = ['eval', 'update', 'update_add', 'update_sub', 'moving_average_update', 'identity',
           'print_tensor', 'is_keras_tensor', 'get_variable_shape', 'stop_gradient',
           'gradients', 'function']
