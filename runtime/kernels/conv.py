"""2-D convolution (NHWC input, (KH, KW, C, F) filter) and its two gradients.

Two strategies, chosen per call from the shapes:
- im2col + GEMM: the batch is walked in chunks of a few images; each chunk's patches are
  copied into a cache-sized buffer and multiplied by the filter with one BLAS call
  (`np.dot` inside nopython code binds SciPy's BLAS). Chunks run in parallel (`prange`).
- direct loops, for filters with few input channels (the first layer: C = 1, K = 9), where a
  GEMM with an inner dimension of 9 wastes BLAS.
The filter gradient sums one partial result per chunk in a fixed order, so results do not
depend on the number of threads.
"""
import numpy as np
from numba import njit, prange

from .nn import check_padding, check_rank, geometry_2d, pair
from .registry import register

# Patch rows per GEMM chunk: chunk = ROWS_PER_CHUNK // (oh * ow) images (at least one).
ROWS_PER_CHUNK = 1600
# Below this many patch columns (kh * kw * C) the direct loops beat im2col + GEMM.
DIRECT_MAX_PATCH = 32


# Patch copies ---------------------------------------------------------------------------

@njit(cache=True)
def _im2col(x, n0, n1, geo, oh, ow, cols):
    """cols[row, (a, b, c)] = padded x of image n0 + row // (oh * ow) at tap (a, b)."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    row = 0
    for n in range(n0, n1):
        for i in range(oh):
            for j in range(ow):
                col = 0
                for a in range(kh):
                    ih = i * sh - pad_top + a * dh
                    for b in range(kw):
                        iw = j * sw - pad_left + b * dw
                        if 0 <= ih < height and 0 <= iw < width:
                            for c in range(channels):
                                cols[row, col + c] = x[n, ih, iw, c]
                        else:
                            for c in range(channels):
                                cols[row, col + c] = 0
                        col += channels
                row += 1


@njit(cache=True)
def _col2im(dcols, n0, n1, geo, oh, ow, dx):
    """Adjoint of _im2col: add each patch entry back to its input cell of dx."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    height, width, channels = dx.shape[1], dx.shape[2], dx.shape[3]
    row = 0
    for n in range(n0, n1):
        for i in range(oh):
            for j in range(ow):
                col = 0
                for a in range(kh):
                    ih = i * sh - pad_top + a * dh
                    for b in range(kw):
                        iw = j * sw - pad_left + b * dw
                        if 0 <= ih < height and 0 <= iw < width:
                            for c in range(channels):
                                dx[n, ih, iw, c] += dcols[row, col + c]
                        col += channels
                row += 1


# im2col + GEMM ----------------------------------------------------------------------------

