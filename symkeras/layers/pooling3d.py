"""3-D pooling layers (Keras 2.2.4): MaxPooling3D, AveragePooling3D, GlobalMaxPooling3D,
GlobalAveragePooling3D, and the aliases MaxPool3D, AvgPool3D, GlobalMaxPool3D,
GlobalAvgPool3D."""
from .. import backend as K
from ..engine.base_layer import Layer, InputSpec
from .convolutional3d import (volume_axes, place_volume, volume_output_shape,
                              check_static_depth)
from .pooling import _GlobalPooling2D
from .utils import (layer_label, check_input_shape, normalize_tuple, normalize_padding,
                    argument_errors)
from ..legacy import legacy_support


class _Pooling3D(Layer):
    """Shared part of the 3-D pooling layers (pool_mode set by the subclass)."""

    pool_mode = None

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding='valid', data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        label = layer_label(self)
        if strides is None:
            strides = pool_size
        self.pool_size = normalize_tuple(label, pool_size, 3, 'pool_size', minimum=1)
        self.strides = normalize_tuple(label, strides, 3, 'strides', minimum=1)
        self.padding = normalize_padding(label, padding)
        with argument_errors(self):
            self.data_format = K.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=5)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=5)
        volume = volume_output_shape(layer_label(self), input_shape, self.data_format,
                                     self.pool_size, self.padding, self.strides)
        channels = input_shape[volume_axes(self.data_format)[3]]
        return place_volume(input_shape, self.data_format, volume, channels)

    def call(self, inputs):
        self.compute_output_shape(K.int_shape(inputs))
        check_static_depth(self, K.int_shape(inputs))
        return K.pool3d(inputs, pool_size=self.pool_size, strides=self.strides,
                        padding=self.padding, data_format=self.data_format,
                        pool_mode=self.pool_mode)

    def get_config(self):
        config = {'pool_size': self.pool_size, 'padding': self.padding,
                  'strides': self.strides, 'data_format': self.data_format}
        return dict(super().get_config(), **config)


@legacy_support('pooling')
class MaxPooling3D(_Pooling3D):
    """Max pooling over windows of volumes.

    Args:
        pool_size: int or (depth, rows, cols) (default (2, 2, 2)).
        strides: int or 3 ints; default: pool_size.
        padding: 'valid' or 'same' (case-insensitive).
        data_format: 'channels_last' ((batch, depth, rows, cols, channels), the default)
            or 'channels_first' ((batch, channels, depth, rows, cols)).

    The input depth must be static.

    Example:
        >>> y = MaxPooling3D()(Input(shape=(8, 16, 16, 4)))
        >>> K.int_shape(y)
        (None, 4, 8, 8, 4)
    """

    pool_mode = 'max'


@legacy_support('pooling')
class AveragePooling3D(_Pooling3D):
    """Average pooling over windows of volumes (same arguments as MaxPooling3D).

    With 'same' padding, border windows average only the cells inside the input.

    Example:
        >>> y = AveragePooling3D(3, strides=2, padding='same')(Input(shape=(5, 5, 5, 2)))
        >>> K.int_shape(y)
        (None, 3, 3, 3, 2)
    """

    pool_mode = 'avg'


class _GlobalPooling3D(_GlobalPooling2D):
    """Shared part of the global 3-D pooling layers: (batch, depth, rows, cols, channels)
    -> (batch, channels)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(data_format, **kwargs)
        self.input_spec = InputSpec(ndim=5)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=5)
        return (input_shape[0], input_shape[volume_axes(self.data_format)[3]])

    def _spatial(self):
        return volume_axes(self.data_format)[:3]


@legacy_support('data_format')
class GlobalAveragePooling3D(_GlobalPooling3D):
    """Mean over the depth, rows and cols axes.

    Args:
        data_format: 'channels_last' (default) or 'channels_first'.

    Example:
        >>> K.int_shape(GlobalAveragePooling3D()(Input(shape=(4, 5, 6, 3))))
        (None, 3)
    """

    def call(self, inputs):
        return K.mean(inputs, axis=self._spatial())


@legacy_support('data_format')
class GlobalMaxPooling3D(_GlobalPooling3D):
    """Maximum over the depth, rows and cols axes.

    Args:
        data_format: 'channels_last' (default) or 'channels_first'.

    Example:
        >>> K.int_shape(GlobalMaxPooling3D('channels_first')(Input(shape=(3, 4, 5, 6))))
        (None, 3)
    """

    def call(self, inputs):
        return K.max(inputs, axis=self._spatial())


# Keras's aliases.
MaxPool3D = MaxPooling3D
AvgPool3D = AveragePooling3D
GlobalMaxPool3D = GlobalMaxPooling3D
GlobalAvgPool3D = GlobalAveragePooling3D
