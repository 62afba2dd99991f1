"""Softmax, and the window geometry shared by the convolution and pooling kernels."""
import numpy as np
from numba import njit

from . import threads
from .registry import register
from .vmath import exp as vexp
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

# Softmaxes of fewer elements run on the calling thread (as one task of the driver: numpy's
# five calls took 10-13 of a batch-1 CNN inference's ~200 us); tasks are blocks of rows.
PARALLEL_MIN_ELEMENTS = 1 << 16
ROWS_PER_TASK = 256
_COMPILED_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


@njit(cache=True, nogil=True, error_model="numpy")
def _softmax_rows(x, r0, r1, out):
    """Numerically stable softmax of rows r0..r1 of a C-contiguous 2-D array."""
    cols = x.shape[1]
    for r in range(r0, r1):
        top = x[r, 0]
        for c in range(1, cols):
            if x[r, c] > top or x[r, c] != x[r, c]:
                top = x[r, c]
        for c in range(cols):      # no sum in this loop: it vectorizes (vmath's exp)
            out[r, c] = vexp(x[r, c] - top)
        total = x.dtype.type(0)
        for c in range(cols):
            total += out[r, c]
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
        out = np.empty_like(flat)
        if flat.dtype not in _COMPILED_FLOATS:        # float16: numpy's loops
            np.subtract(flat, flat.max(axis=-1, keepdims=True) if flat.size else 0, out=out)
            np.exp(out, out=out)
            out /= out.sum(axis=-1, keepdims=True)
        elif flat.size < PARALLEL_MIN_ELEMENTS:
            _softmax_driver(np.zeros(2, np.int64), 0, flat, max(flat.shape[0], 1), out)
        else:
            threads.run(_softmax_driver, -(-flat.shape[0] // ROWS_PER_TASK), flat,
                        ROWS_PER_TASK, out)
        out = out.reshape(moved.shape)
        return np.ascontiguousarray(np.moveaxis(out, -1, axis_)) if moved is not x else out
    return run


# Softmax cross-entropy -----------------------------------------------------------------

@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _shifted_exp(z, tops, e):
    """tops[r] = the maximum of row r of z (a NaN wins), e = exp(z - tops[:, None]).
    The exponentials run as one loop over the whole flat array, which vectorizes
    (vmath's exp): row by row over a few classes the loops stayed short, and with a
    libm call per entry a 128x10 batch took 7 us instead of 4."""
    rows, cols = z.shape
    for r in range(rows):
        top = z[r, 0]
        for c in range(1, cols):
            if z[r, c] > top or z[r, c] != z[r, c]:
                top = z[r, c]
        tops[r] = top
        for c in range(cols):
            e[r, c] = z[r, c] - top
    flat = e.reshape(-1)
    for i in range(flat.size):
        flat[i] = vexp(flat[i])


@njit(cache=True, nogil=True, error_model="numpy")
def _crossentropy_rows(z, y, out):
    """out[r] = sum_c y[r, c] * (log(sum(exp(z[r] - top))) - (z[r, c] - top)), top the
    row's maximum."""
    rows, cols = z.shape
    tops = np.empty(rows, z.dtype)
    e = np.empty((rows, cols), z.dtype)
    _shifted_exp(z, tops, e)
    for r in range(rows):
        total = z.dtype.type(0)
        for c in range(cols):
            total += e[r, c]
        log_total = np.log(total)
        loss = z.dtype.type(0)
        for c in range(cols):
            loss += y[r, c] * (log_total - (z[r, c] - tops[r]))
        out[r] = loss


@njit(cache=True, nogil=True, error_model="numpy")
def _crossentropy_grad_rows(z, y, g, out):
    """out[r, c] = (softmax(z[r])[c] * sum(y[r]) - y[r, c]) * g[r] (exp(z - top) computed
    once per entry, into `out`, then scaled)."""
    rows, cols = z.shape
    if cols == 0:
        return
    tops = np.empty(rows, z.dtype)
    _shifted_exp(z, tops, out)
    for r in range(rows):
        total = z.dtype.type(0)
        mass = z.dtype.type(0)
        for c in range(cols):
            total += out[r, c]
            mass += y[r, c]
        for c in range(cols):
            out[r, c] = (out[r, c] / total * mass - y[r, c]) * g[r]


def _rows(z, y):
    """z and y (broadcast to z) as C-contiguous (rows, classes) arrays of z's dtype."""
    if z.ndim == 2 and y.shape == z.shape and y.dtype == z.dtype and \
            z.flags.c_contiguous and y.flags.c_contiguous:
        return z, y                 # the usual case: no views, no copies
    cols = max(z.shape[-1], 1) if z.ndim else 1
    flat_z = np.ascontiguousarray(z).reshape(-1, cols)
    flat_y = np.ascontiguousarray(np.broadcast_to(y, z.shape), z.dtype).reshape(-1, cols)
    return flat_z, flat_y


@register('softmax_crossentropy')
def kernel_softmax_crossentropy():
    """Factory: per-row -sum(y * log_softmax(z)) over the last axis, shape z.shape[:-1]."""
    def run(z, y):
        flat_z, flat_y = _rows(z, y)
        out = np.zeros(flat_z.shape[0], z.dtype)
        if z.shape[-1]:
            _crossentropy_rows(flat_z, flat_y, out)
        return out.reshape(z.shape[:-1])
    return run


@register('softmax_crossentropy_grad')
def kernel_softmax_crossentropy_grad():
    """Factory: (softmax(z) * sum(y, -1) - y) * g[..., None], shaped like z."""
    def run(z, y, g):
        flat_z, flat_y = _rows(z, y)
        flat_g = g if g.shape == z.shape[:-1] and g.ndim == 1 and g.dtype == z.dtype and \
            g.flags.c_contiguous else \
            np.ascontiguousarray(np.broadcast_to(g, z.shape[:-1]), z.dtype).reshape(-1)
        out = np.empty_like(flat_z)
        _crossentropy_grad_rows(flat_z, flat_y, flat_g, out)
        return out.reshape(z.shape)
    return run
