"""Backend random tensors (Keras 2.2.4 signatures): random_uniform, random_normal,
truncated_normal, random_binomial.

`shape` is a tuple of ints, as in Keras, whose entries may also be 0-d integer tensors
(`(K.shape(x)[0], 3)`: sizes read at run time); a symbolic tensor is also accepted and
means "shaped like this tensor" (its run-time shape, so an unknown batch size works).
Every call of a compiled function draws new numbers from a counter-based generator.
"""
import numpy as np

from compiler import builders as B
from compiler.ir import constant, is_tensor, normalize_dtype
from compiler.ops.movement import Pad

from .config import floatx
from .variables import variable


def _random_state(seed):
    """A [seed, counter] variable whose counter advances at every call of a function."""
    if seed is None:
        seed = np.random.randint(10_000_000)
    state = variable(np.array([seed, 0]), dtype='int64', name='rng_state')
    state.default_update = state + B.as_tensor(np.array([0, 1], dtype='int64'))
    return state


def _static_shape(name, shape):
    """`shape` (an int or a sequence of ints >= 0) as a tuple, else a ValueError."""
    dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(np.ravel(shape))
    if any(d is None or int(d) != d or d < 0 for d in dims):
        raise ValueError(f"{name}: expected a shape of ints >= 0 (or a tensor to take the "
                         f"shape of), received {shape!r}")
    return tuple(int(d) for d in dims)


def _reference(name, shape, count):
    """A tensor of shape (count,) + shape (values unused: the generator reads its shape).

    A static shape pads a one-element constant (no big constant in the graph); a tensor
    is stacked `count` times, so unknown dimensions are known at run time."""
    if is_tensor(shape):
        return B.concat([B.expand_dims(shape, 0)] * count, 0)
    if isinstance(shape, (tuple, list)) and any(is_tensor(d) for d in shape):
        return _run_time_reference(name, shape, count)
    dims = (count,) + _static_shape(name, shape)
    if 0 in dims:
        return constant(np.zeros(dims, 'uint8'))
    seed = constant(np.zeros((1,) * len(dims), 'uint8'))
    return Pad(pads=tuple((0, d - 1) for d in dims), value=0.0)(seed)


def _run_time_reference(name, shape, count):
    """Zeros of shape (count,) + shape, whose entries mix ints and 0-d integer tensors
    (`(K.shape(x)[0], 3)`): sizes read at run time."""
    try:
        return B.alloc_zeros((count,) + tuple(shape), 'uint8')
    except ValueError as error:
        raise ValueError(f"{name}: expected a shape of ints >= 0 and 0-d integer tensors, "
                         f"received {shape!r} ({error})") from None


def _float_dtype(name, shape, dtype):
    """The result dtype: `dtype`, else a tensor shape's float dtype, else floatx()."""
    if dtype is None:
        like = shape.dtype if is_tensor(shape) else ''
        return like if like.startswith('float') else floatx()
    dtype = normalize_dtype(dtype, name)
    if dtype not in ('float32', 'float64'):
        raise ValueError(f"{name}: dtype must be 'float32' or 'float64', received {dtype!r}")
    return dtype


def _uniforms(name, shape, count, dtype, seed):
    """`count` independent uniform [0, 1) tensors of the requested shape."""
    draws = B.random_uniform(_reference(name, shape, count), _random_state(seed), dtype)
    if count == 1:
        return [B.squeeze(draws, 0)]
    return [B.squeeze(B.slice_axis(draws, 0, i, i + 1), 0) for i in range(count)]


