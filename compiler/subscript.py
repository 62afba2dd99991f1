"""Reading a numpy index expression (the `index` of `x[index]`) into one entry per axis.

`builders.getitem` builds the graph from what `index_items` returns: a list holding, in
order, an int, a 0-d integer tensor or a slice (int or None bounds) for each axis of x and
None for each new axis, with Ellipsis expanded and missing trailing axes filled with full
slices.
"""
import operator

import numpy as np

from .ir import is_tensor

SUPPORTED = ("supported indices: ints, 0-d integer tensors, slices with int or None "
             "bounds (any non-zero step), Ellipsis (...) and None (np.newaxis), in a tuple; "
             "lists, arrays and boolean masks (advanced indexing) are not supported")


def index_items(x, index):
    """One entry per axis of x (int, 0-d tensor or slice) plus None per new axis, checked.

    Raises:
        IndexError: an unsupported index kind, too many indices, more than one Ellipsis,
            or an int out of range on an axis of static size.
    """
    items = [_item(entry, x) for entry in (index if isinstance(index, tuple) else (index,))]
    ellipses = [i for i, item in enumerate(items) if item is Ellipsis]
    if len(ellipses) > 1:
        raise IndexError(f"an index can only have a single ellipsis ('...'), received "
                         f"{index!r}")
    indexed = sum(item is not None and item is not Ellipsis for item in items)
    if indexed > x.ndim:
        raise IndexError(f"too many indices for tensor of shape {x.shape}: tensor is "
                         f"{x.ndim}-dimensional, but {indexed} were indexed")
    fill = [slice(None)] * (x.ndim - indexed)
    if ellipses:
        items[ellipses[0]:ellipses[0] + 1] = fill
    else:
        items += fill
    _check_ints(x, [item for item in items if item is not None])
    return items


def new_axis_positions(items):
    """The output positions of the new axes (None entries) of `index_items`' result."""
    positions, axis = [], 0
    for item in items:
        if item is None:
            positions.append(axis)
        if item is None or isinstance(item, slice):
            axis += 1
    return positions


def _item(entry, x):
    """One entry of the index: an int, a 0-d integer tensor, a slice of ints, None or
    Ellipsis, else IndexError."""
    if entry is None or entry is Ellipsis:
        return entry
    if is_tensor(entry) and entry.ndim == 0 and entry.dtype.startswith(('int', 'uint')):
        return entry
    if isinstance(entry, slice):
        return slice(*(_bound(entry, v, x) for v in (entry.start, entry.stop, entry.step)))
    if is_tensor(entry) or isinstance(entry, (bool, np.bool_, list)):
        raise IndexError(f"unsupported index {entry!r} for tensor of shape {x.shape}; "
                         f"{SUPPORTED}")
    try:
        return operator.index(entry)
    except TypeError:
        raise IndexError(f"unsupported index {entry!r} for tensor of shape {x.shape}; "
                         f"{SUPPORTED}") from None


def _bound(entry, value, x):
    """A slice bound or step as an int (or None)."""
    if value is None:
        return None
    try:
        if is_tensor(value):
            raise TypeError
        return operator.index(value)
    except TypeError:
        raise IndexError(f"unsupported slice {entry!r} for tensor of shape {x.shape}: "
                         f"bounds and step must be ints or None; {SUPPORTED}") from None


def _check_ints(x, per_axis):
    """IndexError (numpy's message, with the shape) for an int out of range on a static
    axis."""
    for axis, (item, size) in enumerate(zip(per_axis, x.shape)):
        if isinstance(item, int) and size is not None and not -size <= item < size:
            raise IndexError(f"index {item} is out of bounds for axis {axis} with size "
                             f"{size} (tensor of shape {x.shape})")
