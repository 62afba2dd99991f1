"""matmul against numpy, every transpose combination, small and parallel sizes."""
import numpy as np
import pytest

from runtime.kernels import get_kernel, linalg


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('transpose_b', [False, True])
@pytest.mark.parametrize('transpose_a', [False, True])
@pytest.mark.parametrize('m, k, n', [(3, 4, 5), (1, 7, 1), (97, 130, 61)])
def test_matmul_matches_numpy(m, k, n, transpose_a, transpose_b, dtype):
    rng = np.random.RandomState(0)
    a = rng.standard_normal((k, m) if transpose_a else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if transpose_b else (k, n)).astype(dtype)
    kernel = get_kernel('matmul', {'transpose_a': transpose_a, 'transpose_b': transpose_b})
    got = kernel(a, b)
    want = (a.T if transpose_a else a).astype(np.float64) @ (b.T if transpose_b else b)
    assert got.dtype == np.dtype(dtype) and got.shape == (m, n)
    tol = 1e-5 if dtype == 'float32' else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.sqrt(k))


def test_matmul_splits_rows_across_threads(monkeypatch):
    monkeypatch.setattr(linalg, 'PARALLEL_MIN_WORK', 0)
    monkeypatch.setattr(linalg, 'MIN_BLOCK', 4)
    rng = np.random.RandomState(1)
    a, b = rng.standard_normal((33, 8)), rng.standard_normal((5, 8))
    for transpose_a in (False, True):
        left = np.ascontiguousarray(a.T) if transpose_a else a
        kernel = get_kernel('matmul', {'transpose_a': transpose_a, 'transpose_b': True})
        np.testing.assert_allclose(kernel(left, b), a @ b.T, rtol=1e-12)


def test_matmul_accepts_non_contiguous_inputs_and_empty_inner_dimension():
    rng = np.random.RandomState(2)
    a = rng.standard_normal((6, 8))[::2, ::2]
    b = rng.standard_normal((4, 3))
    kernel = get_kernel('matmul', {'transpose_a': False, 'transpose_b': False})
    np.testing.assert_allclose(kernel(a, b), a @ b, rtol=1e-12)
    np.testing.assert_array_equal(kernel(np.zeros((2, 0)), np.zeros((0, 3))), np.zeros((2, 3)))


def test_matmul_rejects_mismatched_inputs():
    kernel = get_kernel('matmul', {'transpose_a': False, 'transpose_b': False})
    with pytest.raises(ValueError, match=r'matmul: inner dimensions differ: \(2, 3\)'):
        kernel(np.zeros((2, 3)), np.zeros((4, 5)))
    with pytest.raises(ValueError, match='matmul: .*float32 and float64'):
        kernel(np.zeros((2, 3), np.float32), np.zeros((3, 5)))


@pytest.mark.parametrize('parallel', [False, True])
@pytest.mark.parametrize('act', ['linear', 'relu'])
@pytest.mark.parametrize('transpose_a, transpose_b', [(False, False), (True, True)])
@pytest.mark.parametrize('m, n', [(70, 9), (9, 70)], ids=['tall', 'wide'])
def test_matmul_bias_act_matches_numpy(m, n, transpose_a, transpose_b, act, parallel,
                                       monkeypatch):
    """Tall products split by rows, wide ones by columns (bias sliced per block)."""
    if parallel:
        monkeypatch.setattr(linalg, 'PARALLEL_MIN_WORK', 0)
        monkeypatch.setattr(linalg, 'MIN_BLOCK', 2)
    rng = np.random.RandomState(3)
    k = 7
    a = rng.standard_normal((k, m) if transpose_a else (m, k)).astype(np.float32)
    b = rng.standard_normal((n, k) if transpose_b else (k, n)).astype(np.float32)
    bias = rng.standard_normal(n).astype(np.float32)
    product = (a.T if transpose_a else a) @ (b.T if transpose_b else b)

    def activate(value):
        return np.maximum(value, 0) if act == 'relu' else value
    kernel = get_kernel('matmul_bias_act', {'transpose_a': transpose_a,
                                            'transpose_b': transpose_b, 'act': act})
    got = kernel(a, b, bias)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, activate(product + bias), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(kernel(a, b), activate(product), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match=r'matmul_bias_act: expected a float32 bias of shape'):
        kernel(a, b, bias[:3])


def gemm_kernel(transpose_a, transpose_b, negate_alpha=False, negate_beta=False):
    return get_kernel('gemm', {'transpose_a': transpose_a, 'transpose_b': transpose_b,
                               'negate_alpha': negate_alpha, 'negate_beta': negate_beta})


