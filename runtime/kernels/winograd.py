"""3x3 convolutions with unit strides by Winograd's minimal filtering F(2x2, 3x3).

Each 2x2 block of output pixels ("tile") is computed from a 4x4 block of input with 16
products per channel pair instead of 36: the input tiles and the filter are transformed
(additions only, and halvings: exact in binary), 16 independent GEMMs (tiles x C) @ (C x F)
multiply them, and an output transform (additions) gives the 2x2 pixels. That is 2.25x
fewer multiply-adds than im2col + GEMM; the transforms are cheap by comparison. In
float32 the result differs from the direct sum by a few ulps of the largest term.

Tasks are chunks of images: the chunk's input is copied into a zero-padded per-thread
buffer (no boundary tests in the transform loops), transformed into V (tiles, 16, C),
multiplied into M (tiles, 16, F) (each GEMM reads and writes rows 16 apart; measured
faster than contiguous (16, tiles, ...) planes, whose transforms touch 16 distant
blocks), and transformed back, with bias and activation, into the same tile layout the
im2col path produces (conv_core: pooling and placement reuse it), or straight into a 2x2
max pooling whose windows are the tiles.
"""
import numpy as np
from numba import njit

from .. import stable
from .blas import gemm, gemm_tn
from .conv_core import max_pool_tile, place_tile
from .threads import claim_task, finish_task


_G = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]])


def filter_transform(w):
    """U (16, C, F) = G w G^T for each (c, f) of w (3, 3, C, F). Plain numpy: the filter is
    small, and one compiled function fewer is a faster cold start."""
    g = _G.astype(w.dtype)
    u = np.tensordot(g, np.tensordot(g, w, axes=([1], [1])), axes=([1], [1]))
    return np.ascontiguousarray(u.reshape(16, w.shape[2], w.shape[3]))


@njit(cache=True, nogil=True, error_model="numpy")
def same_values(a, b):
    """True when the 1-D arrays a and b are equal (NaN never equals): compared block by
    block without early exits inside a block (vectorised: ~6 us for a 74k-value filter,
    against 11-18 us for np.array_equal: a share of a batch-1 prediction)."""
    if a.shape[0] != b.shape[0]:
        return False
    for start in range(0, a.shape[0], 2048):
        part, other = a[start:start + 2048], b[start:start + 2048]
        differ = 0
        for i in range(part.shape[0]):
            differ += 1 if part[i] != other[i] else 0      # an integer sum: vectorised
        if differ:
            return False
    return True


