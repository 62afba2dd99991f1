"""Compiled cores of the convolution kernels: patch copies, tiles, epilogues, drivers.

Every driver is a `threads.run` driver: tasks are chunks of a few images. A forward task
computes the chunk's output rows into a tile, either by im2col into a per-thread buffer
plus one GEMM (`blas.gemm`), or by direct loops when patches are tiny (the first layer:
one input channel, 9 taps, where a GEMM with an inner dimension of 9 wastes BLAS). The
epilogue (bias, activation, max pooling) then runs on the tile while it is hot in cache.

Geometry tuples: geo = (kh, kw, sh, sw, dh, dw, pad_top, pad_left) of the convolution;
pool = (ph, pw, psh, psw, pad_top, pad_left, oh, ow) of an optional max pooling (ph = 0:
none). `region` = (rows, cols) of the convolution output that is computed: all of it, or
only what the pooling reads.
"""
import numpy as np
from numba import njit

from .blas import gemm
from .threads import claim_task, finish_task

ACTIVATIONS = {'linear': 0, 'relu': 1}


@njit(cache=True, nogil=True)
def im2col(x, n0, n1, geo, region, cols):
    """cols[row, (a, b, c)] = padded x at tap (a, b) of output pixel `row` of images
    n0..n1, for output pixels in the (rows, cols) region."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    row = 0
    for n in range(n0, n1):
        for i in range(region[0]):
            for j in range(region[1]):
                target = cols[row]
                col = 0
                for a in range(kh):
                    ih = i * sh - pad_top + a * dh
                    for b in range(kw):
                        iw = j * sw - pad_left + b * dw
                        if 0 <= ih < height and 0 <= iw < width:
                            source = x[n, ih, iw]
                            for c in range(channels):
                                target[col + c] = source[c]
                        else:
                            for c in range(channels):
                                target[col + c] = 0
                        col += channels
                row += 1


@njit(cache=True, nogil=True)
def col2im_add(dcols, n0, n1, geo, region, dx):
    """Adjoint of im2col: add each patch entry back into its input cell of dx."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    height, width, channels = dx.shape[1], dx.shape[2], dx.shape[3]
    row = 0
    for n in range(n0, n1):
        for i in range(region[0]):
            for j in range(region[1]):
                col = 0
                for a in range(kh):
                    ih = i * sh - pad_top + a * dh
                    for b in range(kw):
                        iw = j * sw - pad_left + b * dw
                        if 0 <= ih < height and 0 <= iw < width:
                            target = dx[n, ih, iw]
                            for c in range(channels):
                                target[c] += dcols[row, col + c]
                        col += channels
                row += 1


@njit(cache=True, nogil=True)
def direct_tile(x, w2, n0, n1, geo, region, tile):
    """tile[row, :] = sum over taps of x * w2 (w2 rows ordered (a, b, c)), direct loops."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    filters = w2.shape[1]
    row = 0
    for n in range(n0, n1):
        for i in range(region[0]):
            for j in range(region[1]):
                acc = tile[row]
                acc[:] = 0
                for a in range(kh):
                    ih = i * sh - pad_top + a * dh
                    if 0 <= ih < height:
                        for b in range(kw):
                            iw = j * sw - pad_left + b * dw
                            if 0 <= iw < width:
                                base = (a * kw + b) * channels
                                for c in range(channels):
                                    value = x[n, ih, iw, c]
                                    weights = w2[base + c]
                                    for f in range(filters):
                                        acc[f] += value * weights[f]
                row += 1


@njit(cache=True, nogil=True)
def bias_act(tile, bias, act):
    """tile = act(tile + bias) in place (bias empty: none; act 1: relu)."""
    rows, filters = tile.shape
    has_bias = bias.shape[0] > 0
    for r in range(rows):
        line = tile[r]
        if has_bias:
            for f in range(filters):
                line[f] += bias[f]
        if act == 1:
            for f in range(filters):
                if not line[f] > 0:
                    line[f] = 0


@njit(cache=True, nogil=True)
def max_pool_tile(tile, images, region, pool, out, n0):
    """out[n0 + n] = max pooling of the tile, read as (images, rows, cols, F)."""
    ph, pw, psh, psw, pad_top, pad_left, oh, ow = pool
    rows, cols = region
    filters = tile.shape[1]
    for n in range(images):
        base = n * rows * cols
        for i in range(oh):
            r0, r1 = max(i * psh - pad_top, 0), min(i * psh - pad_top + ph, rows)
            for j in range(ow):
                c0, c1 = max(j * psw - pad_left, 0), min(j * psw - pad_left + pw, cols)
                best = out[n0 + n, i, j]
                best[:] = tile[base + r0 * cols + c0]
                for r in range(r0, r1):
                    for q in range(c0, c1):
                        line = tile[base + r * cols + q]
                        for f in range(filters):
                            value = line[f]
                            if value > best[f] or value != value:
                                best[f] = value


@njit(cache=True, nogil=True)
def conv_tile(x, w2, n0, n1, geo, region, direct, cols, tile):
    """The chunk's convolution output rows (images n0..n1, `region`) into tile."""
    if direct:
        direct_tile(x, w2, n0, n1, geo, region, tile)
    else:
        patches = cols[:tile.shape[0]]
        im2col(x, n0, n1, geo, region, patches)
        gemm(patches, w2, tile, False, False, 0.0)


