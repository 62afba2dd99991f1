"""Average pooling (NHWC), forward and gradient; padded cells are not counted."""
import numba
import numpy as np

from .registry import register


def _pads(size, kernel, stride, padding):
    """(output size, padding before) along one axis, Keras-on-TensorFlow rule."""
    if padding == 'same':
        out = -(-size // stride)
        total = max((out - 1) * stride + kernel - size, 0)
        return out, total // 2
    return (size - kernel) // stride + 1, 0


@numba.njit(cache=True, parallel=True)
def _avgpool(x, out, kh, kw, sh, sw, pad_h, pad_w):
    n, h, w, c = x.shape
    oh, ow = out.shape[1], out.shape[2]
    for b in numba.prange(n):
        for i in range(oh):
            r0, r1 = max(i * sh - pad_h, 0), min(i * sh - pad_h + kh, h)
            for j in range(ow):
                c0, c1 = max(j * sw - pad_w, 0), min(j * sw - pad_w + kw, w)
                scale = 1.0 / ((r1 - r0) * (c1 - c0))
                for ch in range(c):
                    acc = 0.0
                    for r in range(r0, r1):
                        for q in range(c0, c1):
                            acc += x[b, r, q, ch]
                    out[b, i, j, ch] = acc * scale


@numba.njit(cache=True, parallel=True)
def _avgpool_grad(g, dx, kh, kw, sh, sw, pad_h, pad_w):
    n, h, w, c = dx.shape
    oh, ow = g.shape[1], g.shape[2]
    for b in numba.prange(n):
        for i in range(oh):
            r0, r1 = max(i * sh - pad_h, 0), min(i * sh - pad_h + kh, h)
            for j in range(ow):
                c0, c1 = max(j * sw - pad_w, 0), min(j * sw - pad_w + kw, w)
                scale = 1.0 / ((r1 - r0) * (c1 - c0))
                for ch in range(c):
                    share = g[b, i, j, ch] * scale
                    for r in range(r0, r1):
                        for q in range(c0, c1):
                            dx[b, r, q, ch] += share


@register('avgpool2d')
def avgpool2d(pool_size, strides, padding):
    (kh, kw), (sh, sw) = pool_size, strides

    def run(x):
        x = np.ascontiguousarray(x)
        oh, pad_h = _pads(x.shape[1], kh, sh, padding)
        ow, pad_w = _pads(x.shape[2], kw, sw, padding)
        out = np.empty((x.shape[0], oh, ow, x.shape[3]), x.dtype)
        _avgpool(x, out, kh, kw, sh, sw, pad_h, pad_w)
        return out
    return run


@register('avgpool2d_grad')
def avgpool2d_grad(pool_size, strides, padding, input_hw):
    (kh, kw), (sh, sw), (h, w) = pool_size, strides, input_hw

    def run(g):
        g = np.ascontiguousarray(g)
        _, pad_h = _pads(h, kh, sh, padding)
        _, pad_w = _pads(w, kw, sw, padding)
        dx = np.zeros((g.shape[0], h, w, g.shape[3]), g.dtype)
        _avgpool_grad(g, dx, kh, kw, sh, sw, pad_h, pad_w)
        return dx
    return run
