"""Layout kernels: reshape, reshape_like, transpose, broadcast_like, concat, slice, pad,
crop.

These move or relabel data. Views (reshape) are numpy metadata changes; copies are
numpy's (C loops over contiguous runs) or small Numba kernels (transpose). Aliasing, for
the memory planner:
`reshape` and `reshape_like` return a view of their input when its layout allows;
every other kernel here returns a new C-contiguous array.
"""
import numba
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


@numba.njit(cache=True)
def _transpose_copy(x, perm):
    return np.transpose(x, perm).copy()        # always a new buffer (planner relies on it)


def _place(out, src, axis, offset):
    """Copy src into out at `offset` along `axis` (numpy's strided copy: a jitted
    per-element copy with its 3-D view set-up cost 28-60 us for a (64, 128) block placed
    in a (64, 512) matrix, numpy ~2 us)."""
    if src.size:
        out[_index(out.ndim, axis, offset, offset + src.shape[axis])] = src


@register('reshape')
def kernel_reshape(shape, sizes=()):
    """Factory: (x, *size inputs) -> x reshaped to `shape` (one entry may be -1; None is
    read as -1), its entries at the axes `sizes` taken from the 0-d size inputs."""
    sizes = tuple(int(axis) for axis in sizes)
    template = [None if i in sizes else -1 if d is None else int(d)
                for i, d in enumerate(shape)]
    if not sizes:
        target = tuple(template)
        return lambda x: _reshape(x, target)
    return lambda x, *values: _reshape(x, _target(template, sizes, values))


def _reshape(x, target):
    try:
        return np.reshape(x, target)
    except ValueError:
        raise ValueError(f"reshape: cannot reshape an input of shape {x.shape} "
                         f"({x.size} elements) into {list(target)}") from None


def _target(template, sizes, values):
    """The target shape: `template` with the run-time `values` put at the axes `sizes`."""
    if len(values) != len(sizes):
        raise ValueError(f"reshape: expected {len(sizes)} size inputs, received "
                         f"{len(values)}")
    target = list(template)
    for axis, value in zip(sizes, values):
        target[axis] = int(value)
    if sum(d == -1 for d in target) > 1 or any(d < -1 for d in target):
        raise ValueError(f"reshape: expected sizes >= 0 with at most one -1, received "
                         f"target shape {target}")
    return tuple(target)


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
        return _transpose_copy(x, perm)
    return run


@register('broadcast_like')
def kernel_broadcast_like():
    """Factory: (x, ref) -> x broadcast to ref.shape, materialised contiguously."""
    def run(x, ref):
        try:
            out = np.empty(ref.shape, x.dtype)
            np.copyto(out, x)       # broadcasts x (and only x) to ref.shape, or raises
            return out
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
        axis_ = _axis(axis, arrays[0].ndim, 'concat')
        first = arrays[0].shape
        if any(a.ndim != len(first) or a.shape[:axis_] != first[:axis_] or
               a.shape[axis_ + 1:] != first[axis_ + 1:] for a in arrays):
            raise ValueError(f"concat: inputs must have the same shape except along axis "
                             f"{axis}, received {[a.shape for a in arrays]}")
        return np.concatenate(arrays, axis=axis_)      # a new C-contiguous array
    return run


def _strided_index(op, shape, axis, start, stop, step, drop_axis):
    """The numpy index of x[start:stop:step] (or x[start], drop_axis) along `axis` of an
    input of `shape`: Python's slice rules, an integer index checked (IndexError)."""
    if step == 0:
        raise ValueError(f"{op}: slice step cannot be zero")
    index = [slice(None)] * len(shape)
    if not drop_axis:
        index[axis] = slice(start, stop, step)
    elif -shape[axis] <= start < shape[axis]:
        index[axis] = start
    else:
        raise IndexError(f"{op}: index {start} is out of bounds for axis {axis} with size "
                         f"{shape[axis]} (input shape {tuple(shape)})")
    return tuple(index)


@register('slice')
def kernel_slice(axis, start, stop, step=1, drop_axis=False):
    """Factory: x[start:stop:step] along `axis` (Python's slice rules: None, negative and
    out-of-range bounds as in numpy), or x[start] with the axis removed when `drop_axis`
    (IndexError when out of range; start None: the index is a second input, a 0-d integer
    array), as a new C-contiguous array."""
    def run(x, index=None):
        axis_ = _axis(axis, x.ndim, 'slice')
        first = start if index is None else _integer('slice', index)
        index_ = _strided_index('slice', x.shape, axis_, first, stop, step, drop_axis)
        return np.array(x[index_], order='C')        # always a copy
    return run


@register('slice_grad')
def kernel_slice_grad(axis, start, stop, size, step=1, drop_axis=False):
    """Factory: (g[, ref][, index]) -> zeros of the sliced input's shape with g placed
    where `slice` took it (slice's adjoint). The size along `axis` is `size`, or ref's
    when `size` is None; `index` is slice's index input (drop_axis with start None)."""
    dynamic = bool(drop_axis) and start is None

    def run(g, *extra):
        if len(extra) != (size is None) + dynamic:
            raise ValueError(f"slice_grad: expected {1 + (size is None) + dynamic} inputs, "
                             f"received {1 + len(extra)}")
        axis_ = _axis(axis, g.ndim + bool(drop_axis), 'slice_grad')
        total = size if size is not None else extra[0].shape[axis_]
        first = _integer('slice_grad', extra[-1]) if dynamic else start
        shape = list(g.shape)
        if drop_axis:
            shape.insert(axis_, total)
        else:
            shape[axis_] = total
        out = np.zeros(shape, g.dtype)
        index = _strided_index('slice_grad', shape, axis_, first, stop, step, drop_axis)
        expected = np.shape(out[index])
        if expected != g.shape:
            raise ValueError(f"slice_grad: expected g of shape {expected} for "
                             f"{_describe(index[axis_])} of an axis of {total}, received "
                             f"{g.shape}")
        out[index] = g
        return out
    return run


def _integer(op, index):
    """The int held by a 0-d integer array (an index input)."""
    index = np.asarray(index)
    if index.ndim or index.dtype.kind not in 'iu':
        raise IndexError(f"{op}: expected a 0-d integer index, received {index.dtype} "
                         f"array of shape {index.shape}")
    return int(index)


def _describe(item):
    """`item` (an int or a slice) written as in Python source."""
    if not isinstance(item, slice):
        return f"[{item}]"
    parts = ['' if v is None else str(v) for v in (item.start, item.stop, item.step)]
    return f"[{parts[0]}:{parts[1]}:{parts[2]}]"


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
        out = x
        for axis, (before, after) in enumerate(widths):
            if before or after or out is x:
                shape = list(out.shape)
                shape[axis] += before + after
                grown = np.full(shape, value, x.dtype)
                _place(grown, out, axis, before)
                out = grown
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
        out = x
        for axis, (before, after) in enumerate(widths):
            if before or after or out is x:
                shape = list(out.shape)
                shape[axis] -= before + after
                kept = np.empty(shape, x.dtype)
                if kept.size:
                    kept[...] = out[_index(out.ndim, axis, before, out.shape[axis] - after)]
                out = kept
        return out
    return run
