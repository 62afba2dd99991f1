"""Embedding (Keras 2.2.4): integer indices -> dense vectors."""
import numpy as np

from .. import backend as K
from .. import initializers, regularizers, constraints
from ..engine.base_layer import Layer
from .utils import layer_label, argument_errors
from ..legacy import legacy_support


@legacy_support('embedding')
class Embedding(Layer):
    """Turn positive integer indices into dense vectors: (batch, length) ->
    (batch, length, output_dim).

    Args:
        input_dim: vocabulary size (largest index + 1).
        output_dim: size of each vector.
        embeddings_initializer: default 'uniform' (within +-0.05).
        embeddings_regularizer, activity_regularizer, embeddings_constraint.
        mask_zero: whether index 0 is padding (produces a mask for later layers).
        input_length: length of the input sequences, when constant.

    Example:
        >>> model = Sequential([Embedding(1000, 64, input_length=10)])
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer='uniform',
                 embeddings_regularizer=None, activity_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        if 'input_shape' not in kwargs:
            kwargs['input_shape'] = (input_length,) if input_length else (None,)
        super().__init__(**kwargs)
        for name, value in (('input_dim', input_dim), ('output_dim', output_dim)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError('%s: `%s` must be a positive integer, received %r'
                                 % (layer_label(self), name, value))
        self.input_dim = input_dim
        self.output_dim = output_dim
        with argument_errors(self):
            self.embeddings_initializer = initializers.get(embeddings_initializer)
            self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
            self.activity_regularizer = regularizers.get(activity_regularizer)
            self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.input_length = input_length

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            name='embeddings', shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer, regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint)
        self.built = True

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return K.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        if self.input_length is None:
            return tuple(input_shape) + (self.output_dim,)
        lengths = (list(self.input_length) if isinstance(self.input_length, (list, tuple))
                   else [self.input_length])
        if len(lengths) != len(input_shape) - 1:
            raise ValueError('%s: input_length is %s, but the input has shape %s'
                             % (layer_label(self), self.input_length, tuple(input_shape)))
        for i, (expected, actual) in enumerate(zip(lengths, input_shape[1:])):
            if expected is not None and actual is not None and expected != actual:
                raise ValueError('%s: input_length is %s, but the input has shape %s'
                                 % (layer_label(self), self.input_length,
                                    tuple(input_shape)))
            if expected is None:
                lengths[i] = actual
        return (input_shape[0],) + tuple(lengths) + (self.output_dim,)

    def call(self, inputs):
        if not K.dtype(inputs).startswith('int'):
            inputs = K.cast(inputs, 'int32')
        return K.gather(self.embeddings, inputs)

    def get_config(self):
        config = {
            'input_dim': self.input_dim,
            'output_dim': self.output_dim,
            'embeddings_initializer': initializers.serialize(self.embeddings_initializer),
            'embeddings_regularizer': regularizers.serialize(self.embeddings_regularizer),
            'activity_regularizer': regularizers.serialize(self.activity_regularizer),
            'embeddings_constraint': constraints.serialize(self.embeddings_constraint),
            'mask_zero': self.mask_zero,
            'input_length': self.input_length,
        }
        return dict(super().get_config(), **config)
