"""2-D convolution (NHWC input, (KH, KW, C, F) filter), its gradients and fused forms.

Kernels:
- conv2d, conv2d_bias_act (+ bias, activation), conv2d_bias_act_pool (+ max pooling of
  the activation, computing only the output rows and columns the pooling reads);
- conv2d_grad_input: for unit strides, a convolution of the output gradient with the
  flipped, transposed filter (the same tiled GEMM path as the forward pass); for other
  strides GEMM + col2im;
- conv2d_grad_filter: one partial result per chunk of images, summed in chunk order (the
  result does not depend on the thread count).

The batch is walked in chunks of about ROWS_PER_CHUNK output pixels; chunks run in
parallel on `threads` (problems below PARALLEL_MIN_WORK multiply-adds run on the calling
thread). The compiled loops live in conv_core.py.
"""
import numpy as np

from . import conv_core as core
from . import threads
from .nn import check_padding, check_rank, geometry_2d, pair
from .registry import register

# Output pixels per chunk (a chunk's patches stay in L2/L3 while its GEMM runs).
ROWS_PER_CHUNK = 800
# Up to this many patch columns (kh * kw * C) direct loops beat im2col + GEMM.
DIRECT_MAX_PATCH = 16
# Below this many multiply-adds a kernel runs on the calling thread.
PARALLEL_MIN_WORK = 1 << 20
_EMPTY = {}


def _empty(ndim, dtype):
    """A zero-size placeholder for arguments a driver does not use."""
    key = (ndim, np.dtype(dtype))
    if key not in _EMPTY:
        _EMPTY[key] = np.empty((0,) * ndim, dtype)
    return _EMPTY[key]


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