def gemm_operands(m, k, n, transpose_a, transpose_b, dtype, seed, extra=0):
    """a and b laid out for op(a) (m, k) and op(b) (k, n), then z and `extra` more (m, n)
    arrays."""
    rng = np.random.RandomState(seed)
    a = rng.standard_normal((k, m) if transpose_a else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if transpose_b else (k, n)).astype(dtype)
    return [a, b] + [rng.standard_normal((m, n)).astype(dtype) for _ in range(1 + extra)]


def gemm_want(z, a, b, alpha, beta, transpose_a, transpose_b, negate_alpha, negate_beta):
    product = (a.T if transpose_a else a).astype(np.float64) @ (b.T if transpose_b else b)
    alpha, beta = float(alpha) * (-1 if negate_alpha else 1), float(beta) * (
        -1 if negate_beta else 1)
    return beta * z.astype(np.float64) + alpha * product


@pytest.mark.parametrize('parallel', [False, True])
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('negate_alpha, negate_beta', [(False, False), (True, False),
                                                       (False, True)])
@pytest.mark.parametrize('transpose_a, transpose_b', [(False, False), (True, False),
                                                      (False, True), (True, True)])
@pytest.mark.parametrize('m, k, n', [(97, 13, 61), (9, 7, 70), (1, 5, 1)])
def test_gemm_matches_numpy(m, k, n, transpose_a, transpose_b, negate_alpha, negate_beta,
                            dtype, parallel, monkeypatch):
    """beta * z + alpha * op(a) @ op(b); tall products split by rows, wide by columns."""
    if parallel:
        monkeypatch.setattr(linalg, 'PARALLEL_MIN_WORK', 0)
        monkeypatch.setattr(linalg, 'MIN_BLOCK', 2)
    a, b, z = gemm_operands(m, k, n, transpose_a, transpose_b, dtype, seed=4)
    alpha, beta = np.array(0.3, dtype), np.array(0.9, dtype)
    kernel = gemm_kernel(transpose_a, transpose_b, negate_alpha, negate_beta)
    got = kernel(z, a, b, alpha, beta)
    assert got.dtype == np.dtype(dtype) and got.shape == (m, n)
    want = gemm_want(z, a, b, alpha, beta, transpose_a, transpose_b, negate_alpha,
                     negate_beta)
    tol = 1e-5 if dtype == 'float32' else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.sqrt(k))


@pytest.mark.parametrize('parallel', [False, True])
def test_gemm_on_strided_views(parallel, monkeypatch):
    """Row blocks of bigger matrices and a transposed (column-strided) z."""
    if parallel:
        monkeypatch.setattr(linalg, 'PARALLEL_MIN_WORK', 0)
        monkeypatch.setattr(linalg, 'MIN_BLOCK', 4)
    rng = np.random.RandomState(5)
    a = rng.standard_normal((40, 30))[3:36, 2:15]       # (33, 13), rows strided
    b = rng.standard_normal((42, 40))[::2, 5:18]        # (21, 13), every other row
    z = rng.standard_normal((21, 33)).T                 # (33, 21), not C-contiguous
    alpha, beta = np.array(-1.5), np.array(0.25)
    got = gemm_kernel(False, True)(z, a, b, alpha, beta)
    np.testing.assert_allclose(got, 0.25 * z - 1.5 * a @ b.T, rtol=1e-12, atol=1e-12)
    empty = gemm_kernel(False, False)(z[:2, :3], np.zeros((2, 0)), np.zeros((0, 3)), alpha,
                                      beta)
    np.testing.assert_array_equal(empty, 0.25 * z[:2, :3])


@pytest.mark.parametrize('parallel', [False, True])
def test_gemm_keeps_ieee_semantics_for_zero_scales(parallel, monkeypatch):
    """0 * inf is NaN: beta = 0 with inf in z, alpha = 0 with inf in the product (BLAS
    would skip both)."""
    if parallel:
        monkeypatch.setattr(linalg, 'PARALLEL_MIN_WORK', 0)
        monkeypatch.setattr(linalg, 'MIN_BLOCK', 2)
    rng = np.random.RandomState(6)
    a, b = rng.standard_normal((8, 3)), rng.standard_normal((3, 6))
    z = rng.standard_normal((8, 6))
    z[2, 4] = np.inf
    got = gemm_kernel(False, False)(z, a, b, np.array(1.0), np.array(0.0))
    assert np.isnan(got[2, 4]) and np.isfinite(np.delete(got.ravel(), 2 * 6 + 4)).all()
    np.testing.assert_allclose(got[0], (a @ b)[0], rtol=1e-12)
    a[5, 1] = np.inf
    got = gemm_kernel(False, False, negate_beta=True)(np.ones((8, 6)), a, b, np.array(0.0),
                                                      np.array(2.0))
    assert np.isnan(got[5]).all() and (np.delete(got, 5, axis=0) == -2.0).all()


