"""Backend elementwise math: arithmetic, comparisons, casts, clipping, switch (Keras 2 names)."""
import numpy as np

from compiler import builders as B

from .config import floatx


def square(x):
    """Elementwise square.

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.

    Example:
        >>> K.eval(K.square(K.constant([-2., 3.])))
        array([4., 9.], dtype=float32)
    """
    return B.square(x)


def abs(x):  # noqa: A001
    """Elementwise absolute value.

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return B.abs_(x)


def sqrt(x):
    """Elementwise square root, of x clipped to [0, inf) as in Keras's Theano backend.

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.

    Example:
        >>> K.eval(K.sqrt(K.constant([4., -1.])))
        array([2., 0.], dtype=float32)
    """
    return B.sqrt(B.clip(x, 0.0, np.inf))


def exp(x):
    """Elementwise exponential.

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return B.exp(x)


def log(x):
    """Elementwise natural logarithm.

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return B.log(x)


def round(x):  # noqa: A001
    """Elementwise rounding to the nearest integer.

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return B.round_(x)


def sign(x):
    """Elementwise sign: -1, 0 or 1.

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return B.sign(x)


def pow(x, a):  # noqa: A001
    """Elementwise power x ** a.

    Args:
        x: tensor.
        a: number or tensor (broadcast).

    Returns:
        A tensor.

    Example:
        >>> K.eval(K.pow(K.constant([2., 3.]), 2))
        array([4., 9.], dtype=float32)
    """
    return B.power(x, a)


def clip(x, min_value, max_value):
    """Clip to [min_value, max_value]; max below min becomes min (Keras).

    Args:
        x: tensor.
        min_value: lower bound (None: no lower bound).
        max_value: upper bound (None: no upper bound).

    Returns:
        A tensor of the same shape.

    Example:
        >>> K.eval(K.clip(K.constant([-1., 0.5, 2.]), 0., 1.))
        array([0. , 0.5, 1. ], dtype=float32)
    """
    min_value = -np.inf if min_value is None else min_value
    max_value = np.inf if max_value is None else max_value
    max_value = max_value if max_value >= min_value else min_value
    return B.clip(x, min_value, max_value)


def maximum(x, y):
    """Elementwise maximum.

    Args:
        x: tensor or number.
        y: tensor or number; the shapes broadcast as in numpy.

    Returns:
        Tensor of the broadcast shape.

    Example:
        >>> K.eval(K.maximum(K.constant([1., 5.]), 2.))
        array([2., 5.], dtype=float32)
    """
    return B.maximum(x, y)


def minimum(x, y):
    """Elementwise minimum.

    Args:
        x: tensor or number.
        y: tensor or number; the shapes broadcast as in numpy.

    Returns:
        Tensor of the broadcast shape.
    """
    return B.minimum(x, y)


def equal(x, y):
    """Elementwise equality (elementwise x == y), as a bool tensor.

    Args:
        x: tensor or number.
        y: tensor or number; the shapes broadcast as in numpy.

    Returns:
        Tensor of the broadcast shape.
    """
    return B.equal(x, y)


def not_equal(x, y):
    """Elementwise inequality (elementwise x != y), as a bool tensor.

    Args:
        x: tensor or number.
        y: tensor or number; the shapes broadcast as in numpy.

    Returns:
        Tensor of the broadcast shape.
    """
    return B.not_equal(x, y)


def greater(x, y):
    """Elementwise comparison (elementwise x > y), as a bool tensor.

    Args:
        x: tensor or number.
        y: tensor or number; the shapes broadcast as in numpy.

    Returns:
        Tensor of the broadcast shape.
    """
    return B.greater(x, y)


def greater_equal(x, y):
    """Elementwise comparison (elementwise x >= y), as a bool tensor.

    Args:
        x: tensor or number.
        y: tensor or number; the shapes broadcast as in numpy.

    Returns:
        Tensor of the broadcast shape.
    """
    return B.greater_equal(x, y)


def less(x, y):
    """Elementwise comparison (elementwise x < y), as a bool tensor.

    Args:
        x: tensor or number.
        y: tensor or number; the shapes broadcast as in numpy.

    Returns:
        Tensor of the broadcast shape.
    """
    return B.less(x, y)


def less_equal(x, y):
    """Elementwise comparison (elementwise x <= y), as a bool tensor.

    Args:
        x: tensor or number.
        y: tensor or number; the shapes broadcast as in numpy.

    Returns:
        Tensor of the broadcast shape.
    """
    return B.less_equal(x, y)


def cast(x, dtype):
    """`x` converted to `dtype`.

    Args:
        x: tensor.
        dtype: 'float32', 'float64', 'int64', 'int32', 'uint8' or 'bool'.

    Returns:
        A tensor.

    Example:
        >>> K.eval(K.cast(K.constant([1.7, -1.7]), 'int64'))
        array([ 1, -1])
    """
    return B.cast(x, dtype)


def cast_to_floatx(x):
    """A numpy array of `x` in floatx.

    Args:
        x: number or array.

    Returns:
        numpy array.
    """
    return np.asarray(x, dtype=floatx())


def switch(condition, then_expression, else_expression):
    """Elementwise (or scalar) choice; callables are called first.

    Args:
        condition: bool tensor (or a scalar), broadcast against the branches.
        then_expression: tensor (or callable returning one) chosen where condition holds.
        else_expression: tensor (or callable returning one) chosen elsewhere.

    Returns:
        A tensor.

    Example:
        >>> x = K.constant([-1., 2.])
        >>> K.eval(K.switch(K.greater(x, 0.), x, K.zeros_like(x)))
        array([0., 2.], dtype=float32)
    """
    then_expression = then_expression() if callable(then_expression) else then_expression
    else_expression = else_expression() if callable(else_expression) else else_expression
    return B.where(condition, then_expression, else_expression)


def l2_normalize(x, axis=None):
    """`x` divided by its L2 norm along `axis` (norm floored at 1e-6).

    Args:
        x: tensor.
        axis: the axis (None: all).

    Returns:
        A tensor of the same shape.

    Example:
        >>> K.eval(K.l2_normalize(K.constant([[3., 4.]]), axis=-1))
        array([[0.6, 0.8]], dtype=float32)
    """
    norm = B.reduce_sum(B.square(x), axis, keepdims=True)
    return x / B.sqrt(B.maximum(norm, 1e-12))


# Reductions and shape functions live in reduce_ops.py and shape_ops.py (file size); this
# module's __all__ still names them, since code (Lambda deserialization) reads
# `K.math_ops.__all__` as the list of the backend's pure math functions.
from .reduce_ops import *  # noqa: E402,F401,F403
from .reduce_ops import __all__ as _REDUCE_ALL  # noqa: E402
from .shape_ops import *  # noqa: E402,F401,F403
from .shape_ops import __all__ as _SHAPE_ALL  # noqa: E402

_ELEMENTWISE = ['square', 'abs', 'sqrt', 'exp', 'log', 'round', 'sign', 'pow', 'clip', 'maximum',
                'minimum', 'equal', 'not_equal', 'greater', 'greater_equal', 'less', 'less_equal',
                'cast', 'cast_to_floatx', 'switch', 'l2_normalize']
__all__ = _ELEMENTWISE + _REDUCE_ALL + _SHAPE_ALL
