"""Pooling layers (Keras 2.2.4): MaxPooling1D/2D, AveragePooling1D/2D, GlobalMaxPooling1D/2D,
GlobalAveragePooling1D/2D, and the aliases MaxPool*, AvgPool*, GlobalMaxPool*, GlobalAvgPool*.

The 1-D layers run the 2-D kernels on (batch, steps, 1, channels)."""
from .. import backend as K
from ..engine.base_layer import Layer, InputSpec
from .utils import (layer_label, check_input_shape, normalize_tuple, normalize_padding,
                    argument_errors, output_spatial_shape, place_spatial, spatial_axes,
                    conv_output_length)
from ..legacy import legacy_support


class _Pooling2D(Layer):
    """Shared part of the 2-D pooling layers (pool_mode set by the subclass)."""

    pool_mode = None

    def __init__(self, pool_size=(2, 2), strides=None, padding='valid', data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        label = layer_label(self)
        if strides is None:
            strides = pool_size
        self.pool_size = normalize_tuple(label, pool_size, 2, 'pool_size', minimum=1)
        self.strides = normalize_tuple(label, strides, 2, 'strides', minimum=1)
        self.padding = normalize_padding(label, padding)
        with argument_errors(self):
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


@legacy_support('pooling')
class MaxPooling2D(_Pooling2D):
    """Max pooling over spatial windows.

    Args:
        pool_size: int or (rows, cols) (default (2, 2)).
        strides: int or (rows, cols); default: pool_size.
        padding: 'valid' or 'same' (case-insensitive).
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    pool_mode = 'max'


@legacy_support('pooling')
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
        with argument_errors(self):
            self.data_format = K.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=4)
        return (input_shape[0], input_shape[spatial_axes(self.data_format)[2]])

    def _spatial(self):
        return spatial_axes(self.data_format)[:2]

    def get_config(self):
        return dict(super().get_config(), data_format=self.data_format)


@legacy_support('data_format')
class GlobalAveragePooling2D(_GlobalPooling2D):
    """Mean over the spatial axes.

    Args:
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    def call(self, inputs):
        return K.mean(inputs, axis=self._spatial())


@legacy_support('data_format')
class GlobalMaxPooling2D(_GlobalPooling2D):
    """Maximum over the spatial axes.

    Args:
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    def call(self, inputs):
        return K.max(inputs, axis=self._spatial())


class _Pooling1D(Layer):
    """Shared part of the 1-D pooling layers (pool_mode set by the subclass)."""

    pool_mode = None

    def __init__(self, pool_size=2, strides=None, padding='valid',
                 data_format='channels_last', **kwargs):
        super().__init__(**kwargs)
        label = layer_label(self)
        if strides is None:
            strides = pool_size
        self.pool_size = normalize_tuple(label, pool_size, 1, 'pool_size', minimum=1)
        self.strides = normalize_tuple(label, strides, 1, 'strides', minimum=1)
        self.padding = normalize_padding(label, padding)
        with argument_errors(self):
            self.data_format = K.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=3)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=3)
        steps_axis = 2 if self.data_format == 'channels_first' else 1
        length = conv_output_length(input_shape[steps_axis], self.pool_size[0],
                                    self.padding, self.strides[0])
        if length is not None and length <= 0:
            raise ValueError("%s: the window %s does not fit in an input of shape %s with "
                             "padding '%s'" % (layer_label(self), self.pool_size,
                                               tuple(input_shape), self.padding))
        shape = list(input_shape)
        shape[steps_axis] = length
        return tuple(shape)

    def call(self, inputs):
        self.compute_output_shape(K.int_shape(inputs))
        if self.data_format == 'channels_first':
            inputs = K.permute_dimensions(inputs, (0, 2, 1))
        outputs = K.pool2d(K.expand_dims(inputs, 2), pool_size=self.pool_size + (1,),
                           strides=self.strides + (1,), padding=self.padding,
                           data_format='channels_last', pool_mode=self.pool_mode)
        outputs = K.squeeze(outputs, 2)
        if self.data_format == 'channels_first':
            outputs = K.permute_dimensions(outputs, (0, 2, 1))
        return outputs

    def get_config(self):
        config = {'pool_size': self.pool_size, 'padding': self.padding,
                  'strides': self.strides, 'data_format': self.data_format}
        return dict(super().get_config(), **config)


@legacy_support('pooling1d')
class MaxPooling1D(_Pooling1D):
    """Max pooling over windows of steps: (batch, steps, channels) -> (batch, pooled,
    channels).

    Args:
        pool_size: int (default 2).
        strides: int; default: pool_size.
        padding: 'valid' or 'same' (case-insensitive).
        data_format: 'channels_last' (default) or 'channels_first' ((batch, channels,
            steps)).
    """

    pool_mode = 'max'


@legacy_support('pooling1d')
class AveragePooling1D(_Pooling1D):
    """Average pooling over windows of steps (same arguments as MaxPooling1D); 'same'
    border windows average only the steps inside the input."""

    pool_mode = 'avg'


class _GlobalPooling1D(Layer):
    """Shared part of the global 1-D pooling layers: (batch, steps, channels) ->
    (batch, channels)."""

    def __init__(self, data_format='channels_last', **kwargs):
        super().__init__(**kwargs)
        with argument_errors(self):
            self.data_format = K.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=3)

    def _steps_axis(self):
        return 2 if self.data_format == 'channels_first' else 1

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=3)
        channel_axis = 1 if self.data_format == 'channels_first' else 2
        return (input_shape[0], input_shape[channel_axis])

    def get_config(self):
        return dict(super().get_config(), data_format=self.data_format)


class GlobalAveragePooling1D(_GlobalPooling1D):
    """Mean over the steps axis; with a mask (e.g. from Embedding(mask_zero=True)) only
    the unmasked steps are averaged.

    Args:
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    def __init__(self, data_format='channels_last', **kwargs):
        super().__init__(data_format, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        axis = self._steps_axis()
        if mask is None:
            return K.mean(inputs, axis=axis)
        weights = K.cast(mask, K.dtype(inputs))
        weights = K.expand_dims(weights, 2 if axis == 1 else 1)
        return K.sum(inputs * weights, axis=axis) / K.sum(weights, axis=axis)

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalMaxPooling1D(_GlobalPooling1D):
    """Maximum over the steps axis.

    Args:
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    def call(self, inputs):
        return K.max(inputs, axis=self._steps_axis())


# Keras's aliases.
MaxPool1D = MaxPooling1D
AvgPool1D = AveragePooling1D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalAvgPool1D = GlobalAveragePooling1D
MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool2D = GlobalMaxPooling2D