def convolve(x, w2, bias, act, geo, out_hw, pool=None):
    """act(conv(x, w2) + bias), optionally max-pooled, for C-contiguous inputs.

    Args:
        x: (N, H, W, C) input.
        w2: (KH * KW * C, F) filter rows ordered (a, b, c).
        bias: (F,) or empty; act: 0 linear, 1 relu.
        geo, out_hw: convolution geometry and output size (see conv_core).
        pool: None or (pool_size, strides, padding) of a max pooling of the result.

    Returns:
        (N, OH, OW, F), or the pooled (N, PH, PW, F).
    """
    images, (patch, filters) = x.shape[0], w2.shape
    pool_geo, region = _pool_tuple(pool, out_hw)
    per = region[0] * region[1]
    chunk = _chunk(images, per)
    direct = patch <= DIRECT_MAX_PATCH
    slots = threads.threads()
    cols = _empty(3, x.dtype) if direct else threads.scratch('cols', (slots, chunk * per,
                                                                      patch), x.dtype)
    if pool is None:
        out2, tiles = np.empty((images * per, filters), x.dtype), _empty(3, x.dtype)
        pooled = _empty(4, x.dtype)
    else:
        out2, tiles = _empty(2, x.dtype), threads.scratch('tile', (slots, chunk * per,
                                                                   filters), x.dtype)
        pooled = np.empty((images,) + pool_geo[6:] + (filters,), x.dtype)
    if images and per and filters:
        threads.run(core.forward_driver, -(-images // chunk), x, w2, bias, act, geo, region,
                    pool_geo, chunk, direct, cols, tiles, out2, pooled,
                    parallel=images * per * patch * filters >= PARALLEL_MIN_WORK)
    return pooled if pool is not None else out2.reshape((images,) + region + (filters,))


def _same_dtype(op, *arrays):
    dtypes = {a.dtype for a in arrays}
    if len(dtypes) != 1 or arrays[0].dtype.name not in ('float32', 'float64'):
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


def _forward_kernel(op, strides, padding, dilation, act, pool):
    """fn(x, w[, b]) computing act(conv + b), pooled when `pool` is given."""
    strides, padding, dilation = _options(op, strides, padding, dilation)
    if act not in core.ACTIVATIONS:
        raise ValueError(f"{op}: unknown activation {act!r}; expected one of "
                         f"{tuple(core.ACTIVATIONS)}")
    code = core.ACTIVATIONS[act]

    def run(x, w, b=None):
        _check_forward(op, x, w, b)
        x, w = np.ascontiguousarray(x), np.ascontiguousarray(w)
        out_hw, geo = geometry_2d(x.shape[1:3], w.shape[:2], strides, dilation, padding)
        bias = _empty(1, x.dtype) if b is None else np.ascontiguousarray(b)
        return convolve(x, w.reshape(-1, w.shape[3]), bias, code, geo, out_hw, pool)
    return run


@register('conv2d')
def kernel_conv2d(strides=(1, 1), padding='valid', dilation=(1, 1)):
    """Factory: x (N, H, W, C), w (KH, KW, C, F) -> (N, OH, OW, F), no bias."""
    return _forward_kernel('conv2d', strides, padding, dilation, 'linear', None)


@register('conv2d_bias_act')
def kernel_conv2d_bias_act(strides=(1, 1), padding='valid', dilation=(1, 1),
                           act='linear'):
    """Factory: (x, w[, b]) -> act(conv2d(x, w) + b); act is 'linear' or 'relu'."""
    return _forward_kernel('conv2d_bias_act', strides, padding, dilation, act, None)


@register('conv2d_bias_act_pool')
def kernel_conv2d_bias_act_pool(pool_size, pool_strides, pool_padding, strides=(1, 1),
                                padding='valid', dilation=(1, 1), act='linear'):
    """Factory: (x, w[, b]) -> maxpool2d(act(conv2d(x, w) + b)), one pass per chunk."""
    op = 'conv2d_bias_act_pool'
    pool = (pair(pool_size, 'pool_size', op), pair(pool_strides, 'pool_strides', op),
            check_padding(pool_padding, op))
    return _forward_kernel(op, strides, padding, dilation, act, pool)


@register('conv2d_grad_input')
def kernel_conv2d_grad_input(input_hw, strides=(1, 1), padding='valid', dilation=(1, 1)):
    """Factory: (g (N, OH, OW, F), w) -> gradient with respect to x (N, H, W, C)."""
    op = 'conv2d_grad_input'
    strides, padding, dilation = _options(op, strides, padding, dilation)
    input_hw = pair(input_hw, 'input_hw', op)

    def run(g, w):
        check_rank(g, 4, op, 'output gradient (N, OH, OW, F)')
        check_rank(w, 4, op, 'filter (KH, KW, C, F)')
        _same_dtype(op, g, w)
        g, w = np.ascontiguousarray(g), np.ascontiguousarray(w)
        out_hw, geo = geometry_2d(input_hw, w.shape[:2], strides, dilation, padding)
        if g.shape[1:] != out_hw + (w.shape[3],):
            raise ValueError(f"{op}: expected an output gradient of shape (N,) + "
                             f"{out_hw + (w.shape[3],)}, received {g.shape}")
        if strides == (1, 1):
            return _grad_input_as_conv(g, w, geo, input_hw)
        return _grad_input_col2im(g, w, geo, out_hw, input_hw)
    return run


def _grad_input_as_conv(g, w, geo, input_hw):
    """Unit strides: dx = g convolved with the flipped filter, padding mirrored."""
    kh, kw, _, _, dh, dw, pad_top, pad_left = geo
    flipped = (kh, kw, 1, 1, dh, dw, (kh - 1) * dh - pad_top, (kw - 1) * dw - pad_left)
    return convolve(g, core.flip_filter(w), _empty(1, g.dtype), 0, flipped, input_hw)


def _grad_input_col2im(g, w, geo, out_hw, input_hw):
    images, patch, filters = g.shape[0], w.shape[0] * w.shape[1] * w.shape[2], w.shape[3]
    dx = np.zeros((images,) + input_hw + (w.shape[2],), g.dtype)
    per = out_hw[0] * out_hw[1]
    if dx.size and g.size:
        chunk = _chunk(images, per)
        dcols = threads.scratch('cols', (threads.threads(), chunk * per, patch), g.dtype)
        threads.run(core.grad_input_driver, -(-images // chunk), g.reshape(-1, filters),
                    w.reshape(-1, filters), geo, out_hw, chunk, dcols, dx,
                    parallel=g.size * patch >= PARALLEL_MIN_WORK)
    return dx


@register('conv2d_grad_filter')
def kernel_conv2d_grad_filter(kernel_hw, strides=(1, 1), padding='valid', dilation=(1, 1)):
    """Factory: (x (N, H, W, C), g (N, OH, OW, F)) -> gradient w.r.t. w (KH, KW, C, F)."""
    op = 'conv2d_grad_filter'
    strides, padding, dilation = _options(op, strides, padding, dilation)
    kernel_hw = pair(kernel_hw, 'kernel_hw', op)

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
        return _grad_filter(x, g, geo, out_hw).reshape(shape)
    return run


def _grad_filter(x, g, geo, out_hw):
    images, filters = x.shape[0], g.shape[3]
    patch, per = geo[0] * geo[1] * x.shape[3], out_hw[0] * out_hw[1]
    chunk = _chunk(images, per)
    tasks = -(-images // chunk)
    direct = patch <= DIRECT_MAX_PATCH
    cols = _empty(3, x.dtype) if direct else threads.scratch(
        'cols', (threads.threads(), chunk * per, patch), x.dtype)
    parts = threads.scratch('parts', (tasks, patch, filters), x.dtype)
    threads.run(core.grad_filter_driver, tasks, x, g.reshape(-1, filters), geo, out_hw,
                chunk, direct, cols, parts,
                parallel=g.size * patch >= PARALLEL_MIN_WORK)
    return core.sum_parts(parts)
