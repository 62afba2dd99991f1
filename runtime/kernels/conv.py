"""2-D convolution (NHWC input, (KH, KW, C, F) filter), its gradients and fused forms.

Kernels:
- conv2d, conv2d_bias_act (+ bias, activation), conv2d_bias_act_pool (+ max pooling of
  the activation, computing only what the pooling reads); 3x3 unit-stride filters go
  through Winograd F(2x2, 3x3) (winograd.py), others through im2col + GEMM (conv_core.py;
  inputs of a few channels pooled 2x2: conv_cells.py);
- conv2d_grad_input: for 3x3 filters with unit strides, a Winograd convolution of the
  output gradient with the flipped, transposed filter; otherwise a GEMM of the output
  gradient with the filter, then col2im (measured faster than an im2col convolution with
  the flipped filter: its GEMM is wider);
- conv2d_grad_filter: one partial result per chunk of images, summed in chunk order (the
  result does not depend on the thread count); Winograd for 3x3 unit-stride filters.

The batch is walked in chunks of about ROWS_PER_CHUNK output pixels (Winograd:
WINOGRAD_CHUNK_BYTES); chunks run in parallel on `threads` (problems below
PARALLEL_MIN_WORK multiply-adds run on the calling thread).
"""
import numpy as np

from . import conv_cells as cells
from . import conv_core as core
from . import threads, winograd
from .nn import check_padding, check_rank, geometry_2d, pair
from .registry import register

# Output pixels per chunk (a chunk's patches stay in L2 while its GEMM runs).
ROWS_PER_CHUNK = 800
# The filter gradient's GEMMs (patches.T @ g) run fastest on fewer rows (measured: 86
# GFLOP/s at ~100-400 rows, 70 at 800); a task sums its sub-chunks into one partial.
GRAD_FILTER_ROWS = 256
TASK_IMAGES = 8
# 3x3 convolutions with unit strides use Winograd F(2x2, 3x3) (2.25x fewer multiply-adds)
# unless rounding the output up to whole 2x2 tiles wastes more than WINOGRAD_MAX_WASTE
# (7x7 computes 8x8: about as fast as im2col + GEMM, and one code path compiles faster),
# or the input has fewer than WINOGRAD_MIN_CHANNELS channels (one channel: the 16 GEMMs
# have an inner dimension of 1; measured 9 ms against 4 ms for im2col on the first layer).
WINOGRAD_MIN_CHANNELS = 4
WINOGRAD_MAX_WASTE = 1.35
NARROW_CHANNELS = 4    # fewer input channels: im2col_narrow or conv_cells
# Bytes of V and M per forward Winograd chunk: its GEMMs slow down out of L2 (seed CNN's
# third layer, 1 thread: 4.0 ms at ~50 tiles per chunk, 5.2 ms at 200, 6.6 ms at 800).
WINOGRAD_CHUNK_BYTES = 640 << 10
WINOGRAD_GRAD_TILES = 200       # tiles per sub-chunk of the Winograd filter gradient
# Below this many multiply-adds a kernel runs on the calling thread.
PARALLEL_MIN_WORK = 1 << 20
_EMPTY = {}


def _empty(ndim, dtype):
    """A zero-size placeholder for arguments a driver does not use."""
    return _EMPTY.setdefault((ndim, np.dtype(dtype)), np.empty((0,) * ndim, dtype))