def _normal_pairs(name, shape, pairs, dtype, seed):
    """2 * `pairs` independent standard normal tensors (Box-Muller: each pair of uniforms
    gives r cos(theta) and r sin(theta))."""
    uniforms = _uniforms(name, shape, 2 * pairs, dtype, seed)
    normals = []
    for i in range(pairs):
        radius = B.sqrt(B.neg(B.log(1.0 - uniforms[2 * i])) * 2.0)
        angle = uniforms[2 * i + 1] * (2 * np.pi)
        normals += [radius * B.cos(angle), radius * B.sin(angle)]
    return normals


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform numbers in [minval, maxval), new at every call.

    Args:
        shape: tuple of ints, or a tensor whose (run-time) shape the result takes.
        minval: lower bound.
        maxval: upper bound.
        dtype: 'float32' or 'float64' (None: a tensor shape's float dtype, else floatx()).
        seed: integer seed (None: a random one).

    Returns:
        A tensor; each call of the compiled function draws new numbers.

    Example:
        >>> u = K.eval(K.random_uniform((1000,), minval=-2., maxval=2., seed=1))
        >>> u.shape, bool(u.min() >= -2. and u.max() < 2.)
        ((1000,), True)
    """
    dtype = _float_dtype('random_uniform', shape, dtype)
    (uniform,) = _uniforms('random_uniform', shape, 1, dtype, seed)
    if not is_tensor(minval) and not is_tensor(maxval) and (minval, maxval) == (0, 1):
        return uniform
    return uniform * (maxval - minval) + minval


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal numbers, new at every call (a Box-Muller transform of uniform draws).

    Args:
        shape: tuple of ints, or a tensor whose (run-time) shape the result takes.
        mean: mean.
        stddev: standard deviation.
        dtype: 'float32' or 'float64' (None: a tensor shape's float dtype, else floatx()).
        seed: integer seed (None: a random one).

    Returns:
        A tensor; each call of the compiled function draws new numbers.

    Example:
        >>> K.int_shape(K.random_normal((2, 3), mean=1., stddev=0.5, seed=3))
        (2, 3)
    """
    dtype = _float_dtype('random_normal', shape, dtype)
    normal = _normal_pairs('random_normal', shape, 1, dtype, seed)[0]
    return normal * stddev + mean


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal numbers with every value more than two standard deviations from the mean
    redrawn (Keras's truncated normal: its standard deviation is about 0.88 * stddev).

    Four candidates are drawn per element and the first within two standard deviations
    kept; when all four fall outside (probability 4e-6) the last is clipped to the bounds.

    Args:
        shape: tuple of ints, or a tensor whose (run-time) shape the result takes.
        mean: mean.
        stddev: standard deviation before truncation.
        dtype: 'float32' or 'float64' (None: a tensor shape's float dtype, else floatx()).
        seed: integer seed (None: a random one).

    Returns:
        A tensor; each call of the compiled function draws new numbers.

    Example:
        >>> t = K.eval(K.truncated_normal((1000,), stddev=2., seed=5))
        >>> bool(np.abs(t).max() <= 4.)
        True
    """
    dtype = _float_dtype('truncated_normal', shape, dtype)
    candidates = _normal_pairs('truncated_normal', shape, 2, dtype, seed)
    chosen = B.clip(candidates[-1], -2.0, 2.0)
    for candidate in reversed(candidates[:-1]):
        chosen = B.where(B.less_equal(B.abs_(candidate), 2.0), candidate, chosen)
    return chosen * stddev + mean


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    """1 with probability `p`, else 0, new at every call.

    Args:
        shape: tuple of ints, or a tensor whose (run-time) shape the result takes.
        p: probability of a 1.
        dtype: dtype of the result (None: floatx()).
        seed: integer seed (None: a random one).

    Returns:
        A tensor of 0s and 1s.

    Example:
        >>> b = K.eval(K.random_binomial((4,), p=1.0, seed=2))
        >>> b, b.dtype
        (array([1., 1., 1., 1.], dtype=float32), dtype('float32'))
    """
    dtype = floatx() if dtype is None else normalize_dtype(dtype, 'random_binomial')
    (uniform,) = _uniforms('random_binomial', shape, 1, 'float64', seed)
    return B.cast(B.less(uniform, B.as_tensor(p, uniform)), dtype)


__all__ = ['random_uniform', 'random_normal', 'truncated_normal', 'random_binomial']