def transformed_filter(source, channels, memo):
    """filter_transform of the filter (its rows (a, b, c)), reused while the same, unchanged
    array comes back (inference with fixed weights: ~0.1 ms of a 0.25 ms batch-1
    prediction): a variable's array no update step has written since (runtime.stable),
    else one whose values equal the copy kept; `memo`: a dict kept by the caller, or
    None."""
    if memo is not None and memo.get('source') is source and (
            stable.unchanged(source, memo['epoch'])
            or same_values(memo['copy'].reshape(-1), source.reshape(-1))):
        memo['epoch'] = stable.epoch()
        return memo['u']
    u = filter_transform(source.reshape(3, 3, channels, source.shape[-1]))
    if memo is not None:      # holding `source` keeps its id from being reused meanwhile
        memo.update(source=source, copy=source.copy(), u=u, epoch=stable.epoch())
    return u


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _pad_chunk(x, n0, n1, pad_top, pad_left, extent, xp):
    """xp[n - n0] = x[n] shifted by the padding, zero around it and outside the top-left
    `extent` (rows, cols) of x (a gradient known to be zero there)."""
    height, width = min(x.shape[1], extent[0]), min(x.shape[2], extent[1])
    for n in range(n1 - n0):
        target = xp[n]
        for i in range(target.shape[0]):
            ih = i - pad_top
            for j in range(target.shape[1]):
                iw = j - pad_left
                line = target[i, j]
                if 0 <= ih < height and 0 <= iw < width:
                    source = x[n0 + n, ih, iw]
                    for c in range(line.shape[0]):
                        line[c] = source[c]
                else:
                    for c in range(line.shape[0]):
                        line[c] = 0


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _input_transform(xp, images, tiles_hw, v):
    """v[t] = B^T d B of the 4x4 input block of tile t, B^T rows (1, 0, -1, 0),
    (0, 1, 1, 0), (0, -1, 1, 0), (0, 1, 0, -1). LLVM keeps this loop scalar (1.25 ms on
    the seed CNN's second layer, batch 128); two-pass versions with one loop per output
    ran in 0.5-0.7 ms but added 2-6 s to a cold compile of the training step."""
    th, tw = tiles_hw
    channels = xp.shape[3]
    t = 0
    for n in range(images):
        for ti in range(th):
            r0, r1, r2, r3 = xp[n, 2 * ti], xp[n, 2 * ti + 1], xp[n, 2 * ti + 2], \
                xp[n, 2 * ti + 3]
            for tj in range(tw):
                s = 2 * tj
                for c in range(channels):
                    # Rows first: t_k = (B^T d)_k, each a row of 4 values.
                    a0 = r0[s, c] - r2[s, c]
                    a1 = r0[s + 1, c] - r2[s + 1, c]
                    a2 = r0[s + 2, c] - r2[s + 2, c]
                    a3 = r0[s + 3, c] - r2[s + 3, c]
                    b0 = r1[s, c] + r2[s, c]
                    b1 = r1[s + 1, c] + r2[s + 1, c]
                    b2 = r1[s + 2, c] + r2[s + 2, c]
                    b3 = r1[s + 3, c] + r2[s + 3, c]
                    e0 = r2[s, c] - r1[s, c]
                    e1 = r2[s + 1, c] - r1[s + 1, c]
                    e2 = r2[s + 2, c] - r1[s + 2, c]
                    e3 = r2[s + 3, c] - r1[s + 3, c]
                    h0 = r1[s, c] - r3[s, c]
                    h1 = r1[s + 1, c] - r3[s + 1, c]
                    h2 = r1[s + 2, c] - r3[s + 2, c]
                    h3 = r1[s + 3, c] - r3[s + 3, c]
                    v[t, 0, c], v[t, 1, c], v[t, 2, c], v[t, 3, c] = \
                        a0 - a2, a1 + a2, a2 - a1, a1 - a3
                    v[t, 4, c], v[t, 5, c], v[t, 6, c], v[t, 7, c] = \
                        b0 - b2, b1 + b2, b2 - b1, b1 - b3
                    v[t, 8, c], v[t, 9, c], v[t, 10, c], v[t, 11, c] = \
                        e0 - e2, e1 + e2, e2 - e1, e1 - e3
                    v[t, 12, c], v[t, 13, c], v[t, 14, c], v[t, 15, c] = \
                        h0 - h2, h1 + h2, h2 - h1, h1 - h3
                t += 1


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _pixels(m, t, f, add, act):
    """The 2x2 pixels A^T M A of tile t for filter f (A^T rows (1, 1, 1, 0),
    (0, 1, -1, -1)), plus `add`, then the activation (1: relu)."""
    s0 = m[t, 0, f] + m[t, 4, f] + m[t, 8, f]
    s1 = m[t, 1, f] + m[t, 5, f] + m[t, 9, f]
    s2 = m[t, 2, f] + m[t, 6, f] + m[t, 10, f]
    s3 = m[t, 3, f] + m[t, 7, f] + m[t, 11, f]
    q0 = m[t, 4, f] - m[t, 8, f] - m[t, 12, f]
    q1 = m[t, 5, f] - m[t, 9, f] - m[t, 13, f]
    q2 = m[t, 6, f] - m[t, 10, f] - m[t, 14, f]
    q3 = m[t, 7, f] - m[t, 11, f] - m[t, 15, f]
    p00, p01 = s0 + s1 + s2 + add, s1 - s2 - s3 + add
    p10, p11 = q0 + q1 + q2 + add, q1 - q2 - q3 + add
    if act == 1:
        p00, p01 = (p00 if p00 > 0 else 0), (p01 if p01 > 0 else 0)
        p10, p11 = (p10 if p10 > 0 else 0), (p11 if p11 > 0 else 0)
    return p00, p01, p10, p11


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _output_transform(m, images, tiles_hw, region, bias, act, tile):
    """The 2x2 pixels A^T M A of each tile (A^T rows (1, 1, 1, 0), (0, 1, -1, -1)), plus
    bias, activation, into tile rows laid out (images, rows, cols, F) over `region`."""
    th, tw = tiles_hw
    rows, cols = region
    filters = m.shape[2]
    has_bias = bias.shape[0] > 0
    t = 0
    for n in range(images):
        for ti in range(th):
            for tj in range(tw):
                i, j = 2 * ti, 2 * tj
                base = (n * rows + i) * cols + j
                y00, y01 = tile[base], tile[base + (1 if j + 1 < cols else 0)]
                below = base + (cols if i + 1 < rows else 0)
                y10, y11 = tile[below], tile[below + (1 if j + 1 < cols else 0)]
                for f in range(filters):
                    s0 = m[t, 0, f] + m[t, 4, f] + m[t, 8, f]
                    s1 = m[t, 1, f] + m[t, 5, f] + m[t, 9, f]
                    s2 = m[t, 2, f] + m[t, 6, f] + m[t, 10, f]
                    s3 = m[t, 3, f] + m[t, 7, f] + m[t, 11, f]
                    q0 = m[t, 4, f] - m[t, 8, f] - m[t, 12, f]
                    q1 = m[t, 5, f] - m[t, 9, f] - m[t, 13, f]
                    q2 = m[t, 6, f] - m[t, 10, f] - m[t, 14, f]
                    q3 = m[t, 7, f] - m[t, 11, f] - m[t, 15, f]
                    add = bias[f] if has_bias else 0
                    p00 = s0 + s1 + s2 + add
                    p01 = s1 - s2 - s3 + add
                    p10 = q0 + q1 + q2 + add
                    p11 = q1 - q2 - q3 + add
                    if act == 1:
                        p00 = p00 if p00 > 0 else 0
                        p01 = p01 if p01 > 0 else 0
                        p10 = p10 if p10 > 0 else 0
                        p11 = p11 if p11 > 0 else 0
                    # Odd edges: the clamped row/column is written first, then the real
                    # pixel over it, so pixels outside the region are never stored.
                    y11[f] = p11
                    y10[f] = p10
                    y01[f] = p01
                    y00[f] = p00
                t += 1


