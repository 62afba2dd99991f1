"""Axis bookkeeping kernels: expand_dims, squeeze, part (numpy views: no data moves) and
size."""
import numpy as np

from .registry import register


@register('expand_dims')
def expand_dims(axes):
    """Factory: x -> np.expand_dims(x, axes), as a reshape (a view; in a training step
    np.expand_dims' argument handling cost 14-16 us per call, its caches cold)."""
    axes = tuple(axes)

    def run(x):
        x = np.asarray(x)
        ndim = x.ndim + len(axes)
        positions = sorted(a % ndim if -ndim <= a < ndim else _axis_error(a, ndim)
                           for a in axes)
        if len(set(positions)) != len(positions):
            raise ValueError(f"expand_dims: repeated axis in {axes}")
        shape = list(x.shape)
        for position in positions:
            shape.insert(position, 1)
        return x.reshape(shape)
    return run


def _axis_error(axis, ndim):
    raise np.exceptions.AxisError(f"expand_dims: axis {axis} is out of bounds for a "
                                  f"result of {ndim} dimensions")


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
        return x[index]
    return run
