"""BatchNormalization (Keras 2.2.4)."""
from .. import backend as K
from .. import initializers, regularizers, constraints
from ..engine.base_layer import Layer, InputSpec
from .utils import layer_label, argument_errors
from ..legacy import legacy_support


@legacy_support('batch_normalization')
class BatchNormalization(Layer):
    """Normalize the activations of the previous layer over each batch.

    In training, `(x - batch_mean) / sqrt(batch_var + epsilon) * gamma + beta`, and the
    moving mean/variance move towards the batch statistics (`momentum`), the variance
    through its unbiased estimate; at test time the moving statistics replace the batch
    ones.

    Args:
        axis: the features axis (default -1; use 1 for channels_first convolutions).
        momentum: of the moving averages (default 0.99).
        epsilon: added to the variance (default 1e-3).
        center: learn an offset `beta`.
        scale: learn a factor `gamma`.
        beta_initializer: default zeros (likewise moving_mean_initializer).
        gamma_initializer: default ones (likewise moving_variance_initializer).
        beta_regularizer: optional (likewise gamma_regularizer, beta_constraint and
            gamma_constraint).

    Example:
        >>> model = Sequential([Dense(8, input_dim=4), BatchNormalization()])
        >>> [w.name.split('/')[-1] for w in model.layers[1].weights]
        ['gamma', 'beta', 'moving_mean', 'moving_variance']
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer='zeros', gamma_initializer='ones',
                 moving_mean_initializer='zeros', moving_variance_initializer='ones',
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.axis = axis
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        with argument_errors(self):
            self.beta_initializer = initializers.get(beta_initializer)
            self.gamma_initializer = initializers.get(gamma_initializer)
            self.moving_mean_initializer = initializers.get(moving_mean_initializer)
            self.moving_variance_initializer = initializers.get(moving_variance_initializer)
            self.beta_regularizer = regularizers.get(beta_regularizer)
            self.gamma_regularizer = regularizers.get(gamma_regularizer)
            self.beta_constraint = constraints.get(beta_constraint)
            self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError('%s: axis %d is out of range for an input of shape %s'
                             % (layer_label(self), self.axis, tuple(input_shape)))
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError('%s: axis %d of the input must have a defined dimension, '
                             'received shape %s' % (layer_label(self), self.axis,
                                                    tuple(input_shape)))
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: dim})
        shape = (dim,)
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(name='gamma', shape=shape,
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(name='beta', shape=shape,
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.moving_mean = self.add_weight(name='moving_mean', shape=shape,
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight(name='moving_variance', shape=shape,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)
        self.built = True

    def _normalize(self, inputs, mean, variance, broadcast_shape):
        """(inputs - mean) / sqrt(variance + epsilon) * gamma + beta, broadcast on axis."""
        def along_axis(v):
            return K.reshape(v, broadcast_shape)
        output = (inputs - along_axis(mean)) / K.sqrt(along_axis(variance) + self.epsilon)
        if self.scale:
            output = output * along_axis(self.gamma)
        if self.center:
            output = output + along_axis(self.beta)
        return output

    def call(self, inputs, training=None):
        shape = K.int_shape(inputs)
        ndim = len(shape)
        axis = self.axis % ndim
        reduction_axes = tuple(i for i in range(ndim) if i != axis)
        broadcast_shape = tuple(shape[axis] if i == axis else 1 for i in range(ndim))

        def normalize_inference():
            return self._normalize(inputs, self.moving_mean, self.moving_variance,
                                   broadcast_shape)
        if training in (0, False):
            return normalize_inference()
        mean = K.mean(inputs, axis=reduction_axes)
        variance = K.var(inputs, axis=reduction_axes)
        normed_training = self._normalize(inputs, mean, variance, broadcast_shape)
        # The moving variance tracks the unbiased (sample) variance, as Keras does.
        sample_size = K.sum(K.ones_like(inputs)) / float(shape[axis])
        variance = variance * (sample_size / (sample_size - (1.0 + self.epsilon)))
        self.add_update([K.moving_average_update(self.moving_mean, mean, self.momentum),
                         K.moving_average_update(self.moving_variance, variance,
                                                 self.momentum)], inputs)
        return K.in_train_phase(normed_training, normalize_inference, training=training)

    def get_config(self):
        config = {
            'axis': self.axis,
            'momentum': self.momentum,
            'epsilon': self.epsilon,
            'center': self.center,
            'scale': self.scale,
            'beta_initializer': initializers.serialize(self.beta_initializer),
            'gamma_initializer': initializers.serialize(self.gamma_initializer),
            'moving_mean_initializer': initializers.serialize(self.moving_mean_initializer),
            'moving_variance_initializer':
                initializers.serialize(self.moving_variance_initializer),
            'beta_regularizer': regularizers.serialize(self.beta_regularizer),
            'gamma_regularizer': regularizers.serialize(self.gamma_regularizer),
            'beta_constraint': constraints.serialize(self.beta_constraint),
            'gamma_constraint': constraints.serialize(self.gamma_constraint),
        }
        return dict(super().get_config(), **config)
