"""Axis bookkeeping kernels: expand_dims, squeeze, part (numpy views: no data moves),
size, shape and alloc."""
import numpy as np

from .registry import register


@register('expand_dims')
def expand_dims(axes):
    """Factory: x -> np.expand_dims(x, axes), as a reshape (a view; in a training step
    np.expand_dims' argument handling cost 14-16 us per call, its caches cold). The
    result's pattern of new axes is numpy's, found once per input rank."""
    axes = tuple(axes)
    patterns = {}

    def run(x):
        x = np.asarray(x)
        new = patterns.get(x.ndim)
        if new is None:      # numpy checks the axes (AxisError, repeated axis)
            shape = np.expand_dims(np.empty((2,) * x.ndim), axes).shape
            new = patterns[x.ndim] = [d == 1 for d in shape]
        dims = iter(x.shape)
        return x.reshape([1 if one else next(dims) for one in new])
    return run


@register('squeeze')
def squeeze(axes):
    axes = tuple(axes)
    return lambda x: np.squeeze(x, axes)


@register('size')
def size(axes, dtype):
    """The element count of x along `axes`, as a 0-d array of `dtype`."""
    axes = tuple(axes)

    def run(x):
        count = 1
        for axis in axes:
            count *= x.shape[axis]
        return np.asarray(count, dtype)
    return run


@register('shape')
def shape():
    """Factory: x -> x.shape as a new 1-D int64 array."""
    return lambda x: np.array(np.shape(x), np.int64)


@register('alloc')
def alloc(shape, sizes, dtype):
    """Factory: (*size inputs) -> zeros of `dtype` shaped by `shape`, its entries at the
    axes `sizes` read from the 0-d size inputs."""
    sizes = [int(axis) for axis in sizes]

    def run(*values):
        target = list(shape)
        for axis, value in zip(sizes, values):
            target[axis] = int(value)
        if len(values) != len(sizes) or any(d < 0 for d in target):
            raise ValueError(f"alloc: expected {len(sizes)} size inputs and sizes >= 0, "
                             f"received {len(values)} inputs and shape {target}")
        return np.zeros(target, dtype)
    return run


@register('part')
def part(index):
    """Factory: x -> x[index] along the first axis, a view (one result of a stacked
    multi-result output, e.g. gemm_update's). x may also be the tuple of separate result
    buffers such a kernel returns when given out= buffers (a variable's update in place)."""
    index = int(index)

    def run(x):
        size = len(x) if type(x) is tuple else (x.shape[0] if x.ndim else 0)  # noqa: E721
        if not 0 <= index < size:
            raise ValueError(f"part: index {index} out of range for an input of shape "
                             f"{np.shape(x)}")
        # x[index, ...]: a 0-d array view (not a numpy scalar) when x holds 0-d results
        return x[index] if type(x) is tuple else x[index, ...]  # noqa: E721
    return run
