"""Merge layers (Keras 2.2.4): Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate, Dot, and their functional forms add, subtract, ... concatenate, dot."""
from .. import backend as K
from ..engine.base_layer import Layer
from .utils import layer_label


def _broadcast_shape(label, shape1, shape2, input_shapes=None):
    """Broadcast of two shapes (without batch axis); None dims broadcast to None.

    The error names the layer, the two clashing shapes and all `input_shapes`.
    """
    if shape1 is None or shape2 is None:
        return None
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return tuple(shape1)
    output = list(shape1[:-len(shape2)])
    for i, j in zip(shape1[-len(shape2):], shape2):
        if i is None or j is None:
            output.append(None)
        elif i == 1 or j == 1:
            output.append(j if i == 1 else i)
        elif i != j:
            raise ValueError('%s: operands could not be broadcast together with shapes %s %s '
                             '(received input shapes: %s)' % (label, tuple(shape1),
                                                               tuple(shape2), input_shapes))
        else:
            output.append(i)
    return tuple(output)


class _Merge(Layer):
    """Elementwise merge of a list of tensors; subclasses define `_merge_function`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _merge_function(self, inputs):
        raise NotImplementedError

    def _check_inputs(self, input_shape, minimum=2):
        if not isinstance(input_shape, list) or len(input_shape) < minimum:
            count = len(input_shape) if isinstance(input_shape, list) else 1
            raise ValueError('%s: a merge layer should be called on a list of at least %d '
                             'inputs, received %d input(s)' % (layer_label(self), minimum,
                                                                count))
        batch_sizes = {s[0] for s in input_shape if s is not None} - {None}
        if len(batch_sizes) > 1:
            raise ValueError('%s: cannot merge tensors with different batch sizes; received '
                             'shapes %s' % (layer_label(self), input_shape))

    def _elementwise_shape(self, input_shape):
        shape = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for other in input_shape[1:]:
            other = None if other is None else tuple(other[1:])
            shape = _broadcast_shape(layer_label(self), shape, other,
                                     [None if s is None else tuple(s) for s in input_shape])
        return shape

    def build(self, input_shape):
        self._check_inputs(input_shape)
        self._elementwise_shape(input_shape)
        self._reshape_required = (None in input_shape
                                  or len({len(s) for s in input_shape}) != 1)
        self.built = True

    def call(self, inputs):
        if getattr(self, '_reshape_required', False):
            max_ndim = max(K.ndim(x) for x in inputs)
            inputs = [self._expand_to(x, max_ndim) for x in inputs]
        return self._merge_function(inputs)

    @staticmethod
    def _expand_to(x, ndim):
        """Insert axes after the batch axis until x has `ndim` dimensions."""
        while K.ndim(x) < ndim:
            x = K.expand_dims(x, 1)
        return x

    def compute_output_shape(self, input_shape):
        shape = self._elementwise_shape(input_shape)
        if shape is None:
            return None
        batch_sizes = {s[0] for s in input_shape if s is not None} - {None}
        batch = batch_sizes.pop() if len(batch_sizes) == 1 else None
        return (batch,) + shape

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        masks = [K.expand_dims(m, 0) for m in mask if m is not None]
        return K.all(K.concatenate(masks, axis=0), axis=0, keepdims=False)


class Add(_Merge):
    """Elementwise sum of a list of tensors of the same shape."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output


class Subtract(_Merge):
    """Elementwise difference `inputs[0] - inputs[1]` of exactly two tensors."""

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError('%s: a Subtract layer should be called on exactly 2 inputs, '
                             'received %d' % (layer_label(self), len(input_shape)))

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError('%s: a Subtract layer should be called on exactly 2 inputs, '
                             'received %d' % (layer_label(self), len(inputs)))
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """Elementwise product of a list of tensors."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = output * x
        return output


class Average(_Merge):
    """Elementwise mean of a list of tensors."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output / float(len(inputs))


class Maximum(_Merge):
    """Elementwise maximum of a list of tensors."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = K.maximum(output, x)
        return output


class Minimum(_Merge):
    """Elementwise minimum of a list of tensors."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = K.minimum(output, x)
        return output


