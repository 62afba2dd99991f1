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
    """Clip to [min_value, max_value], elementwise (Theano's clip).

    As in Keras 2.2.4, the rule "a max below min becomes min" applies only when both bounds
    are numbers. Tensor (or array) bounds broadcast against x and follow Theano's rule
    elementwise: min where x < min, else max where x > max, else x; so where min > max,
    the entries below min give min and the others max (numpy's clip would give max).

    Args:
        x: tensor.
        min_value: lower bound: number, array or tensor (None: no lower bound).
        max_value: upper bound: number, array or tensor (None: no upper bound).

    Returns:
        A tensor of the broadcast shape.

    Example:
        >>> K.eval(K.clip(K.constant([-1., 0.5, 2.]), 0., 1.))
        array([0. , 0.5, 1. ], dtype=float32)
        >>> K.eval(K.clip(K.constant([-1., 0.5, 2.]), K.constant(0.), K.constant(1.)))
        array([0. , 0.5, 1. ], dtype=float32)
    """
    if _is_number(min_value) and _is_number(max_value) and max_value < min_value:
        max_value = min_value
    min_value = -np.inf if min_value is None else min_value
    max_value = np.inf if max_value is None else max_value
    if _is_number(min_value) and _is_number(max_value):
        return B.clip(x, min_value, max_value)
    x = B.as_tensor(x)
    low, high = B.as_tensor(min_value, x), B.as_tensor(max_value, x)
    return B.where(B.less(x, low), low, B.where(B.greater(x, high), high, x))


def _is_number(value):
    """A Python or numpy number (not None, not an array with entries, not a tensor)."""
    return value is not None and not B.is_tensor(value) and np.ndim(value) == 0


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

    A condition of lower rank than the branches gets trailing axes of size 1 until the
    ranks match (Keras 2.2.4), so a (batch,) condition chooses whole rows.

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
    condition = B.as_tensor(condition)
    ndim = int(np.max([_ndim(then_expression), _ndim(else_expression)]))
    if 0 < condition.ndim < ndim:
        condition = B.expand_dims(condition, tuple(range(condition.ndim, ndim)))
    return B.where(condition, then_expression, else_expression)


def _ndim(value):
    return value.ndim if B.is_tensor(value) else np.ndim(value)


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


# Reductions, shape functions and more math live in reduce_ops.py, shape_ops.py and
# math_extra.py (file size); this module's __all__ still names them: symkeras.backend
# gets math_extra's functions through it (`from .math_ops import *`).
from .reduce_ops import *  # noqa: E402,F401,F403
from .reduce_ops import __all__ as _REDUCE_ALL  # noqa: E402
from .shape_ops import *  # noqa: E402,F401,F403
from .shape_ops import __all__ as _SHAPE_ALL  # noqa: E402
from .math_extra import *  # noqa: E402,F401,F403
from .math_extra import __all__ as _EXTRA_ALL  # noqa: E402

_ELEMENTWISE = ['square', 'abs', 'sqrt', 'exp', 'log', 'round', 'sign', 'pow', 'clip', 'maximum',
                'minimum', 'equal', 'not_equal', 'greater', 'greater_equal', 'less', 'less_equal',
                'cast', 'cast_to_floatx', 'switch', 'l2_normalize']
__all__ = _ELEMENTWISE + _REDUCE_ALL + _SHAPE_ALL + _EXTRA_ALL
