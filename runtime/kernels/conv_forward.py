"""Forward convolutions: the driver call for an input shape, prepared once (`convolve`).

3x3 unit-stride filters go through Winograd F(2x2, 3x3) (winograd.py), others through
im2col + GEMM (conv_core.py; inputs of a few channels pooled 2x2: conv_cells.py). The
batch is walked in chunks of about ROWS_PER_CHUNK output pixels (Winograd:
WINOGRAD_CHUNK_BYTES); chunks run in parallel on `threads` (problems below
PARALLEL_MIN_WORK multiply-adds run on the calling thread).
"""
import threading
from typing import NamedTuple

import numpy as np

from . import conv_cells as cells
from . import conv_core as core
from . import threads, winograd
from .nn import geometry_2d

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
# Prepared launches a kernel keeps (one per input shape and calling thread).
MAX_LAUNCHES = 64
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


class Launch(NamedTuple):
    """One forward convolution's driver call, prepared for a shape (see `convolve`): the
    driver gets (x, weights, bias) + middle + tail, the tail's None replaced by a new
    output array of out_shape; the result is that array reshaped to `result` (or as it
    is when None). winograd: the weights are the transformed filter."""
    driver: object
    tasks: int
    parallel: bool
    middle: tuple
    tail: tuple
    out_shape: tuple
    result: object
    winograd: bool


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
        memo: optional dict where the kernel keeps its last transformed filter and its
            prepared launches (one per shape, calling thread and thread count: preparing
            one took 10-15 us of a 30-60 us batch-1 convolution; a launch keeps the
            scratch buffers it was prepared with).

    Returns:
        (N, OH, OW, F), or the pooled (N, PH, PW, F).
    """
    region = None if region is None else (int(region[0]), int(region[1]))
    extent = None if extent is None else (int(extent[0]), int(extent[1]))
    # The thread count sizes the per-thread scratch buffers a launch holds.
    key = (x.shape, x.dtype, w2.shape, act, tuple(geo), tuple(out_hw), pool, region, extent,
           threading.get_ident(), threads.threads())
    launches = {} if memo is None else memo.setdefault('launches', {})
    launch = launches.get(key)
    if launch is None:
        if len(launches) >= MAX_LAUNCHES:
            launches.clear()
        launch = launches[key] = _prepare(x, w2, act, geo, out_hw, pool, region, extent)
    if launch.winograd:
        weights = winograd.transformed_filter(w2, x.shape[3], memo)
    else:
        weights = w2.reshape(-1, w2.shape[-1])
        if extent is not None and extent != x.shape[1:3]:
            x = _zero_outside(x, extent)
    out = np.empty(launch.out_shape, x.dtype)
    if out.size:
        tail = tuple(out if item is None else item for item in launch.tail)
        threads.run(launch.driver, launch.tasks, x, weights, bias, *launch.middle, *tail,
                    parallel=launch.parallel)
    return out if launch.result is None else out.reshape(launch.result)


def _prepare(x, w2, act, geo, out_hw, pool, region, extent):
    """The Launch of convolve() for x's shape and dtype."""
    w2 = w2.reshape(-1, w2.shape[-1])
    images, (patch, filters) = x.shape[0], w2.shape
    pool_geo, region = _pool_tuple(pool, _region(region, out_hw))
    extent = tuple(x.shape[1:3]) if extent is None else tuple(extent)
    if _winograd_applies(geo, x.shape[3], region):
        return _prepare_winograd(x, filters, act, geo, out_hw, pool, pool_geo, region,
                                 extent)
    per = region[0] * region[1]
    chunk = _chunk(images, per)
    slots = threads.threads()
    cols = threads.scratch('cols', (slots, chunk * per, patch), x.dtype)
    parallel = images * per * patch * filters >= PARALLEL_MIN_WORK
    tasks = -(-images // chunk)
    narrow = x.shape[3] < NARROW_CHANNELS
    if pool is None and region == out_hw:
        out_shape, result = (images * per, filters), (images,) + region + (filters,)
        if narrow:
            return Launch(core.narrow_driver, tasks, parallel,
                          (act, _empty(4, x.dtype), geo, region, 0, chunk, cols),
                          (None, _empty(3, x.dtype)), out_shape, result, False)
        return Launch(core.forward_driver, tasks, parallel, (act, geo, region, chunk, cols),
                      (None,), out_shape, result, False)
    tiles = threads.scratch('tile', (slots, chunk * per, filters), x.dtype)
    out_hw = out_hw if pool is None else pool_geo[6:]
    out_shape = (images,) + tuple(out_hw) + (filters,)
    if cells.applies(narrow, pool_geo, region):
        return Launch(cells.cells_driver, tasks, parallel, (act, geo, chunk, cols, tiles),
                      (None,), out_shape, None, False)
    return Launch(core.forward_tiled_driver, tasks, parallel,
                  (act, geo, region, pool_geo, chunk, narrow, cols, tiles), (None,),
                  out_shape, None, False)


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


def _prepare_winograd(x, filters, act, geo, out_hw, pool, pool_geo, region, extent):
    """_prepare's Launch of winograd.winograd_driver / winograd_pool_driver."""
    images, channels = x.shape[0], x.shape[3]
    chunk = _winograd_chunk(region, images, images,     # V, M: 16 (C + F) values per tile
                            WINOGRAD_CHUNK_BYTES // (16 * (channels + filters) * x.itemsize))
    padded, vs, ms = _winograd_buffers(x, filters, region, chunk)
    per = region[0] * region[1]
    parallel = images * per * filters * channels * 4 >= PARALLEL_MIN_WORK
    tasks, pads = -(-images // chunk), (geo[6], geo[7])
    tiles = threads.scratch('tile', (threads.threads(), chunk * per, filters), x.dtype)
    if pool is not None:
        if winograd.pools_tiles(pool_geo, region):
            tiles = _empty(3, x.dtype)
        return Launch(winograd.winograd_pool_driver, tasks, parallel,
                      (act, pads, extent, region, pool_geo, chunk, padded, vs, ms, tiles),
                      (None,), (images,) + tuple(pool_geo[6:]) + (filters,), None, True)
    middle = (act, pads, extent, region, chunk, padded, vs, ms, tiles)
    if tuple(region) == tuple(out_hw):
        return Launch(winograd.winograd_driver, tasks, parallel, middle,
                      (None, _empty(4, x.dtype)), (images * per, filters),
                      (images,) + tuple(region) + (filters,), True)
    return Launch(winograd.winograd_driver, tasks, parallel, middle,
                  (_empty(2, x.dtype), None), (images,) + tuple(out_hw) + (filters,), None,
                  True)


def _region(region, out_hw):
    """The computed (rows, cols): `region` clipped to the output, or all of it."""
    if region is None:
        return tuple(out_hw)
    return min(int(region[0]), out_hw[0]), min(int(region[1]), out_hw[1])
