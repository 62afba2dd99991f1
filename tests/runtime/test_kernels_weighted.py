"""Keras's sample-weighted loss kernels: sum(s * w) / count_nonzero(w) and its gradient."""
import numpy as np
import pytest

from runtime.kernels import get_kernel


def keras_formula(s, w):
    """Keras 2.2.4: mean(s * w / mean(w != 0)), in float64."""
    s, w = s.astype(np.float64), w.astype(np.float64)
    return np.mean(s * w / np.mean(w != 0))


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('shape', [(7,), (3, 5), (1,)])
def test_weighted_mean_is_keras_formula(shape, dtype):
    rng = np.random.RandomState(0)
    s = rng.standard_normal(shape).astype(dtype)
    w = rng.uniform(0.5, 2.0, shape).astype(dtype)
    if w.size > 1:
        w.reshape(-1)[::2] = 0.0                   # zero weights: Keras's normalisation
    got = get_kernel('weighted_mean', {})(s, w)
    assert got.shape == () and got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, keras_formula(s, w), rtol=1e-6)
    grad = get_kernel('scale_by_nonzero_count', {})(w, w, np.array(2.0, dtype))
    assert grad.dtype == np.dtype(dtype)
    np.testing.assert_allclose(grad, 2.0 * w / np.count_nonzero(w), rtol=1e-6)


def test_all_zero_weights_give_nan_as_kerass_formula_does():
    s, w = np.ones(4, 'float32'), np.zeros(4, 'float32')
    with np.errstate(invalid='ignore'):
        assert np.isnan(keras_formula(s, w))
    assert np.isnan(get_kernel('weighted_mean', {})(s, w))
    grad = get_kernel('scale_by_nonzero_count', {})(s, w, np.array(1.0, 'float32'))
    assert np.isinf(grad).all()


def test_shapes_that_differ_are_refused_naming_both():
    s, w = np.ones(4, 'float32'), np.ones(5, 'float32')
    with pytest.raises(ValueError, match=r'weighted_mean: scores of shape \(4,\) and sample '
                                         r'weights of shape \(5,\) differ'):
        get_kernel('weighted_mean', {})(s, w)
    with pytest.raises(ValueError, match='scale_by_nonzero_count: scores of shape'):
        get_kernel('scale_by_nonzero_count', {})(s, w, np.array(1.0, 'float32'))


def _unfused(z, y, w, g):
    """The four kernels the graph runs without fuse_weighted_losses."""
    scores = get_kernel('softmax_crossentropy', {})(z, y)
    loss = get_kernel('weighted_mean', {})(scores, w)
    scale = get_kernel('scale_by_nonzero_count', {})(w, w, g)
    return loss, get_kernel('softmax_crossentropy_grad', {})(z, y, scale)


@pytest.mark.parametrize('shape', [(7, 10), (2, 3, 4), (0, 5), (3, 0)])
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_joined_cross_entropy_kernels_equal_the_four_they_replace(shape, dtype):
    rng = np.random.RandomState(0)
    z = (3 * rng.randn(*shape)).astype(dtype)
    y = rng.rand(*shape).astype(dtype)
    w = rng.rand(*shape[:-1]).astype(dtype)
    if w.size:
        w.reshape(-1)[0] = 0.0
    g = np.array(0.7, dtype)
    loss, grad = _unfused(z, y, w, g)
    fused_loss = get_kernel('weighted_softmax_crossentropy', {})(z, y, w)
    fused_grad = get_kernel('weighted_softmax_crossentropy_grad', {})(z, y, w, w, g)
    assert fused_loss.shape == () and fused_loss.dtype == dtype
    np.testing.assert_array_equal(fused_loss, loss)
    assert fused_grad.shape == shape and fused_grad.dtype == dtype
    np.testing.assert_array_equal(fused_grad, grad)


def test_joined_cross_entropy_kernels_name_mismatched_weights():
    z = np.zeros((4, 3), 'float32')
    with pytest.raises(ValueError, match=r'weighted_softmax_crossentropy: scores of shape '
                       r'\(4,\) and sample weights of shape \(5,\) differ'):
        get_kernel('weighted_softmax_crossentropy', {})(z, z, np.ones(5, 'float32'))
    with pytest.raises(ValueError, match=r'weighted_softmax_crossentropy_grad: scores of '
                       r'shape \(4,\) and sample weights of shape \(3,\) differ'):
        get_kernel('weighted_softmax_crossentropy_grad', {})(
            z, z, np.ones(3, 'float32'), np.ones(3, 'float32'), np.array(1, 'float32'))
