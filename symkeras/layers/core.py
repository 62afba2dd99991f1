"""Core layers (Keras 2.2.4): Dense, Activation, Dropout, Flatten, Reshape, Permute,
RepeatVector, Lambda."""
import numpy as np

from .. import backend as K
from .. import activations, initializers, regularizers, constraints
from ..engine.base_layer import Layer, InputSpec
from .utils import layer_label, check_input_shape, argument_errors
from ..legacy import legacy_support


@legacy_support('dense')
class Dense(Layer):
    """Fully connected layer: `activation(dot(input, kernel) + bias)` on the last axis.

    Args:
        units: output size.
        activation: name or function (default: none, i.e. linear).
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers (glorot_uniform, zeros).
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.

    Input shape (batch, ..., input_dim); output shape (batch, ..., units).

    Example:
        >>> x = Input(shape=(784,))
        >>> y = Dense(10, activation='softmax')(x)
    """

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        if 'input_shape' not in kwargs and 'input_dim' in kwargs:
            kwargs['input_shape'] = (kwargs.pop('input_dim'),)
        super().__init__(**kwargs)
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError('%s: `units` must be a positive integer, received %r'
                             % (layer_label(self), units))
        self.units = int(units)
        with argument_errors(self):
            self.activation = activations.get(activation)
            self.use_bias = use_bias
            self.kernel_initializer = initializers.get(kernel_initializer)
            self.bias_initializer = initializers.get(bias_initializer)
            self.kernel_regularizer = regularizers.get(kernel_regularizer)
            self.bias_regularizer = regularizers.get(bias_regularizer)
            self.activity_regularizer = regularizers.get(activity_regularizer)
            self.kernel_constraint = constraints.get(kernel_constraint)
            self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        check_input_shape(self, input_shape, min_ndim=2)
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError('%s: the last dimension of the input must be defined, received %s'
                             % (layer_label(self), tuple(input_shape)))
        self.kernel = self.add_weight(
            name='kernel', shape=(input_dim, self.units), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name='bias', shape=(self.units,), initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def assert_input_compatibility(self, inputs):
        """Check the last dimension against the kernel, then the generic InputSpec."""
        if self.built and K.is_tensor(inputs):
            shape = K.int_shape(inputs)
            expected = K.int_shape(self.kernel)[0]
            if shape and shape[-1] is not None and shape[-1] != expected:
                raise ValueError('%s: expected input with last dimension %d, received %s'
                                 % (layer_label(self), expected, shape))
        super().assert_input_compatibility(inputs)

    def call(self, inputs):
        output = K.dot(inputs, self.kernel)
        if self.use_bias:
            output = K.bias_add(output, self.bias, data_format='channels_last')
        return self.activation(output)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, min_ndim=2)
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = {
            'units': self.units,
            'activation': activations.serialize(self.activation),
            'use_bias': self.use_bias,
            'kernel_initializer': initializers.serialize(self.kernel_initializer),
            'bias_initializer': initializers.serialize(self.bias_initializer),
            'kernel_regularizer': regularizers.serialize(self.kernel_regularizer),
            'bias_regularizer': regularizers.serialize(self.bias_regularizer),
            'activity_regularizer': regularizers.serialize(self.activity_regularizer),
            'kernel_constraint': constraints.serialize(self.kernel_constraint),
            'bias_constraint': constraints.serialize(self.bias_constraint),
        }
        return dict(super().get_config(), **config)


class Activation(Layer):
    """Apply an activation function: `Activation('relu')`.

    Args:
        activation: name or function.
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        with argument_errors(self):
            self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        config = {'activation': activations.serialize(self.activation)}
        return dict(super().get_config(), **config)


@legacy_support('dropout')
class Dropout(Layer):
    """Set a fraction `rate` of the inputs to 0 during training (scaling the rest by
    1 / (1 - rate)); the identity at test time.

    Args:
        rate: float in [0, 1], the fraction dropped.
        noise_shape: shape of the binary mask, broadcast against the input (1 entries
            share a value along that axis), or None.
        seed: integer seed.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.number)):
            raise TypeError('%s: `rate` must be a float in [0, 1], received %r'
                            % (layer_label(self), rate))
        self.rate = min(1., max(0., rate))
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True

    def _get_noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        shape = K.int_shape(inputs)
        return tuple(shape[i] if d is None else d for i, d in enumerate(self.noise_shape))

    def call(self, inputs, training=None):
        if not 0. < self.rate < 1.:
            return inputs
        noise_shape = self._get_noise_shape(inputs)

        def dropped_inputs():
            return K.dropout(inputs, self.rate, noise_shape, seed=self.seed)
        output = K.in_train_phase(dropped_inputs, inputs, training=training)
        if K.is_tensor(output) and output is not inputs and training is None:
            output._uses_learning_phase = True
        return output

    def get_config(self):
        config = {'rate': self.rate, 'noise_shape': self.noise_shape, 'seed': self.seed}
        return dict(super().get_config(), **config)


