"""Softmax, and the window geometry shared by the convolution and pooling kernels."""
import numpy as np
from numba import njit

from . import threads
from .registry import register
from .threads import claim_task, finish_task

PADDINGS = ('valid', 'same')


def pair(value, what, op):
    """Two ints from an int or a length-2 sequence (attrs come from JSON as lists)."""
    if isinstance(value, (int, np.integer)):
        return int(value), int(value)
    values = tuple(int(v) for v in value)
    if len(values) != 2 or min(values) < 1:
        raise ValueError(f"{op}: {what} must be two positive ints, received {value!r}")
    return values


def check_padding(padding, op):
    """The padding string, validated."""
    if padding not in PADDINGS:
        raise ValueError(f"{op}: unknown padding {padding!r}; expected one of {PADDINGS}")
    return padding


def window_geometry(size, kernel, stride, dilation, padding):
    """(output size, padding before) along one axis.

    'same' follows Keras on TensorFlow: output ceil(size / stride), total padding
    max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0), the odd cell after.
    """
    effective = (kernel - 1) * dilation + 1
    if padding == 'same':
        out = -(-size // stride)
        total = max((out - 1) * stride + effective - size, 0)
        return out, total // 2
    return max((size - effective) // stride + 1, 0), 0


def geometry_2d(input_hw, kernel_hw, strides, dilation, padding):
    """((oh, ow), geo) with geo = (kh, kw, sh, sw, dh, dw, pad_top, pad_left)."""
    oh, pad_top = window_geometry(input_hw[0], kernel_hw[0], strides[0], dilation[0], padding)
    ow, pad_left = window_geometry(input_hw[1], kernel_hw[1], strides[1], dilation[1],
                                   padding)
    geo = (kernel_hw[0], kernel_hw[1], strides[0], strides[1], dilation[0], dilation[1],
           pad_top, pad_left)
    return (oh, ow), geo


def check_rank(array, ndim, op, what):
    if array.ndim != ndim:
        raise ValueError(f"{op}: expected {what} with {ndim} dimensions, received shape "
                         f"{array.shape}")


# Softmax ------------------------------------------------------------------------------

# Softmaxes of fewer elements run on the calling thread, in numpy; tasks are blocks of
# rows.
PARALLEL_MIN_ELEMENTS = 1 << 16
ROWS_PER_TASK = 256


@njit(cache=True, nogil=True, error_model="numpy")
def _softmax_rows(x, r0, r1, out):
    """Numerically stable softmax of rows r0..r1 of a C-contiguous 2-D array."""
    cols = x.shape[1]
    for r in range(r0, r1):
        top = x[r, 0]
        for c in range(1, cols):
            if x[r, c] > top or x[r, c] != x[r, c]:
                top = x[r, c]
        total = x.dtype.type(0)
        for c in range(cols):
            value = np.exp(x[r, c] - top)
            out[r, c] = value
            total += value
        scale = x.dtype.type(1) / total
        for c in range(cols):
            out[r, c] *= scale


@njit(cache=True, nogil=True, error_model="numpy")
def _softmax_driver(state, slot, x, step, out):
    rows = x.shape[0]
    ntasks = (rows + step - 1) // step
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        _softmax_rows(x, k * step, min(rows, (k + 1) * step), out)
        last = finish_task(state, ntasks) or last


@register('softmax')
def kernel_softmax(axis=-1):
    """Factory: softmax over `axis` (the last axis in every graph the compiler emits)."""
    def run(x):
        axis_ = axis % max(x.ndim, 1)
        moved = np.moveaxis(x, axis_, -1) if axis_ != x.ndim - 1 else x
        flat = np.ascontiguousarray(moved).reshape(-1, max(moved.shape[-1], 1))
        if flat.size < PARALLEL_MIN_ELEMENTS:      # numpy: nothing to compile
            out = np.subtract(flat, flat.max(axis=-1, keepdims=True) if flat.size else 0)
            np.exp(out, out=out)
            out /= out.sum(axis=-1, keepdims=True)
        else:
            out = np.empty_like(flat)
            threads.run(_softmax_driver, -(-flat.shape[0] // ROWS_PER_TASK), flat,
                        ROWS_PER_TASK, out)
        out = out.reshape(moved.shape)
        return np.ascontiguousarray(np.moveaxis(out, -1, axis_)) if moved is not x else out
    return run
