"""Merge layers (Keras 2.2.4): Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate, and their functional forms add, subtract, ... concatenate."""
from .. import backend as K
from ..engine.base_layer import Layer
from .utils import layer_label


def _broadcast_shape(label, shape1, shape2):
    """Broadcast of two shapes (without batch axis); None dims broadcast to None."""
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
            raise ValueError('%s: operands could not be broadcast together with shapes %s %s'
                             % (label, tuple(shape1), tuple(shape2)))
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
            shape = _broadcast_shape(layer_label(self), shape, other)
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