class Flatten(Layer):
    """Flatten everything but the batch axis: (batch, d1, d2, ...) -> (batch, d1*d2*...).

    Args:
        data_format: 'channels_last' (default) or 'channels_first'; channels_first inputs
            are flattened in channels_last order, as Keras does.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.input_spec = InputSpec(min_ndim=3)
        with argument_errors(self):
            self.data_format = K.normalize_data_format(data_format)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, min_ndim=2)
        rest = tuple(input_shape[1:])
        if not all(rest):
            raise ValueError('%s: the shape of the input is not fully defined (received %s); '
                             'make sure to pass a complete `input_shape` or `batch_input_shape` '
                             'argument to the first layer' % (layer_label(self),
                                                              tuple(input_shape)))
        return (input_shape[0], int(np.prod(rest)))

    def call(self, inputs):
        ndim = K.ndim(inputs)
        if self.data_format == 'channels_first' and ndim > 2:
            inputs = K.permute_dimensions(inputs, (0,) + tuple(range(2, ndim)) + (1,))
        self.compute_output_shape(K.int_shape(inputs))
        return K.batch_flatten(inputs)

    def get_config(self):
        return dict(super().get_config(), data_format=self.data_format)


def _fix_unknown_dimension(label, input_shape, target_shape):
    """target_shape with its single -1 entry resolved from the input's size."""
    target = list(target_shape)
    unknown = [i for i, d in enumerate(target) if d == -1]
    if len(unknown) > 1:
        raise ValueError('%s: can only specify one unknown dimension (-1), received target '
                         'shape %s' % (label, tuple(target_shape)))
    size = int(np.prod(input_shape))
    known = int(np.prod([d for d in target if d != -1]))
    if unknown and known and size % known == 0:
        target[unknown[0]] = size // known
    if int(np.prod(target)) != size:
        raise ValueError('%s: total size of the new array must be unchanged; cannot reshape '
                         'input of shape %s to %s' % (label, tuple(input_shape),
                                                       tuple(target_shape)))
    return tuple(target)


class Reshape(Layer):
    """Reshape the non-batch dimensions to `target_shape` (one entry may be -1).

    Inputs with unknown non-batch sizes (`Input(shape=(None, 4))`) are reshaped at run
    time; sizes that do not fit raise an error (a `runtime.executor.KernelError` naming the
    reshape) when the model runs.

    Args:
        target_shape: tuple of ints, without the batch axis.
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def compute_output_shape(self, input_shape):
        if None in input_shape[1:]:
            return (input_shape[0],) + tuple(None if d == -1 else d for d in self.target_shape)
        return (input_shape[0],) + _fix_unknown_dimension(layer_label(self), input_shape[1:],
                                                          self.target_shape)

    def call(self, inputs):
        shape = K.int_shape(inputs)
        target = self.compute_output_shape(shape)[1:]
        if None not in target:
            return K.reshape(inputs, (-1,) + target)
        if shape[0] is not None:
            return K.reshape(inputs, (shape[0],) + self.target_shape)
        # Both the batch size and a non-batch size are unknown: the batch size is read
        # at run time (Keras's Theano backend: K.shape(inputs)[0]).
        return K.reshape(inputs, (K.shape(inputs)[0],) + self.target_shape)

    def get_config(self):
        return dict(super().get_config(), target_shape=self.target_shape)


class Permute(Layer):
    """Permute the non-batch axes: `Permute((2, 1))` swaps axes 1 and 2.

    Args:
        dims: a permutation of 1..n (the batch axis 0 stays in place).
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError('%s: `dims` must be a permutation of 1..%d (indexing starts at 1, '
                             'the batch axis stays first), received %s'
                             % (layer_label(self), len(self.dims), self.dims))
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=len(self.dims) + 1)
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def call(self, inputs):
        return K.permute_dimensions(inputs, (0,) + self.dims)

    def get_config(self):
        return dict(super().get_config(), dims=self.dims)


class RepeatVector(Layer):
    """Repeat a (batch, features) input n times: output (batch, n, features).

    Args:
        n: number of repetitions.
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=2)
        return (input_shape[0], self.n, input_shape[1])

    def call(self, inputs):
        return K.concatenate([K.expand_dims(inputs, 1)] * self.n, axis=1)

    def get_config(self):
        return dict(super().get_config(), n=self.n)


# Lambda lives in lambda_layer.py; keras.layers.core.Lambda is where Keras 2 keeps it.
from .lambda_layer import Lambda  # noqa: E402,F401
from .masking import ActivityRegularization, Masking  # noqa: E402,F401
