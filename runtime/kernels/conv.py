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

The forward convolutions' driver calls are prepared in conv_forward.py. Chunks of images
run in parallel on `threads` (problems below PARALLEL_MIN_WORK multiply-adds run on the
calling thread).
"""
import numpy as np

from . import conv_core as core
from . import threads, winograd
from .conv_forward import (GRAD_FILTER_ROWS, NARROW_CHANNELS, PARALLEL_MIN_WORK,
                           TASK_IMAGES, WINOGRAD_GRAD_TILES, _chunk, _empty, _region,
                           _winograd_applies, _winograd_buffers, _winograd_chunk, convolve)
from .nn import check_padding, check_rank, geometry_2d, pair
from .registry import register

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
    # (out_hw, geo) per shapes and dtypes already checked: the checks and the geometry
    # took ~2.4 us of each convolution of a ~190 us batch-1 prediction.
    checked = {}

    def run(x, w, b=None):
        key = (x.shape, w.shape, x.dtype, w.dtype,
               None if b is None else (b.shape, b.dtype))
        found = checked.get(key)
        if found is None:
            _check_forward(op, x, w, b)
            if len(checked) >= 64:
                checked.clear()
            found = checked[key] = geometry_2d(x.shape[1:3], w.shape[:2], strides,
                                               dilation, padding)
        out_hw, geo = found
        x, w = np.ascontiguousarray(x), np.ascontiguousarray(w)
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
