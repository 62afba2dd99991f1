"""conv2d and its gradients against naive numpy references (and the adjoint identity)."""
import json

import numpy as np
import pytest

from runtime.kernels import conv, get_kernel

# (x shape, filter shape, strides, padding, dilation): odd and even sizes and kernels,
# strides 1 and 2, 'same' and 'valid', dilation 2, one input channel.
CASES = [
    ((2, 5, 6, 3), (3, 3, 3, 4), (1, 1), 'same', (1, 1)),
    ((2, 7, 6, 2), (3, 3, 2, 3), (2, 2), 'same', (1, 1)),
    ((2, 9, 8, 8), (3, 3, 8, 5), (2, 1), 'valid', (1, 1)),
    ((3, 9, 9, 8), (3, 3, 8, 4), (1, 1), 'same', (2, 2)),
    ((2, 8, 7, 6), (2, 4, 6, 3), (2, 2), 'same', (1, 1)),
    ((3, 10, 9, 1), (3, 3, 1, 4), (2, 2), 'same', (2, 2)),
    ((2, 8, 8, 5), (2, 2, 5, 3), (2, 2), 'valid', (1, 2)),
    ((1, 4, 5, 16), (1, 1, 16, 2), (1, 1), 'valid', (1, 1)),
]
IDS = [f"{x[1]}x{x[2]}c{x[3]}-k{w[0]}{w[1]}-s{s[0]}{s[1]}-{p}-d{d[0]}"
       for x, w, s, p, d in CASES]