@njit(cache=True, nogil=True, error_model="numpy")
def _output_pool(m, n0, images, tiles_hw, region, bias, act, out):
    """out[n0 + n, ti, tj] = the max of tile (ti, tj)'s pixels inside `region`, after bias
    and activation: a 2x2 max pooling with strides 2 whose windows are the tiles. Same
    order and NaN rule as conv_core.max_pool_tile (row-major; a NaN wins)."""
    th, tw = tiles_hw
    rows, cols = region
    filters = m.shape[2]
    has_bias = bias.shape[0] > 0
    t = 0
    for n in range(images):
        for ti in range(th):
            keep_row = 2 * ti + 1 < rows
            for tj in range(tw):
                keep_col, target = 2 * tj + 1 < cols, out[n0 + n, ti, tj]
                for f in range(filters):
                    best, p01, p10, p11 = _pixels(m, t, f, bias[f] if has_bias else 0, act)
                    best = p01 if keep_col and (p01 > best or p01 != p01) else best
                    best = p10 if keep_row and (p10 > best or p10 != p10) else best
                    both = keep_row and keep_col
                    target[f] = p11 if both and (p11 > best or p11 != p11) else best
                t += 1


def pools_tiles(pool, region):
    """True when the max pooling `pool` (conv_core's tuple) has the 2x2 tiles over `region`
    as its windows (then the output transform pools them itself)."""
    tiles_hw = ((region[0] + 1) // 2, (region[1] + 1) // 2)
    return tuple(pool[:6]) == (2, 2, 2, 2, 0, 0) and tuple(pool[6:]) == tiles_hw


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _product(x, u, pads, extent, n0, n1, tiles_hw, padded, v, m):
    """m = the 16 GEMMs of the transformed input tiles of images n0..n1 (x read as zero
    outside its top-left `extent`) with the transformed filter u."""
    _pad_chunk(x, n0, n1, pads[0], pads[1], extent, padded)
    _input_transform(padded, n1 - n0, tiles_hw, v)
    for xi in range(16):
        gemm(v[:, xi], u[xi], m[:, xi], 0.0)


@njit(cache=True, nogil=True, error_model="numpy")
def winograd_driver(state, slot, x, u, bias, act, pads, extent, region, chunk, padded, vs,
                    ms, tiles, out2, out):
    """Tasks of `chunk` images: conv (3x3, unit strides) + bias + act over `region`, of x
    read as zero outside its top-left `extent`; written to out2 rows (N * rows * cols, F)
    when out2 is not empty, else placed (zeros outside region) into out."""
    images = x.shape[0]
    rows, cols = region
    tiles_hw = ((rows + 1) // 2, (cols + 1) // 2)
    ntasks = (images + chunk - 1) // chunk
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        n0, n1 = k * chunk, min(images, (k + 1) * chunk)
        count = (n1 - n0) * tiles_hw[0] * tiles_hw[1]
        m = ms[slot, :count]
        _product(x, u, pads, extent, n0, n1, tiles_hw, padded[slot], vs[slot, :count], m)
        # One call site of the (inlined) output transform: two doubled its compile.
        direct = out2.shape[0] > 0
        tile = out2[n0 * rows * cols:n1 * rows * cols] if direct else \
            tiles[slot, :(n1 - n0) * rows * cols]
        _output_transform(m, n1 - n0, tiles_hw, region, bias, act, tile)
        if not direct:
            place_tile(tile, n1 - n0, region, out, n0)
        last = finish_task(state, ntasks) or last


@njit(cache=True, nogil=True, error_model="numpy")
def winograd_pool_driver(state, slot, x, u, bias, act, pads, extent, region, pool, chunk,
                         padded, vs, ms, tiles, out):
    """winograd_driver then the max pooling `pool` into out: by the output transform when
    the pooling's windows are the tiles (pools_tiles; `tiles` then empty), else from the
    thread's tile. A separate driver: a training step, which pools apart, compiles neither
    pooling."""
    images = x.shape[0]
    rows, cols = region
    tiles_hw = ((rows + 1) // 2, (cols + 1) // 2)
    ntasks = (images + chunk - 1) // chunk
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        n0, n1 = k * chunk, min(images, (k + 1) * chunk)
        count = (n1 - n0) * tiles_hw[0] * tiles_hw[1]
        m = ms[slot, :count]
        _product(x, u, pads, extent, n0, n1, tiles_hw, padded[slot], vs[slot, :count], m)
        if tiles.shape[1] == 0:
            _output_pool(m, n0, n1 - n0, tiles_hw, region, bias, act, out)
        else:
            tile = tiles[slot, :(n1 - n0) * rows * cols]
            _output_transform(m, n1 - n0, tiles_hw, region, bias, act, tile)
            max_pool_tile(tile, n1 - n0, region, pool, out, n0, False)
        last = finish_task(state, ntasks) or last


# Filter gradient -------------------------------------------------------------------------
# Y = A^T (U . V) A with U = G w G^T is linear in U, so dU = sum over tiles of
# V . (A dY A^T) (per channel pair: 16 GEMMs V^T @ Gy summed over tiles), and
# dw = G^T dU G.

@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _gradient_transform(g, n0, n1, tiles_hw, region, gy):
    """gy[t] = A dY A^T of the 2x2 output-gradient block of tile t (zero outside the
    region), A rows (1, 0), (1, 1), (1, -1), (0, -1); vectorised over filters."""
    th, tw = tiles_hw
    rows, cols = region
    filters = g.shape[3]
    t = 0
    for n in range(n0, n1):
        for ti in range(th):
            i = 2 * ti
            for tj in range(tw):
                j = 2 * tj
                d00, d01 = g[n, i, j], g[n, i, min(j + 1, cols - 1)]
                d10, d11 = g[n, min(i + 1, rows - 1), j], \
                    g[n, min(i + 1, rows - 1), min(j + 1, cols - 1)]
                keep_col, keep_row = j + 1 < cols, i + 1 < rows
                out = gy[t]
                for f in range(filters):
                    a, b = d00[f], d01[f] if keep_col else 0
                    c = d10[f] if keep_row else 0
                    d = d11[f] if keep_col and keep_row else 0
                    # rows: (a b), (a+c b+d), (a-c b-d), (-c -d); then columns alike.
                    out[0, f], out[1, f], out[2, f], out[3, f] = a, a + b, a - b, -b
                    p, q = a + c, b + d
                    out[4, f], out[5, f], out[6, f], out[7, f] = p, p + q, p - q, -q
                    p, q = a - c, b - d
                    out[8, f], out[9, f], out[10, f], out[11, f] = p, p + q, p - q, -q
                    out[12, f], out[13, f], out[14, f], out[15, f] = -c, -c - d, d - c, d
                t += 1


@njit(cache=True, nogil=True, error_model="numpy")
def filter_gradient_driver(state, slot, x, g, pads, region, task_images, chunk, padded, vs,
                           gys, parts):
    """Tasks of `task_images` images: parts[k] (16, C, F) = dU of their tiles, summed over
    sub-chunks of `chunk` images (parts are added in task order afterwards)."""
    images = x.shape[0]
    tiles_hw = ((region[0] + 1) // 2, (region[1] + 1) // 2)
    per_image = tiles_hw[0] * tiles_hw[1]
    ntasks = parts.shape[0]
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        stop = min(images, (k + 1) * task_images)
        for n0 in range(k * task_images, stop, chunk):
            n1 = min(stop, n0 + chunk)
            count = (n1 - n0) * per_image
            _pad_chunk(x, n0, n1, pads[0], pads[1], x.shape[1:3], padded[slot])
            v, gy = vs[slot, :count], gys[slot, :count]
            _input_transform(padded[slot], n1 - n0, tiles_hw, v)
            _gradient_transform(g, n0, n1, tiles_hw, region, gy)
            beta = 0.0 if n0 == k * task_images else 1.0
            for xi in range(16):
                gemm_tn(v[:, xi], gy[:, xi], parts[k, xi], beta)
        last = finish_task(state, ntasks) or last


def filter_from_parts(parts):
    """dw (3, 3, C, F) = G^T (sum of parts, in task order) G (plain numpy, see
    filter_transform)."""
    total = parts.sum(axis=0).reshape((4, 4) + parts.shape[2:])
    g = _G.astype(parts.dtype)
    return np.ascontiguousarray(np.tensordot(g.T, np.tensordot(g.T, total, axes=([1], [1])),
                                             axes=([1], [1])))
