"""Depthwise conv2d and its gradients against plain numpy loops (and the adjoint identity)."""
import json

import numpy as np
import pytest

from runtime.kernels import depthwise, get_kernel, threads

# (x shape, kernel shape (KH, KW, C, M), strides, padding, dilation): batch 1 and 3,
# depth multipliers 1 and 2, strides 1 and 2, 'same' with odd and even kernels (the extra
# padding cell after), 'valid', dilation 2.
CASES = [
    ((1, 5, 6, 3), (3, 3, 3, 1), (1, 1), 'same', (1, 1)),
    ((3, 5, 6, 3), (3, 3, 3, 2), (1, 1), 'same', (1, 1)),
    ((3, 7, 6, 2), (3, 3, 2, 1), (2, 2), 'same', (1, 1)),
    ((1, 8, 7, 2), (2, 2, 2, 2), (2, 2), 'same', (1, 1)),
    ((3, 6, 7, 4), (2, 3, 4, 2), (1, 1), 'same', (1, 1)),
    ((3, 9, 8, 2), (3, 2, 2, 2), (2, 1), 'valid', (1, 1)),
    ((1, 9, 9, 3), (3, 3, 3, 1), (1, 1), 'valid', (2, 2)),
    ((3, 9, 8, 2), (3, 3, 2, 2), (1, 1), 'same', (2, 1)),
    ((3, 10, 9, 1), (3, 3, 1, 2), (2, 2), 'same', (2, 2)),
    ((1, 4, 4, 5), (1, 1, 5, 2), (1, 1), 'valid', (1, 1)),
]
IDS = [f"n{x[0]}-{x[1]}x{x[2]}c{x[3]}-k{w[0]}{w[1]}m{w[3]}-s{s[0]}{s[1]}-{p}-d{d[0]}{d[1]}"
       for x, w, s, p, d in CASES]


def geometry(size, kernel, stride, dilation, padding):
    """(output size, padding before) along one axis, Keras-on-TensorFlow 'same'."""
    span = (kernel - 1) * dilation + 1
    if padding == 'valid':
        return (size - span) // stride + 1, 0
    out = -(-size // stride)
    return out, max((out - 1) * stride + span - size, 0) // 2


def taps(x_shape, w_shape, strides, padding, dilation):
    """Yield (oh, ow, i, j, row, col) of every in-bounds kernel tap of every output pixel."""
    (out_h, top), (out_w, left) = (geometry(n, k, s, d, padding) for n, k, s, d in zip(
        x_shape[1:3], w_shape[:2], strides, dilation))
    for oh in range(out_h):
        for ow in range(out_w):
            for i in range(w_shape[0]):
                for j in range(w_shape[1]):
                    row = oh * strides[0] + i * dilation[0] - top
                    col = ow * strides[1] + j * dilation[1] - left
                    if 0 <= row < x_shape[1] and 0 <= col < x_shape[2]:
                        yield oh, ow, i, j, row, col


def out_shape(x_shape, w_shape, strides, padding, dilation):
    hw = [geometry(n, k, s, d, padding)[0] for n, k, s, d in zip(
        x_shape[1:3], w_shape[:2], strides, dilation)]
    return (x_shape[0], hw[0], hw[1], w_shape[2] * w_shape[3])


def loop_forward(x, w, strides, padding, dilation):
    out = np.zeros(out_shape(x.shape, w.shape, strides, padding, dilation))
    for oh, ow, i, j, row, col in taps(x.shape, w.shape, strides, padding, dilation):
        for c in range(w.shape[2]):
            for m in range(w.shape[3]):
                out[:, oh, ow, c * w.shape[3] + m] += x[:, row, col, c] * w[i, j, c, m]
    return out


def loop_grad_input(g, w, x_shape, strides, padding, dilation):
    dx = np.zeros(x_shape)
    for oh, ow, i, j, row, col in taps(x_shape, w.shape, strides, padding, dilation):
        for c in range(w.shape[2]):
            for m in range(w.shape[3]):
                dx[:, row, col, c] += g[:, oh, ow, c * w.shape[3] + m] * w[i, j, c, m]
    return dx


def loop_grad_filter(x, g, w_shape, strides, padding, dilation):
    dw = np.zeros(w_shape)
    for oh, ow, i, j, row, col in taps(x.shape, w_shape, strides, padding, dilation):
        for c in range(w_shape[2]):
            for m in range(w_shape[3]):
                dw[i, j, c, m] += np.dot(x[:, row, col, c], g[:, oh, ow, c * w_shape[3] + m])
    return dw


def kernels(x_shape, w_shape, strides, padding, dilation):
    """The three kernels, from attrs that went through JSON (tuples become lists)."""
    common = json.loads(json.dumps(dict(strides=strides, padding=padding,
                                        dilation=dilation)))
    return (get_kernel('depthwise_conv2d', common),
            get_kernel('depthwise_conv2d_grad_input', dict(common, input_hw=x_shape[1:3])),
            get_kernel('depthwise_conv2d_grad_filter', dict(common, kernel_hw=w_shape[:2])))


@pytest.fixture(params=['default', 'threads'])
def strategy(request, monkeypatch):
    """Each case as chosen by the kernels, and with one row per task, the filter gradient
    in few partials, everything on three threads."""
    if request.param == 'threads':
        monkeypatch.setattr(depthwise, 'PARALLEL_MIN_WORK', 0)
        monkeypatch.setattr(depthwise, 'TASK_WORK', 1)
        monkeypatch.setattr(depthwise, 'MAX_FILTER_TASKS', 3)
        previous = threads.set_threads(3)
        yield request.param
        threads.set_threads(previous)
    else:
        yield request.param


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_depthwise_kernels_match_numpy_loops(case, dtype, strategy):
    x_shape, w_shape, strides, padding, dilation = case
    rng = np.random.RandomState(0)
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    forward, grad_input, grad_filter = kernels(x_shape, w_shape, strides, padding, dilation)
    out = forward(x, w)
    expected = loop_forward(x, w, strides, padding, dilation)
    g = rng.standard_normal(expected.shape).astype(dtype)
    tol = 2e-5 if dtype == 'float32' else 1e-12
    for got, want in [
            (out, expected),
            (grad_input(g, w), loop_grad_input(g, w, x_shape, strides, padding, dilation)),
            (grad_filter(x, g), loop_grad_filter(x, g, w_shape, strides, padding, dilation))]:
        assert got.dtype == np.dtype(dtype) and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())


