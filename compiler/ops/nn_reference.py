"""Plain numpy references of convolution and pooling (NHWC): the oracle for kernels."""
import numpy as np


def same_padding(size, kernel, stride, dilation=1):
    """(before, after) padding of Keras-on-TensorFlow 'same': odd pixel after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def pad_spatial(x, kernel_hw, strides, padding, dilation=(1, 1), value=0.0):
    if padding == 'valid':
        return x
    pads = [same_padding(n, k, s, d)
            for n, k, s, d in zip(x.shape[1:3], kernel_hw, strides, dilation)]
    return np.pad(x, [(0, 0), pads[0], pads[1], (0, 0)], constant_values=value)


def _windows(xp, kernel_hw, strides, dilation, out_hw):
    """Yield (i, j, view) with view[n, oh, ow, c] = xp at kernel offset (i, j)."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel_hw, strides, dilation, out_hw
    for i in range(kh):
        for j in range(kw):
            yield i, j, xp[:, i * dh: i * dh + sh * (oh - 1) + 1: sh,
                           j * dw: j * dw + sw * (ow - 1) + 1: sw, :]


def _out_hw(shape_hw, kernel_hw, strides, padding, dilation):
    out = []
    for n, k, s, d in zip(shape_hw, kernel_hw, strides, dilation):
        out.append(-(-n // s) if padding == 'same' else (n - (k - 1) * d - 1) // s + 1)
    return tuple(out)


def conv2d(x, w, strides, padding, dilation=(1, 1)):
    out_hw = _out_hw(x.shape[1:3], w.shape[:2], strides, padding, dilation)
    xp = pad_spatial(x, w.shape[:2], strides, padding, dilation)
    out = np.zeros((x.shape[0],) + out_hw + (w.shape[3],), x.dtype)
    for i, j, view in _windows(xp, w.shape[:2], strides, dilation, out_hw):
        out += np.tensordot(view, w[i, j], axes=([3], [0]))
    return out


def conv2d_grad_input(g, w, input_hw, strides, padding, dilation=(1, 1)):
    pads = [same_padding(n, k, s, d) if padding == 'same' else (0, 0)
            for n, k, s, d in zip(input_hw, w.shape[:2], strides, dilation)]
    padded_hw = [n + a + b for n, (a, b) in zip(input_hw, pads)]
    xp = np.zeros((g.shape[0], padded_hw[0], padded_hw[1], w.shape[2]), g.dtype)
    out_hw = g.shape[1:3]
    for i, j, view in _windows(xp, w.shape[:2], strides, dilation, out_hw):
        view += np.tensordot(g, w[i, j], axes=([3], [1]))
    return xp[:, pads[0][0]: pads[0][0] + input_hw[0], pads[1][0]: pads[1][0] + input_hw[1]]


def conv2d_grad_filter(x, g, kernel_hw, strides, padding, dilation=(1, 1)):
    xp = pad_spatial(x, kernel_hw, strides, padding, dilation)
    dw = np.zeros(tuple(kernel_hw) + (x.shape[3], g.shape[3]), x.dtype)
    for i, j, view in _windows(xp, kernel_hw, strides, dilation, g.shape[1:3]):
        dw[i, j] = np.tensordot(view, g, axes=([0, 1, 2], [0, 1, 2]))
    return dw


def maxpool2d(x, pool_size, strides, padding):
    out_hw = _out_hw(x.shape[1:3], pool_size, strides, padding, (1, 1))
    xp = pad_spatial(x, pool_size, strides, padding, value=-np.inf)
    out = np.full((x.shape[0],) + out_hw + (x.shape[3],), -np.inf, x.dtype)
    for _, _, view in _windows(xp, pool_size, strides, (1, 1), out_hw):
        np.maximum(out, view, out=out)
    return out


def maxpool2d_grad(x, g, pool_size, strides, padding):
    out_hw = g.shape[1:3]
    pads = [same_padding(n, k, s) if padding == 'same' else (0, 0)
            for n, k, s in zip(x.shape[1:3], pool_size, strides)]
    xp = pad_spatial(x, pool_size, strides, padding, value=-np.inf)
    best = maxpool2d(x, pool_size, strides, padding)
    taken = np.zeros(g.shape, bool)
    dxp = np.zeros(xp.shape, x.dtype)
    (kh, kw), (sh, sw) = pool_size, strides
    for i in range(kh):
        for j in range(kw):
            view = xp[:, i: i + sh * (out_hw[0] - 1) + 1: sh, j: j + sw * (out_hw[1] - 1) + 1: sw]
            first = (view == best) & ~taken
            taken |= first
            dxp[:, i: i + sh * (out_hw[0] - 1) + 1: sh,
                j: j + sw * (out_hw[1] - 1) + 1: sw] += np.where(first, g, 0)
    return dxp[:, pads[0][0]: pads[0][0] + x.shape[1], pads[1][0]: pads[1][0] + x.shape[2]]


def _avg_windows(input_hw, pool_size, strides, padding):
    """Yield (i, j, row slice, col slice) of each output cell's window, padding excluded."""
    out_hw = _out_hw(input_hw, pool_size, strides, padding, (1, 1))
    pads = [same_padding(n, k, s)[0] if padding == 'same' else 0
            for n, k, s in zip(input_hw, pool_size, strides)]
    for i in range(out_hw[0]):
        r0 = i * strides[0] - pads[0]
        rows = slice(max(r0, 0), min(r0 + pool_size[0], input_hw[0]))
        for j in range(out_hw[1]):
            c0 = j * strides[1] - pads[1]
            yield i, j, rows, slice(max(c0, 0), min(c0 + pool_size[1], input_hw[1]))


def avgpool2d(x, pool_size, strides, padding):
    out_hw = _out_hw(x.shape[1:3], pool_size, strides, padding, (1, 1))
    out = np.zeros((x.shape[0],) + out_hw + (x.shape[3],), x.dtype)
    for i, j, rows, cols in _avg_windows(x.shape[1:3], pool_size, strides, padding):
        out[:, i, j] = x[:, rows, cols].mean(axis=(1, 2))
    return out


def avgpool2d_grad(g, input_hw, pool_size, strides, padding):
    dx = np.zeros((g.shape[0],) + tuple(input_hw) + (g.shape[3],), g.dtype)
    for i, j, rows, cols in _avg_windows(input_hw, pool_size, strides, padding):
        count = (rows.stop - rows.start) * (cols.stop - cols.start)
        dx[:, rows, cols] += g[:, i, j][:, None, None, :] / count
    return dx
