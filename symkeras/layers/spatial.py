"""Padding, cropping and upsampling layers (Keras 2.2.4): ZeroPadding1D/2D, Cropping1D/2D,
UpSampling1D/2D."""
import numpy as np

from .. import backend as K
from ..engine.base_layer import Layer, InputSpec
from .utils import layer_label, check_input_shape, normalize_tuple, spatial_axes
from ..legacy import legacy_support


def _normalize_pairs(label, value, name):
    """An int, 2 ints or 2 pairs as ((top, bottom), (left, right)) of ints >= 0."""
    if isinstance(value, int):
        pairs = ((value, value), (value, value))
    elif hasattr(value, '__len__') and len(value) == 2 and \
            all(isinstance(v, int) for v in value):
        pairs = ((value[0], value[0]), (value[1], value[1]))
    elif hasattr(value, '__len__') and len(value) == 2:
        pairs = tuple(normalize_tuple(label, v, 2, name) for v in value)
    else:
        pairs = None
    if pairs is None or min(min(p) for p in pairs) < 0:
        raise ValueError('%s: `%s` must be an int, a tuple of 2 ints or a tuple of 2 tuples '
                         'of 2 ints (all >= 0), received %r' % (label, name, value))
    return pairs


def _normalize_pair(label, value, name):
    """An int or 2 ints as (before, after) of ints >= 0."""
    pair = normalize_tuple(label, value, 2, name)
    if min(pair) < 0:
        raise ValueError('%s: `%s` must hold integers >= 0, received %r'
                         % (label, name, value))
    return pair


def _grow(length, before, after):
    return None if length is None else length + before + after


class ZeroPadding1D(Layer):
    """Add zeros at the start and end of the steps axis of (batch, steps, features).

    Args:
        padding: int or (before, after) (default 1).
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = _normalize_pair(layer_label(self), padding, 'padding')
        self.input_spec = InputSpec(ndim=3)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=3)
        return (input_shape[0], _grow(input_shape[1], *self.padding), input_shape[2])

    def call(self, inputs):
        return K.temporal_padding(inputs, padding=self.padding)

    def get_config(self):
        return dict(super().get_config(), padding=self.padding)


@legacy_support('zero_padding2d')
class ZeroPadding2D(Layer):
    """Add rows and columns of zeros around an image tensor.

    Args:
        padding: int (the same on all sides), (rows, cols) (symmetric), or
            ((top, bottom), (left, right)).
        data_format: 'channels_last' (default) or 'channels_first'.

    Example:
        >>> y = ZeroPadding2D(((1, 0), (2, 2)))(Input(shape=(4, 4, 3)))
        >>> K.int_shape(y)
        (None, 5, 8, 3)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = K.normalize_data_format(data_format)
        self.padding = _normalize_pairs(layer_label(self), padding, 'padding')
        self.input_spec = InputSpec(ndim=4)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=4)
        shape = list(input_shape)
        for axis, pair in zip(spatial_axes(self.data_format)[:2], self.padding):
            shape[axis] = _grow(shape[axis], *pair)
        return tuple(shape)

    def call(self, inputs):
        return K.spatial_2d_padding(inputs, padding=self.padding,
                                    data_format=self.data_format)

    def get_config(self):
        config = {'padding': self.padding, 'data_format': self.data_format}
        return dict(super().get_config(), **config)


def _check_crop(layer, length, pair, input_shape):
    """The cropped length (None stays None); raise ValueError when nothing is left."""
    if length is None:
        return None
    if sum(pair) >= length:
        raise ValueError('%s: cropping %s leaves nothing of an axis of length %d (input '
                         'shape %s)' % (layer_label(layer), tuple(pair), length,
                                        tuple(input_shape)))
    return length - sum(pair)


