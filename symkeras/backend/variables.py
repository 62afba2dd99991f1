"""Backend: creating placeholders, variables and constants; shapes; reading and writing
values."""
import numpy as np

from compiler import builders as B
from compiler.ir import Variable, constant as ir_constant, is_tensor as _is_tensor
from compiler.ir import placeholder as ir_placeholder

from .config import floatx


def is_tensor(x):
    """Whether `x` is a symbolic tensor (a placeholder, variable, constant or op output).

    Args:
        x: anything.

    Returns:
        bool.

    Example:
        >>> K.is_tensor(K.placeholder(shape=(2,))), K.is_tensor(np.zeros(2))
        (True, False)
    """
    return _is_tensor(x)


def is_placeholder(x):
    """Whether `x` is a placeholder (an input of a compiled function).

    Args:
        x: anything.

    Returns:
        bool.
    """
    return _is_tensor(x) and x.kind == 'input'


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """A symbolic input: the arrays a compiled function takes.

    Args:
        shape: tuple, None for unknown dimensions (the batch); or give `ndim`.
        ndim: number of dimensions, all unknown.
        dtype: defaults to `floatx()`.
        sparse: must be False (sparse tensors are not supported).
        name: the name compiled functions use in their error messages.

    Returns:
        A symbolic tensor.

    Raises:
        ValueError: neither shape nor ndim given, or sparse=True.

    Example:
        >>> x = K.placeholder(shape=(None, 784))
        >>> K.int_shape(x), K.dtype(x)
        ((None, 784), 'float32')
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
    """A variable: a leaf of the graph holding a numpy value (weights, optimizer state).

    Args:
        value: numpy array or number.
        dtype: defaults to `floatx()`.
        name: name of the variable.
        constraint: optional callable applied after each optimizer update.

    Returns:
        A variable tensor.

    Raises:
        TypeError: `value` is a symbolic tensor.

    Example:
        >>> w = K.variable(np.zeros((3, 2)), name='w')
        >>> K.get_value(w).shape, K.dtype(w)
        ((3, 2), 'float32')
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
    """A constant tensor.

    Args:
        value: number or array; with `shape`, a number filling that shape.
        dtype: defaults to `floatx()`.
        shape: optional shape to fill with `value`.
        name: name of the constant.

    Returns:
        A constant tensor.

    Example:
        >>> K.eval(K.constant(2., shape=(2, 2)))
        array([[2., 2.],
               [2., 2.]], dtype=float32)
    """
    dtype = dtype or floatx()
    array = np.full(shape, value, dtype) if shape is not None else np.asarray(value, dtype)
    return ir_constant(array, name=name)


def zeros(shape, dtype=None, name=None):
    """A variable of zeros.

    Args:
        shape: tuple of ints.
        dtype: defaults to `floatx()`.
        name: name of the variable.

    Returns:
        A variable.

    Example:
        >>> K.eval(K.zeros((2,)))
        array([0., 0.], dtype=float32)
    """
    return variable(np.zeros(shape), dtype, name)


def ones(shape, dtype=None, name=None):
    """A variable of ones.

    Args:
        shape: tuple of ints.
        dtype: defaults to `floatx()`.
        name: name of the variable.

    Returns:
        A variable.

    Example:
        >>> K.eval(K.ones((2,)))
        array([1., 1.], dtype=float32)
    """
    return variable(np.ones(shape), dtype, name)


def eye(size, dtype=None, name=None):
    """A variable holding the identity matrix.

    Args:
        size: number of rows and columns.
        dtype: defaults to `floatx()`.
        name: name of the variable.

    Returns:
        A variable of shape (size, size).
    """
    return variable(np.eye(size), dtype, name)


def zeros_like(x, dtype=None, name=None):
    """A tensor of zeros with the shape (and dtype, unless given) of `x`.

    Args:
        x: tensor.
        dtype: optional dtype of the result.
        name: unused (Keras compatibility).

    Returns:
        A tensor.

    Example:
        >>> K.eval(K.zeros_like(K.constant([1., 2.])))
        array([0., 0.], dtype=float32)
    """
    out = B.zeros_like(x)
    return B.cast(out, dtype) if dtype else out