def _chunk(images, pixels):
    """Images per task: about ROWS_PER_CHUNK output pixels, at least one image."""
    return max(1, min(images, ROWS_PER_CHUNK // max(pixels, 1)))


def _pool_tuple(pool, region):
    """(ph, pw, psh, psw, pad_top, pad_left, oh, ow) of a max pooling over `region`."""
    if pool is None:
        return (0,) * 8, region
    size, strides, padding = pool
    out_hw, geo = geometry_2d(region, size, strides, (1, 1), padding)
    # The rows and columns the windows read: compute only those.
    rows = min(region[0], (out_hw[0] - 1) * strides[0] - geo[6] + size[0])
    cols = min(region[1], (out_hw[1] - 1) * strides[1] - geo[7] + size[1])
    return (size[0], size[1], strides[0], strides[1], geo[6], geo[7]) + out_hw, (rows, cols)


def convolve(x, w2, bias, act, geo, out_hw, pool=None, region=None, extent=None,
             memo=None):
    """act(conv(x, w2) + bias), optionally max-pooled, for C-contiguous inputs.

    Args:
        x: (N, H, W, C) input.
        w2: (KH * KW * C, F) filter rows ordered (a, b, c), or the (KH, KW, C, F) filter.
        bias: (F,) or empty; act: 0 linear, 1 relu.
        geo, out_hw: convolution geometry and output size (see conv_core).
        pool: None or (pool_size, strides, padding) of a max pooling of the result.
        region: None, or the (rows, cols) of the output to compute; the rest is zero.
        extent: None, or the (rows, cols) of x to read (x is taken as zero outside them).
        memo: optional dict where the kernel keeps its last transformed filter.

    Returns:
        (N, OH, OW, F), or the pooled (N, PH, PW, F).
    """
    source, w2 = w2, w2.reshape(-1, w2.shape[-1])
    images, (patch, filters) = x.shape[0], w2.shape
    pool_geo, region = _pool_tuple(pool, _region(region, out_hw))
    extent = tuple(x.shape[1:3]) if extent is None else tuple(extent)
    if _winograd_applies(geo, x.shape[3], region):
        return _winograd(x, source, bias, act, geo, out_hw, pool, pool_geo, region, extent,
                         memo)
    if extent != x.shape[1:3]:
        x = _zero_outside(x, extent)
    per = region[0] * region[1]
    chunk = _chunk(images, per)
    slots = threads.threads()
    cols = threads.scratch('cols', (slots, chunk * per, patch), x.dtype)
    parallel = images * per * patch * filters >= PARALLEL_MIN_WORK
    tasks = -(-images // chunk)
    if pool is None and region == out_hw:
        out2 = np.empty((images * per, filters), x.dtype)
        if out2.size and x.shape[3] < NARROW_CHANNELS:
            threads.run(core.narrow_driver, tasks, x, w2, bias, act, _empty(4, x.dtype), geo,
                        region, 0, chunk, cols, out2, _empty(3, x.dtype), parallel=parallel)
        elif out2.size:
            threads.run(core.forward_driver, tasks, x, w2, bias, act, geo, region, chunk,
                        cols, out2, parallel=parallel)
        return out2.reshape((images,) + region + (filters,))
    tiles = threads.scratch('tile', (slots, chunk * per, filters), x.dtype)
    out_hw = out_hw if pool is None else pool_geo[6:]
    out = np.empty((images,) + out_hw + (filters,), x.dtype)
    if out.size and cells.applies(x.shape[3] < NARROW_CHANNELS, pool_geo, region):
        threads.run(cells.cells_driver, tasks, x, w2, bias, act, geo, chunk, cols, tiles, out,
                    parallel=parallel)
    elif out.size:
        threads.run(core.forward_tiled_driver, tasks, x, w2, bias, act, geo, region,
                    pool_geo, chunk, x.shape[3] < NARROW_CHANNELS, cols, tiles, out,
                    parallel=parallel)
    return out


def _winograd_applies(geo, channels, region):
    """True for 3x3 filters, unit strides and dilation, enough channels, even-ish size."""
    if tuple(geo[:6]) != (3, 3, 1, 1, 1, 1) or channels < WINOGRAD_MIN_CHANNELS:
        return False
    rows, cols = region
    padded = (rows + rows % 2) * (cols + cols % 2)
    return rows * cols > 0 and padded <= WINOGRAD_MAX_WASTE * rows * cols


def _winograd_buffers(x, filters, region, chunk):
    """Per-thread scratch of the Winograd drivers: padded input chunk, V and M."""
    tiles_hw = ((region[0] + 1) // 2, (region[1] + 1) // 2)
    rows, slots, channels = chunk * tiles_hw[0] * tiles_hw[1], threads.threads(), x.shape[3]
    return (threads.scratch('padded', (slots, chunk, 2 * tiles_hw[0] + 2,
                                       2 * tiles_hw[1] + 2, channels), x.dtype),
            threads.scratch('cols', (slots, rows, 16, channels), x.dtype),
            threads.scratch('wino_m', (slots, rows, 16, filters), x.dtype))


def _winograd_chunk(region, images, limit, tiles):
    """Images per Winograd chunk: at most `tiles` tiles, at least one image."""
    per_image = ((region[0] + 1) // 2) * ((region[1] + 1) // 2)
    return max(1, min(images, limit, tiles // per_image))


def _zero_outside(x, extent):
    """A copy of x with the cells outside its top-left `extent` zeroed."""
    out = np.zeros_like(x)
    out[:, :extent[0], :extent[1]] = x[:, :extent[0], :extent[1]]
    return out


def _winograd(x, source, bias, act, geo, out_hw, pool, pool_geo, region, extent,
              memo=None):
    """convolve() through winograd.winograd_driver (same arguments, same results)."""
    images, channels, filters = x.shape[0], x.shape[3], source.shape[-1]
    u = winograd.transformed_filter(source, channels, memo)
    chunk = _winograd_chunk(region, images, images,     # V, M: 16 (C + F) values per tile
                            WINOGRAD_CHUNK_BYTES // (16 * (channels + filters) * x.itemsize))
    padded, vs, ms = _winograd_buffers(x, filters, region, chunk)
    per = region[0] * region[1]
    parallel = images * per * filters * channels * 4 >= PARALLEL_MIN_WORK
    tasks, pads = -(-images // chunk), (geo[6], geo[7])
    tiles = threads.scratch('tile', (threads.threads(), chunk * per, filters), x.dtype)
    if pool is not None:
        out = np.empty((images,) + pool_geo[6:] + (filters,), x.dtype)
        if winograd.pools_tiles(pool_geo, region):
            tiles = _empty(3, x.dtype)
        if images:
            threads.run(winograd.winograd_pool_driver, tasks, x, u, bias, act, pads, extent,
                        region, pool_geo, chunk, padded, vs, ms, tiles, out,
                        parallel=parallel)
        return out
    direct = tuple(region) == tuple(out_hw)
    out2 = np.empty((images * per, filters), x.dtype) if direct else _empty(2, x.dtype)
    out = _empty(4, x.dtype) if direct else np.empty((images,) + out_hw + (filters,),
                                                      x.dtype)
    if images:
        threads.run(winograd.winograd_driver, tasks, x, u, bias, act, pads, extent, region,
                    chunk, padded, vs, ms, tiles, out2, out, parallel=parallel)
    return out2.reshape((images,) + tuple(region) + (filters,)) if direct else out


def _region(region, out_hw):
    """The computed (rows, cols): `region` clipped to the output, or all of it."""
    if region is None:
        return tuple(out_hw)
    return min(int(region[0]), out_hw[0]), min(int(region[1]), out_hw[1])


def _same_dtype(op, *arrays):
    dtype = arrays[0].dtype
    if dtype not in (np.float32, np.float64) or any(a.dtype != dtype for a in arrays[1:]):
        raise ValueError(f"{op}: expected float32 or float64 arrays of one dtype, received "
                         f"{' and '.join(str(a.dtype) for a in arrays)}")


def _options(op, strides, padding, dilation):
    return pair(strides, 'strides', op), check_padding(padding, op), \
        pair(dilation, 'dilation', op)


def _check_forward(op, x, w, b):
    check_rank(x, 4, op, 'input (N, H, W, C)')
    check_rank(w, 4, op, 'filter (KH, KW, C, F)')
    if x.shape[3] != w.shape[2]:
        raise ValueError(f"{op}: input of shape {x.shape} has {x.shape[3]} channels, "
                         f"the filter of shape {w.shape} expects {w.shape[2]}")
    if b is not None and b.shape != (w.shape[3],):
        raise ValueError(f"{op}: expected a bias of shape ({w.shape[3]},), received "
                         f"{b.shape}")
    _same_dtype(op, x, w, *(() if b is None else (b,)))


def _forward_kernel(op, strides, padding, dilation, act, pool, region=None):
    """fn(x, w[, b]) computing act(conv + b), pooled when `pool` is given, zero outside
    `region` when given."""
    strides, padding, dilation = _options(op, strides, padding, dilation)
    if act not in core.ACTIVATIONS:
        raise ValueError(f"{op}: unknown activation {act!r}; expected one of "
                         f"{tuple(core.ACTIVATIONS)}")
    code = core.ACTIVATIONS[act]
    memo = {}

    def run(x, w, b=None):
        _check_forward(op, x, w, b)
        x, w = np.ascontiguousarray(x), np.ascontiguousarray(w)
        out_hw, geo = geometry_2d(x.shape[1:3], w.shape[:2], strides, dilation, padding)
        bias = _empty(1, x.dtype) if b is None else np.ascontiguousarray(b)
        return convolve(x, w, bias, code, geo, out_hw, pool, region, memo=memo)
    return run


@register('conv2d')
def kernel_conv2d(strides=(1, 1), padding='valid', dilation=(1, 1)):
    """Factory: x (N, H, W, C), w (KH, KW, C, F) -> (N, OH, OW, F), no bias."""
    return _forward_kernel('conv2d', strides, padding, dilation, 'linear', None)


@register('conv2d_bias_act')
def kernel_conv2d_bias_act(strides=(1, 1), padding='valid', dilation=(1, 1),
                           act='linear', region=None):
    """Factory: (x, w[, b]) -> act(conv2d(x, w) + b); act is 'linear' or 'relu'.

    With `region` (rows, cols) only that top-left part of the output is computed (what a
    following pooling reads); the rest is zero.
    """
    return _forward_kernel('conv2d_bias_act', strides, padding, dilation, act, None,
                           _pair_or_none(region, 'region', 'conv2d_bias_act'))


def _pair_or_none(value, what, op):
    return None if value is None else pair(value, what, op)


@register('conv2d_bias_act_pool')
def kernel_conv2d_bias_act_pool(pool_size, pool_strides, pool_padding, strides=(1, 1),
                                padding='valid', dilation=(1, 1), act='linear'):
    """Factory: (x, w[, b]) -> maxpool2d(act(conv2d(x, w) + b)), one pass per chunk."""
    op = 'conv2d_bias_act_pool'
    pool = (pair(pool_size, 'pool_size', op), pair(pool_strides, 'pool_strides', op),
            check_padding(pool_padding, op))
    return _forward_kernel(op, strides, padding, dilation, act, pool)


@register('conv2d_grad_input')
def kernel_conv2d_grad_input(input_hw, strides=(1, 1), padding='valid', dilation=(1, 1),
                             region=None):
    """Factory: (g (N, OH, OW, F), w) -> gradient with respect to x (N, H, W, C).

    With `region` (rows, cols), g is taken as zero outside that top-left part.
    """
    op = 'conv2d_grad_input'
    strides, padding, dilation = _options(op, strides, padding, dilation)
    input_hw = pair(input_hw, 'input_hw', op)
    region = _pair_or_none(region, 'region', op)

    def run(g, w):
        check_rank(g, 4, op, 'output gradient (N, OH, OW, F)')
        check_rank(w, 4, op, 'filter (KH, KW, C, F)')
        _same_dtype(op, g, w)
        g, w = np.ascontiguousarray(g), np.ascontiguousarray(w)
        out_hw, geo = geometry_2d(input_hw, w.shape[:2], strides, dilation, padding)
        if g.shape[1:] != out_hw + (w.shape[3],):
            raise ValueError(f"{op}: expected an output gradient of shape (N,) + "
                             f"{out_hw + (w.shape[3],)}, received {g.shape}")
        if _winograd_applies(geo, w.shape[3], input_hw):
            flipped = (3, 3, 1, 1, 1, 1, 2 - geo[6], 2 - geo[7])
            # dx is the convolution of g with the spatially flipped, transposed filter.
            filters = np.ascontiguousarray(w[::-1, ::-1].transpose(0, 1, 3, 2))
            return convolve(g, filters.reshape(-1, w.shape[2]), _empty(1, g.dtype), 0,
                            flipped, input_hw, extent=_region(region, out_hw))
        return _grad_input_col2im(g, w, geo, _region(region, out_hw), input_hw)
    return run


def _grad_input_col2im(g, w, geo, region, input_hw):
    """dx = col2im(g @ w2.T), chunk by chunk (each task zeroes and fills its images)."""
    images, patch, filters = g.shape[0], w.shape[0] * w.shape[1] * w.shape[2], w.shape[3]
    dx = np.empty((images,) + input_hw + (w.shape[2],), g.dtype)
    per = region[0] * region[1]
    if dx.size and g.size:
        chunk = _chunk(images, per)
        slots = threads.threads()
        dcols = threads.scratch('cols', (slots, chunk * per, patch), g.dtype)
        gtiles = _gradient_tiles(g, region, slots, chunk * per)
        threads.run(core.grad_input_driver, -(-images // chunk), g, w.reshape(-1, filters),
                    geo, region, chunk, dcols, gtiles, dx,
                    parallel=images * per * filters * patch >= PARALLEL_MIN_WORK)
    else:
        dx[...] = 0
    return dx


@register('conv2d_grad_filter')
def kernel_conv2d_grad_filter(kernel_hw, strides=(1, 1), padding='valid', dilation=(1, 1),
                              region=None):
    """Factory: (x (N, H, W, C), g (N, OH, OW, F)) -> gradient w.r.t. w (KH, KW, C, F).

    With `region` (rows, cols), g is taken as zero outside that top-left part.
    """
    op = 'conv2d_grad_filter'
    strides, padding, dilation = _options(op, strides, padding, dilation)
    kernel_hw = pair(kernel_hw, 'kernel_hw', op)
    region = _pair_or_none(region, 'region', op)

    def run(x, g):
        check_rank(x, 4, op, 'input (N, H, W, C)')
        check_rank(g, 4, op, 'output gradient (N, OH, OW, F)')
        _same_dtype(op, x, g)
        x, g = np.ascontiguousarray(x), np.ascontiguousarray(g)
        out_hw, geo = geometry_2d(x.shape[1:3], kernel_hw, strides, dilation, padding)
        if g.shape[:3] != x.shape[:1] + out_hw:
            raise ValueError(f"{op}: expected an output gradient of shape "
                             f"{x.shape[:1] + out_hw} + (F,), received {g.shape}")
        shape = kernel_hw + (x.shape[3], g.shape[3])
        if g.size == 0 or x.size == 0:
            return np.zeros(shape, x.dtype)
        return _grad_filter(x, g, geo, _region(region, out_hw)).reshape(shape)
    return run


def _gradient_tiles(g, region, slots, rows):
    """Per-thread buffers for the rows of g in `region` (empty ones when it is all: still
    one per thread, as the drivers index them by slot)."""
    rows = 0 if tuple(region) == g.shape[1:3] else rows
    return threads.scratch('gtile', (slots, rows, g.shape[3]), g.dtype)


def _winograd_filter(x, g, geo, region):
    """The filter gradient through winograd.filter_gradient_driver, (3, 3, C, F)."""
    images, channels, filters = x.shape[0], x.shape[3], g.shape[3]
    task_images = max(1, min(images, TASK_IMAGES))
    chunk = _winograd_chunk(region, images, task_images, WINOGRAD_GRAD_TILES)
    tasks = -(-images // task_images)
    padded, vs, gys = _winograd_buffers(x, filters, region, chunk)
    parts = threads.scratch('parts', (tasks, 16, channels, filters), x.dtype)
    per = region[0] * region[1]
    threads.run(winograd.filter_gradient_driver, tasks, x, g, (geo[6], geo[7]), region,
                task_images, chunk, padded, vs, gys, parts,
                parallel=images * per * filters * channels * 4 >= PARALLEL_MIN_WORK)
    return winograd.filter_from_parts(parts)


def _grad_filter(x, g, geo, region):
    if _winograd_applies(geo, x.shape[3], region):
        return _winograd_filter(x, g, geo, region)
    images, filters = x.shape[0], g.shape[3]
    patch, per = geo[0] * geo[1] * x.shape[3], region[0] * region[1]
    task_images = max(1, min(images, TASK_IMAGES))
    chunk = max(1, min(task_images, GRAD_FILTER_ROWS // max(per, 1)))
    tasks = -(-images // task_images)
    slots = threads.threads()
    cols = threads.scratch('cols', (slots, chunk * per, patch), x.dtype)
    gtiles = _gradient_tiles(g, region, slots, chunk * per)
    parts = threads.scratch('parts', (tasks, patch, filters), x.dtype)
    parallel = images * per * filters * patch >= PARALLEL_MIN_WORK
    if x.shape[3] < NARROW_CHANNELS and tuple(region) == g.shape[1:3]:
        empty = _empty(2, x.dtype)
        threads.run(core.narrow_driver, tasks, x, empty, _empty(1, x.dtype), 0, g, geo,
                    region, task_images, chunk, cols, empty, parts, parallel=parallel)
    else:
        threads.run(core.grad_filter_driver, tasks, x, g, geo, region, task_images, chunk,
                    cols, gtiles, parts, parallel=parallel)
    return parts.sum(axis=0)     # in task order: independent of the thread count
