"""Convolution + bias + activation + 2x2 max pooling for inputs with a few channels.

The first layer of an image model (C = 1, K = 9 taps) is cheap to multiply but costly
to lay out and to pool: pooling the GEMM's output window by window runs short loops over
the filters. Here the patches are built transposed, (taps, pixels), from a zero-padded
copy of each image (no bounds tests), with the output pixels in "cell order": for each
image, the pixels at offset (0, 0) of every 2x2 pooling window, then those at (0, 1),
(1, 0), (1, 1). The GEMM's output (pixels, F) is then four (windows, F) blocks, and the
pooling is one elementwise maximum of four contiguous blocks (long vectorised loops),
written straight into the pooled output. Measured on the seed CNN's first layer, batch
128, one thread: patches 0.95 ms, GEMM 0.65, pooling 0.33, against 0.82 + 0.69 + 0.81
(+ 0.1 bias and relu) for im2col_narrow + GEMM + window-by-window pooling.

Applies to 2x2 poolings with strides 2 and no padding whose windows cover the computed
region exactly (`applies`); any convolution strides, padding and dilation.
"""
import numpy as np
from numba import njit

from .blas import gemm_tn
from .conv_core import bias_act, max4
from .threads import claim_task, finish_task


@njit(cache=True, nogil=True, error_model="numpy")
def _pad_image(x, n, pad_top, pad_left, xp):
    """xp = x[n] shifted by the padding, zero around it."""
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    for i in range(xp.shape[0]):
        for j in range(xp.shape[1]):
            for c in range(channels):
                ih, iw = i - pad_top, j - pad_left
                inside = 0 <= ih < height and 0 <= iw < width
                xp[i, j, c] = x[n, ih, iw, c] if inside else 0


@njit(cache=True, nogil=True, error_model="numpy")
def im2col_cells(x, n0, n1, geo, pooled_hw, xp, cols):
    """cols[(a, b, c), row] = padded x at tap (a, b), channel c, of output pixel
    (2 pi + cell // 2, 2 pj + cell % 2) of image n, row = ((n - n0) * 4 + cell) * oh * ow +
    pi * ow + pj, for images n0..n1 (cols: (KH * KW * C, rows); xp: a padded image)."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    oh, ow = pooled_hw
    for n in range(n0, n1):
        _pad_image(x, n, pad_top, pad_left, xp)
        for cell in range(4):
            base = ((n - n0) * 4 + cell) * oh * ow
            for a in range(kh):
                for b in range(kw):
                    for c in range(xp.shape[2]):
                        target = cols[(a * kw + b) * xp.shape[2] + c]
                        for pi in range(oh):
                            line = xp[(2 * pi + cell // 2) * sh + a * dh]
                            left = (cell % 2) * sw + b * dw
                            run = target[base + pi * ow:base + (pi + 1) * ow]
                            for j in range(ow):
                                run[j] = line[left + j * 2 * sw, c]


@njit(cache=True, nogil=True, error_model="numpy")
def pool_cells(tile, images, bias, act, out, n0):
    """out[n0 + n] = max pooling of act(tile + bias), the tile in cell order (see
    im2col_cells). With relu: pooled first, NaNs skipped, then bias and relu on the
    pooled values (as conv_core.pool_epilogue)."""
    block = out.shape[1] * out.shape[2] * out.shape[3]
    flat = tile.reshape(tile.shape[0] * tile.shape[1])
    if act != 1:
        bias_act(tile, bias, act)
    for n in range(images):
        start = 4 * n * block
        target = out[n0 + n].reshape(block)
        max4(flat[start:start + block], flat[start + block:start + 2 * block],
             flat[start + 2 * block:start + 3 * block],
             flat[start + 3 * block:start + 4 * block], act == 1, target)
    if act == 1:
        pooled = out[n0:n0 + images]
        bias_act(pooled.reshape(-1, pooled.shape[3]), bias, act)


@njit(cache=True, nogil=True, error_model="numpy")
def cells_driver(state, slot, x, w2, bias, act, geo, chunk, scratch, tiles, out):
    """Tasks of `chunk` images: out[n] = maxpool2x2(act(conv(x, w2) + bias)) through
    im2col_cells into the thread's scratch (taps, rows), one GEMM, pool_cells."""
    images, oh, ow = x.shape[0], out.shape[1], out.shape[2]
    per = 4 * oh * ow
    ntasks = (images + chunk - 1) // chunk
    flat = scratch[slot].reshape(scratch.shape[1] * scratch.shape[2])
    kh, kw, sh, sw, dh, dw = geo[:6]
    span_h, span_w = (2 * oh - 1) * sh + (kh - 1) * dh, (2 * ow - 1) * sw + (kw - 1) * dw
    xp = np.empty((span_h + 1, span_w + 1, x.shape[3]), x.dtype)    # the padded image
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        n0, n1 = k * chunk, min(images, (k + 1) * chunk)
        rows = (n1 - n0) * per
        cols = flat[:w2.shape[0] * rows].reshape(w2.shape[0], rows)
        im2col_cells(x, n0, n1, geo, (oh, ow), xp, cols)
        tile = tiles[slot, :rows]
        gemm_tn(cols, w2, tile, 0.0)
        pool_cells(tile, n1 - n0, bias, act, out, n0)
        last = finish_task(state, ntasks) or last


def applies(narrow, pool_geo, region):
    """True for a narrow input (a few channels) and a 2x2, stride 2, unpadded pooling
    (conv_core's pool tuple; all zero: none) whose windows cover the region exactly."""
    return narrow and tuple(pool_geo[:6]) == (2, 2, 2, 2, 0, 0) and \
        tuple(region) == (2 * pool_geo[6], 2 * pool_geo[7])