@njit(cache=True, nogil=True)
def forward_driver(state, slot, x, w2, bias, act, geo, region, pool, chunk, direct,
                   scratch, tiles, out2, pooled):
    """Tasks of conv + bias + act (+ max pool), `chunk` images each.

    Without pooling (pool[0] == 0) the tiles are rows of out2 (N * rows * cols, F);
    with it, tiles[slot] is the thread's tile and the result goes to pooled (N, oh, ow, F).
    """
    images = x.shape[0]
    per = region[0] * region[1]
    ntasks = (images + chunk - 1) // chunk
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        n0, n1 = k * chunk, min(images, (k + 1) * chunk)
        if pool[0] == 0:
            tile = out2[n0 * per:n1 * per]
        else:
            tile = tiles[slot, :(n1 - n0) * per]
        conv_tile(x, w2, n0, n1, geo, region, direct, scratch[slot], tile)
        bias_act(tile, bias, act)
        if pool[0] != 0:
            max_pool_tile(tile, n1 - n0, region, pool, pooled, n0)
        last = finish_task(state, ntasks) or last


@njit(cache=True, nogil=True)
def grad_input_driver(state, slot, g2, w2, geo, region, chunk, dcols, dx):
    """Tasks of dx += col2im(g2 @ w2.T) for strided convolutions (dx zeroed)."""
    images, per = dx.shape[0], region[0] * region[1]
    ntasks = (images + chunk - 1) // chunk
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        n0, n1 = k * chunk, min(images, (k + 1) * chunk)
        tile = dcols[slot, :(n1 - n0) * per]
        gemm(g2[n0 * per:n1 * per], w2, tile, False, True, 0.0)
        col2im_add(tile, n0, n1, geo, region, dx)
        last = finish_task(state, ntasks) or last


@njit(cache=True, nogil=True)
def direct_filter_part(x, g2, n0, n1, geo, region, part):
    """part[(a, b, c), :] += x tap * g over the chunk's output pixels (direct loops)."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    filters = g2.shape[1]
    row = n0 * region[0] * region[1]
    for n in range(n0, n1):
        for i in range(region[0]):
            for j in range(region[1]):
                grad = g2[row]
                for a in range(kh):
                    ih = i * sh - pad_top + a * dh
                    if 0 <= ih < height:
                        for b in range(kw):
                            iw = j * sw - pad_left + b * dw
                            if 0 <= iw < width:
                                base = (a * kw + b) * channels
                                for c in range(channels):
                                    value = x[n, ih, iw, c]
                                    target = part[base + c]
                                    for f in range(filters):
                                        target[f] += value * grad[f]
                row += 1


@njit(cache=True, nogil=True)
def grad_filter_driver(state, slot, x, g2, geo, region, chunk, direct, scratch, parts):
    """Tasks: parts[k] = filter gradient of chunk k (summed later in task order, so the
    result does not depend on the thread count)."""
    images, per = x.shape[0], region[0] * region[1]
    ntasks = parts.shape[0]
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        n0, n1 = k * chunk, min(images, (k + 1) * chunk)
        if direct:
            parts[k] = 0
            direct_filter_part(x, g2, n0, n1, geo, region, parts[k])
        else:
            patches = scratch[slot, :(n1 - n0) * per]
            im2col(x, n0, n1, geo, region, patches)
            gemm(patches, g2[n0 * per:n1 * per], parts[k], True, False, 0.0)
        last = finish_task(state, ntasks) or last


@njit(cache=True, nogil=True)
def sum_parts(parts):
    """parts[0] + parts[1] + ... in order."""
    total = parts[0].copy()
    for k in range(1, parts.shape[0]):
        total += parts[k]
    return total


@njit(cache=True, nogil=True)
def flip_filter(w):
    """w (KH, KW, C, F) -> rows (a, b, f), cols c of the spatially flipped, transposed
    filter: the filter of the gradient with respect to the input, as a convolution."""
    kh, kw, channels, filters = w.shape
    out = np.empty((kh * kw * filters, channels), w.dtype)
    for a in range(kh):
        for b in range(kw):
            base = ((kh - 1 - a) * kw + (kw - 1 - b)) * filters
            for c in range(channels):
                for f in range(filters):
                    out[base + f, c] = w[a, b, c, f]
    return out
