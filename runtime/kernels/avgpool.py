"""Average pooling (NHWC), forward and gradient; padded cells are not counted.

Tasks are chunks of images (`threads`); small batches run on the calling thread.
"""
import numpy as np
from numba import njit

from . import threads
from .registry import register
from .threads import claim_task, finish_task

PARALLEL_MIN_ELEMENTS = 1 << 17
IMAGES_PER_TASK = 8


def _pads(size, kernel, stride, padding):
    """(output size, padding before) along one axis, Keras-on-TensorFlow rule."""
    if padding == 'same':
        out = -(-size // stride)
        total = max((out - 1) * stride + kernel - size, 0)
        return out, total // 2
    return (size - kernel) // stride + 1, 0


@njit(cache=True, nogil=True, error_model="numpy")
def _avgpool_images(x, out, geo, n0, n1, grad):
    """Forward: out[n] = window means of x[n]. Gradient (grad): x is the pooled gradient
    and out (zeroed here) receives each share spread over its window."""
    kh, kw, sh, sw, pad_h, pad_w = geo
    source, target = (out, x) if grad else (x, out)
    h, w, c = source.shape[1], source.shape[2], source.shape[3]
    oh, ow = target.shape[1], target.shape[2]
    if grad:
        out[n0:n1] = 0
    for b in range(n0, n1):
        for i in range(oh):
            r0, r1 = max(i * sh - pad_h, 0), min(i * sh - pad_h + kh, h)
            for j in range(ow):
                c0, c1 = max(j * sw - pad_w, 0), min(j * sw - pad_w + kw, w)
                scale = x.dtype.type(1) / ((r1 - r0) * (c1 - c0))
                for ch in range(c):
                    if grad:
                        share = x[b, i, j, ch] * scale
                        for r in range(r0, r1):
                            for q in range(c0, c1):
                                out[b, r, q, ch] += share
                    else:
                        acc = x.dtype.type(0)
                        for r in range(r0, r1):
                            for q in range(c0, c1):
                                acc += x[b, r, q, ch]
                        out[b, i, j, ch] = acc * scale


@njit(cache=True, nogil=True, error_model="numpy")
def _avgpool_driver(state, slot, x, out, geo, chunk, grad):
    images = x.shape[0]
    ntasks = (images + chunk - 1) // chunk
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        _avgpool_images(x, out, geo, k * chunk, min(images, (k + 1) * chunk), grad)
        last = finish_task(state, ntasks) or last


def _run(x, out, geo, grad):
    if x.shape[0] and out.size:
        chunk = max(1, min(IMAGES_PER_TASK, x.shape[0]))
        threads.run(_avgpool_driver, -(-x.shape[0] // chunk), x, out, geo, chunk, grad,
                    parallel=max(x.size, out.size) >= PARALLEL_MIN_ELEMENTS)
    elif grad:
        out[...] = 0
    return out


@register('avgpool2d')
def avgpool2d(pool_size, strides, padding):
    """Factory: x (N, H, W, C) -> the mean of each window (padded cells not counted)."""
    (kh, kw), (sh, sw) = pool_size, strides

    def run(x):
        x = np.ascontiguousarray(x)
        oh, pad_h = _pads(x.shape[1], kh, sh, padding)
        ow, pad_w = _pads(x.shape[2], kw, sw, padding)
        out = np.empty((x.shape[0], oh, ow, x.shape[3]), x.dtype)
        return _run(x, out, (kh, kw, sh, sw, pad_h, pad_w), False)
    return run


@register('avgpool2d_grad')
def avgpool2d_grad(pool_size, strides, padding, input_hw):
    """Factory: g (N, OH, OW, C) -> the gradient of avgpool2d, (N, H, W, C)."""
    (kh, kw), (sh, sw), (h, w) = pool_size, strides, input_hw

    def run(g):
        g = np.ascontiguousarray(g)
        _, pad_h = _pads(h, kh, sh, padding)
        _, pad_w = _pads(w, kw, sw, padding)
        dx = np.empty((g.shape[0], h, w, g.shape[3]), g.dtype)
        return _run(g, dx, (kh, kw, sh, sw, pad_h, pad_w), True)
    return run
