"""Layout primitives: reshape, transpose, broadcast, expand/squeeze, concat, slice, pad,
crop."""
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


def _check_pairs(op, x, pairs, what):
    """Raise ValueError unless `pairs` holds one (before, after) of ints >= 0 per axis."""
    if len(pairs) != x.ndim or any(len(p) != 2 or min(p) < 0 for p in pairs):
        raise ValueError(f"{op.describe()}: expected one ({what} before, {what} after) "
                         f"pair of non-negative ints per axis of the input of shape "
                         f"{x.shape}, received {pairs}")


@register_op
class Pad(Op):
    """Constant padding: `pads` holds one (before, after) pair per axis."""

    params = ('pads', 'value')
    kernel = 'pad'

    def infer(self, x):
        _check_pairs(self, x, self.pads, 'padding')
        shape = tuple(None if d is None else d + before + after
                      for d, (before, after) in zip(x.shape, self.pads))
        return shape, x.dtype

    def reference(self, x):
        return np.pad(x, self.pads, constant_values=self.value).astype(x.dtype)

    def grad(self, inputs, out, g):
        # The adjoint of padding crops the padded cells away again; Crop needs no static
        # size, so padded axes of unknown length (sequences) still differentiate.
        return [Crop(crops=self.pads)(g)]


@register_op
class Crop(Op):
    """x[before:size - after] along every axis: `crops` holds one pair per axis."""

    params = ('crops',)
    kernel = 'crop'

    def infer(self, x):
        _check_pairs(self, x, self.crops, 'crop')
        shape = []
        for d, (before, after) in zip(x.shape, self.crops):
            if d is not None and before + after > d:
                raise ValueError(f"{self.describe()}: cannot crop {before + after} entries "
                                 f"from an axis of size {d} (input shape {x.shape})")
            shape.append(None if d is None else d - before - after)
        return tuple(shape), x.dtype

    def reference(self, x):
        index = tuple(slice(before, size - after)
                      for size, (before, after) in zip(x.shape, self.crops))
        return x[index].copy()

    def grad(self, inputs, out, g):
        return [Pad(pads=self.crops, value=0.0)(g)]