@njit(cache=True, parallel=True)
def _conv_gemm(x, w2, geo, oh, ow, chunk, out2):
    """out2 (N*oh*ow, F) = patches of x @ w2 (kh*kw*C, F), chunk images at a time."""
    images, per = x.shape[0], oh * ow
    for k in prange((images + chunk - 1) // chunk):
        n0, n1 = k * chunk, min(images, (k + 1) * chunk)
        cols = np.empty(((n1 - n0) * per, w2.shape[0]), x.dtype)
        _im2col(x, n0, n1, geo, oh, ow, cols)
        np.dot(cols, w2, out2[n0 * per:n1 * per])


@njit(cache=True, parallel=True)
def _conv_grad_input_gemm(g2, w2, geo, oh, ow, chunk, dx):
    """dx += col2im(g2 @ w2.T), chunk images at a time (each chunk owns its images)."""
    images, per = dx.shape[0], oh * ow
    for k in prange((images + chunk - 1) // chunk):
        n0, n1 = k * chunk, min(images, (k + 1) * chunk)
        dcols = np.dot(g2[n0 * per:n1 * per], w2.T)
        _col2im(dcols, n0, n1, geo, oh, ow, dx)


@njit(cache=True, parallel=True)
def _conv_grad_filter_gemm(x, g2, geo, oh, ow, chunk, parts):
    """parts[k] = patches(chunk k).T @ g2(chunk k); returns their sum in chunk order."""
    images, per = x.shape[0], oh * ow
    for k in prange(parts.shape[0]):
        n0, n1 = k * chunk, min(images, (k + 1) * chunk)
        cols = np.empty(((n1 - n0) * per, parts.shape[1]), x.dtype)
        _im2col(x, n0, n1, geo, oh, ow, cols)
        np.dot(cols.T, g2[n0 * per:n1 * per], parts[k])
    total = parts[0].copy()
    for k in range(1, parts.shape[0]):
        total += parts[k]
    return total


# Direct loops (few input channels) ----------------------------------------------------------

@njit(cache=True, parallel=True)
def _conv_direct(x, w, geo, out):
    """out[n, i, j, :] = sum over taps and channels of x * w, vectorised over filters."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    images, oh, ow, filters = out.shape
    for n in prange(images):
        for i in range(oh):
            for j in range(ow):
                acc = out[n, i, j]
                acc[:] = 0
                for a in range(kh):
                    ih = i * sh - pad_top + a * dh
                    if 0 <= ih < height:
                        for b in range(kw):
                            iw = j * sw - pad_left + b * dw
                            if 0 <= iw < width:
                                for c in range(channels):
                                    value = x[n, ih, iw, c]
                                    for f in range(filters):
                                        acc[f] += value * w[a, b, c, f]


@njit(cache=True, parallel=True)
def _conv_grad_input_direct(g, w, geo, dx):
    """dx[n, ih, iw, c] += sum_f g[n, i, j, f] * w[a, b, c, f] over the taps reaching it."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    height, width, channels = dx.shape[1], dx.shape[2], dx.shape[3]
    images, oh, ow, filters = g.shape
    for n in prange(images):
        for i in range(oh):
            for j in range(ow):
                for a in range(kh):
                    ih = i * sh - pad_top + a * dh
                    if 0 <= ih < height:
                        for b in range(kw):
                            iw = j * sw - pad_left + b * dw
                            if 0 <= iw < width:
                                for c in range(channels):
                                    total = 0.0
                                    for f in range(filters):
                                        total += g[n, i, j, f] * w[a, b, c, f]
                                    dx[n, ih, iw, c] += total


@njit(cache=True, parallel=True)
def _conv_grad_filter_direct(x, g, geo, chunk, parts):
    """parts[k] = filter gradient of images [k*chunk, (k+1)*chunk); returns their sum."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    images, height, width, channels = x.shape
    oh, ow, filters = g.shape[1], g.shape[2], g.shape[3]
    for k in prange(parts.shape[0]):
        part = parts[k]
        for n in range(k * chunk, min(images, (k + 1) * chunk)):
            for i in range(oh):
                for j in range(ow):
                    for a in range(kh):
                        ih = i * sh - pad_top + a * dh
                        if 0 <= ih < height:
                            for b in range(kw):
                                iw = j * sw - pad_left + b * dw
                                if 0 <= iw < width:
                                    for c in range(channels):
                                        value = x[n, ih, iw, c]
                                        for f in range(filters):
                                            part[a, b, c, f] += value * g[n, i, j, f]
    total = parts[0].copy()
    for k in range(1, parts.shape[0]):
        total += parts[k]
    return total


# Factories ----------------------------------------------------------------------------------

def _chunk(images, out_hw):
    """Images per GEMM chunk: about ROWS_PER_CHUNK patch rows, and at least one image."""
    return max(1, min(images, ROWS_PER_CHUNK // max(out_hw[0] * out_hw[1], 1)))


def _same_dtype(op, first, second):
    if first.dtype != second.dtype or first.dtype.name not in ('float32', 'float64'):
        raise ValueError(f"{op}: expected two float32 or two float64 arrays, received "
                         f"{first.dtype} and {second.dtype}")


def _options(op, strides, padding, dilation):
    return pair(strides, 'strides', op), check_padding(padding, op), \
        pair(dilation, 'dilation', op)


@register('conv2d')
def kernel_conv2d(strides=(1, 1), padding='valid', dilation=(1, 1)):
    """Factory: x (N, H, W, C), w (KH, KW, C, F) -> (N, OH, OW, F), no bias."""
    strides, padding, dilation = _options('conv2d', strides, padding, dilation)

    def run(x, w):
        check_rank(x, 4, 'conv2d', 'input (N, H, W, C)')
        check_rank(w, 4, 'conv2d', 'filter (KH, KW, C, F)')
        if x.shape[3] != w.shape[2]:
            raise ValueError(f"conv2d: input of shape {x.shape} has {x.shape[3]} channels, "
                             f"the filter of shape {w.shape} expects {w.shape[2]}")
        _same_dtype('conv2d', x, w)
        x, w = np.ascontiguousarray(x), np.ascontiguousarray(w)
        out_hw, geo = geometry_2d(x.shape[1:3], w.shape[:2], strides, dilation, padding)
        out = np.empty((x.shape[0],) + out_hw + (w.shape[3],), x.dtype)
        if out.size == 0:
            return out
        if w.shape[0] * w.shape[1] * w.shape[2] <= DIRECT_MAX_PATCH:
            _conv_direct(x, w, geo, out)
        else:
            _conv_gemm(x, w.reshape(-1, w.shape[3]), geo, out_hw[0], out_hw[1],
                       _chunk(x.shape[0], out_hw), out.reshape(-1, w.shape[3]))
        return out
    return run


@register('conv2d_grad_input')
def kernel_conv2d_grad_input(input_hw, strides=(1, 1), padding='valid', dilation=(1, 1)):
    """Factory: (g (N, OH, OW, F), w) -> gradient with respect to x (N, H, W, C)."""
    strides, padding, dilation = _options('conv2d_grad_input', strides, padding, dilation)
    input_hw = pair(input_hw, 'input_hw', 'conv2d_grad_input')

    def run(g, w):
        check_rank(g, 4, 'conv2d_grad_input', 'output gradient (N, OH, OW, F)')
        check_rank(w, 4, 'conv2d_grad_input', 'filter (KH, KW, C, F)')
        _same_dtype('conv2d_grad_input', g, w)
        g, w = np.ascontiguousarray(g), np.ascontiguousarray(w)
        out_hw, geo = geometry_2d(input_hw, w.shape[:2], strides, dilation, padding)
        if g.shape[1:] != out_hw + (w.shape[3],):
            raise ValueError(f"conv2d_grad_input: expected an output gradient of shape "
                             f"(N,) + {out_hw + (w.shape[3],)}, received {g.shape}")
        dx = np.zeros((g.shape[0],) + input_hw + (w.shape[2],), g.dtype)
        if g.size == 0:
            return dx
        if w.shape[0] * w.shape[1] * w.shape[2] <= DIRECT_MAX_PATCH:
            _conv_grad_input_direct(g, w, geo, dx)
        else:
            _conv_grad_input_gemm(g.reshape(-1, w.shape[3]), w.reshape(-1, w.shape[3]), geo,
                                  out_hw[0], out_hw[1], _chunk(g.shape[0], out_hw), dx)
        return dx
    return run


@register('conv2d_grad_filter')
def kernel_conv2d_grad_filter(kernel_hw, strides=(1, 1), padding='valid', dilation=(1, 1)):
    """Factory: (x (N, H, W, C), g (N, OH, OW, F)) -> gradient w.r.t. w (KH, KW, C, F)."""
    strides, padding, dilation = _options('conv2d_grad_filter', strides, padding, dilation)
    kernel_hw = pair(kernel_hw, 'kernel_hw', 'conv2d_grad_filter')

    def run(x, g):
        check_rank(x, 4, 'conv2d_grad_filter', 'input (N, H, W, C)')
        check_rank(g, 4, 'conv2d_grad_filter', 'output gradient (N, OH, OW, F)')
        _same_dtype('conv2d_grad_filter', x, g)
        x, g = np.ascontiguousarray(x), np.ascontiguousarray(g)
        out_hw, geo = geometry_2d(x.shape[1:3], kernel_hw, strides, dilation, padding)
        if g.shape[:3] != x.shape[:1] + out_hw:
            raise ValueError(f"conv2d_grad_filter: expected an output gradient of shape "
                             f"{x.shape[:1] + out_hw} + (F,), received {g.shape}")
        shape = kernel_hw + (x.shape[3], g.shape[3])
        if g.size == 0 or x.size == 0:
            return np.zeros(shape, x.dtype)
        chunk = _chunk(x.shape[0], out_hw)
        chunks = -(-x.shape[0] // chunk)
        patch = kernel_hw[0] * kernel_hw[1] * x.shape[3]
        if patch <= DIRECT_MAX_PATCH:
            parts = np.zeros((chunks,) + shape, x.dtype)
            return _conv_grad_filter_direct(x, g, geo, chunk, parts)
        parts = np.empty((chunks, patch, g.shape[3]), x.dtype)
        total = _conv_grad_filter_gemm(x, g.reshape(-1, g.shape[3]), geo, out_hw[0],
                                       out_hw[1], chunk, parts)
        return total.reshape(shape)
    return run
