"""2-D max pooling (NHWC) and its gradient.

Windows are clipped to the input: padded cells never win. The gradient recomputes each
window's argmax from x (the first maximum in row-major window order wins ties) and routes
the output gradient there; overlapping windows add up.
"""
import numpy as np
from numba import njit, prange

from .nn import check_padding, check_rank, geometry_2d, pair
from .registry import register


@njit(cache=True)
def _window(index, stride, pad, size, extent):
    """[start, stop) of one window along one axis, clipped to the input."""
    start = index * stride - pad
    return max(start, 0), min(start + size, extent)


@njit(cache=True, parallel=True)
def _maxpool(x, geo, out):
    kh, kw, sh, sw, _, _, pad_top, pad_left = geo
    images, height, width, channels = x.shape
    oh, ow = out.shape[1], out.shape[2]
    for n in prange(images):
        for i in range(oh):
            r0, r1 = _window(i, sh, pad_top, kh, height)
            for j in range(ow):
                c0, c1 = _window(j, sw, pad_left, kw, width)
                best = out[n, i, j]
                best[:] = x[n, r0, c0]
                for r in range(r0, r1):
                    for q in range(c0, c1):
                        for c in range(channels):
                            value = x[n, r, q, c]
                            if value > best[c] or value != value:
                                best[c] = value


@njit(cache=True, parallel=True)
def _maxpool_grad(x, g, geo, dx):
    kh, kw, sh, sw, _, _, pad_top, pad_left = geo
    images, height, width, channels = x.shape
    oh, ow = g.shape[1], g.shape[2]
    for n in prange(images):
        best = np.empty(channels, x.dtype)
        where = np.empty(channels, np.int64)
        for i in range(oh):
            r0, r1 = _window(i, sh, pad_top, kh, height)
            for j in range(ow):
                c0, c1 = _window(j, sw, pad_left, kw, width)
                best[:] = x[n, r0, c0]
                where[:] = r0 * width + c0
                for r in range(r0, r1):
                    for q in range(c0, c1):
                        for c in range(channels):
                            value = x[n, r, q, c]
                            if value > best[c] or (value != value and best[c] == best[c]):
                                best[c] = value
                                where[c] = r * width + q
                for c in range(channels):
                    dx[n, where[c] // width, where[c] % width, c] += g[n, i, j, c]


def _geometry(op, x, pool_size, strides, padding):
    check_rank(x, 4, op, 'input (N, H, W, C)')
    return geometry_2d(x.shape[1:3], pool_size, strides, (1, 1), padding)


@register('maxpool2d')
def kernel_maxpool2d(pool_size=(2, 2), strides=None, padding='valid'):
    """Factory: x (N, H, W, C) -> (N, OH, OW, C), the maximum of each window."""
    pool_size = pair(pool_size, 'pool_size', 'maxpool2d')
    strides = pool_size if strides is None else pair(strides, 'strides', 'maxpool2d')
    padding = check_padding(padding, 'maxpool2d')

    def run(x):
        out_hw, geo = _geometry('maxpool2d', x, pool_size, strides, padding)
        x = np.ascontiguousarray(x)
        out = np.empty(x.shape[:1] + out_hw + x.shape[3:], x.dtype)
        if out.size:
            _maxpool(x, geo, out)
        return out
    return run


@register('maxpool2d_grad')
def kernel_maxpool2d_grad(pool_size=(2, 2), strides=None, padding='valid'):
    """Factory: (x, g (N, OH, OW, C)) -> gradient with respect to x, shaped like x."""
    pool_size = pair(pool_size, 'pool_size', 'maxpool2d_grad')
    strides = pool_size if strides is None else pair(strides, 'strides', 'maxpool2d_grad')
    padding = check_padding(padding, 'maxpool2d_grad')

    def run(x, g):
        out_hw, geo = _geometry('maxpool2d_grad', x, pool_size, strides, padding)
        if g.shape != x.shape[:1] + out_hw + x.shape[3:]:
            raise ValueError(f"maxpool2d_grad: expected an output gradient of shape "
                             f"{x.shape[:1] + out_hw + x.shape[3:]}, received {g.shape}")
        if g.dtype != x.dtype:
            raise ValueError(f"maxpool2d_grad: inputs must share one dtype, received "
                             f"{x.dtype} and {g.dtype}")
        x, g = np.ascontiguousarray(x), np.ascontiguousarray(g)
        dx = np.zeros_like(x)
        if g.size:
            _maxpool_grad(x, g, geo, dx)
        return dx
    return run