class Concatenate(_Merge):
    """Join a list of tensors along `axis` (default -1); other axes must match.

    Args:
        axis: the concatenation axis.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        if not isinstance(input_shape, list) or len(input_shape) < 2:
            raise ValueError('%s: a Concatenate layer should be called on a list of at least 2 '
                             'inputs, received %r' % (layer_label(self), input_shape))
        self._check_matching(input_shape)
        self.built = True

    def _check_matching(self, input_shapes):
        """Raise ValueError listing the shapes unless all axes but `axis` agree."""
        shapes = [tuple(s) for s in input_shapes if s is not None]
        if not shapes:
            return
        rank = len(shapes[0])
        valid = all(len(s) == rank for s in shapes) and -rank <= self.axis < rank
        if valid:
            axis = self.axis % rank
            valid = all(len({d for d in dims if d is not None}) <= 1
                        for position, dims in enumerate(zip(*shapes)) if position != axis)
        if not valid:
            raise ValueError('%s: a Concatenate layer requires inputs with matching shapes '
                             'except for the concatenation axis %d; received input shapes: %s'
                             % (layer_label(self), self.axis, shapes))

    def call(self, inputs):
        self._check_matching([K.int_shape(x) for x in inputs])
        return K.concatenate(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, list) or not input_shape:
            raise ValueError('%s: a Concatenate layer should be called on a list of inputs, '
                             'received %r' % (layer_label(self), input_shape))
        output = list(input_shape[0])
        for shape in input_shape[1:]:
            if output[self.axis] is None or shape[self.axis] is None:
                output[self.axis] = None
                break
            output[self.axis] += shape[self.axis]
        return tuple(output)

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            m = K.ones_like(x, dtype='bool') if m is None else m
            masks.append(K.expand_dims(m) if K.ndim(m) < K.ndim(x) else m)
        return K.all(K.concatenate(masks, axis=self.axis), axis=-1, keepdims=False)

    def get_config(self):
        return dict(super().get_config(), axis=self.axis)


class Dot(_Merge):
    """Per-sample dot product of two tensors: contracts axis axes[0] of the first with
    axis axes[1] of the second (K.batch_dot).

    Args:
        axes: int or (int, int), axes numbered with the batch axis as 0 (negative
            counts from the end).
        normalize: L2-normalise both inputs along their axes first (the result is then
            the cosine similarity).

    Example:
        >>> a, b = Input(shape=(8,)), Input(shape=(8,))
        >>> K.int_shape(Dot(axes=1)([a, b]))
        (None, 1)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = False
        if not isinstance(axes, int) and (len(axes) != 2 or
                                          not all(isinstance(a, int) for a in axes)):
            raise ValueError('%s: `axes` must be an int or a tuple of 2 ints, received %r'
                             % (layer_label(self), axes))
        self.axes = axes if isinstance(axes, int) else tuple(axes)
        self.normalize = normalize

    def _pair(self, shapes):
        """The two contracted axes, made non-negative for inputs of `shapes`."""
        axes = (self.axes, self.axes) if isinstance(self.axes, int) else self.axes
        return tuple(axis % len(shape) if axis < 0 else axis
                     for axis, shape in zip(axes, shapes))

    def build(self, input_shape):
        if not isinstance(input_shape, list) or len(input_shape) != 2:
            raise ValueError('%s: a Dot layer should be called on a list of 2 inputs, '
                             'received %r' % (layer_label(self), input_shape))
        shape1, shape2 = input_shape
        axes = self._pair(input_shape)
        if shape1[axes[0]] is not None and shape2[axes[1]] is not None and \
                shape1[axes[0]] != shape2[axes[1]]:
            raise ValueError('%s: dimension incompatibility %s != %s; received layer input '
                             'shapes %s and %s, axes %s' % (
                                 layer_label(self), shape1[axes[0]], shape2[axes[1]],
                                 tuple(shape1), tuple(shape2), axes))
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, list) or len(inputs) != 2:
            raise ValueError('%s: a Dot layer should be called on exactly 2 inputs'
                             % layer_label(self))
        x1, x2 = inputs
        axes = self._pair([K.int_shape(x1), K.int_shape(x2)])
        if self.normalize:
            x1 = K.l2_normalize(x1, axis=axes[0])
            x2 = K.l2_normalize(x2, axis=axes[1])
        return K.batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, list) or len(input_shape) != 2:
            raise ValueError('%s: a Dot layer should be called on a list of 2 inputs, '
                             'received %r' % (layer_label(self), input_shape))
        shape1, shape2 = list(input_shape[0]), list(input_shape[1])
        axes = self._pair(input_shape)
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        shape2.pop(0)
        output_shape = shape1 + shape2
        if len(output_shape) == 1:
            output_shape += [1]
        return tuple(output_shape)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = {'axes': self.axes, 'normalize': self.normalize}
        return dict(super().get_config(), **config)


def add(inputs, **kwargs):
    """Functional form of `Add`: `add([x1, x2])`."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of `Subtract`: `subtract([x1, x2])`."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of `Multiply`: `multiply([x1, x2])`."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of `Average`: `average([x1, x2])`."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of `Maximum`: `maximum([x1, x2])`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of `Minimum`: `minimum([x1, x2])`."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of `Concatenate`: `concatenate([x1, x2], axis=-1)`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    """Functional form of `Dot`: `dot([x1, x2], axes=1)`."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
