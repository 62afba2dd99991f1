"""Locally connected layers (Keras 2.2.4): LocallyConnected1D and LocallyConnected2D,
convolutions whose weights are not shared: every output position has its own filters."""
import numpy as np

from .. import backend as K
from .. import activations, initializers, regularizers, constraints
from ..engine.base_layer import Layer, InputSpec
from .utils import (layer_label, check_input_shape, normalize_tuple, argument_errors,
                    conv_output_length, place_spatial)
from ..legacy import legacy_support


class _LocallyConnected(Layer):
    """Shared part of the locally connected layers: arguments, weights, bias, activation.

    Subclasses set `rank` and implement `_spatial_axes`, `_channel_axis`, `_product` and
    `_place` (the output shape from the input shape and the output sizes).
    """

    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding='valid', data_format=None,
                 activation=None, use_bias=True, kernel_initializer='glorot_uniform',
                 bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        label = layer_label(self)
        if not isinstance(filters, int) or filters <= 0:
            raise ValueError('%s: `filters` must be a positive integer, received %r'
                             % (label, filters))
        self.filters = filters
        self.kernel_size = normalize_tuple(label, kernel_size, self.rank, 'kernel_size',
                                           minimum=1)
        self.strides = normalize_tuple(label, strides, self.rank, 'strides', minimum=1)
        if str(padding).lower() != 'valid':
            raise ValueError("%s: only padding 'valid' is supported (as in Keras 2.2.4), "
                             'received %r' % (label, padding))
        self.padding = 'valid'
        with argument_errors(self):
            self.data_format = K.normalize_data_format(data_format)
            self.activation = activations.get(activation)
            self.use_bias = use_bias
            self.kernel_initializer = initializers.get(kernel_initializer)
            self.bias_initializer = initializers.get(bias_initializer)
            self.kernel_regularizer = regularizers.get(kernel_regularizer)
            self.bias_regularizer = regularizers.get(bias_regularizer)
            self.activity_regularizer = regularizers.get(activity_regularizer)
            self.kernel_constraint = constraints.get(kernel_constraint)
            self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.output_sizes = None

    def _spatial_output(self, input_shape):
        """The output size along each spatial axis (None where the input's is unknown)."""
        check_input_shape(self, input_shape, ndim=self.rank + 2)
        spatial = [input_shape[axis] for axis in self._spatial_axes()]
        sizes = tuple(conv_output_length(length, size, 'valid', stride) for length, size,
                      stride in zip(spatial, self.kernel_size, self.strides))
        if any(size is not None and size <= 0 for size in sizes):
            raise ValueError('%s: the window %s does not fit in an input of shape %s'
                             % (layer_label(self), self.kernel_size, tuple(input_shape)))
        return sizes

    def compute_output_shape(self, input_shape):
        return self._place(input_shape, self._spatial_output(input_shape))

    def build(self, input_shape):
        sizes = self._spatial_output(input_shape)
        channel_axis = self._channel_axis()
        channels = input_shape[channel_axis]
        if None in sizes or channels is None:
            raise ValueError('%s: expected inputs with static spatial sizes and channels '
                             '(one set of weights per output position), received %s'
                             % (layer_label(self), tuple(input_shape)))
        positions = int(np.prod(sizes))
        features = int(np.prod(self.kernel_size)) * channels
        self.kernel = self.add_weight(
            name='kernel', shape=(positions, features, self.filters),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name='bias', shape=sizes + (self.filters,), initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.output_sizes = sizes
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={channel_axis: channels})
        self.built = True

    def call(self, inputs):
        sizes = self._spatial_output(K.int_shape(inputs))
        if sizes != self.output_sizes:
            raise ValueError('%s: built for outputs of spatial sizes %s, received inputs of '
                             'shape %s (outputs %s): the weights are per output position'
                             % (layer_label(self), self.output_sizes, K.int_shape(inputs),
                                sizes))
        outputs = self._product(inputs)
        if self.use_bias:
            outputs = outputs + self._broadcast_bias()
        return self.activation(outputs)

    def _broadcast_bias(self):
        """The bias, shaped to add to the outputs."""
        if self.data_format == 'channels_first' and self.rank > 1:
            # Keras 2.2.4 reshapes (not transposes) its (rows, cols, filters) bias to
            # (1, filters, rows, cols): keep that layout so saved weights mean the same.
            return K.reshape(self.bias, (1, self.filters) + self.output_sizes)
        return self.bias

    def _base_config(self):
        """The config entries shared by both layers (data_format aside: see subclasses)."""
        config = {
            'filters': self.filters,
            'kernel_size': self.kernel_size,
            'strides': self.strides,
            'padding': self.padding,
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


@legacy_support('conv1d')
class LocallyConnected1D(_LocallyConnected):
    """1-D locally connected layer: like Conv1D, but every output step has its own filters.

    Output step i is `activation(window_i . kernel[i] + bias[i])`, where window_i is
    inputs[:, i * strides:i * strides + kernel_size, :] flattened (step, then channel).

    Args:
        filters: number of output channels.
        kernel_size: int (or a 1-tuple), the window length.
        strides: int (or a 1-tuple), default 1.
        padding: only 'valid' (case-insensitive), as in Keras 2.2.4.
        data_format: accepted and ignored, as in Keras 2.2.4: inputs are always
            (batch, steps, channels); not part of the config.
        activation: name or function (default: linear).
        use_bias: whether to add a bias per output step and filter.
        kernel_initializer: default glorot_uniform.
        bias_initializer: default zeros.
        kernel_regularizer: as for Dense (likewise bias_regularizer,
            activity_regularizer, kernel_constraint and bias_constraint).

    Weights: kernel (output_steps, kernel_size * channels, filters), then bias
    (output_steps, filters). Inputs need static steps and channels.

    Input shape: (batch, steps, channels). Output shape: (batch, output_steps, filters),
    output_steps = (steps - kernel_size) // strides + 1.

    Example:
        >>> y = LocallyConnected1D(64, 3)(Input(shape=(10, 32)))
        >>> K.int_shape(y)
        (None, 8, 64)
    """

    rank = 1

    def _spatial_axes(self):
        return (1,)

    def _channel_axis(self):
        return 2

    def _place(self, input_shape, sizes):
        return (input_shape[0],) + sizes + (self.filters,)

    def _product(self, inputs):
        return K.local_conv1d(inputs, self.kernel, self.kernel_size, self.strides)

    def get_config(self):
        return self._base_config()


@legacy_support('conv2d')
class LocallyConnected2D(_LocallyConnected):
    """2-D locally connected layer: like Conv2D, but every output position has its own
    filters.

    Output position (i, j) is `activation(window_ij . kernel[i * output_cols + j] +
    bias[i, j])`, where window_ij is the kernel_size window at (i * strides[0],
    j * strides[1]) flattened (row, col, channel; channel, row, col with channels_first).

    Args:
        filters: number of output channels.
        kernel_size: int or (rows, cols).
        strides: int or (rows, cols), default (1, 1).
        padding: only 'valid' (case-insensitive), as in Keras 2.2.4.
        data_format: 'channels_last' ((batch, rows, cols, channels)) or 'channels_first'
            ((batch, channels, rows, cols)); default: K.image_data_format().
        activation, use_bias, initializers, regularizers, constraints: as for
            LocallyConnected1D.

    Weights: kernel (output_rows * output_cols, kernel_rows * kernel_cols * channels,
    filters), then bias (output_rows, output_cols, filters) (with channels_first it is
    added reshaped to (filters, output_rows, output_cols), as in Keras 2.2.4). Inputs
    need static rows, cols and channels.

    Example:
        >>> y = LocallyConnected2D(8, (3, 3))(Input(shape=(32, 32, 3)))
        >>> K.int_shape(y)
        (None, 30, 30, 8)
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid',
                 data_format=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, **kwargs)

    def _spatial_axes(self):
        return (2, 3) if self.data_format == 'channels_first' else (1, 2)

    def _channel_axis(self):
        return 1 if self.data_format == 'channels_first' else 3

    def _place(self, input_shape, sizes):
        return place_spatial(input_shape, self.data_format, sizes[0], sizes[1], self.filters)

    def _product(self, inputs):
        return K.local_conv2d(inputs, self.kernel, self.kernel_size, self.strides,
                              self.output_sizes, data_format=self.data_format)

    def get_config(self):
        return dict(self._base_config(), data_format=self.data_format)
