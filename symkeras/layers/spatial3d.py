"""Padding, cropping and upsampling layers for volumes (Keras 2.2.4): ZeroPadding3D,
Cropping3D, UpSampling3D."""
from .. import backend as K
from ..engine.base_layer import Layer, InputSpec
from .convolutional3d import volume_axes
from .spatial import _normalize_pair, _grow, _check_crop
from .utils import layer_label, check_input_shape, normalize_tuple, argument_errors
from ..legacy import legacy_support


def _normalize_triple_pairs(label, value, name):
    """An int, 3 ints or 3 pairs as ((before, after),) * 3 of ints >= 0 (one pair per
    spatial axis: depth, rows, cols)."""
    entries = (value,) * 3 if isinstance(value, int) else value
    try:
        if not hasattr(entries, '__len__') or len(entries) != 3:
            raise ValueError
        return tuple(_normalize_pair(label, entry, name) for entry in entries)
    except ValueError:
        raise ValueError('%s: `%s` must be an int, a tuple of 3 ints or a tuple of 3 tuples '
                         'of 2 ints (all >= 0), received %r' % (label, name, value)) from None


@legacy_support('data_format')
class ZeroPadding3D(Layer):
    """Add zeros around the depth, rows and cols of a volume tensor.

    Args:
        padding: int (the same on all sides), 3 ints (symmetric per axis), or 3 pairs
            ((before, after) for depth, rows and cols) (default (1, 1, 1)).
        data_format: 'channels_last' ((batch, depth, rows, cols, channels), the default)
            or 'channels_first' ((batch, channels, depth, rows, cols)).

    Example:
        >>> y = ZeroPadding3D(((1, 0), 2, (0, 1)))(Input(shape=(4, 4, 4, 3)))
        >>> K.int_shape(y)
        (None, 5, 8, 5, 3)
    """

    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        with argument_errors(self):
            self.data_format = K.normalize_data_format(data_format)
        self.padding = _normalize_triple_pairs(layer_label(self), padding, 'padding')
        self.input_spec = InputSpec(ndim=5)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=5)
        shape = list(input_shape)
        for axis, pair in zip(volume_axes(self.data_format)[:3], self.padding):
            shape[axis] = _grow(shape[axis], *pair)
        return tuple(shape)

    def call(self, inputs):
        return K.spatial_3d_padding(inputs, padding=self.padding,
                                    data_format=self.data_format)

    def get_config(self):
        config = {'padding': self.padding, 'data_format': self.data_format}
        return dict(super().get_config(), **config)


@legacy_support('data_format')
class Cropping3D(Layer):
    """Remove cells at the borders of the depth, rows and cols of a volume tensor.

    Args:
        cropping: int, 3 ints (symmetric per axis), or 3 pairs ((before, after) for depth,
            rows and cols) (default ((1, 1), (1, 1), (1, 1))).
        data_format: 'channels_last' (default) or 'channels_first'.

    Axes of unknown size are cropped at run time.

    Example:
        >>> y = Cropping3D(((1, 1), (2, 0), 0))(Input(shape=(6, 6, 6, 2)))
        >>> K.int_shape(y)
        (None, 4, 4, 6, 2)
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        with argument_errors(self):
            self.data_format = K.normalize_data_format(data_format)
        self.cropping = _normalize_triple_pairs(layer_label(self), cropping, 'cropping')
        self.input_spec = InputSpec(ndim=5)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=5)
        shape = list(input_shape)
        for axis, pair in zip(volume_axes(self.data_format)[:3], self.cropping):
            shape[axis] = _check_crop(self, shape[axis], pair, input_shape)
        return tuple(shape)

    def call(self, inputs):
        self.compute_output_shape(K.int_shape(inputs))
        return K.spatial_3d_cropping(inputs, self.cropping, self.data_format)

    def get_config(self):
        config = {'cropping': self.cropping, 'data_format': self.data_format}
        return dict(super().get_config(), **config)


@legacy_support('data_format')
class UpSampling3D(Layer):
    """Repeat the depth, rows and cols of a volume (nearest-neighbour upsampling).

    Args:
        size: int or (depth, rows, cols) factors (default (2, 2, 2)).
        data_format: 'channels_last' (default) or 'channels_first'.

    The input's depth, rows, cols and channels must be static.

    Example:
        >>> y = UpSampling3D((1, 2, 2))(Input(shape=(3, 4, 4, 8)))
        >>> K.int_shape(y)
        (None, 3, 8, 8, 8)
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        with argument_errors(self):
            self.data_format = K.normalize_data_format(data_format)
        self.size = normalize_tuple(layer_label(self), size, 3, 'size', minimum=1)
        self.input_spec = InputSpec(ndim=5)

    def compute_output_shape(self, input_shape):
        check_input_shape(self, input_shape, ndim=5)
        shape = list(input_shape)
        for axis, factor in zip(volume_axes(self.data_format)[:3], self.size):
            shape[axis] = None if shape[axis] is None else shape[axis] * factor
        return tuple(shape)

    def call(self, inputs):
        shape = K.int_shape(inputs)
        self.compute_output_shape(shape)
        if None in shape[1:]:
            raise ValueError('%s: needs static depth, rows, cols and channels, received %s'
                             % (layer_label(self), shape))
        return K.resize_volumes(inputs, self.size[0], self.size[1], self.size[2],
                                self.data_format)

    def get_config(self):
        config = {'size': self.size, 'data_format': self.data_format}
        return dict(super().get_config(), **config)
