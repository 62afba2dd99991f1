"""blas.gemm_flags, gemm_scaled and the fixed orientations: transposes, submatrices,
accumulation, scales."""
import numpy as np
import pytest

from runtime.kernels.blas import gemm, gemm_flags, gemm_nt, gemm_scaled, gemm_tn


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('transpose_b', [False, True])
@pytest.mark.parametrize('transpose_a', [False, True])
def test_gemm_on_submatrices_with_accumulation(transpose_a, transpose_b, dtype):
    rng = np.random.RandomState(0)
    m, k, n = 7, 5, 3
    big_a, big_b, big_c = (rng.standard_normal((20, 30)).astype(dtype) for _ in range(3))
    a = big_a[2:2 + k, 3:3 + m] if transpose_a else big_a[2:2 + m, 3:3 + k]
    b = big_b[1:1 + n, 4:4 + k] if transpose_b else big_b[1:1 + k, 4:4 + n]
    c = big_c[5:5 + m, 6:6 + n]
    outside = big_c.copy()
    want = (a.T if transpose_a else a).astype(np.float64) @ (b.T if transpose_b else b)
    start = c.copy()
    gemm_flags(a, b, c, transpose_a, transpose_b, 1.0)
    tol = 1e-5 if dtype == 'float32' else 1e-12
    np.testing.assert_allclose(c, want + start, rtol=tol, atol=tol)
    fixed = {(False, False): gemm, (True, False): gemm_tn, (False, True): gemm_nt}
    if (transpose_a, transpose_b) in fixed:
        fixed[transpose_a, transpose_b](a, b, c, 0.0)
    else:
        gemm_flags(a, b, c, transpose_a, transpose_b, 0.0)
    np.testing.assert_allclose(c, want, rtol=tol, atol=tol)
    gemm_scaled(a, b, c, transpose_a, transpose_b, -0.5, 0.25)
    np.testing.assert_allclose(c, 0.25 * want - 0.5 * want, rtol=tol, atol=tol)
    outside[5:5 + m, 6:6 + n] = c
    np.testing.assert_array_equal(big_c, outside)     # nothing outside c was written


def test_gemm_with_an_empty_inner_dimension_zeroes_or_keeps_c():
    c = np.ones((2, 3))
    gemm(np.zeros((2, 0)), np.zeros((0, 3)), c, 1.0)
    np.testing.assert_array_equal(c, 1.0)
    gemm(np.zeros((2, 0)), np.zeros((0, 3)), c, 0.0)
    np.testing.assert_array_equal(c, 0.0)
    c[:] = 2.0
    gemm_scaled(np.zeros((2, 0)), np.zeros((0, 3)), c, False, False, 3.0, 0.5)
    np.testing.assert_array_equal(c, 1.0)
