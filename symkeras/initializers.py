"""Weight initializers (Keras 2.2.4). Each is called as `init(shape, dtype=None)` and returns
a numpy array of that shape and dtype (`K.variable` takes the numpy value).

Example:
    >>> from symkeras import initializers
    >>> initializers.get('glorot_uniform')((784, 10)).shape
    (784, 10)
"""
import numpy as np

from . import backend as K
from ._serialization import deserialize_object, serialize_object

_TRUNCATED_NORMAL_STD = .87962566103423978   # std of a unit normal truncated at +-2
_FAN_MODES = ('fan_in', 'fan_out', 'fan_avg')
_DISTRIBUTIONS = ('normal', 'uniform')


def _rng(seed):
    """A seeded generator, or numpy's global one (so np.random.seed applies) when None."""
    return np.random.RandomState(seed) if seed is not None else np.random.mtrand._rand


def _shape(shape):
    return tuple(int(d) for d in shape)


def _truncated_normal(rng, mean, stddev, shape):
    """Normal samples redrawn until within two standard deviations of the mean."""
    values = rng.normal(0., 1., size=shape)
    outside = np.abs(values) > 2.
    while outside.any():
        values[outside] = rng.normal(0., 1., size=int(outside.sum()))
        outside = np.abs(values) > 2.
    return mean + stddev * values


def _compute_fans(shape, data_format='channels_last'):
    """(fan_in, fan_out) of a weight shape (dense, or convolution kernels of rank 3-5)."""
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) in (3, 4, 5):
        if data_format == 'channels_first':
            receptive = int(np.prod(shape[2:]))
            return shape[1] * receptive, shape[0] * receptive
        receptive = int(np.prod(shape[:-2]))
        return shape[-2] * receptive, shape[-1] * receptive
    fan = np.sqrt(np.prod(shape))
    return fan, fan


