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


def test_blas_runs_single_threaded_under_the_kernels():
    """Importing the kernels sets SciPy's OpenBLAS to one thread (the kernels run their own
    threads)."""
    assert linalg.set_blas_threads(1) in (True, False)   # False only for non-OpenBLAS


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
