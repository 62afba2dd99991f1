"""scaled_update: (v, p + v), v = beta * z + alpha * s, s = g or g summed over leading axes;
the same float32 bits as the unfused sum and elementwise kernels, in place too."""
import numpy as np
import pytest

from runtime.kernels import get_kernel, reduce


def kernel(summed, negate_alpha=False, negate_beta=False):
    return get_kernel('scaled_update', {'summed': summed, 'negate_alpha': negate_alpha,
                                        'negate_beta': negate_beta})


def unfused(z, g, alpha, beta, p, summed, negate_alpha, negate_beta):
    """The kernels the graph runs without the rule: sum, then v, then p + v."""
    s = g
    if summed:
        s = get_kernel('sum', {'axes': tuple(range(summed)), 'keepdims': False})(g)
    alpha = -alpha if negate_alpha else alpha
    beta = -beta if negate_beta else beta
    v = (beta * z + alpha * s).astype(z.dtype)
    return v, (p + v).astype(z.dtype)


SHAPES = [((5,), (7, 5), 1), ((3, 4), (3, 4), 0), ((6,), (2, 3, 4, 6), 3),
          ((4,), (0, 4), 1), ((300,), (1000, 300), 1)]     # the last: reduce's threaded sum


@pytest.mark.parametrize('z_shape, g_shape, summed', SHAPES)
@pytest.mark.parametrize('negate_alpha, negate_beta', [(True, False), (False, True)])
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_scaled_update_equals_the_unfused_kernels(z_shape, g_shape, summed, negate_alpha,
                                                  negate_beta, dtype):
    rng = np.random.RandomState(0)
    z, p = rng.randn(*z_shape).astype(dtype), rng.randn(*z_shape).astype(dtype)
    g = rng.randn(*g_shape).astype(dtype)
    alpha, beta = np.array(0.01, dtype), np.array(0.9, dtype)
    got = kernel(summed, negate_alpha, negate_beta)(z, g, alpha, beta, p)
    assert got.shape == (2,) + z_shape and got.dtype == dtype
    v, total = unfused(z, g, alpha, beta, p, summed, negate_alpha, negate_beta)
    np.testing.assert_array_equal(got[0], v)
    np.testing.assert_array_equal(got[1], total)


def test_big_sums_take_reduces_threaded_sum(monkeypatch):
    calls = []

    def spy(x3, dtype):
        calls.append(x3.shape)
        return sum3(x3, dtype)
    sum3 = reduce._sum3
    monkeypatch.setattr(reduce, '_sum3', spy)
    g = np.ones((1000, 300), 'float32')
    kernel(1)(np.zeros(300, 'float32'), g, *np.ones((2,), 'float32'), np.zeros(300, 'float32'))
    kernel(1)(np.zeros(300, 'float32'), g[:10], *np.ones((2,), 'float32'),
              np.zeros(300, 'float32'))
    assert calls == [(1, 1000, 300)]


def test_in_place_writes_z_and_p_and_returns_them():
    rng = np.random.RandomState(1)
    z, p = rng.randn(8).astype('float32'), rng.randn(8).astype('float32')
    g = rng.randn(16, 8).astype('float32')
    alpha, beta = np.array(0.1, 'float32'), np.array(0.5, 'float32')
    v, total = unfused(z, g, alpha, beta, p, 1, True, False)
    z_buffer, p_buffer = z, p
    got = kernel(1, True)(z, g, alpha, beta, p, out=(z, p))
    assert got[0] is z_buffer and got[1] is p_buffer
    np.testing.assert_array_equal(z, v)
    np.testing.assert_array_equal(p, total)


def test_zero_beta_keeps_the_nan_of_zero_times_inf_and_zero_d_works():
    z = np.array([np.inf, 1.0], 'float32')
    got = kernel(0)(z, np.ones(2, 'float32'), np.array(1, 'float32'),
                    np.array(0, 'float32'), np.zeros(2, 'float32'))
    assert np.isnan(got[0, 0]) and got[0, 1] == 1.0
    scalar = kernel(0)(np.array(3.0), np.array(1.0), np.array(1.0), np.array(1.0),
                       np.array(1.0))
    np.testing.assert_array_equal(scalar, [4.0, 5.0])


def test_errors_name_the_kernel_and_the_shapes():
    z, g = np.zeros(3, 'float32'), np.zeros((4, 3), 'float32')
    one = np.array(1, 'float32')
    with pytest.raises(ValueError, match=r"scaled_update: expected g of shape \(\.\.\.\) "
                       r"\+ z's shape \(3,\) with 1 leading axes summed.*\(4, 2\)"):
        kernel(1)(z, np.zeros((4, 2), 'float32'), one, one, z)
    with pytest.raises(ValueError, match=r"expected p of z's shape and dtype, float32 \(3,\), "
                       r"received float32 \(2,\)"):
        kernel(1)(z, g, one, one, np.zeros(2, 'float32'))
    with pytest.raises(ValueError, match=r"expected a 0-d float32 alpha, received float32 "
                       r"\(1,\)"):
        kernel(1)(z, g, np.ones(1, 'float32'), one, z)
    with pytest.raises(ValueError, match=r"expected g .* float32, received float64"):
        kernel(1)(z, g.astype('float64'), one, one, z)
