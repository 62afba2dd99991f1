"""Regularisation layers active only in training (Keras 2.2.4): GaussianNoise,
GaussianDropout, AlphaDropout, SpatialDropout1D/2D/3D. At test time each is the identity."""
import numpy as np

from .. import backend as K
from ..engine.base_layer import Layer, InputSpec
from .core import Dropout
from .utils import layer_label
from ..legacy import legacy_support


def _check_rate(layer, rate):
    if not 0. <= rate <= 1.:
        raise ValueError('%s: `rate` must be in [0, 1], received %r' % (layer_label(layer),
                                                                         rate))
    return float(rate)


@legacy_support('gaussian_noise')
class GaussianNoise(Layer):
    """Add zero-centred Gaussian noise of standard deviation `stddev` in training.

    Args:
        stddev: float, the standard deviation of the noise.

    Example:
        >>> y = GaussianNoise(0.1)(Input(shape=(20,)))
    """

    def __init__(self, stddev, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.stddev = float(stddev)

    def call(self, inputs, training=None):
        def noised():
            return inputs + K.random_normal(inputs, mean=0., stddev=self.stddev)
        return K.in_train_phase(noised, inputs, training=training)

    def get_config(self):
        return dict(super().get_config(), stddev=self.stddev)


@legacy_support('dropout')
class GaussianDropout(Layer):
    """Multiply by Gaussian noise of mean 1 and standard deviation sqrt(rate / (1 - rate))
    in training.

    Args:
        rate: float in [0, 1), the drop probability of the equivalent Dropout.
    """

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.rate = _check_rate(self, rate)

    def call(self, inputs, training=None):
        if not 0. < self.rate < 1.:
            return inputs
        stddev = np.sqrt(self.rate / (1.0 - self.rate))

        def noised():
            return inputs * K.random_normal(inputs, mean=1.0, stddev=stddev)
        return K.in_train_phase(noised, inputs, training=training)

    def get_config(self):
        return dict(super().get_config(), rate=self.rate)


def _noise_reference(inputs, noise_shape):
    """A tensor shaped like `noise_shape` (1 entries cut out of `inputs`) to draw from."""
    reference = inputs
    if noise_shape is None:
        return reference
    for axis, size in enumerate(noise_shape):
        if size == 1 and K.int_shape(inputs)[axis] != 1:
            index = (slice(None),) * axis + (slice(0, 1),)
            reference = reference[index]
    return reference


class AlphaDropout(Layer):
    """Dropout that keeps the mean and variance of its inputs (for SELU networks): dropped
    units are set to -alpha * scale of SELU, then an affine map restores the moments.

    Args:
        rate: float in [0, 1], the drop probability.
        noise_shape: shape of the binary mask (1 entries share a value), or None.
        seed: integer seed.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.rate = _check_rate(self, rate)
        self.noise_shape = noise_shape
        self.seed = seed

    def _dropped(self, inputs):
        alpha_p = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946
        rate = self.rate
        uniform = K.random_uniform(_noise_reference(inputs, self.noise_shape), seed=self.seed)
        kept = K.cast(K.greater_equal(uniform, rate), K.dtype(inputs))
        scale = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
        shift = -scale * alpha_p * rate
        return (inputs * kept + (1 - kept) * alpha_p) * scale + shift

    def call(self, inputs, training=None):
        if not 0. < self.rate < 1.:
            return inputs
        return K.in_train_phase(lambda: self._dropped(inputs), inputs, training=training)

    def get_config(self):
        config = {'rate': self.rate, 'noise_shape': self.noise_shape, 'seed': self.seed}
        return dict(super().get_config(), **config)


@legacy_support('dropout')
class SpatialDropout1D(Dropout):
    """Dropout of whole feature maps of (batch, steps, channels): one mask entry per
    sample and channel, shared by all steps.

    Args:
        rate: float in [0, 1], the fraction of channels dropped.
    """

    def __init__(self, rate, **kwargs):
        super().__init__(rate, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _get_noise_shape(self, inputs):
        shape = K.int_shape(inputs)
        return (shape[0], 1, shape[2])


@legacy_support('spatial_dropout')
class SpatialDropout2D(Dropout):
    """Dropout of whole feature maps of an image tensor: one mask entry per sample and
    channel, shared by all rows and cols (adjacent pixels are strongly correlated, so
    per-pixel dropout barely regularises convolutions).

    Args:
        rate: float in [0, 1], the fraction of channels dropped.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(rate, **kwargs)
        self.data_format = K.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def _get_noise_shape(self, inputs):
        shape = K.int_shape(inputs)
        if self.data_format == 'channels_first':
            return (shape[0], shape[1], 1, 1)
        return (shape[0], 1, 1, shape[3])

    def get_config(self):
        return dict(super().get_config(), data_format=self.data_format)


@legacy_support('spatial_dropout')
class SpatialDropout3D(SpatialDropout2D):
    """SpatialDropout2D for 5-D volumes: one mask entry per sample and channel.

    Args:
        rate: float in [0, 1], the fraction of channels dropped.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(rate, data_format, **kwargs)
        self.input_spec = InputSpec(ndim=5)

    def _get_noise_shape(self, inputs):
        shape = K.int_shape(inputs)
        if self.data_format == 'channels_first':
            return (shape[0], shape[1], 1, 1, 1)
        return (shape[0], 1, 1, 1, shape[4])
