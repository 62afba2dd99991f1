"""Layout primitives: reshape, transpose, broadcast, expand/squeeze, concat, slice."""
import numpy as np

from .base import Op, register_op
from .. import builders as B


def _prod(dims):
    out = 1
    for d in dims:
        out *= d
    return out


@register_op
class Reshape(Op):
    """Reshape to a static target; one entry may be -1 (or None, inferred at run time)."""

    params = ('shape',)
    kernel = 'reshape'

    def infer(self, x):
        target = tuple(-1 if d is None else int(d) for d in self.shape)
        if sum(d == -1 for d in target) > 1:
            raise ValueError(f"{self.describe()}: at most one dimension may be -1")
        known = _prod(d for d in target if d != -1)
        if None not in x.shape:
            total = _prod(x.shape)
            if -1 in target:
                if known == 0 or total % known:
                    raise ValueError(f"{self.describe()}: cannot reshape input of shape "
                                     f"{x.shape} into {self.shape}")
            elif total != known:
                raise ValueError(f"{self.describe()}: cannot reshape input of shape "
                                 f"{x.shape} ({total} elements) into {self.shape}")
            return tuple(total // known if d == -1 else d for d in target), x.dtype
        rest = _prod(d for d in x.shape if d is not None)
        if -1 not in target and known % rest:
            raise ValueError(f"{self.describe()}: cannot reshape input of shape {x.shape}")
        return tuple(None if d == -1 else d for d in target), x.dtype

    def attrs(self):
        return {'shape': [-1 if d is None else int(d) for d in self.shape]}

    def reference(self, x):
        return x.reshape([-1 if d is None else d for d in self.shape])

    def grad(self, inputs, out, g):
        return [B.reshape_like(g, inputs[0])]


@register_op
class ReshapeLike(Op):
    """Reshape x to the run-time shape of ref (gradients of reshapes)."""

    kernel = 'reshape_like'

    def infer(self, x, ref):
        return ref.shape, x.dtype

    def reference(self, x, ref):
        return x.reshape(ref.shape)

    def grad(self, inputs, out, g):
        return [B.reshape_like(g, inputs[0]), None]


@register_op
class Transpose(Op):
    params = ('perm',)
    kernel = 'transpose'

    def infer(self, x):
        if sorted(self.perm) != list(range(x.ndim)):
            raise ValueError(f"{self.describe()}: not a permutation of the axes of a "
                             f"{x.ndim}-D input of shape {x.shape}")
        return tuple(x.shape[p] for p in self.perm), x.dtype

    def reference(self, x):
        return np.transpose(x, self.perm)

    def grad(self, inputs, out, g):
        return [B.transpose(g, tuple(int(i) for i in np.argsort(self.perm)))]


@register_op
class BroadcastLike(Op):
    """Broadcast x to the run-time shape of ref; autodiff sums the gradient back."""

    kernel = 'broadcast_like'

    def infer(self, x, ref):
        from .elementwise import broadcast_shapes
        broadcast_shapes(self, [x.shape, ref.shape])
        return ref.shape, x.dtype

    def reference(self, x, ref):
        return np.broadcast_to(x, ref.shape).copy()

    def grad(self, inputs, out, g):
        return [g, None]


@register_op
class ExpandDims(Op):
    """Insert size-1 axes at the given (sorted, output-numbered) positions."""

    params = ('axes',)
    kernel = 'expand_dims'

    def infer(self, x):
        shape = list(x.shape)
        for axis in self.axes:
            shape.insert(axis, 1)
        return tuple(shape), x.dtype

    def reference(self, x):
        return np.expand_dims(x, self.axes)

    def grad(self, inputs, out, g):
        return [B.reshape_like(g, inputs[0])]


@register_op
class Squeeze(Op):
    params = ('axes',)
    kernel = 'squeeze'

    def infer(self, x):
        for axis in self.axes:
            if x.shape[axis] not in (1, None):
                raise ValueError(f"{self.describe()}: axis {axis} of shape {x.shape} is "
                                 "not of size 1")
        return tuple(d for i, d in enumerate(x.shape) if i not in self.axes), x.dtype

    def reference(self, x):
        return np.squeeze(x, self.axes)

    def grad(self, inputs, out, g):
        return [B.reshape_like(g, inputs[0])]


@register_op
class Concat(Op):
    params = ('axis',)
    kernel = 'concat'

    def infer(self, *xs):
        axis, first = self.axis, xs[0]
        for x in xs:
            if x.ndim != first.ndim or any(
                    a != b and None not in (a, b)
                    for i, (a, b) in enumerate(zip(x.shape, first.shape)) if i != axis):
                raise ValueError(f"{self.describe()}: inputs must have the same shape "
                                 f"except along axis {axis}, received "
                                 f"{[t.shape for t in xs]}")
        sizes = [x.shape[axis] for x in xs]
        total = None if None in sizes else sum(sizes)
        shape = list(first.shape)
        shape[axis] = total
        for i in range(len(shape)):
            if shape[i] is None and i != axis:
                shape[i] = next((x.shape[i] for x in xs if x.shape[i] is not None), None)
        return tuple(shape), xs[0].dtype

    def reference(self, *xs):
        return np.concatenate(xs, axis=self.axis)

    def grad(self, inputs, out, g):
        start, grads = 0, []
        for x in inputs:
            size = x.shape[self.axis]
            if size is None:
                raise ValueError(f"{self.describe()}: gradient needs static sizes along "
                                 f"axis {self.axis}, received shape {x.shape}")
            grads.append(B.slice_axis(g, self.axis, start, start + size))
            start += size
        return grads


@register_op
class Slice(Op):
    """x[start:stop] along one axis (step 1, static bounds)."""

    params = ('axis', 'start', 'stop')
    kernel = 'slice'

    def infer(self, x):
        size = x.shape[self.axis]
        if size is not None and not 0 <= self.start <= self.stop <= size:
            raise ValueError(f"{self.describe()}: bounds out of range for shape {x.shape}")
        shape = list(x.shape)
        shape[self.axis] = self.stop - self.start
        return tuple(shape), x.dtype

    def reference(self, x):
        index = [slice(None)] * x.ndim
        index[self.axis] = slice(self.start, self.stop)
        return x[tuple(index)]

    def grad(self, inputs, out, g):
        size = inputs[0].shape[self.axis]
        if size is None:
            raise ValueError(f"{self.describe()}: gradient needs a static size along axis "
                             f"{self.axis}, received shape {inputs[0].shape}")
        return [SliceGrad(axis=self.axis, start=self.start, stop=self.stop, size=size)(g)]


@register_op
class SliceGrad(Op):
    """Zeros of `size` along `axis` with g placed at [start:stop] (adjoint of Slice)."""

    params = ('axis', 'start', 'stop', 'size')
    kernel = 'slice_grad'

    def infer(self, g):
        shape = list(g.shape)
        shape[self.axis] = self.size
        return tuple(shape), g.dtype

    def reference(self, g):
        shape = list(g.shape)
        shape[self.axis] = self.size
        out = np.zeros(shape, g.dtype)
        index = [slice(None)] * g.ndim
        index[self.axis] = slice(self.start, self.stop)
        out[tuple(index)] = g
        return out

    def grad(self, inputs, out, g):
        return [B.slice_axis(g, self.axis, self.start, self.stop)]
