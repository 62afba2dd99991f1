"""Reductions over static axes: Sum, Prod, Max, Min, ArgMax; and what reads or makes shapes
only: Size (element count, for means), Shape (Theano's x.shape), Alloc (zeros of a run-time
shape)."""
import numpy as np

from .base import Op, register_op
from .. import builders as B


def normalize_axes(op, ndim, axes):
    """Sorted non-negative axes; None means all; raises on out-of-range axes."""
    if axes is None:
        return tuple(range(ndim))
    if isinstance(axes, int):
        axes = (axes,)
    out = []
    for axis in axes:
        if not -ndim <= axis < max(ndim, 1):
            raise ValueError(f"{op}: axis {axis} is out of range for a {ndim}-D input")
        out.append(axis % ndim if ndim else 0)
    return tuple(sorted(set(out)))


def reduced_shape(shape, axes, keepdims):
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


class Reduce(Op):
    params = ('axes', 'keepdims')

    def infer(self, x):
        for axis in self.axes:
            if axis >= max(x.ndim, 1):
                raise ValueError(f"{self.describe()}: axis {axis} out of range for input "
                                 f"shape {x.shape}")
        return reduced_shape(x.shape, self.axes, self.keepdims), x.dtype

    def keep(self, g):
        """g reshaped so that it broadcasts against the input (reduced axes kept as 1)."""
        return g if self.keepdims else B.expand_dims(g, self.axes)


def count_dtype(dtype):
    """dtype of a sum or product: the input's, except bools, which count in int64 (numpy,
    Theano)."""
    return 'int64' if dtype == 'bool' else dtype


class Accumulate(Reduce):
    """Sum and Prod: bools count in int64, other dtypes are kept."""

    def infer(self, x):
        shape, dtype = super().infer(x)
        return shape, count_dtype(dtype)


@register_op
class Sum(Accumulate):
    kernel = 'sum'

    def reference(self, x):
        return np.asarray(np.sum(x, axis=self.axes, keepdims=self.keepdims,
                                 dtype=count_dtype(x.dtype.name)))

    def grad(self, inputs, out, g):
        return [B.broadcast_like(self.keep(g), inputs[0])]


@register_op
class Prod(Accumulate):
    """The exact product (no logarithms); its gradient is right where x holds zeros."""

    kernel = 'prod'

    def reference(self, x):
        return np.asarray(np.prod(x, axis=self.axes, keepdims=self.keepdims,
                                  dtype=count_dtype(x.dtype.name)))

    def grad(self, inputs, out, g):
        # Theano's Prod gradient: d prod / d x_i is the product of the other entries of
        # x_i's group. Without zeros in the group that is prod / x_i; with one zero it is
        # the product of the non-zeros at the zero and 0 elsewhere; with more, 0 everywhere.
        (x,) = inputs
        zero = B.equal(x, 0)
        zeros = B.reduce_sum(B.cast(zero, x.dtype), self.axes, keepdims=True)
        nonzero = B.where(zero, B.ones_like(x), x)
        others = Prod(axes=self.axes, keepdims=True)(nonzero)     # product of non-zeros
        lone_zero = B.logical_and(zero, B.equal(zeros, 1))
        factor = B.where(B.equal(zeros, 0), others / nonzero,
                         B.where(lone_zero, others, B.zeros_like(x)))
        return [B.broadcast_like(self.keep(g), x) * factor]


class Extreme(Reduce):
    """Max and Min: the gradient goes to every entry equal to the result."""

    def grad(self, inputs, out, g):
        (x,) = inputs
        hit = B.cast(B.equal(x, self.keep(out)), x.dtype)
        return [B.broadcast_like(self.keep(g), x) * hit]


@register_op
class Max(Extreme):
    kernel = 'max'

    def reference(self, x):
        return np.asarray(np.max(x, axis=self.axes, keepdims=self.keepdims))


@register_op
class Min(Extreme):
    kernel = 'min'

    def reference(self, x):
        return np.asarray(np.min(x, axis=self.axes, keepdims=self.keepdims))


@register_op
class ArgMax(Op):
    params = ('axis', 'keepdims')
    kernel = 'argmax'
    differentiable = False

    def infer(self, x):
        return reduced_shape(x.shape, (self.axis,), self.keepdims), 'int64'

    def reference(self, x):
        return np.asarray(np.argmax(x, axis=self.axis, keepdims=self.keepdims), 'int64')


@register_op
class Size(Op):
    """The number of elements of x along `axes`, as a scalar of `dtype` (for means)."""

    params = ('axes', 'dtype')
    kernel = 'size'

    def infer(self, x):
        return (), self.dtype

    def grad(self, inputs, out, g):
        return [None]       # depends on the shape of x only: a zero gradient

    def reference(self, x):
        return np.asarray(np.prod([x.shape[a] for a in self.axes]), self.dtype)


@register_op
class Shape(Op):
    """The run-time shape of x as a 1-D int64 tensor (Theano's x.shape)."""

    kernel = 'shape'

    def infer(self, x):
        return (x.ndim,), 'int64'

    def grad(self, inputs, out, g):
        return [None]       # depends on the shape of x only: a zero gradient

    def reference(self, x):
        return np.asarray(x.shape, 'int64')


@register_op
class Alloc(Op):
    """Zeros of `dtype` shaped by a template (Theano's alloc); inputs: one 0-d integer
    tensor per axis listed in `sizes`, whose entry in `shape` is a placeholder (None)."""

    params = ('shape', 'sizes', 'dtype')
    kernel = 'alloc'

    def infer(self, *sizes):
        if len(sizes) != len(self.sizes) or any(
                s.ndim or not s.dtype.startswith(('int', 'uint')) for s in sizes) or any(
                (d is None) != (i in self.sizes) or d is not None and d < 0
                for i, d in enumerate(self.shape)):
            raise ValueError(f"{self.describe()}: expected sizes >= 0, None exactly at the "
                             f"axes `sizes` and one 0-d integer input for each, received "
                             f"{[(s.shape, s.dtype) for s in sizes]}")
        return tuple(self.shape), self.dtype

    def grad(self, inputs, out, g):
        return [None] * len(inputs)     # zeros: no input changes the values

    def reference(self, *sizes):
        shape = list(self.shape)
        for axis, size in zip(self.sizes, sizes):
            shape[axis] = int(size)
        return np.zeros(shape, self.dtype)