def test_gemm_rejects_mismatched_operands():
    kernel = gemm_kernel(False, False)
    a, b, z = np.zeros((2, 3), np.float32), np.zeros((3, 4), np.float32), np.zeros((2, 4))
    one = np.array(1.0, np.float32)
    with pytest.raises(ValueError, match=r'gemm: expected z of the product.*float32 '
                                         r'\(2, 4\), received float64 \(2, 4\)'):
        kernel(z, a, b, one, one)
    with pytest.raises(ValueError, match=r'gemm: expected z .*received float32 \(4, 2\)'):
        kernel(np.zeros((4, 2), np.float32), a, b, one, one)
    with pytest.raises(ValueError, match='gemm: expected a 0-d float32 beta, received '
                                         'float64'):
        kernel(z.astype(np.float32), a, b, one, np.array(1.0))
    with pytest.raises(ValueError, match=r'gemm: expected a 0-d float32 alpha, received '
                                         r'float32 of shape \(1,\)'):
        kernel(z.astype(np.float32), a, b, np.ones(1, np.float32), one)
    with pytest.raises(ValueError, match='gemm: .*float32 and float64'):
        kernel(z, a, b.astype(np.float64), one, one)


@pytest.mark.parametrize('parallel', [False, True])
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('transpose_a, transpose_b', [(False, True), (True, False)])
@pytest.mark.parametrize('m, n', [(70, 9), (9, 70), (1, 1)], ids=['tall', 'wide', 'one'])
def test_matmul_relu_grad_masks_where_y_is_not_positive(m, n, transpose_a, transpose_b,
                                                        dtype, parallel, monkeypatch):
    if parallel:
        monkeypatch.setattr(linalg, 'PARALLEL_MIN_WORK', 0)
        monkeypatch.setattr(linalg, 'MIN_BLOCK', 2)
    rng = np.random.RandomState(7)
    k = 11
    a = rng.standard_normal((k, m) if transpose_a else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if transpose_b else (k, n)).astype(dtype)
    y = np.maximum(rng.standard_normal((m, n)), 0).astype(dtype)
    kernel = get_kernel('matmul_relu_grad', {'transpose_a': transpose_a,
                                             'transpose_b': transpose_b})
    got = kernel(a, b, y)
    product = (a.T if transpose_a else a).astype(np.float64) @ (b.T if transpose_b else b)
    tol = 1e-5 if dtype == 'float32' else 1e-12
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, product * (y > 0), rtol=tol, atol=tol * np.sqrt(k))
    assert (got[y == 0] == 0).all()


def test_matmul_relu_grad_multiplies_so_inf_times_zero_is_nan():
    a, b = np.ones((3, 2)), np.ones((2, 4))
    a[1, 0] = np.inf
    y = np.array([[1.0, 0, 1, 0]] * 3)
    got = get_kernel('matmul_relu_grad', {'transpose_a': False, 'transpose_b': False})(a, b, y)
    assert np.isnan(got[1, [1, 3]]).all() and (got[1, [0, 2]] == np.inf).all()
    assert (got[[0, 2]] == 2 * y[[0, 2]]).all()


def test_matmul_relu_grad_rejects_a_mask_unlike_the_product():
    kernel = get_kernel('matmul_relu_grad', {'transpose_a': False, 'transpose_b': False})
    a, b = np.zeros((2, 3), np.float32), np.zeros((3, 4), np.float32)
    with pytest.raises(ValueError, match=r'matmul_relu_grad: expected y of the product.*'
                                         r'float32 \(2, 4\), received float64 \(2, 4\)'):
        kernel(a, b, np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r'received float32 \(1, 4\)'):
        kernel(a, b, np.zeros((1, 4), np.float32))


def gemm_update_kernel(transpose_a, transpose_b, negate_alpha=False, negate_beta=False):
    return get_kernel('gemm_update', {'transpose_a': transpose_a, 'transpose_b': transpose_b,
                                      'negate_alpha': negate_alpha,
                                      'negate_beta': negate_beta})


