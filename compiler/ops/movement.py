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
    """Reshape to a target template; inputs: x, then one 0-d integer tensor per axis listed
    in `sizes` (sizes known at run time only, e.g. Theano's x.shape[0]).

    `shape` holds one entry per output axis: an int >= 0, or -1 (at most one, inferred
    from x's size; None outside `sizes` reads as -1); at the axes in `sizes` the entry is
    a placeholder (None) filled at run time from the matching input, which may be -1.
    """

    params = ('shape', 'sizes')
    kernel = 'reshape'

    def __init__(self, shape, sizes=()):
        super().__init__(shape=tuple(shape), sizes=tuple(sizes))

    def template(self):
        """The static target: ints, -1 to infer, None at the run-time `sizes` axes."""
        return tuple(None if i in self.sizes else -1 if d is None else int(d)
                     for i, d in enumerate(self.shape))

    def infer(self, x, *sizes):
        self._check_sizes(sizes)
        target = self.template()
        if sum(d == -1 for d in target) > 1 or any(d is not None and d < -1 for d in target):
            raise ValueError(f"{self.describe()}: expected sizes >= 0 with at most one -1")
        known = _prod(d for d in target if d not in (None, -1))
        if None not in x.shape:
            total = _prod(x.shape)
            if self.sizes:              # the run-time sizes must make up the rest
                bad = known and total % known
            else:
                bad = (known == 0 or total % known) if -1 in target else total != known
            if bad:
                raise ValueError(f"{self.describe()}: cannot reshape input of shape "
                                 f"{x.shape} ({total} elements) into {self.shape}")
            if not self.sizes:
                return tuple(total // known if d == -1 else d for d in target), x.dtype
        elif -1 not in target and not self.sizes and known % _prod(
                d for d in x.shape if d is not None):
            raise ValueError(f"{self.describe()}: cannot reshape input of shape {x.shape}")
        return tuple(None if d in (None, -1) else d for d in target), x.dtype

    def _check_sizes(self, sizes):
        axes = sorted(self.sizes)
        if len(set(axes)) != len(axes) or any(not 0 <= a < len(self.shape) for a in axes):
            raise ValueError(f"{self.describe()}: `sizes` must list distinct output axes")
        if len(sizes) != len(self.sizes) or any(
                s.ndim or not s.dtype.startswith(('int', 'uint')) for s in sizes):
            raise ValueError(f"{self.describe()}: expected {len(self.sizes)} 0-d integer "
                             f"size inputs, received {[(s.shape, s.dtype) for s in sizes]}")

    def attrs(self):
        shape = list(self.template())
        # Plans without run-time sizes keep their old attributes (exported artifacts).
        return {'shape': shape, 'sizes': list(self.sizes)} if self.sizes else {'shape': shape}

    def reference(self, x, *sizes):
        target = list(self.template())
        for axis, size in zip(self.sizes, sizes):
            target[axis] = int(size)
        return x.reshape(target)

    def grad(self, inputs, out, g):
        return [B.reshape_like(g, inputs[0])] + [None] * len(self.sizes)


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


def _resolved(axis_size, start, stop, step):
    """The entries x[start:stop:step] takes from an axis of `axis_size` (Python's rules)."""
    return range(*slice(start, stop, step).indices(axis_size))


class _Strided(Op):
    """Shared parameters of Slice and SliceGrad: one axis indexed numpy-style.

    `start`, `stop` (int or None) and `step` (a non-zero int) follow Python's slice rules
    (negative bounds count from the end, out-of-range bounds clamp), resolved against the
    run-time size when the axis size is unknown. With `drop_axis`, `start` is one integer
    index (checked: IndexError when out of range) and the axis is removed, as in x[start];
    `start` None then means the index is the op's last input, a 0-d integer tensor.
    """

    def __init__(self, axis, start, stop, step=1, drop_axis=False, **params):
        super().__init__(axis=axis, start=start, stop=stop, step=step,
                         drop_axis=drop_axis, **params)

    @property
    def index_input(self):
        """True when the integer index comes at run time, as the last input."""
        return bool(self.drop_axis) and self.start is None

    def check(self, ndim, size, shape, index=None):
        """Raise on bad parameters for an input of `ndim` axes (`size` along axis)."""
        if not 0 <= self.axis < ndim or self.step == 0:
            raise ValueError(f"{self.describe()}: expected an axis in [0, {ndim}) and a "
                             f"non-zero step for an input of shape {shape}")
        if self.index_input != (index is not None) or index is not None and (
                index.ndim or not index.dtype.startswith(('int', 'uint'))):
            raise ValueError(f"{self.describe()}: expected a 0-d integer index input "
                             f"exactly when drop_axis is set and start is None, received "
                             f"{None if index is None else (index.shape, index.dtype)}")
        if self.drop_axis and None not in (size, self.start) and \
                not -size <= self.start < size:
            raise IndexError(f"{self.describe()}: index {self.start} is out of bounds for "
                             f"axis {self.axis} with size {size} (input shape {shape})")

    def index(self, ndim, start=None):
        """The numpy index tuple for an input of `ndim` axes (`start`: the index input's
        value)."""
        index = [slice(None)] * ndim
        index[self.axis] = (int(self.start if start is None else start) if self.drop_axis
                            else slice(self.start, self.stop, self.step))
        return tuple(index)

    def sliced_size(self, size):
        """The output size along the axis (None when unknown; unused with drop_axis)."""
        return None if size is None else len(_resolved(size, self.start, self.stop,
                                                       self.step))


@register_op
class Slice(_Strided):
    """x[start:stop:step] along one axis, or x[start] with drop_axis (see `_Strided`);
    inputs: x[, index]."""

    params = ('axis', 'start', 'stop', 'step', 'drop_axis')
    kernel = 'slice'

    def infer(self, x, index=None):
        size = x.shape[self.axis] if 0 <= self.axis < x.ndim else None
        self.check(x.ndim, size, x.shape, index)
        shape = list(x.shape)
        if self.drop_axis:
            del shape[self.axis]
        else:
            shape[self.axis] = self.sliced_size(size)
        return tuple(shape), x.dtype

    def reference(self, x, index=None):
        return np.array(x[self.index(x.ndim, index)])

    def grad(self, inputs, out, g):
        # An axis of unknown size reads it from x at run time (x is then a shape input).
        x, index = inputs[0], inputs[1:]
        size = x.shape[self.axis]
        scatter = SliceGrad(axis=self.axis, start=self.start, stop=self.stop,
                            step=self.step, drop_axis=self.drop_axis, size=size)
        ref = [x] if size is None else []
        return [scatter(g, *ref, *index)] + [None] * len(index)


@register_op
class SliceGrad(_Strided):
    """Zeros of x's shape with g placed where Slice took x[...] (Slice's adjoint).

    Inputs: g, then x (`ref`) when `size` (x's size along the axis) is None, then the
    index input when Slice had one.
    """

    params = ('axis', 'start', 'stop', 'step', 'drop_axis', 'size')
    kernel = 'slice_grad'

    def split(self, extra):
        """(ref, index) from the inputs after g, either None when absent."""
        expected = (self.size is None) + self.index_input
        if len(extra) != expected:
            raise ValueError(f"{self.describe()}: expected {1 + expected} inputs (g, x "
                             f"when size is None, the index when start is None), received "
                             f"{1 + len(extra)}")
        ref = extra[0] if self.size is None else None
        return ref, (extra[-1] if self.index_input else None)

    def infer(self, g, *extra):
        _, index = self.split(extra)
        self.check(g.ndim + self.drop_axis, self.size, g.shape, index)
        got = None if self.drop_axis else g.shape[self.axis]
        expected = None if got is None else self.sliced_size(self.size)
        if expected is not None and expected != got:
            raise ValueError(f"{self.describe()}: expected {expected} entries along axis "
                             f"{self.axis}, received g of shape {g.shape}")
        return self.grown(g.shape, self.size), g.dtype

    def grown(self, g_shape, size):
        """The input's shape: g's with `size` put back along the axis."""
        shape = list(g_shape)
        if self.drop_axis:
            shape.insert(self.axis, size)
        else:
            shape[self.axis] = size
        return tuple(shape)

    def reference(self, g, *extra):
        ref, index = self.split(extra)
        size = self.size if ref is None else ref.shape[self.axis]
        out = np.zeros(self.grown(g.shape, size), g.dtype)
        out[self.index(out.ndim, index)] = g
        return out

    def grad(self, inputs, out, g):
        forward = Slice(axis=self.axis, start=self.start, stop=self.stop, step=self.step,
                        drop_axis=self.drop_axis)
        index = [inputs[-1]] if self.index_input else []
        return [forward(g, *index)] + [None] * (len(inputs) - 1)


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
