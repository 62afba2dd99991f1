"""Activation layers with parameters (Keras 2.2.4): LeakyReLU, PReLU, ELU, ThresholdedReLU,
Softmax, ReLU. Each keeps the shape of its input."""
from .. import backend as K
from .. import activations, initializers, regularizers, constraints
from ..engine.base_layer import Layer, InputSpec
from .utils import layer_label
from ..legacy import legacy_support


class LeakyReLU(Layer):
    """`x` for x >= 0, `alpha * x` below.

    Args:
        alpha: float >= 0, the slope below zero (default 0.3).

    Example:
        >>> y = LeakyReLU(alpha=0.1)(Dense(64)(x))
    """

    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha = float(alpha)

    def call(self, inputs):
        return K.relu(inputs, alpha=self.alpha)

    def get_config(self):
        return dict(super().get_config(), alpha=self.alpha)


@legacy_support('prelu')
class PReLU(Layer):
    """Parametric ReLU: `x` for x >= 0, `alpha * x` below, with `alpha` a learned array
    of the input's shape (without the batch axis).

    Args:
        alpha_initializer: default 'zeros' (starts as a plain ReLU).
        alpha_regularizer, alpha_constraint: for the alpha weights.
        shared_axes: axes (numbered with the batch axis as 0) along which alpha is
            shared, e.g. [1, 2] for one alpha per channel of (batch, rows, cols, channels).
    """

    def __init__(self, alpha_initializer='zeros', alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, int):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = [int(axis) for axis in shared_axes]

    def build(self, input_shape):
        shared = set(self.shared_axes or ())
        rank = len(input_shape)
        if any(not 0 < axis < rank for axis in shared):
            raise ValueError('%s: shared_axes must be between 1 and %d for an input of shape '
                             '%s, received %s' % (layer_label(self), rank - 1,
                                                  tuple(input_shape), self.shared_axes))
        param_shape = [1 if axis in shared else input_shape[axis] for axis in range(1, rank)]
        if None in param_shape:
            raise ValueError('%s: every non-shared axis must have a defined size, received '
                             'input shape %s (shared_axes=%s)'
                             % (layer_label(self), tuple(input_shape), self.shared_axes))
        self.alpha = self.add_weight(name='alpha', shape=param_shape,
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        axes = {axis: input_shape[axis] for axis in range(1, rank) if axis not in shared}
        self.input_spec = InputSpec(ndim=rank, axes=axes)
        self.built = True

    def call(self, inputs):
        return K.relu(inputs) - self.alpha * K.relu(-inputs)

    def get_config(self):
        config = {
            'alpha_initializer': initializers.serialize(self.alpha_initializer),
            'alpha_regularizer': regularizers.serialize(self.alpha_regularizer),
            'alpha_constraint': constraints.serialize(self.alpha_constraint),
            'shared_axes': self.shared_axes,
        }
        return dict(super().get_config(), **config)


class ELU(Layer):
    """Exponential linear unit: `x` for x > 0, `alpha * (exp(x) - 1)` below.

    Args:
        alpha: float, the scale of the negative part (default 1.0).
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha = float(alpha)

    def call(self, inputs):
        return K.elu(inputs, self.alpha)

    def get_config(self):
        return dict(super().get_config(), alpha=self.alpha)


class ThresholdedReLU(Layer):
    """`x` for x > theta, 0 otherwise.

    Args:
        theta: float >= 0, the threshold (default 1.0).
    """

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.theta = float(theta)

    def call(self, inputs):
        return inputs * K.cast(K.greater(inputs, self.theta), K.dtype(inputs))

    def get_config(self):
        return dict(super().get_config(), theta=self.theta)


class Softmax(Layer):
    """Softmax over `axis`.

    Args:
        axis: the normalized axis (default -1).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.axis = axis

    def call(self, inputs):
        return activations.softmax(inputs, axis=self.axis)

    def get_config(self):
        return dict(super().get_config(), axis=self.axis)


class ReLU(Layer):
    """Rectified linear unit with Keras 2.2.4's options: `max_value` above the cap,
    `x` for threshold <= x < max_value, `negative_slope * (x - threshold)` below.

    Args:
        max_value: float >= 0 or None (no cap).
        negative_slope: float >= 0 (default 0).
        threshold: float (default 0).

    Example:
        >>> y = ReLU(max_value=6.)(x)   # ReLU6
    """

    def __init__(self, max_value=None, negative_slope=0., threshold=0., **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.:
            raise ValueError('%s: max_value cannot be negative, received %r'
                             % (layer_label(self), max_value))
        if negative_slope < 0.:
            raise ValueError('%s: negative_slope cannot be negative, received %r'
                             % (layer_label(self), negative_slope))
        self.supports_masking = True
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)

    def call(self, inputs):
        return K.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                      threshold=self.threshold)

    def get_config(self):
        config = {'max_value': self.max_value, 'negative_slope': self.negative_slope,
                  'threshold': self.threshold}
        return dict(super().get_config(), **config)
