"""Reductions over static axes: Sum, Max, ArgMax, and Size (element count, for means)."""
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


@register_op
class Sum(Reduce):
    kernel = 'sum'

    def reference(self, x):
        return np.asarray(np.sum(x, axis=self.axes, keepdims=self.keepdims, dtype=x.dtype))

    def grad(self, inputs, out, g):
        return [B.broadcast_like(self.keep(g), inputs[0])]


@register_op
class Max(Reduce):
    kernel = 'max'

    def reference(self, x):
        return np.asarray(np.max(x, axis=self.axes, keepdims=self.keepdims))

    def grad(self, inputs, out, g):
        (x,) = inputs
        hit = B.cast(B.equal(x, self.keep(out)), x.dtype)
        return [B.broadcast_like(self.keep(g), x) * hit]


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
