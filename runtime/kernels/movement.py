"""Layout kernels: reshape, reshape_like, transpose, broadcast_like, concat, slice, pad,
crop.

These move or relabel data and compute nothing, so they are plain numpy view/copy
operations (no Numba). Aliasing, for the executor and a later memory planner:
`reshape` and `reshape_like` return a view of their input when its layout allows;
every other kernel here returns a new C-contiguous array.
"""
import numpy as np

from .registry import register


def _index(ndim, axis, start, stop):
    index = [slice(None)] * ndim
    index[axis] = slice(start, stop)
    return tuple(index)


def _axis(axis, ndim, op):
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for a {ndim}-D input")
    return axis % ndim


@register('reshape')
def kernel_reshape(shape):
    """Factory: x reshaped to `shape` (one entry may be -1; None is read as -1)."""
    target = tuple(-1 if d is None else int(d) for d in shape)

    def run(x):
        try:
            return np.reshape(x, target)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape an input of shape {x.shape} "
                             f"({x.size} elements) into {list(target)}") from None
    return run


@register('reshape_like')
def kernel_reshape_like():
    """Factory: (x, ref) -> x reshaped to ref.shape."""
    def run(x, ref):
        if x.size != ref.size:
            raise ValueError(f"reshape_like: cannot reshape an input of shape {x.shape} "
                             f"into the reference shape {ref.shape}")
        return np.reshape(x, ref.shape)
    return run


@register('transpose')
def kernel_transpose(perm):
    """Factory: x with its axes permuted by `perm`, as a new C-contiguous array."""
    perm = tuple(int(p) for p in perm)

    def run(x):
        if sorted(perm) != list(range(x.ndim)):
            raise ValueError(f"transpose: perm {list(perm)} is not a permutation of the "
                             f"axes of an input of shape {x.shape}")
        return np.transpose(x, perm).copy()
    return run


@register('broadcast_like')
def kernel_broadcast_like():
    """Factory: (x, ref) -> x broadcast to ref.shape, materialised contiguously."""
    def run(x, ref):
        try:
            return np.broadcast_to(x, ref.shape).copy()
        except ValueError:
            raise ValueError(f"broadcast_like: cannot broadcast an input of shape {x.shape} "
                             f"to {ref.shape}") from None
    return run


@register('concat')
def kernel_concat(axis):
    """Factory: (x0, ..., xn) joined along `axis`; all inputs share one dtype."""
    def run(*arrays):
        if len({a.dtype for a in arrays}) > 1:
            raise ValueError(f"concat: inputs must share one dtype, received "
                             f"{[a.dtype.name for a in arrays]}")
        try:
            return np.concatenate(arrays, axis=axis)
        except ValueError:
            raise ValueError(f"concat: inputs must have the same shape except along axis "
                             f"{axis}, received {[a.shape for a in arrays]}") from None
    return run


@register('slice')
def kernel_slice(axis, start, stop):
    """Factory: x[start:stop] along `axis` (step 1), as a new array."""
    def run(x):
        axis_ = _axis(axis, x.ndim, 'slice')
        if not 0 <= start <= stop <= x.shape[axis_]:
            raise ValueError(f"slice: bounds [{start}:{stop}] out of range for axis "
                             f"{axis_} of shape {x.shape}")
        return x[_index(x.ndim, axis_, start, stop)].copy()
    return run


@register('slice_grad')
def kernel_slice_grad(axis, start, stop, size):
    """Factory: zeros with `size` along `axis`, g placed at [start:stop] (slice's adjoint)."""
    def run(g):
        axis_ = _axis(axis, g.ndim, 'slice_grad')
        if g.shape[axis_] != stop - start or not 0 <= start <= stop <= size:
            raise ValueError(f"slice_grad: expected {stop - start} entries along axis "
                             f"{axis_} for [{start}:{stop}] of {size}, received {g.shape}")
        shape = list(g.shape)
        shape[axis_] = size
        out = np.zeros(shape, g.dtype)
        out[_index(g.ndim, axis_, start, stop)] = g
        return out
    return run


def _pairs(op, pairs, ndim):
    """`pairs` as a tuple of (before, after) int pairs, one per axis of an ndim input."""
    pairs = tuple((int(before), int(after)) for before, after in pairs)
    if len(pairs) != ndim or any(min(p) < 0 for p in pairs):
        raise ValueError(f"{op}: expected {ndim} (before, after) pairs of non-negative "
                         f"ints, received {[list(p) for p in pairs]}")
    return pairs


@register('pad')
def kernel_pad(pads, value=0.0):
    """Factory: x with `pads[axis] = (before, after)` cells of `value` around each axis."""
    def run(x):
        widths = _pairs('pad', pads, x.ndim)
        shape = tuple(n + before + after for n, (before, after) in zip(x.shape, widths))
        out = np.full(shape, value, x.dtype)
        out[tuple(slice(before, before + n) for n, (before, _) in zip(x.shape, widths))] = x
        return out
    return run


@register('crop')
def kernel_crop(crops):
    """Factory: x[before:n - after] along every axis, as a new array (pad's adjoint)."""
    def run(x):
        widths = _pairs('crop', crops, x.ndim)
        if any(before + after > n for n, (before, after) in zip(x.shape, widths)):
            raise ValueError(f"crop: cannot remove {[list(w) for w in widths]} from an "
                             f"input of shape {x.shape}")
        return x[tuple(slice(before, n - after)
                       for n, (before, after) in zip(x.shape, widths))].copy()
    return run