def ones_like(x, dtype=None, name=None):
    """A tensor of ones with the shape (and dtype, unless given) of `x`.

    Args:
        x: tensor.
        dtype: optional dtype of the result.
        name: unused (Keras compatibility).

    Returns:
        A tensor.

    Example:
        >>> K.eval(K.ones_like(K.constant([1., 2.])))
        array([1., 1.], dtype=float32)
    """
    out = B.ones_like(x)
    return B.cast(out, dtype) if dtype else out


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    """A variable of uniform random values in [low, high).

    Args:
        shape: tuple of ints.
        low: lower bound.
        high: upper bound.
        dtype: defaults to `floatx()`.
        name: name of the variable.
        seed: integer seed (same seed, same values).

    Returns:
        A variable.
    """
    rng = np.random.RandomState(seed)
    return variable(rng.uniform(low, high, size=shape), dtype, name)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    """A variable of normal random values.

    Args:
        shape: tuple of ints.
        mean: mean.
        scale: standard deviation.
        dtype: defaults to `floatx()`.
        name: name of the variable.
        seed: integer seed (same seed, same values).

    Returns:
        A variable.
    """
    rng = np.random.RandomState(seed)
    return variable(rng.normal(mean, scale, size=shape), dtype, name)


def int_shape(x):
    """The static shape of `x`: a tuple of ints, None where unknown (the batch).

    Args:
        x: tensor, variable or numpy array.

    Returns:
        tuple.

    Example:
        >>> K.int_shape(K.placeholder(shape=(None, 28, 28, 1)))
        (None, 28, 28, 1)
    """
    if hasattr(x, '_keras_shape'):
        return tuple(x._keras_shape)
    if _is_tensor(x):
        return tuple(x.shape)
    return tuple(np.shape(x))


def ndim(x):
    """The number of dimensions of `x`.

    Args:
        x: tensor or array.

    Returns:
        int.

    Example:
        >>> K.ndim(K.placeholder(shape=(None, 3)))
        2
    """
    return len(int_shape(x))


def dtype(x):
    """The dtype of `x` as a string.

    Args:
        x: tensor or array.

    Returns:
        str, e.g. 'float32'.

    Example:
        >>> K.dtype(K.variable(np.zeros(2), dtype='float64'))
        'float64'
    """
    return x.dtype if _is_tensor(x) else np.asarray(x).dtype.name


def count_params(x):
    """The number of scalars in `x`.

    Args:
        x: a variable (or any tensor of static shape).

    Returns:
        int.

    Example:
        >>> K.count_params(K.zeros((3, 4)))
        12
    """
    return int(np.prod(int_shape(x)))


def get_value(x):
    """The current value of a variable.

    Args:
        x: a variable.

    Returns:
        numpy array.

    Raises:
        TypeError: `x` is not a variable.

    Example:
        >>> K.get_value(K.variable([1., 2.]))
        array([1., 2.], dtype=float32)
    """
    if not isinstance(x, Variable):
        raise TypeError(f"get_value: expected a variable, received {x!r}")
    return x.get_value()


def set_value(x, value):
    """Set the value of a variable (converted to its dtype).

    Args:
        x: a variable.
        value: numpy array or number of the variable's shape.

    Raises:
        TypeError: `x` is not a variable.

    Example:
        >>> v = K.variable(0.)
        >>> K.set_value(v, 3.)
        >>> K.get_value(v)
        array(3., dtype=float32)
    """
    if not isinstance(x, Variable):
        raise TypeError(f"set_value: expected a variable, received {x!r}")
    x.set_value(np.asarray(value, dtype=x.dtype))


def batch_get_value(xs):
    """The values of several variables.

    Args:
        xs: list of variables.

    Returns:
        list of numpy arrays.
    """
    return [get_value(x) for x in xs]


def batch_set_value(tuples):
    """Set several variables at once.

    Args:
        tuples: list of (variable, value) pairs.
    """
    for x, value in tuples:
        set_value(x, value)


__all__ = ['is_tensor', 'is_placeholder', 'placeholder', 'variable', 'constant', 'zeros', 'ones',
           'eye', 'zeros_like', 'ones_like', 'random_uniform_variable', 'random_normal_variable',
           'int_shape', 'ndim', 'dtype', 'count_params', 'get_value', 'set_value',
           'batch_get_value', 'batch_set_value']