class Cropping1D(Layer):
    """Remove steps at the start and end of (batch, steps, features).

    Args:
        cropping: int or (before, after) (default (1, 1)).
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _normalize_pair(layer_label(self), cropping, 'cropping')
        self.input_spec = InputSpec(ndim=3)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=3)
        length = _check_crop(self, input_shape[1], self.cropping, input_shape)
        return (input_shape[0], length, input_shape[2])

    def call(self, inputs):
        self.compute_output_shape(K.int_shape(inputs))
        images = K.expand_dims(inputs, 2)
        cropped = K.spatial_2d_cropping(images, (self.cropping, (0, 0)), 'channels_last')
        return K.squeeze(cropped, 2)

    def get_config(self):
        return dict(super().get_config(), cropping=self.cropping)


@legacy_support('data_format')
class Cropping2D(Layer):
    """Remove rows and columns at the borders of an image tensor.

    Args:
        cropping: int, (rows, cols) (symmetric), or ((top, bottom), (left, right))
            (default: nothing).
        data_format: 'channels_last' (default) or 'channels_first'.

    Example:
        >>> y = Cropping2D(((2, 2), (4, 4)))(Input(shape=(28, 28, 3)))
        >>> K.int_shape(y)
        (None, 24, 20, 3)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = K.normalize_data_format(data_format)
        self.cropping = _normalize_pairs(layer_label(self), cropping, 'cropping')
        self.input_spec = InputSpec(ndim=4)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=4)
        shape = list(input_shape)
        for axis, pair in zip(spatial_axes(self.data_format)[:2], self.cropping):
            shape[axis] = _check_crop(self, shape[axis], pair, input_shape)
        return tuple(shape)

    def call(self, inputs):
        self.compute_output_shape(K.int_shape(inputs))
        return K.spatial_2d_cropping(inputs, self.cropping, self.data_format)

    def get_config(self):
        config = {'cropping': self.cropping, 'data_format': self.data_format}
        return dict(super().get_config(), **config)


@legacy_support('upsampling1d')
class UpSampling1D(Layer):
    """Repeat each step `size` times: (batch, steps, features) -> (batch, steps * size,
    features).

    Args:
        size: int (default 2).
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = normalize_tuple(layer_label(self), size, 1, 'size', minimum=1)[0]
        self.input_spec = InputSpec(ndim=3)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=3)
        steps = None if input_shape[1] is None else input_shape[1] * self.size
        return (input_shape[0], steps, input_shape[2])

    def call(self, inputs):
        _, steps, features = K.int_shape(inputs)
        if steps is None or features is None:
            raise ValueError('%s: needs static steps and features, received %s'
                             % (layer_label(self), K.int_shape(inputs)))
        ones = np.ones((1, 1, self.size, 1), K.dtype(inputs))
        repeated = K.expand_dims(inputs, 2) * ones
        return K.reshape(repeated, (-1, steps * self.size, features))

    def get_config(self):
        return dict(super().get_config(), size=self.size)


@legacy_support('data_format')
class UpSampling2D(Layer):
    """Repeat rows and columns (nearest-neighbour upsampling).

    Args:
        size: int or (rows, cols) factors (default (2, 2)).
        data_format: 'channels_last' (default) or 'channels_first'.
        interpolation: 'nearest' (the only choice here).

    Example:
        >>> y = UpSampling2D()(Input(shape=(7, 7, 8)))
        >>> K.int_shape(y)
        (None, 14, 14, 8)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation='nearest', **kwargs):
        super().__init__(**kwargs)
        self.data_format = K.normalize_data_format(data_format)
        self.size = normalize_tuple(layer_label(self), size, 2, 'size', minimum=1)
        if interpolation != 'nearest':
            raise ValueError("%s: unknown interpolation %r; valid choices: 'nearest'"
                             % (layer_label(self), interpolation))
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=4)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=4)
        shape = list(input_shape)
        for axis, factor in zip(spatial_axes(self.data_format)[:2], self.size):
            shape[axis] = None if shape[axis] is None else shape[axis] * factor
        return tuple(shape)

    def call(self, inputs):
        return K.resize_images(inputs, self.size[0], self.size[1], self.data_format,
                               interpolation=self.interpolation)

    def get_config(self):
        config = {'size': self.size, 'data_format': self.data_format,
                  'interpolation': self.interpolation}
        return dict(super().get_config(), **config)