def geometry(size, kernel, stride, dilation, padding):
    """(output size, (pad before, pad after)) the Keras-on-TensorFlow way."""
    span = (kernel - 1) * dilation + 1
    if padding == 'valid':
        return (size - span) // stride + 1, (0, 0)
    out = -(-size // stride)
    total = max((out - 1) * stride + span - size, 0)
    return out, (total // 2, total - total // 2)


def padded_windows(x_shape, w_shape, strides, padding, dilation):
    """Out shape, pads, and a function giving the padded-input window of output (i, j)."""
    (oh, pad_h), (ow, pad_w) = (geometry(n, k, s, d, padding) for n, k, s, d in zip(
        x_shape[1:3], w_shape[:2], strides, dilation))

    def window(i, j):
        rows = slice(i * strides[0], i * strides[0] + (w_shape[0] - 1) * dilation[0] + 1,
                     dilation[0])
        cols = slice(j * strides[1], j * strides[1] + (w_shape[1] - 1) * dilation[1] + 1,
                     dilation[1])
        return (slice(None), rows, cols, slice(None))
    return (oh, ow), (pad_h, pad_w), window


def ref_conv(x, w, strides, padding, dilation):
    (oh, ow), pads, window = padded_windows(x.shape, w.shape, strides, padding, dilation)
    xp = np.pad(x.astype(np.float64), ((0, 0), pads[0], pads[1], (0, 0)))
    out = np.zeros((x.shape[0], oh, ow, w.shape[3]))
    for i in range(oh):
        for j in range(ow):
            out[:, i, j] = np.einsum('nabc,abcf->nf', xp[window(i, j)], w)
    return out


def ref_grad_input(g, w, input_hw, strides, padding, dilation):
    shape = (g.shape[0],) + tuple(input_hw) + (w.shape[2],)
    (oh, ow), pads, window = padded_windows(shape, w.shape, strides, padding, dilation)
    dxp = np.zeros((shape[0], shape[1] + sum(pads[0]), shape[2] + sum(pads[1]), shape[3]))
    for i in range(oh):
        for j in range(ow):
            dxp[window(i, j)] += np.einsum('nf,abcf->nabc', g[:, i, j], w)
    return dxp[:, pads[0][0]:pads[0][0] + shape[1], pads[1][0]:pads[1][0] + shape[2]]


def ref_grad_filter(x, g, kernel_hw, strides, padding, dilation):
    w_shape = tuple(kernel_hw) + (x.shape[3], g.shape[3])
    (oh, ow), pads, window = padded_windows(x.shape, w_shape, strides, padding, dilation)
    xp = np.pad(x.astype(np.float64), ((0, 0), pads[0], pads[1], (0, 0)))
    dw = np.zeros(w_shape)
    for i in range(oh):
        for j in range(ow):
            dw += np.einsum('nabc,nf->abcf', xp[window(i, j)], g[:, i, j])
    return dw


def kernels(w_shape, x_shape, strides, padding, dilation):
    """The three kernels, built from attrs that went through JSON (tuples become lists)."""
    common = json.loads(json.dumps(dict(strides=strides, padding=padding,
                                        dilation=dilation)))
    return (get_kernel('conv2d', common),
            get_kernel('conv2d_grad_input', dict(common, input_hw=list(x_shape[1:3]))),
            get_kernel('conv2d_grad_filter', dict(common, kernel_hw=list(w_shape[:2]))))


@pytest.fixture(params=['direct', 'gemm'])
def strategy(request, monkeypatch):
    """Run each case through both code paths; 'gemm' also uses small, uneven chunks."""
    if request.param == 'direct':
        monkeypatch.setattr(conv, 'DIRECT_MAX_PATCH', 10 ** 9)
    else:
        monkeypatch.setattr(conv, 'DIRECT_MAX_PATCH', 0)
        monkeypatch.setattr(conv, 'ROWS_PER_CHUNK', 30)
    return request.param


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_conv2d_and_gradients_match_reference(case, dtype, strategy):
    x_shape, w_shape, strides, padding, dilation = case
    rng = np.random.RandomState(0)
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    forward, grad_input, grad_filter = kernels(w_shape, x_shape, strides, padding, dilation)
    out = forward(x, w)
    expected = ref_conv(x, w, strides, padding, dilation)
    g = rng.standard_normal(expected.shape).astype(dtype)
    dx, dw = grad_input(g, w), grad_filter(x, g)
    tol = 2e-5 if dtype == 'float32' else 1e-12
    for got, want in [(out, expected),
                      (dx, ref_grad_input(g, w, x_shape[1:3], strides, padding, dilation)),
                      (dw, ref_grad_filter(x, g, w_shape[:2], strides, padding, dilation))]:
        assert got.dtype == np.dtype(dtype) and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())


@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_conv2d_gradients_satisfy_adjoint_identity(case):
    """<conv(x, w), g> = <x, grad_input(g, w)> = <w, grad_filter(x, g)> in float64."""
    x_shape, w_shape, strides, padding, dilation = case
    rng = np.random.RandomState(1)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    forward, grad_input, grad_filter = kernels(w_shape, x_shape, strides, padding, dilation)
    out = forward(x, w)
    g = rng.standard_normal(out.shape)
    inner = np.vdot(out, g)
    np.testing.assert_allclose(np.vdot(x, grad_input(g, w)), inner, rtol=1e-11)
    np.testing.assert_allclose(np.vdot(w, grad_filter(x, g)), inner, rtol=1e-11)


def test_conv2d_gradient_matches_finite_differences():
    x_shape, w_shape, strides, padding, dilation = CASES[1]
    rng = np.random.RandomState(2)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    forward, grad_input, _ = kernels(w_shape, x_shape, strides, padding, dilation)
    g = rng.standard_normal(forward(x, w).shape)
    numeric = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        step = np.zeros_like(x)
        step[index] = 1e-6
        numeric[index] = (np.vdot(forward(x + step, w), g)
                          - np.vdot(forward(x - step, w), g)) / 2e-6
    np.testing.assert_allclose(grad_input(g, w), numeric, rtol=1e-6, atol=1e-7)


def test_conv2d_accepts_non_contiguous_inputs_and_gives_contiguous_output():
    rng = np.random.RandomState(3)
    x = rng.standard_normal((4, 6, 6, 3))[:, :, ::-1]
    w = np.asfortranarray(rng.standard_normal((3, 3, 3, 2)))
    out = get_kernel('conv2d', {'strides': [1, 1], 'padding': 'same'})(x, w)
    assert out.flags.c_contiguous
    np.testing.assert_allclose(out, ref_conv(x, w, (1, 1), 'same', (1, 1)), rtol=1e-12)


def test_conv2d_rejects_bad_attrs_and_inputs():
    with pytest.raises(ValueError, match="padding 'full'.*'valid', 'same'"):
        get_kernel('conv2d', {'strides': [1, 1], 'padding': 'full'})
    forward = get_kernel('conv2d', {'strides': [1, 1], 'padding': 'valid'})
    with pytest.raises(ValueError, match=r'conv2d: .*3 channels.*\(3, 3, 4, 2\)'):
        forward(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 4, 2)))
    with pytest.raises(ValueError, match='conv2d: .*float32 and float64'):
        forward(np.zeros((1, 5, 5, 3), np.float32), np.zeros((3, 3, 3, 2)))