@pytest.mark.parametrize('parallel', [False, True])
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('transpose_a, transpose_b, negate_alpha, negate_beta', [
    (True, False, True, False), (False, True, False, True)])
@pytest.mark.parametrize('m, k, n', [(97, 13, 61), (9, 7, 70), (1, 5, 1)])
def test_gemm_update_stacks_the_gemm_and_its_sum_with_p(m, k, n, transpose_a, transpose_b,
                                                        negate_alpha, negate_beta, dtype,
                                                        parallel, monkeypatch):
    if parallel:
        monkeypatch.setattr(linalg, 'PARALLEL_MIN_WORK', 0)
        monkeypatch.setattr(linalg, 'MIN_BLOCK', 4)
    a, b, z, p = gemm_operands(m, k, n, transpose_a, transpose_b, dtype, seed=7, extra=1)
    alpha, beta = np.array(0.3, dtype), np.array(-0.7, dtype)
    got = gemm_update_kernel(transpose_a, transpose_b, negate_alpha, negate_beta)(
        z, a, b, alpha, beta, p)
    want = gemm_want(z, a, b, alpha, beta, transpose_a, transpose_b, negate_alpha,
                     negate_beta)
    assert got.shape == (2, m, n) and got.dtype == np.dtype(dtype)
    assert got.flags.c_contiguous
    tol = 1e-5 if dtype == 'float32' else 1e-12
    np.testing.assert_allclose(got[0], want, rtol=tol, atol=tol * np.sqrt(k))
    # p + v from the stored v, exactly as the unfused add would compute it.
    np.testing.assert_array_equal(got[1], p + got[0])


@pytest.mark.parametrize('parallel', [False, True])
@pytest.mark.parametrize('beta_value', [-0.7, 0.0])
@pytest.mark.parametrize('alpha_value', [0.3, 0.0])
@pytest.mark.parametrize('m, k, n', [(97, 13, 61), (1, 5, 1)])
def test_gemm_update_in_place_writes_z_and_p_buffers(m, k, n, alpha_value, beta_value,
                                                     parallel, monkeypatch):
    """out=(z, p): v into z's buffer, p + v into p's (a variable's update in place),
    the same values as the stacked result; a NaN in z survives beta = 0 (0 * NaN)."""
    if parallel:
        monkeypatch.setattr(linalg, 'PARALLEL_MIN_WORK', 0)
        monkeypatch.setattr(linalg, 'MIN_BLOCK', 4)
    a, b, z, p = gemm_operands(m, k, n, True, False, 'float32', seed=3, extra=1)
    z[0, 0] = np.nan
    alpha, beta = np.array(alpha_value, 'float32'), np.array(beta_value, 'float32')
    kernel = gemm_update_kernel(True, False, True, False)
    want = kernel(z, a, b, alpha, beta, p)
    z_buffer, p_buffer = z.copy(), p.copy()
    got = kernel(z_buffer, a, b, alpha, beta, p_buffer, out=(z_buffer, p_buffer))
    assert got[0] is z_buffer and got[1] is p_buffer
    np.testing.assert_allclose(z_buffer, want[0], rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(p_buffer, p + z_buffer)
    assert np.isnan(z_buffer[0, 0]) and np.isnan(p_buffer[0, 0])
    # Buffers unlike the result are not used: a new stacked array comes back.
    other = kernel(z, a, b, alpha, beta, p, out=(np.empty((m + 1, n), z.dtype), p.copy()))
    assert other.shape == (2, m, n)


def test_gemm_update_with_zero_alpha_and_its_errors():
    """alpha = 0 takes the IEEE path (0 * inf is NaN) and still stacks p + v; a p unlike
    the product is refused, naming the op."""
    a, b = np.ones((4, 3)), np.ones((3, 5))
    a[1, 2] = np.inf
    z, p = np.full((4, 5), 2.0), np.arange(20.0).reshape(4, 5)
    got = gemm_update_kernel(False, False)(z, a, b, np.array(0.0), np.array(0.5), p)
    assert np.isnan(got[:, 1]).all() and (np.delete(got[0], 1, axis=0) == 1.0).all()
    np.testing.assert_array_equal(np.delete(got[1], 1, axis=0),
                                  np.delete(p, 1, axis=0) + 1.0)
    with pytest.raises(ValueError, match=r'gemm_update: expected p of the product.*'
                                         r'\(4, 5\), received float64 \(5, 4\)'):
        gemm_update_kernel(False, False)(z, a, b, np.array(1.0), np.array(1.0), p.T.copy())
