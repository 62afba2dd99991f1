"""2-D pooling layers (Keras 2.2.4): MaxPooling2D, AveragePooling2D (aliases MaxPool2D,
AvgPool2D), GlobalAveragePooling2D, GlobalMaxPooling2D."""
from .. import backend as K
from ..engine.base_layer import Layer, InputSpec
from .utils import (layer_label, check_input_shape, normalize_tuple, normalize_padding,
                    output_spatial_shape, place_spatial, spatial_axes)


class _Pooling2D(Layer):
    """Shared part of the 2-D pooling layers (pool_mode set by the subclass)."""

    pool_mode = None

    def __init__(self, pool_size=(2, 2), strides=None, padding='valid', data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        label = layer_label(self)
        if strides is None:
            strides = pool_size
        self.pool_size = normalize_tuple(label, pool_size, 2, 'pool_size')
        self.strides = normalize_tuple(label, strides, 2, 'strides')
        self.padding = normalize_padding(label, padding)
        self.data_format = K.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=4)
        rows, cols = output_spatial_shape(layer_label(self), input_shape, self.data_format,
                                          self.pool_size, self.padding, self.strides)
        channels = input_shape[spatial_axes(self.data_format)[2]]
        return place_spatial(input_shape, self.data_format, rows, cols, channels)

    def call(self, inputs):
        self.compute_output_shape(K.int_shape(inputs))
        return K.pool2d(inputs, pool_size=self.pool_size, strides=self.strides,
                        padding=self.padding, data_format=self.data_format,
                        pool_mode=self.pool_mode)

    def get_config(self):
        config = {'pool_size': self.pool_size, 'padding': self.padding,
                  'strides': self.strides, 'data_format': self.data_format}
        return dict(super().get_config(), **config)


class MaxPooling2D(_Pooling2D):
    """Max pooling over spatial windows.

    Args:
        pool_size: int or (rows, cols) (default (2, 2)).
        strides: int or (rows, cols); default: pool_size.
        padding: 'valid' or 'same' (case-insensitive).
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    pool_mode = 'max'


class AveragePooling2D(_Pooling2D):
    """Average pooling over spatial windows (same arguments as MaxPooling2D).

    With 'same' padding, border windows average only the pixels inside the input.
    """

    pool_mode = 'avg'


class _GlobalPooling2D(Layer):
    """Shared part of the global 2-D pooling layers: (batch, rows, cols, channels) ->
    (batch, channels)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = K.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=4)
        return (input_shape[0], input_shape[spatial_axes(self.data_format)[2]])

    def _spatial(self):
        return spatial_axes(self.data_format)[:2]

    def get_config(self):
        return dict(super().get_config(), data_format=self.data_format)


class GlobalAveragePooling2D(_GlobalPooling2D):
    """Mean over the spatial axes.

    Args:
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    def call(self, inputs):
        return K.mean(inputs, axis=self._spatial())


class GlobalMaxPooling2D(_GlobalPooling2D):
    """Maximum over the spatial axes.

    Args:
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    def call(self, inputs):
        return K.max(inputs, axis=self._spatial())


# Keras's aliases.
MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool2D = GlobalMaxPooling2D
