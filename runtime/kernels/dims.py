"""Axis bookkeeping kernels: expand_dims, squeeze (numpy views: no data moves) and size."""
import numpy as np

from .registry import register


@register('expand_dims')
def expand_dims(axes):
    axes = tuple(axes)
    return lambda x: np.expand_dims(x, axes)


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
