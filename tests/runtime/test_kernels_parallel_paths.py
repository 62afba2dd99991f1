"""Parallel elementwise steps, the one compiled GEMM call, and the matmul epilogue."""
import numpy as np
import numba
import pytest

from runtime.kernels import blas, elementwise, threads
from runtime.kernels.linalg import kernel_matmul_bias_act

NEEDS_JIT = pytest.mark.skipif(numba.config.DISABLE_JIT, reason="tests Numba's compilation "
                               "itself: nothing compiles under NUMBA_DISABLE_JIT")


@pytest.fixture
def two_threads():
    previous = threads.set_threads(2)
    yield
    threads.set_threads(previous)


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_large_elementwise_runs_on_threads_and_matches_numpy(dtype, two_threads,
                                                             monkeypatch):
    monkeypatch.setattr(elementwise, 'PARALLEL_MIN_SIZE', 1 << 10)
    monkeypatch.setattr(elementwise, 'TASK_SIZE', 1 << 8)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((300, 70)).astype(dtype)
    b = rng.standard_normal((300, 70)).astype(dtype)
    fn = elementwise.elementwise('x0 - 0.5 * x1 * x2')
    cases = [(a, b, dtype(3)), (a, b[:1], b), (a[:, :33], b[:, 5:38], b[:1, :33]),
             (a.reshape(3, 100, 70), b[:100], dtype(2))]
    for x0, x1, x2 in cases:
        result = fn(x0, x1, x2)
        np.testing.assert_allclose(result, x0 - 0.5 * x1 * x2, rtol=1e-5, atol=1e-6)
        assert result.dtype == dtype


def test_parallel_elementwise_writes_into_the_given_output(two_threads, monkeypatch):
    monkeypatch.setattr(elementwise, 'PARALLEL_MIN_SIZE', 1 << 10)
    monkeypatch.setattr(elementwise, 'TASK_SIZE', 1 << 9)
    x = np.arange(5000, dtype=np.float32)
    expected = x + 1
    result = elementwise.elementwise('x0 + 1.0')(x, out=x)
    assert result is x
    np.testing.assert_array_equal(result, expected)


@NEEDS_JIT
def test_gemm_orientations_share_one_compiled_call():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((6, 8)).astype(np.float32)
    b = rng.standard_normal((8, 5)).astype(np.float32)
    c = np.zeros((6, 5), np.float32)
    blas.gemm(a, b, c, 0.0)
    np.testing.assert_allclose(c, a @ b, rtol=1e-5)
    blas.gemm_tn(a.T.copy()[:, :6], b, c, 1.0)
    np.testing.assert_allclose(c, 2 * (a @ b), rtol=1e-5)
    wide = np.zeros((6, 9), np.float32)
    blas.gemm_nt(a, b.T.copy(), wide[:, 2:7], 0.0)
    np.testing.assert_allclose(wide[:, 2:7], a @ b, rtol=1e-5)
    blas.gemm_flags(a, b, c, True if a.shape[0] < 0 else False, False, 0)
    # Compiled here (not loaded from the disk cache with its callers): one signature.
    float32 = [s for s in blas._gemm_any.signatures if s[0].dtype.name == 'float32']
    assert len(float32) <= 1


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('transpose_a', [False, True])
def test_matmul_bias_relu_split_in_column_blocks(dtype, transpose_a, two_threads):
    rng = np.random.default_rng(2)
    a = rng.standard_normal((200, 128) if transpose_a else (128, 200)).astype(dtype)
    b = rng.standard_normal((200, 520)).astype(dtype)
    bias = rng.standard_normal(520).astype(dtype)
    result = kernel_matmul_bias_act(transpose_a, False, 'relu')(a, b, bias)
    expected = np.maximum((a.T if transpose_a else a) @ b + bias, 0)
    np.testing.assert_allclose(result, expected, rtol=1e-4, atol=1e-4)
