"""Helpers shared by the layers: how errors name a layer, input-rank checks, and the
argument normalization and output-size arithmetic of convolutions and pooling."""
import contextlib


def layer_label(layer):
    """"Dense 'dense_2'": how error messages name a layer."""
    return "%s '%s'" % (type(layer).__name__, layer.name)


@contextlib.contextmanager
def argument_errors(layer):
    """Name `layer` in a ValueError raised while its constructor reads an argument.

    activations.get, initializers.get, K.normalize_data_format, ... know no layer:
    `Dense(3, activation='rleu')` should say which layer was given the bad string.
    """
    try:
        yield
    except ValueError as error:
        label = layer_label(layer)
        if str(error).startswith(label):
            raise
        raise ValueError('%s: %s' % (label, error)) from error


def check_input_shape(layer, input_shape, min_ndim=None, ndim=None):
    """Raise ValueError naming `layer` unless `input_shape` has the required rank."""
    if input_shape is None or isinstance(input_shape, list):
        raise ValueError('%s: expected a single input tensor, received shapes %s'
                         % (layer_label(layer), input_shape))
    rank = len(input_shape)
    if ndim is not None and rank != ndim:
        raise ValueError('%s: expected input with %d dimensions, received %s'
                         % (layer_label(layer), ndim, tuple(input_shape)))
    if min_ndim is not None and rank < min_ndim:
        raise ValueError('%s: expected input with at least %d dimensions, received %s'
                         % (layer_label(layer), min_ndim, tuple(input_shape)))


PADDINGS = ('valid', 'same')


def normalize_tuple(label, value, n, name, minimum=None):
    """`value` (an int or n ints) as a tuple of n ints (each >= `minimum` when given).

    Raises:
        ValueError: naming the layer and the argument.
    """
    if isinstance(value, int):
        values = (value,) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            values = None
    if values is None or len(values) != n or not all(isinstance(v, int) for v in values):
        raise ValueError('%s: the `%s` argument must be an integer or a tuple of %d integers, '
                         'received %r' % (label, name, n, value))
    if minimum is not None and any(v < minimum for v in values):
        raise ValueError('%s: every entry of `%s` must be >= %d, received %r'
                         % (label, name, minimum, value))
    return values


def normalize_padding(label, value):
    """'valid' or 'same' (case-insensitive, as in Keras).

    Raises:
        ValueError: listing the valid choices.
    """
    padding = str(value).lower()
    if padding not in PADDINGS:
        raise ValueError('%s: unknown padding %r; valid choices: %s'
                         % (label, value, ', '.join(PADDINGS)))
    return padding


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
    """Output length of a convolution or pooling along one axis (None stays None)."""
    if input_length is None:
        return None
    dilated = filter_size + (filter_size - 1) * (dilation - 1)
    if padding == 'same':
        length = input_length
    else:
        length = input_length - dilated + 1
    return (length + stride - 1) // stride


def spatial_axes(data_format):
    """(rows axis, cols axis, channel axis) of a 4-D tensor."""
    return (2, 3, 1) if data_format == 'channels_first' else (1, 2, 3)


def output_spatial_shape(label, input_shape, data_format, sizes, padding, strides,
                         dilation=(1, 1)):
    """(rows, cols) of a conv/pool output, with a clear error when a window does not fit."""
    row_axis, col_axis, _ = spatial_axes(data_format)
    spatial = (input_shape[row_axis], input_shape[col_axis])
    out = tuple(conv_output_length(n, k, padding, s, d)
                for n, k, s, d in zip(spatial, sizes, strides, dilation))
    if any(o is not None and o <= 0 for o in out):
        raise ValueError('%s: the window %s (dilation %s) does not fit in an input of shape %s '
                         "with padding '%s'" % (label, tuple(sizes), tuple(dilation),
                                                tuple(input_shape), padding))
    return out


def place_spatial(input_shape, data_format, rows, cols, channels):
    """A 4-D shape with batch from input_shape and the given rows, cols, channels."""
    if data_format == 'channels_first':
        return (input_shape[0], channels, rows, cols)
    return (input_shape[0], rows, cols, channels)
