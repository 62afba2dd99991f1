"""Backend: creating tensors and variables, reading/writing values, compiled functions."""
import numpy as np

from compiler import autodiff, builders as B
from compiler.function import function as compile_function
from compiler.graph import graph_inputs
from compiler.ir import Tensor, Variable, constant as ir_constant, is_tensor as _is_tensor
from compiler.ir import placeholder as ir_placeholder, normalize_dtype

from .config import floatx, learning_phase, get_nan_guard


def is_tensor(x):
    """True for symbolic tensors (placeholders, variables, op outputs)."""
    return _is_tensor(x)


def is_placeholder(x):
    return _is_tensor(x) and x.kind == 'input'


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """A symbolic input. Example: `x = K.placeholder(shape=(None, 784))`.

    Args:
        shape: tuple, None for unknown dimensions; or give `ndim`.
        dtype: defaults to `floatx()`.
    """
    if sparse:
        raise ValueError("placeholder: sparse tensors are not supported")
    if shape is None:
        if ndim is None:
            raise ValueError("placeholder: give shape or ndim")
        shape = (None,) * ndim
    tensor = ir_placeholder(tuple(shape), dtype or floatx(), name)
    tensor._keras_shape = tuple(shape)
    tensor._uses_learning_phase = False
    return tensor


def variable(value, dtype=None, name=None, constraint=None):
    """A variable holding `value` (numpy array or number), of `dtype` (default floatx).

    Example: `w = K.variable(np.zeros((3, 2)))`.
    """
    if _is_tensor(value):
        raise TypeError(f"variable: expected a numpy value, received tensor {value!r}")
    array = np.asarray(value)
    if array.dtype.kind not in 'biuf':
        raise TypeError(f"variable {name or ''!r}: expected a numeric value, received "
                        f"{repr(value)[:80]} (dtype {array.dtype})")
    var = Variable(array, dtype=dtype or floatx(), name=name)
    var._keras_shape = var.shape
    var._uses_learning_phase = False
    var.constraint = constraint
    return var


def constant(value, dtype=None, shape=None, name=None):
    dtype = dtype or floatx()
    array = np.full(shape, value, dtype) if shape is not None else np.asarray(value, dtype)
    return ir_constant(array, name=name)


def zeros(shape, dtype=None, name=None):
    return variable(np.zeros(shape), dtype, name)


def ones(shape, dtype=None, name=None):
    return variable(np.ones(shape), dtype, name)


def eye(size, dtype=None, name=None):
    return variable(np.eye(size), dtype, name)


def zeros_like(x, dtype=None, name=None):
    out = B.zeros_like(x)
    return B.cast(out, dtype) if dtype else out


def ones_like(x, dtype=None, name=None):
    out = B.ones_like(x)
    return B.cast(out, dtype) if dtype else out


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    rng = np.random.RandomState(seed)
    return variable(rng.uniform(low, high, size=shape), dtype, name)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    rng = np.random.RandomState(seed)
    return variable(rng.normal(mean, scale, size=shape), dtype, name)


def int_shape(x):
    """The static shape of x as a tuple of ints and None."""
    if hasattr(x, '_keras_shape'):
        return tuple(x._keras_shape)
    if _is_tensor(x):
        return tuple(x.shape)
    return tuple(np.shape(x))


def ndim(x):
    return len(int_shape(x))


def dtype(x):
    return x.dtype if _is_tensor(x) else np.asarray(x).dtype.name


def count_params(x):
    return int(np.prod(int_shape(x)))


def get_value(x):
    """The current numpy value of a variable."""
    if not isinstance(x, Variable):
        raise TypeError(f"get_value: expected a variable, received {x!r}")
    return x.get_value()


def set_value(x, value):
    if not isinstance(x, Variable):
        raise TypeError(f"set_value: expected a variable, received {x!r}")
    x.set_value(np.asarray(value, dtype=x.dtype))


def batch_get_value(xs):
    return [get_value(x) for x in xs]


def batch_set_value(tuples):
    for x, value in tuples:
        set_value(x, value)


def eval(x):  # noqa: A001  (Keras's name)
    """Evaluate a tensor that depends on no placeholder; returns a numpy array."""
    return function([], [x])([])[0]


def update(x, new_x):
    return (x, new_x)


def update_add(x, increment):
    return (x, x + increment)


def update_sub(x, decrement):
    return (x, x - decrement)


def moving_average_update(x, value, momentum):
    return (x, x * momentum + value * (1.0 - momentum))


def identity(x, name=None):
    """A new tensor equal to x."""
    return B.add(x, B.as_tensor(np.zeros((), x.dtype)))


def stop_gradient(variables):
    if isinstance(variables, (list, tuple)):
        return [B.stop_gradient(v) for v in variables]
    return B.stop_gradient(variables)


def gradients(loss, variables):
    """Symbolic gradients of a scalar `loss` with respect to each of `variables`."""
    return autodiff.gradients(loss, list(variables))


def _check_function_graph(outputs, updates):
    """TypeError unless outputs are tensors and updates are (variable, value) pairs."""
    for position, output in enumerate(outputs):
        if not _is_tensor(output):
            raise TypeError(f"function: output {position} must be a symbolic tensor, "
                            f"received {repr(output)[:80]}")
    pairs = updates.items() if isinstance(updates, dict) else (updates or [])
    for position, pair in enumerate(pairs):
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
        updates: list of (variable, new value); outputs use the values from before them.
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
    _check_function_graph(outputs, updates)
    givens = dict(givens or {})
    phase = learning_phase()
    if _is_tensor(phase) and phase not in inputs and phase not in givens:
        roots = outputs + [u[1] for u in (updates or [])]
        if any(t is phase for t in graph_inputs(roots)):
            givens[phase] = 0
    if nan_guard is None:
        nan_guard = get_nan_guard()
    return compile_function(inputs, outputs, updates, givens, name or 'function', profile,
                            nan_guard=nan_guard)


__all__ = [n for n in dir() if not n.startswith('_') and n not in (
    'np', 'B', 'autodiff', 'compile_function', 'graph_inputs', 'Tensor', 'Variable',
    'ir_constant', 'ir_placeholder', 'normalize_dtype', 'floatx', 'learning_phase',
    'get_nan_guard')]
