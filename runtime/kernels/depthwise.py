"""Depthwise 2-D convolution (NHWC input, (KH, KW, C, M) kernel) and its gradients.

Output channel c * M + m is input channel c filtered by kernel[:, :, c, m]. The kernel is
read as (KH, KW, C * M), so tap (i, j) of output channel t is w2[i, j, t] and the loops
over channels run on contiguous lines (one flat loop when M = 1).

Kernels:
- depthwise_conv2d: each output pixel sums its in-bounds taps (padding is never stored);
- depthwise_conv2d_grad_input: each input pixel gathers from the output pixels that read
  it, so tasks write disjoint rows (no scatter, no race);
- depthwise_conv2d_grad_filter: one partial kernel per task, summed in task order; the
  task count depends on the problem only, so the result does not depend on the threads.

A task is a block of rows of one image (any batch, batch 1 included, has enough tasks);
tasks run on `threads`, problems below PARALLEL_MIN_WORK multiply-adds on the caller.
"""
import numpy as np
from numba import njit

from . import threads
from .nn import check_padding, check_rank, geometry_2d, pair
from .registry import register
from .threads import claim_task, finish_task

# Multiply-adds per task (rows of one image are grouped up to about this much work).
TASK_WORK = 1 << 16
# At most this many partial kernels in the filter gradient (tasks group row blocks).
MAX_FILTER_TASKS = 64
# Below this many multiply-adds a kernel runs on the calling thread.
PARALLEL_MIN_WORK = 1 << 18


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _multiply_add(source, weights, multiplier, acc):
    """acc[c * M + m] += source[c] * weights[c * M + m] (M = multiplier)."""
    if multiplier == 1:
        for c in range(acc.shape[0]):
            acc[c] += source[c] * weights[c]
    else:
        for c in range(source.shape[0]):
            value = source[c]
            for m in range(multiplier):
                acc[c * multiplier + m] += value * weights[c * multiplier + m]


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _multiply_reduce(line, weights, multiplier, acc):
    """acc[c] += sum over m of line[c * M + m] * weights[c * M + m] (M = multiplier)."""
    if multiplier == 1:
        for c in range(acc.shape[0]):
            acc[c] += line[c] * weights[c]
    else:
        for c in range(acc.shape[0]):
            total = acc[c]
            for m in range(multiplier):
                total += line[c * multiplier + m] * weights[c * multiplier + m]
            acc[c] = total


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _forward_rows(x, w2, geo, multiplier, n, r0, r1, out):
    """out[n, r0:r1] of the depthwise convolution of x with w2 (KH, KW, C * M)."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    height, width = x.shape[1], x.shape[2]
    for r in range(r0, r1):
        for q in range(out.shape[2]):
            acc = out[n, r, q]
            for t in range(acc.shape[0]):
                acc[t] = 0
            for i in range(kh):
                row = r * sh + i * dh - pad_top
                if row < 0 or row >= height:
                    continue
                for j in range(kw):
                    col = q * sw + j * dw - pad_left
                    if 0 <= col < width:
                        _multiply_add(x[n, row, col], w2[i, j], multiplier, acc)


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _source(index, pad, tap, dilation, stride, extent):
    """The output index that reads input `index` through kernel tap `tap`, or -1."""
    shifted = index + pad - tap * dilation
    if shifted < 0 or shifted % stride != 0 or shifted // stride >= extent:
        return -1
    return shifted // stride


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _grad_input_rows(g, w2, geo, multiplier, n, r0, r1, dx):
    """dx[n, r0:r1]: each input pixel sums g * w over the output pixels that read it."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    out_h, out_w = g.shape[1], g.shape[2]
    for r in range(r0, r1):
        for q in range(dx.shape[2]):
            acc = dx[n, r, q]
            for c in range(acc.shape[0]):
                acc[c] = 0
            for i in range(kh):
                oh = _source(r, pad_top, i, dh, sh, out_h)
                if oh < 0:
                    continue
                for j in range(kw):
                    ow = _source(q, pad_left, j, dw, sw, out_w)
                    if ow < 0:
                        continue
                    _multiply_reduce(g[n, oh, ow], w2[i, j], multiplier, acc)


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _grad_filter_rows(x, g, geo, multiplier, n, r0, r1, part):
    """part (KH, KW, C * M) += the filter gradient of output rows r0:r1 of image n."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    height, width = x.shape[1], x.shape[2]
    for r in range(r0, r1):
        for q in range(g.shape[2]):
            line = g[n, r, q]
            for i in range(kh):
                row = r * sh + i * dh - pad_top
                if row < 0 or row >= height:
                    continue
                for j in range(kw):
                    col = q * sw + j * dw - pad_left
                    if 0 <= col < width:
                        _multiply_add(x[n, row, col], line, multiplier, part[i, j])


@njit(cache=True, nogil=True, error_model="numpy")
def _forward_driver(state, slot, x, w2, geo, multiplier, rows, out):
    blocks = (out.shape[1] + rows - 1) // rows
    ntasks = out.shape[0] * blocks
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        r0 = (k % blocks) * rows
        _forward_rows(x, w2, geo, multiplier, k // blocks, r0, min(r0 + rows, out.shape[1]),
                      out)
        last = finish_task(state, ntasks) or last


@njit(cache=True, nogil=True, error_model="numpy")
def _grad_input_driver(state, slot, g, w2, geo, multiplier, rows, dx):
    blocks = (dx.shape[1] + rows - 1) // rows
    ntasks = dx.shape[0] * blocks
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        r0 = (k % blocks) * rows
        _grad_input_rows(g, w2, geo, multiplier, k // blocks, r0,
                         min(r0 + rows, dx.shape[1]), dx)
        last = finish_task(state, ntasks) or last


@njit(cache=True, nogil=True, error_model="numpy")
def _grad_filter_driver(state, slot, x, g, geo, multiplier, rows, parts):
    """Task k sums the row blocks [k * units / T, (k + 1) * units / T) into parts[k]."""
    blocks = (g.shape[1] + rows - 1) // rows
    units, ntasks = g.shape[0] * blocks, parts.shape[0]
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        part = parts[k]
        part[:] = 0
        for unit in range(k * units // ntasks, (k + 1) * units // ntasks):
            r0 = (unit % blocks) * rows
            _grad_filter_rows(x, g, geo, multiplier, unit // blocks, r0,
                              min(r0 + rows, g.shape[1]), part)
        last = finish_task(state, ntasks) or last


def _rows_per_task(rows, row_work):
    """Rows of one image per task: about TASK_WORK multiply-adds, at least one row."""
    return max(1, min(rows, TASK_WORK // max(row_work, 1)))


def _check_dtypes(op, *arrays):
    dtype = arrays[0].dtype
    if dtype not in (np.float32, np.float64) or any(a.dtype != dtype for a in arrays[1:]):
        raise ValueError(f"{op}: expected float32 or float64 arrays of one dtype, received "
                         f"{' and '.join(str(a.dtype) for a in arrays)}")


def _check_kernel(op, w, channels):
    check_rank(w, 4, op, 'depthwise kernel (KH, KW, C, M)')
    if w.shape[2] != channels:
        raise ValueError(f"{op}: expected a kernel of shape (KH, KW, {channels}, M), "
                         f"received {w.shape}")


def _options(op, strides, padding, dilation):
    return (pair(strides, 'strides', op), check_padding(padding, op),
            pair(dilation, 'dilation', op))


def _run(driver, tasks, work, *args):
    threads.run(driver, tasks, *args, parallel=work >= PARALLEL_MIN_WORK)


@register('depthwise_conv2d')
def kernel_depthwise_conv2d(strides=(1, 1), padding='valid', dilation=(1, 1)):
    """Factory: x (N, H, W, C), w (KH, KW, C, M) -> (N, OH, OW, C * M)."""
    op = 'depthwise_conv2d'
    strides, padding, dilation = _options(op, strides, padding, dilation)

    def run(x, w):
        check_rank(x, 4, op, 'input (N, H, W, C)')
        _check_kernel(op, w, x.shape[3])
        _check_dtypes(op, x, w)
        x, w = np.ascontiguousarray(x), np.ascontiguousarray(w)
        out_hw, geo = geometry_2d(x.shape[1:3], w.shape[:2], strides, dilation, padding)
        kh, kw, channels, multiplier = w.shape
        out = np.empty(x.shape[:1] + out_hw + (channels * multiplier,), x.dtype)
        if out.size:
            row_work = out_hw[1] * channels * multiplier * kh * kw
            rows = _rows_per_task(out_hw[0], row_work)
            tasks = x.shape[0] * -(-out_hw[0] // rows)
            _run(_forward_driver, tasks, out.size * kh * kw, x,
                 w.reshape(kh, kw, -1), geo, multiplier, rows, out)
        return out
    return run


@register('depthwise_conv2d_grad_input')
def kernel_depthwise_conv2d_grad_input(input_hw, strides=(1, 1), padding='valid',
                                       dilation=(1, 1)):
    """Factory: (g (N, OH, OW, C * M), w (KH, KW, C, M)) -> gradient w.r.t. x (N, H, W, C)."""
    op = 'depthwise_conv2d_grad_input'
    strides, padding, dilation = _options(op, strides, padding, dilation)
    input_hw = pair(input_hw, 'input_hw', op)

    def run(g, w):
        check_rank(g, 4, op, 'output gradient (N, OH, OW, C * M)')
        check_rank(w, 4, op, 'depthwise kernel (KH, KW, C, M)')
        _check_dtypes(op, g, w)
        g, w = np.ascontiguousarray(g), np.ascontiguousarray(w)
        out_hw, geo = geometry_2d(input_hw, w.shape[:2], strides, dilation, padding)
        kh, kw, channels, multiplier = w.shape
        if g.shape[1:] != out_hw + (channels * multiplier,):
            raise ValueError(f"{op}: expected an output gradient of shape (N,) + "
                             f"{out_hw + (channels * multiplier,)}, received {g.shape}")
        dx = np.empty(g.shape[:1] + input_hw + (channels,), g.dtype)
        if dx.size:
            rows = _rows_per_task(input_hw[0], input_hw[1] * channels * multiplier * kh * kw)
            tasks = g.shape[0] * -(-input_hw[0] // rows)
            _run(_grad_input_driver, tasks, g.size * kh * kw, g, w.reshape(kh, kw, -1), geo,
                 multiplier, rows, dx)
        return dx
    return run


@register('depthwise_conv2d_grad_filter')
def kernel_depthwise_conv2d_grad_filter(kernel_hw, strides=(1, 1), padding='valid',
                                        dilation=(1, 1)):
    """Factory: (x (N, H, W, C), g (N, OH, OW, C * M)) -> gradient w.r.t. w (KH, KW, C, M)."""
    op = 'depthwise_conv2d_grad_filter'
    strides, padding, dilation = _options(op, strides, padding, dilation)
    kernel_hw = pair(kernel_hw, 'kernel_hw', op)

    def run(x, g):
        check_rank(x, 4, op, 'input (N, H, W, C)')
        check_rank(g, 4, op, 'output gradient (N, OH, OW, C * M)')
        _check_dtypes(op, x, g)
        x, g = np.ascontiguousarray(x), np.ascontiguousarray(g)
        out_hw, geo = geometry_2d(x.shape[1:3], kernel_hw, strides, dilation, padding)
        channels = x.shape[3]
        if g.shape[:3] != x.shape[:1] + out_hw or channels == 0 or g.shape[3] % channels:
            raise ValueError(f"{op}: expected an output gradient of shape "
                             f"{x.shape[:1] + out_hw} + ({channels} * M,), received {g.shape}")
        multiplier = g.shape[3] // channels
        shape = kernel_hw + (channels, multiplier)
        if g.size == 0:
            return np.zeros(shape, x.dtype)
        rows = _rows_per_task(out_hw[0], out_hw[1] * g.shape[3] * kernel_hw[0] * kernel_hw[1])
        units = x.shape[0] * -(-out_hw[0] // rows)
        tasks = min(units, MAX_FILTER_TASKS)
        parts = threads.scratch('depthwise_parts', (tasks,) + kernel_hw + (g.shape[3],),
                                x.dtype)
        _run(_grad_filter_driver, tasks, g.size * kernel_hw[0] * kernel_hw[1], x, g, geo,
             multiplier, rows, parts)
        return parts.sum(axis=0).reshape(shape)    # in task order: same for any threads
    return run