class Initializer:
    """Base class: `__call__(shape, dtype=None)` returns a numpy array.

    A subclass implements `__call__` and, when it takes arguments, `get_config`.

    Example:
        >>> class Halves(Initializer):
        ...     def __call__(self, shape, dtype=None):
        ...         return np.full(shape, 0.5, dtype=dtype or K.floatx())
        >>> layer = Dense(2, kernel_initializer=Halves())
        >>> layer.build((None, 3))
        >>> layer.get_weights()[0]
        array([[0.5, 0.5],
               [0.5, 0.5],
               [0.5, 0.5]], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self):
        """The constructor arguments, as a dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Rebuild from `get_config()` output (a 'dtype' entry is ignored, as in Keras)."""
        config = dict(config)
        config.pop('dtype', None)
        return cls(**config)


class Zeros(Initializer):
    """All zeros.

    Call it as `init(shape, dtype=None)`; it returns a numpy array of that shape and
    dtype (default `K.floatx()`).

    Example:
        >>> Zeros()((2,))
        array([0., 0.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        return np.zeros(_shape(shape), dtype=dtype or K.floatx())


class Ones(Initializer):
    """All ones.

    Call it as `init(shape, dtype=None)`; it returns a numpy array of that shape and
    dtype (default `K.floatx()`).
    """

    def __call__(self, shape, dtype=None):
        return np.ones(_shape(shape), dtype=dtype or K.floatx())


class Constant(Initializer):
    """All equal to `value`.

    Args:
        value: the constant (default 0).

    Example:
        >>> Constant(0.5)((2, 2))
        array([[0.5, 0.5],
               [0.5, 0.5]], dtype=float32)
    """

    def __init__(self, value=0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return np.full(_shape(shape), self.value, dtype=dtype or K.floatx())

    def get_config(self):
        return {'value': self.value}


class RandomNormal(Initializer):
    """Normal distribution N(mean, stddev**2).

    Args:
        mean: mean (default 0).
        stddev: standard deviation (default 0.05).
        seed: integer seed (same seed, same values).

    Example:
        >>> RandomNormal(stddev=0.01, seed=1)((3, 4)).shape
        (3, 4)
    """

    def __init__(self, mean=0., stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape, dtype=None):
        values = _rng(self.seed).normal(self.mean, self.stddev, size=_shape(shape))
        return values.astype(dtype or K.floatx())

    def get_config(self):
        return {'mean': self.mean, 'stddev': self.stddev, 'seed': self.seed}


class RandomUniform(Initializer):
    """Uniform distribution on [minval, maxval).

    Args:
        minval: lower bound (default -0.05).
        maxval: upper bound (default 0.05).
        seed: integer seed.
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed

    def __call__(self, shape, dtype=None):
        values = _rng(self.seed).uniform(self.minval, self.maxval, size=_shape(shape))
        return values.astype(dtype or K.floatx())

    def get_config(self):
        return {'minval': self.minval, 'maxval': self.maxval, 'seed': self.seed}


class TruncatedNormal(Initializer):
    """Normal N(mean, stddev**2) with samples beyond two stddevs redrawn.

    Args:
        mean: mean (default 0).
        stddev: standard deviation before truncation (default 0.05).
        seed: integer seed.
    """

    def __init__(self, mean=0., stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape, dtype=None):
        values = _truncated_normal(_rng(self.seed), self.mean, self.stddev, _shape(shape))
        return values.astype(dtype or K.floatx())

    def get_config(self):
        return {'mean': self.mean, 'stddev': self.stddev, 'seed': self.seed}


class VarianceScaling(Initializer):
    """Scale-aware initialization: variance `scale / n`, with n the fan in, fan out or their
    average.

    Args:
        scale: positive float (default 1).
        mode: 'fan_in', 'fan_out' or 'fan_avg'.
        distribution: 'normal' (truncated normal, stddev sqrt(scale / n)) or 'uniform'
            (within +-sqrt(3 * scale / n)).
        seed: integer seed.

    Raises:
        ValueError: non-positive scale, unknown mode or distribution.

    Example:
        >>> init = VarianceScaling(scale=2., mode='fan_in', distribution='uniform', seed=0)
        >>> bool(np.abs(init((100, 10))).max() <= np.sqrt(3 * 2. / 100))
        True
    """

    def __init__(self, scale=1.0, mode='fan_in', distribution='normal', seed=None):
        if scale <= 0.:
            raise ValueError('VarianceScaling: `scale` must be a positive float, received %r'
                             % (scale,))
        mode = mode.lower()
        if mode not in _FAN_MODES:
            raise ValueError('VarianceScaling: invalid `mode` %r; valid choices: %s'
                             % (mode, ', '.join(_FAN_MODES)))
        distribution = distribution.lower()
        if distribution not in _DISTRIBUTIONS:
            raise ValueError('VarianceScaling: invalid `distribution` %r; valid choices: %s'
                             % (distribution, ', '.join(_DISTRIBUTIONS)))
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed

    def __call__(self, shape, dtype=None):
        shape = _shape(shape)
        fan_in, fan_out = _compute_fans(shape)
        fan = {'fan_in': fan_in, 'fan_out': fan_out, 'fan_avg': (fan_in + fan_out) / 2.}
        scale = self.scale / max(1., float(fan[self.mode]))
        rng = _rng(self.seed)
        if self.distribution == 'normal':
            stddev = np.sqrt(scale) / _TRUNCATED_NORMAL_STD
            values = _truncated_normal(rng, 0., stddev, shape)
        else:
            limit = np.sqrt(3. * scale)
            values = rng.uniform(-limit, limit, size=shape)
        return values.astype(dtype or K.floatx())

    def get_config(self):
        return {'scale': self.scale, 'mode': self.mode, 'distribution': self.distribution,
                'seed': self.seed}


class Orthogonal(Initializer):
    """A random orthogonal matrix (of the shape flattened to (prod(shape[:-1]),
    shape[-1])), times `gain`.

    Args:
        gain: multiplicative factor (default 1).
        seed: integer seed.

    Example:
        >>> q = Orthogonal(seed=0)((4, 4))
        >>> np.allclose(q.T @ q, np.eye(4), atol=1e-5)
        True
    """

    def __init__(self, gain=1., seed=None):
        self.gain = gain
        self.seed = seed

    def __call__(self, shape, dtype=None):
        shape = _shape(shape)
        flat_shape = (int(np.prod(shape[:-1])), shape[-1])
        normal = _rng(self.seed).normal(0., 1., flat_shape)
        u, _, v = np.linalg.svd(normal, full_matrices=False)
        q = u if u.shape == flat_shape else v
        return (self.gain * q.reshape(shape)).astype(dtype or K.floatx())

    def get_config(self):
        return {'gain': self.gain, 'seed': self.seed}


class Identity(Initializer):
    """`gain` times the identity matrix (2-D square shapes only).

    Args:
        gain: multiplicative factor (default 1).

    Raises:
        ValueError: (when called) the shape is not a square matrix.
    """

    def __init__(self, gain=1.):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = _shape(shape)
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ValueError('Identity initializer: can only be used for 2D square matrices, '
                             'received shape %s' % (shape,))
        return (self.gain * np.eye(shape[0])).astype(dtype or K.floatx())

    def get_config(self):
        return {'gain': self.gain}


def lecun_uniform(seed=None):
    """Uniform within +-sqrt(3 / fan_in).

    Args:
        seed: integer seed.

    Returns:
        A `VarianceScaling` initializer.
    """
    return VarianceScaling(scale=1., mode='fan_in', distribution='uniform', seed=seed)


def lecun_normal(seed=None):
    """Truncated normal with stddev sqrt(1 / fan_in).

    Args:
        seed: integer seed.

    Returns:
        A `VarianceScaling` initializer.
    """
    return VarianceScaling(scale=1., mode='fan_in', distribution='normal', seed=seed)


def glorot_uniform(seed=None):
    """Glorot/Xavier uniform: within +-sqrt(6 / (fan_in + fan_out)).

    Args:
        seed: integer seed.

    Returns:
        A `VarianceScaling` initializer.
    """
    return VarianceScaling(scale=1., mode='fan_avg', distribution='uniform', seed=seed)


def glorot_normal(seed=None):
    """Glorot/Xavier normal: truncated normal, stddev sqrt(2 / (fan_in + fan_out)).

    Args:
        seed: integer seed.

    Returns:
        A `VarianceScaling` initializer.
    """
    return VarianceScaling(scale=1., mode='fan_avg', distribution='normal', seed=seed)


def he_uniform(seed=None):
    """He uniform: within +-sqrt(6 / fan_in).

    Args:
        seed: integer seed.

    Returns:
        A `VarianceScaling` initializer.
    """
    return VarianceScaling(scale=2., mode='fan_in', distribution='uniform', seed=seed)


def he_normal(seed=None):
    """He normal: truncated normal, stddev sqrt(2 / fan_in).

    Args:
        seed: integer seed.

    Returns:
        A `VarianceScaling` initializer.
    """
    return VarianceScaling(scale=2., mode='fan_in', distribution='normal', seed=seed)


# Keras's lower-case aliases.
zero = zeros = Zeros
one = ones = Ones
constant = Constant
uniform = random_uniform = RandomUniform
normal = random_normal = RandomNormal
truncated_normal = TruncatedNormal
identity = Identity
orthogonal = Orthogonal

_INITIALIZERS = {
    'Zeros': Zeros, 'Ones': Ones, 'Constant': Constant, 'RandomNormal': RandomNormal,
    'RandomUniform': RandomUniform, 'TruncatedNormal': TruncatedNormal,
    'VarianceScaling': VarianceScaling, 'Orthogonal': Orthogonal, 'Identity': Identity,
    'zero': Zeros, 'zeros': Zeros, 'one': Ones, 'ones': Ones, 'constant': Constant,
    'uniform': RandomUniform, 'random_uniform': RandomUniform, 'normal': RandomNormal,
    'random_normal': RandomNormal, 'truncated_normal': TruncatedNormal,
    'identity': Identity, 'orthogonal': Orthogonal,
    'lecun_uniform': lecun_uniform, 'lecun_normal': lecun_normal,
    'glorot_uniform': glorot_uniform, 'glorot_normal': glorot_normal,
    'he_uniform': he_uniform, 'he_normal': he_normal,
}


def serialize(initializer):
    """{'class_name': ..., 'config': ...} of an initializer.

    Args:
        initializer: an Initializer.

    Returns:
        A JSON-friendly dict.
    """
    return serialize_object(initializer)


def deserialize(config, custom_objects=None):
    """An initializer from `serialize` output (custom_objects searched first).

    Args:
        config: a name or a {'class_name', 'config'} dict.
        custom_objects: optional {name: class or function}.

    Returns:
        The initializer.
    """
    return deserialize_object(config, _INITIALIZERS, custom_objects, 'initializer')


def get(identifier):
    """An initializer from a name ('glorot_uniform', 'zeros', ...), a config dict or a
    callable.

    Args:
        identifier: a name, a `serialize` dict or a callable `f(shape, dtype=None)`.

    Returns:
        The initializer (a callable).

    Raises:
        ValueError: unknown name (the message lists the valid choices) or uninterpretable
            identifier.
    """
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({'class_name': identifier, 'config': {}})
    if callable(identifier):
        return identifier
    raise ValueError('Could not interpret initializer identifier: %r (expected a name, a '
                     'config dict or a callable)' % (identifier,))
