"""softmax and softmax cross-entropy against numpy, and the shared window geometry."""
import numpy as np
import pytest

from runtime.kernels import get_kernel
from runtime.kernels.nn import window_geometry


def ref_softmax(x, axis):
    shifted = np.exp(x - x.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize('dtype', ['float16', 'float32', 'float64'])
@pytest.mark.parametrize('shape, axis', [((3, 5), -1), ((2, 3, 4), -1), ((7,), -1),
                                         ((2, 3, 4), 2), ((4, 3), 0)])
def test_softmax_matches_numpy(shape, axis, dtype):
    x = (np.random.RandomState(0).standard_normal(shape) * 3).astype(dtype)
    got = get_kernel('softmax', {'axis': axis})(x)
    assert got.dtype == np.dtype(dtype) and got.shape == shape
    tol = {'float16': 2e-3, 'float32': 1e-6, 'float64': 1e-14}[dtype]
    np.testing.assert_allclose(got, ref_softmax(x.astype(np.float64), axis), rtol=tol,
                               atol=tol)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_softmax_is_stable_for_large_inputs(dtype):
    x = np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1000.0, -2000.0]], dtype)
    got = get_kernel('softmax', {'axis': -1})(x)
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, ref_softmax(x.astype(np.float64), -1), rtol=1e-6)


@pytest.mark.parametrize('size, kernel, stride, dilation, padding, expected', [
    (28, 3, 1, 1, 'same', (28, 1)),
    (7, 3, 2, 1, 'same', (4, 1)),
    (6, 3, 2, 1, 'same', (3, 0)),      # total padding 1: the odd pixel goes after
    (5, 2, 2, 1, 'same', (3, 0)),
    (9, 3, 1, 2, 'same', (9, 2)),
    (7, 2, 2, 1, 'valid', (3, 0)),
    (9, 3, 2, 2, 'valid', (3, 0)),
    (2, 3, 1, 1, 'valid', (0, 0)),
])
def test_window_geometry_follows_keras_on_tensorflow(size, kernel, stride, dilation,
                                                       padding, expected):
    assert window_geometry(size, kernel, stride, dilation, padding) == expected


def test_compiled_softmax_matches_numpy(monkeypatch):
    """Small inputs go to numpy; force the compiled, threaded path on one too."""
    from runtime.kernels import nn
    monkeypatch.setattr(nn, 'PARALLEL_MIN_ELEMENTS', 0)
    monkeypatch.setattr(nn, 'ROWS_PER_TASK', 3)
    x = (np.random.RandomState(2).standard_normal((10, 7)) * 3).astype(np.float32)
    got = get_kernel('softmax', {'axis': -1})(x)
    np.testing.assert_allclose(got, ref_softmax(x.astype(np.float64), -1), rtol=1e-6,
                               atol=1e-7)


def ref_crossentropy(z, y):
    z, y = z.astype(np.float64), np.broadcast_to(y, z.shape).astype(np.float64)
    log_p = z - z.max(-1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(-1, keepdims=True))
    return -(y * log_p).sum(-1), np.exp(log_p) * y.sum(-1, keepdims=True) - y


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('shape, y_shape', [((4, 5), (4, 5)), ((2, 3, 4), (4,)),
                                            ((6,), (6,))])
def test_softmax_crossentropy_matches_numpy(shape, y_shape, dtype):
    rng = np.random.RandomState(3)
    z = (rng.standard_normal(shape) * 3).astype(dtype)
    y = rng.uniform(0, 1, y_shape).astype(dtype)
    g = rng.uniform(0.5, 1.5, shape[:-1]).astype(dtype)
    loss = get_kernel('softmax_crossentropy', {})(z, y)
    grad = get_kernel('softmax_crossentropy_grad', {})(z, y, g)
    assert loss.shape == shape[:-1] and loss.dtype == np.dtype(dtype)
    assert grad.shape == shape and grad.dtype == np.dtype(dtype)
    expected_loss, expected_grad = ref_crossentropy(z, y)
    tol = 1e-5 if dtype == 'float32' else 1e-13
    np.testing.assert_allclose(loss, expected_loss, rtol=tol, atol=tol)
    np.testing.assert_allclose(grad, expected_grad * g[..., None], rtol=tol, atol=tol)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_softmax_crossentropy_is_stable_for_large_logits(dtype):
    z = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4, -2e4]], dtype)
    y = np.array([[0.0, 0.0, 1.0], [0.5, 0.5, 0.0]], dtype)
    loss = get_kernel('softmax_crossentropy', {})(z, y)
    grad = get_kernel('softmax_crossentropy_grad', {})(z, y, np.ones(2, dtype))
    assert np.isfinite(loss).all() and np.isfinite(grad).all()
    np.testing.assert_allclose(loss, [2e4, np.log(2.0)], rtol=1e-6)
    np.testing.assert_allclose(grad, [[1.0, 0.0, -1.0], [0.0, 0.0, 0.0]], atol=1e-6)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_softmax_crossentropy_nan_stays_in_its_row(dtype):
    z = np.array([[1.0, np.nan, 0.0], [0.5, 0.25, -1.0]], dtype)
    y = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], dtype)
    loss = get_kernel('softmax_crossentropy', {})(z, y)
    grad = get_kernel('softmax_crossentropy_grad', {})(z, y, np.ones(2, dtype))
    assert np.isnan(loss[0]) and np.isnan(grad[0]).all()
    expected_loss, expected_grad = ref_crossentropy(z[1:], y[1:])
    np.testing.assert_allclose(loss[1:], expected_loss, rtol=1e-6)
    np.testing.assert_allclose(grad[1:], expected_grad, rtol=1e-6, atol=1e-7)
