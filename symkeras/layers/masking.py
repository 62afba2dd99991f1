"""Masking and ActivityRegularization (Keras 2.2.4 `keras.layers.core`)."""
from .. import backend as K
from .. import regularizers
from ..engine.base_layer import Layer


class Masking(Layer):
    """Mask the timesteps whose features all equal `mask_value`.

    The output is the input with those timesteps set to 0; the mask (True where some
    feature differs from `mask_value`) goes to the layers downstream that support masking
    (the recurrent layers hold their outputs and states on masked steps).

    Args:
        mask_value: the value marking a skipped timestep (default 0).

    Example:
        >>> model = Sequential([Masking(0., input_shape=(3, 2)), LSTM(4)])
        >>> model.predict(np.zeros((1, 3, 2))).shape
        (1, 4)
    """

    def __init__(self, mask_value=0., **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.mask_value = mask_value

    def compute_mask(self, inputs, mask=None):
        return K.any(K.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = K.any(K.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return inputs * K.cast(keep, K.dtype(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return dict(super().get_config(), mask_value=self.mask_value)


class ActivityRegularization(Layer):
    """The identity, adding l1 * sum(abs(x)) + l2 * sum(x ** 2) of its output x to the loss.

    Args:
        l1: L1 factor (default 0).
        l2: L2 factor (default 0).

    Example:
        >>> layer = ActivityRegularization(l1=0.01)
        >>> layer.get_config()['l1']
        0.01
    """

    def __init__(self, l1=0., l2=0., **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.l1, self.l2 = l1, l2
        self.activity_regularizer = regularizers.L1L2(l1=l1, l2=l2)

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return dict(super().get_config(), l1=self.l1, l2=self.l2)
