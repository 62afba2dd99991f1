"""Compiled cores of the convolution kernels: patch copies, tiles, epilogues, drivers.

Every driver is a `threads.run` driver: tasks are chunks of a few images. A forward task
computes the chunk's output rows into a tile by im2col into a per-thread buffer plus one
GEMM (`blas.gemm`); the epilogue (bias, activation, max pooling) then runs on the tile
while it is hot in cache. (Direct loops for the first layer's one input channel were
measured slower than im2col + GEMM here: 5.6 ms against 3.4 ms per training batch.)

Geometry tuples: geo = (kh, kw, sh, sw, dh, dw, pad_top, pad_left) of the convolution;
pool = (ph, pw, psh, psw, pad_top, pad_left, oh, ow) of an optional max pooling (ph = 0:
none). `region` = (rows, cols) of the convolution output that is computed: all of it, or
only what the pooling reads.
"""
from numba import njit

from .blas import gemm, gemm_nt, gemm_tn
from .loops import add, copy
from .threads import claim_task, finish_task

ACTIVATIONS = {'linear': 0, 'relu': 1}


# Hot loops index views only with `range` counters: Numba wraps negative indices, and an
# index LLVM cannot prove non-negative (an offset that may be negative) keeps the loop
# scalar (measured: im2col 7 ms -> 1 ms on the seed CNN's second layer).


@njit(cache=True, nogil=True, error_model="numpy")
def im2col(x, n0, n1, geo, region, cols):
    """cols[row, (a, b, c)] = padded x at tap (a, b) of output pixel `row` of images
    n0..n1, for output pixels in the (rows, cols) region."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    images, height, width, channels = x.shape
    lines = x.reshape(images, height, width * channels)
    span = kw * channels
    row = 0
    for n in range(n0, n1):
        for i in range(region[0]):
            top = i * sh - pad_top
            rows_inside = top >= 0 and top + (kh - 1) * dh < height
            for j in range(region[1]):
                left = j * sw - pad_left
                target = cols[row]
                if rows_inside and dw == 1 and left >= 0 and left + kw <= width:
                    for a in range(kh):      # each tap row is one contiguous run
                        line = lines[n, top + a * dh]
                        if span < 16:        # a few scalars: views cost more
                            for t in range(span):
                                target[a * span + t] = line[left * channels + t]
                        else:
                            copy(line[left * channels:left * channels + span],
                                  target[a * span:(a + 1) * span])
                else:
                    _patch_edge(x, n, top, left, geo, target)
                row += 1


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def im2col_narrow(x, n0, n1, geo, region, cols):
    """im2col for inputs with a few channels (the first layer: 1): per output row and
    tap, one pass over the row's pixels (per-pixel patch loops cost ~2x more here)."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    rows, pixels = region
    for n in range(n0, n1):
        for i in range(rows):
            base = ((n - n0) * rows + i) * pixels
            block = cols[base:base + pixels]
            for a in range(kh):
                ih = i * sh - pad_top + a * dh
                for b in range(kw):
                    for c in range(channels):
                        col = (a * kw + b) * channels + c
                        if not 0 <= ih < height:
                            for j in range(pixels):
                                block[j, col] = 0
                            continue
                        line = x[n, ih]
                        for j in range(pixels):
                            iw = j * sw - pad_left + b * dw
                            block[j, col] = line[iw, c] if 0 <= iw < width else 0