@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_depthwise_gradients_satisfy_adjoint_identity(case):
    """<forward(x, w), g> = <x, grad_input(g, w)> = <w, grad_filter(x, g)> in float64."""
    x_shape, w_shape, strides, padding, dilation = case
    rng = np.random.RandomState(1)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    forward, grad_input, grad_filter = kernels(x_shape, w_shape, strides, padding, dilation)
    out = forward(x, w)
    g = rng.standard_normal(out.shape)
    inner = np.sum(out * g)
    np.testing.assert_allclose(np.sum(x * grad_input(g, w)), inner, rtol=1e-12)
    np.testing.assert_allclose(np.sum(w * grad_filter(x, g)), inner, rtol=1e-12)


def test_depthwise_filter_gradient_does_not_depend_on_threads(monkeypatch):
    rng = np.random.RandomState(2)
    x = rng.standard_normal((4, 12, 11, 3)).astype('float32')
    g = rng.standard_normal((4, 12, 11, 6)).astype('float32')
    attrs = dict(kernel_hw=(3, 3), strides=(1, 1), padding='same', dilation=(1, 1))
    serial = get_kernel('depthwise_conv2d_grad_filter', attrs)(x, g)
    monkeypatch.setattr(depthwise, 'PARALLEL_MIN_WORK', 0)
    previous = threads.set_threads(3)
    try:
        parallel = get_kernel('depthwise_conv2d_grad_filter', attrs)(x, g)
    finally:
        threads.set_threads(previous)
    np.testing.assert_array_equal(serial, parallel)


def test_depthwise_kernels_raise_clear_errors():
    forward = get_kernel('depthwise_conv2d', {})
    with pytest.raises(ValueError, match=r"depthwise_conv2d: expected a kernel of shape "
                                         r"\(KH, KW, 3, M\), received \(2, 2, 4, 1\)"):
        forward(np.zeros((1, 4, 4, 3), 'float32'), np.zeros((2, 2, 4, 1), 'float32'))
    with pytest.raises(ValueError, match='one dtype, received float32 and float64'):
        forward(np.zeros((1, 4, 4, 3), 'float32'), np.zeros((2, 2, 3, 1)))
    grad_input = get_kernel('depthwise_conv2d_grad_input', {'input_hw': [4, 4]})
    with pytest.raises(ValueError, match=r'expected an output gradient of shape'):
        grad_input(np.zeros((1, 3, 3, 5)), np.zeros((2, 2, 3, 2)))
    with pytest.raises(ValueError, match="unknown padding 'full'"):
        get_kernel('depthwise_conv2d', {'padding': 'full'})
