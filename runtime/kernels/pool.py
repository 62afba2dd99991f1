"""2-D max pooling (NHWC), its gradient, and the gradient through relu + max pooling.

Windows are clipped to the input: padded cells never win. The gradient recomputes each
window's argmax from x (the first maximum in row-major window order wins ties) and routes
the output gradient there; overlapping windows add up. `maxpool2d_relu_grad` takes the
relu's output y (the pooling's input) and routes the gradient only where y > 0: the
gradient through relu then max pooling, in one pass instead of a pooling gradient and a
masking product over the whole activation.

Tasks are chunks of images (`threads`); small batches run on the calling thread.
"""
import numpy as np
from numba import njit

from . import threads
from .nn import check_padding, check_rank, geometry_2d, pair
from .loops import copy
from .registry import register
from .threads import claim_task, finish_task

# Below this many input elements a pooling kernel runs on the calling thread.
PARALLEL_MIN_ELEMENTS = 1 << 17
IMAGES_PER_TASK = 8


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _window(index, stride, pad, size, extent):
    """[start, stop) of one window along one axis, clipped to the input."""
    start = index * stride - pad
    return max(start, 0), min(start + size, extent)


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _maxpool_images(x, geo, n0, n1, out):
    kh, kw, sh, sw, _, _, pad_top, pad_left = geo
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    oh, ow = out.shape[1], out.shape[2]
    for n in range(n0, n1):
        for i in range(oh):
            r0, r1 = _window(i, sh, pad_top, kh, height)
            for j in range(ow):
                c0, c1 = _window(j, sw, pad_left, kw, width)
                best = out[n, i, j]
                copy(x[n, r0, c0], best)
                for r in range(r0, r1):
                    for q in range(c0, c1):
                        line = x[n, r, q]
                        for c in range(channels):
                            value = line[c]
                            if value > best[c] or value != value:
                                best[c] = value


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _maxpool_grad_images(x, g, geo, relu, n0, n1, dx):
    """dx[n0:n1] = the pooled gradient routed to each window's first maximum (only where
    that maximum is > 0 when `relu`)."""
    kh, kw, sh, sw, _, _, pad_top, pad_left = geo
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    oh, ow = g.shape[1], g.shape[2]
    best = np.empty(channels, x.dtype)
    where = np.empty(channels, np.int64)
    dx[n0:n1] = 0
    for n in range(n0, n1):
        for i in range(oh):
            r0, r1 = _window(i, sh, pad_top, kh, height)
            for j in range(ow):
                c0, c1 = _window(j, sw, pad_left, kw, width)
                copy(x[n, r0, c0], best)
                where[:] = r0 * width + c0
                for r in range(r0, r1):
                    for q in range(c0, c1):
                        line = x[n, r, q]
                        for c in range(channels):
                            value = line[c]
                            if value > best[c] or (value != value and best[c] == best[c]):
                                best[c] = value
                                where[c] = r * width + q
                grad = g[n, i, j]
                for c in range(channels):
                    if not relu or best[c] > 0:
                        dx[n, where[c] // width, where[c] % width, c] += grad[c]


def _tiles(geo, x_shape, g_shape):
    """True when the windows tile the input: stride = size, no padding, all inside."""
    kh, kw, sh, sw, _, _, pad_top, pad_left = geo
    return kh == sh and kw == sw and pad_top == 0 and pad_left == 0 and \
        g_shape[1] * kh <= x_shape[1] and g_shape[2] * kw <= x_shape[2]


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _tiled_grad_images(x, g, kh, kw, relu, n0, n1, dx):
    """_maxpool_grad_images for windows that tile the input (stride = size, no padding):
    every cell of dx is written once, branch-free across channels (no zeroing pass)."""
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    oh, ow = g.shape[1], g.shape[2]
    best = np.empty(channels, x.dtype)
    where = np.empty(channels, np.int32)
    for n in range(n0, n1):
        dx[n, oh * kh:] = 0
        dx[n, :oh * kh, ow * kw:] = 0
        for i in range(oh):
            for j in range(ow):
                copy(x[n, i * kh, j * kw], best)
                where[:] = 0
                for cell in range(1, kh * kw):
                    line = x[n, i * kh + cell // kw, j * kw + cell % kw]
                    for c in range(channels):
                        value = line[c]
                        take = value > best[c] or (value != value and best[c] == best[c])
                        best[c] = value if take else best[c]
                        where[c] = cell if take else where[c]
                grad = g[n, i, j]
                for cell in range(kh * kw):
                    target = dx[n, i * kh + cell // kw, j * kw + cell % kw]
                    for c in range(channels):
                        hit = where[c] == cell and (not relu or best[c] > 0)
                        target[c] = grad[c] if hit else 0


@njit(cache=True, nogil=True, error_model="numpy")
def _maxpool_driver(state, slot, x, geo, chunk, out):
    images = x.shape[0]
    ntasks = (images + chunk - 1) // chunk
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        _maxpool_images(x, geo, k * chunk, min(images, (k + 1) * chunk), out)
        last = finish_task(state, ntasks) or last


@njit(cache=True, nogil=True, error_model="numpy")
def _maxpool_grad_driver(state, slot, x, g, geo, relu, chunk, dx):
    images = x.shape[0]
    ntasks = (images + chunk - 1) // chunk
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        _maxpool_grad_images(x, g, geo, relu, k * chunk, min(images, (k + 1) * chunk), dx)
        last = finish_task(state, ntasks) or last


@njit(cache=True, nogil=True, error_model="numpy")
def _tiled_grad_driver(state, slot, x, g, geo, relu, chunk, dx):
    images = x.shape[0]
    ntasks = (images + chunk - 1) // chunk
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        _tiled_grad_images(x, g, geo[0], geo[1], relu, k * chunk,
                           min(images, (k + 1) * chunk), dx)
        last = finish_task(state, ntasks) or last


def _options(op, pool_size, strides, padding):
    pool_size = pair(pool_size, 'pool_size', op)
    strides = pool_size if strides is None else pair(strides, 'strides', op)
    return pool_size, strides, check_padding(padding, op)


def _geometry(op, x, pool_size, strides, padding):
    check_rank(x, 4, op, 'input (N, H, W, C)')
    return geometry_2d(x.shape[1:3], pool_size, strides, (1, 1), padding)


def _tasks(x):
    """(images per task, task count, run in parallel?) for a pooling over x."""
    chunk = max(1, min(IMAGES_PER_TASK, x.shape[0]))
    return chunk, -(-x.shape[0] // chunk), x.size >= PARALLEL_MIN_ELEMENTS


@register('maxpool2d')
def kernel_maxpool2d(pool_size=(2, 2), strides=None, padding='valid'):
    """Factory: x (N, H, W, C) -> (N, OH, OW, C), the maximum of each window."""
    pool_size, strides, padding = _options('maxpool2d', pool_size, strides, padding)

    def run(x):
        out_hw, geo = _geometry('maxpool2d', x, pool_size, strides, padding)
        x = np.ascontiguousarray(x)
        out = np.empty(x.shape[:1] + out_hw + x.shape[3:], x.dtype)
        if out.size:
            chunk, tasks, parallel = _tasks(x)
            threads.run(_maxpool_driver, tasks, x, geo, chunk, out, parallel=parallel)
        return out
    return run


def _grad_kernel(op, pool_size, strides, padding, relu):
    pool_size, strides, padding = _options(op, pool_size, strides, padding)

    def run(x, g):
        out_hw, geo = _geometry(op, x, pool_size, strides, padding)
        if g.shape != x.shape[:1] + out_hw + x.shape[3:]:
            raise ValueError(f"{op}: expected an output gradient of shape "
                             f"{x.shape[:1] + out_hw + x.shape[3:]}, received {g.shape}")
        if g.dtype != x.dtype:
            raise ValueError(f"{op}: inputs must share one dtype, received "
                             f"{x.dtype} and {g.dtype}")
        x, g = np.ascontiguousarray(x), np.ascontiguousarray(g)
        dx = np.empty_like(x)
        if g.size:
            chunk, tasks, parallel = _tasks(x)
            driver = _tiled_grad_driver if _tiles(geo, x.shape, g.shape) else \
                _maxpool_grad_driver
            threads.run(driver, tasks, x, g, geo, relu, chunk, dx, parallel=parallel)
        else:
            dx[...] = 0
        return dx
    return run


@register('maxpool2d_grad')
def kernel_maxpool2d_grad(pool_size=(2, 2), strides=None, padding='valid'):
    """Factory: (x, g (N, OH, OW, C)) -> gradient with respect to x, shaped like x."""
    return _grad_kernel('maxpool2d_grad', pool_size, strides, padding, False)


@register('maxpool2d_relu_grad')
def kernel_maxpool2d_relu_grad(pool_size=(2, 2), strides=None, padding='valid'):
    """Factory: (y, g) -> gradient through relu then max pooling, given y = relu output:
    maxpool2d_grad(y, g) * (y > 0)."""
    return _grad_kernel('maxpool2d_relu_grad', pool_size, strides, padding, True)