@njit(cache=True, nogil=True, error_model="numpy")
def _patch_edge(x, n, top, left, geo, target):
    """One patch row of im2col, taps outside the input zero."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    for a in range(kh):
        ih = top + a * dh
        for b in range(kw):
            iw = left + b * dw
            col = (a * kw + b) * channels
            inside = 0 <= ih < height and 0 <= iw < width
            if channels < 16:
                for c in range(channels):
                    target[col + c] = x[n, ih, iw, c] if inside else 0
            elif inside:
                copy(x[n, ih, iw], target[col:col + channels])
            else:
                target[col:col + channels] = 0


@njit(cache=True, nogil=True, error_model="numpy")
def col2im_add(dcols, n0, n1, geo, region, dx):
    """Adjoint of im2col: add each patch entry back into its input cell of dx."""
    kh, kw, sh, sw, dh, dw, pad_top, pad_left = geo
    height, width, channels = dx.shape[1], dx.shape[2], dx.shape[3]
    row = 0
    for n in range(n0, n1):
        for i in range(region[0]):
            for j in range(region[1]):
                source = dcols[row]
                for a in range(kh):
                    ih = i * sh - pad_top + a * dh
                    for b in range(kw):
                        iw = j * sw - pad_left + b * dw
                        if 0 <= ih < height and 0 <= iw < width:
                            col = (a * kw + b) * channels
                            add(source[col:col + channels], dx[n, ih, iw])
                row += 1


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
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


@njit(cache=True, nogil=True, error_model="numpy")
def max4(a, b, c, d, skip_nan, best):
    """best = the maximum of a, b, c, d (1-D) in that order, NaNs as max_pool_tile (one
    pass: vectorised; the test is spelt out, as an inlined helper compiled seconds
    slower and a called one stayed scalar)."""
    for f in range(best.shape[0]):
        top, value = a[f], b[f]
        top = value if value > top or (top != top if skip_nan else value != value) else top
        value = c[f]
        top = value if value > top or (top != top if skip_nan else value != value) else top
        value = d[f]
        best[f] = value if value > top or (top != top if skip_nan else value != value) \
            else top


@njit(cache=True, nogil=True, error_model="numpy")
def max_pool_tile(tile, images, region, pool, out, n0, skip_nan):
    """out[n0 + n] = max pooling of the tile, read as (images, rows, cols, F): a NaN wins
    (the last one in row-major window order), or, with `skip_nan`, is passed over unless
    the whole window is NaN."""
    ph, pw, psh, psw, pad_top, pad_left, oh, ow = pool
    rows, cols = region
    filters = tile.shape[1]
    for n in range(images):
        base = n * rows * cols
        for i in range(oh):
            r0, r1 = max(i * psh - pad_top, 0), min(i * psh - pad_top + ph, rows)
            for j in range(ow):
                c0, c1 = max(j * psw - pad_left, 0), min(j * psw - pad_left + pw, cols)
                best, first = out[n0 + n, i, j], base + r0 * cols + c0
                if r1 - r0 == 2 and c1 - c0 == 2:
                    max4(tile[first], tile[first + 1], tile[first + cols],
                         tile[first + cols + 1], skip_nan, best)
                    continue
                copy(tile[first], best)
                for r in range(r0, r1):
                    for q in range(c0, c1):
                        line = tile[base + r * cols + q]
                        for f in range(filters):
                            value, top = line[f], best[f]
                            wins = value > top or (top != top if skip_nan else value != value)
                            best[f] = value if wins else top


@njit(cache=True, nogil=True, error_model="numpy")
def conv_tile(x, w2, n0, n1, geo, region, cols, tile, narrow):
    """The chunk's convolution output rows (images n0..n1, `region`) into tile; `narrow`:
    patches by im2col_narrow (inputs with a few channels)."""
    patches = cols[:tile.shape[0]]
    if narrow:
        im2col_narrow(x, n0, n1, geo, region, patches)
    else:
        im2col(x, n0, n1, geo, region, patches)
    gemm(patches, w2, tile, 0.0)


@njit(cache=True, nogil=True, error_model="numpy")
def forward_driver(state, slot, x, w2, bias, act, geo, region, chunk, scratch, out2):
    """Tasks of conv + bias + act, `chunk` images each; the tiles are rows of out2
    (N * rows * cols, F)."""
    images = x.shape[0]
    per = region[0] * region[1]
    ntasks = (images + chunk - 1) // chunk
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        n0, n1 = k * chunk, min(images, (k + 1) * chunk)
        tile = out2[n0 * per:n1 * per]
        conv_tile(x, w2, n0, n1, geo, region, scratch[slot], tile, False)
        bias_act(tile, bias, act)
        last = finish_task(state, ntasks) or last


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def place_tile(tile, images, region, out, n0):
    """out[n0 + n] = the tile read as (images, rows, cols, F) in its top-left region, zero
    elsewhere."""
    rows, cols = region
    for n in range(images):
        target = out[n0 + n]
        for i in range(target.shape[0]):
            for j in range(target.shape[1]):
                if i < rows and j < cols:
                    copy(tile[(n * rows + i) * cols + j], target[i, j])
                else:
                    target[i, j] = 0


@njit(cache=True, nogil=True, error_model="numpy")
def pool_epilogue(tile, images, region, bias, act, pool, out, n0):
    """out[n0:n0 + images] = max pooling of act(tile + bias). With relu the tile is pooled
    first (skipping NaNs, which relu maps to 0) and bias and relu act on the 4x smaller
    result: the same values, since x -> relu(x + b) is monotonic in floating point too."""
    if act == 1:
        max_pool_tile(tile, images, region, pool, out, n0, True)
        pooled = out[n0:n0 + images]
        bias_act(pooled.reshape(-1, pooled.shape[3]), bias, act)
    else:
        bias_act(tile, bias, act)
        max_pool_tile(tile, images, region, pool, out, n0, False)


@njit(cache=True, nogil=True, error_model="numpy")
def forward_tiled_driver(state, slot, x, w2, bias, act, geo, region, pool, chunk, narrow,
                         scratch, tiles, out):
    """Tasks of conv + bias + act computed into tiles[slot] (the thread's tile), then max
    pooled into out (N, oh, ow, F) when pool[0] > 0, else placed into out (N, OH, OW, F)
    with zeros outside the computed region; `narrow`: see conv_tile."""
    images = x.shape[0]
    per = region[0] * region[1]
    ntasks = (images + chunk - 1) // chunk
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        n0, n1 = k * chunk, min(images, (k + 1) * chunk)
        tile = tiles[slot, :(n1 - n0) * per]
        conv_tile(x, w2, n0, n1, geo, region, scratch[slot], tile, narrow)
        if pool[0] > 0:
            pool_epilogue(tile, n1 - n0, region, bias, act, pool, out, n0)
        else:
            bias_act(tile, bias, act)
            place_tile(tile, n1 - n0, region, out, n0)
        last = finish_task(state, ntasks) or last


@njit(cache=True, nogil=True, error_model="numpy")
def gradient_rows(g, n0, n1, region, tile):
    """The rows of g (N, OH, OW, F) for output pixels of images n0..n1 in `region`, as a
    (pixels, F) matrix: a view when the region is all of g, else copied into tile."""
    rows, cols = region
    if rows == g.shape[1] and cols == g.shape[2]:
        per = rows * cols
        return g.reshape(g.shape[0] * per, g.shape[3])[n0 * per:n1 * per]
    out = tile[:(n1 - n0) * rows * cols]
    for n in range(n0, n1):
        for i in range(rows):
            for j in range(cols):
                copy(g[n, i, j], out[((n - n0) * rows + i) * cols + j])
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def grad_input_driver(state, slot, g, w2, geo, region, chunk, dcols, gtiles, dx):
    """Tasks of dx = col2im(g @ w2.T) over the output pixels in `region` (g is zero
    outside it), `chunk` images each."""
    images, per = dx.shape[0], region[0] * region[1]
    ntasks = (images + chunk - 1) // chunk
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        n0, n1 = k * chunk, min(images, (k + 1) * chunk)
        tile = dcols[slot, :(n1 - n0) * per]
        for n in range(n0, n1):
            dx[n] = 0
        gemm_nt(gradient_rows(g, n0, n1, region, gtiles[slot]), w2, tile, 0.0)
        col2im_add(tile, n0, n1, geo, region, dx)
        last = finish_task(state, ntasks) or last


@njit(cache=True, nogil=True, error_model="numpy")
def grad_filter_driver(state, slot, x, g, geo, region, task_images, chunk, scratch, gtiles,
                       parts):
    """Tasks of `task_images` images: parts[k] = their filter gradient over the output
    pixels in `region` (g is zero outside it), accumulated over sub-chunks of `chunk`
    images (small GEMMs: measured faster here). The parts are summed in task order, so
    the result does not depend on the thread count."""
    images, per = x.shape[0], region[0] * region[1]
    ntasks = parts.shape[0]
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        stop = min(images, (k + 1) * task_images)
        for n0 in range(k * task_images, stop, chunk):
            n1 = min(stop, n0 + chunk)
            patches = scratch[slot, :(n1 - n0) * per]
            im2col(x, n0, n1, geo, region, patches)
            gemm_tn(patches, gradient_rows(g, n0, n1, region, gtiles[slot]), parts[k],
                    0.0 if n0 == k * task_images else 1.0)
        last = finish_task(state, ntasks) or last


@njit(cache=True, nogil=True, error_model="numpy")
def narrow_driver(state, slot, x, w2, bias, act, g, geo, region, task_images, chunk, scratch,
                  out2, parts):
    """Both convolution kernels for inputs with a few channels (im2col_narrow patches), in
    one function so a model whose only such layer is the first compiles one driver.

    Forward (parts empty): tasks of `chunk` images, out2 rows = act(patches @ w2 + bias).
    Filter gradient (parts given): tasks of `task_images` images, parts[k] = patches.T @ g
    over sub-chunks of `chunk` images.
    """
    images, per = x.shape[0], region[0] * region[1]
    forward = parts.shape[0] == 0
    ntasks = (images + chunk - 1) // chunk if forward else parts.shape[0]
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        # One call site of the (inlined) im2col_narrow: two doubled its compile. A forward
        # task is one chunk; a gradient task, sub-chunks of its task_images images.
        span = chunk if forward else task_images
        start = k * span
        stop = min(images, start + span)
        for n0 in range(start, stop, chunk):
            n1 = min(stop, n0 + chunk)
            patches = scratch[slot, :(n1 - n0) * per]
            im2col_narrow(x, n0, n1, geo, region, patches)
            if forward:
                tile = out2[n0 * per:n1 * per]
                gemm(patches, w2, tile, 0.0)
                bias_act(tile, bias, act)
            else:
                gemm_tn(patches, g.reshape(-1, g.shape[3])[n0 * per:n1 * per], parts[k],
                        0.0 if n0 == start else 1.0)
        last = finish_task(state, ntasks) or last
