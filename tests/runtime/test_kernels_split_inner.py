"""Products split along their inner dimension (a batch through a dense layer): the
partial products, their sum and the epilogue, against numpy."""
import numpy as np
import pytest

from runtime.kernels import get_kernel, linalg, threads
from runtime.kernels.conv_core import ACTIVATIONS


@pytest.fixture
def drivers(monkeypatch):
    """The drivers `threads.run` is given, in call order."""
    seen = []
    original = threads.run

    def run(driver, ntasks, *args, **kwargs):
        seen.append(driver)
        return original(driver, ntasks, *args, **kwargs)
    monkeypatch.setattr(threads, 'run', run)
    return seen


@pytest.fixture(params=[2, 3])
def thread_count(request):
    previous = threads.set_threads(request.param)
    yield request.param
    threads.set_threads(previous)


def operands(rows, inner, cols, transpose_a, transpose_b, dtype, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((inner, rows) if transpose_a else (rows, inner)).astype(dtype)
    b = rng.standard_normal((cols, inner) if transpose_b else (inner, cols)).astype(dtype)
    want = (a.T if transpose_a else a).astype(np.float64) @ (b.T if transpose_b else b)
    return a, b, want


def tolerance(dtype, inner):
    tol = 1e-5 if dtype == np.float32 else 1e-12
    return dict(rtol=tol, atol=tol * np.sqrt(inner))


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('transpose_b', [False, True])
@pytest.mark.parametrize('transpose_a', [False, True])
def test_bias_relu_product_splits_the_inner_dimension(transpose_a, transpose_b, dtype,
                                                      thread_count, drivers):
    # 785: the inner slices are not all of one length.
    a, b, want = operands(128, 785, 512, transpose_a, transpose_b, dtype)
    bias = np.random.default_rng(1).standard_normal(512).astype(dtype)
    kernel = get_kernel('matmul_bias_act', {'transpose_a': transpose_a,
                                            'transpose_b': transpose_b, 'act': 'relu'})
    got = kernel(a, b, bias)
    # b read transposed: column blocks (row blocks of the stored b), see _split_inner.
    assert drivers == [linalg._matmul_driver if transpose_b else linalg._split_inner_driver]
    assert got.dtype == dtype and got.shape == (128, 512)
    np.testing.assert_allclose(got, np.maximum(want + bias, 0), **tolerance(dtype, 785))


@pytest.mark.parametrize('transpose_b', [False, True])
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_masked_and_scaled_products_split_the_inner_dimension(dtype, transpose_b,
                                                              thread_count, drivers):
    a, b, want = operands(96, 600, 300, False, transpose_b, dtype)
    mask = np.random.default_rng(2).standard_normal((96, 300)).astype(dtype)
    got = get_kernel('matmul_relu_grad', {'transpose_b': transpose_b})(a, b, mask)
    np.testing.assert_allclose(got, want * (mask > 0), **tolerance(dtype, 600))
    scaled = linalg.matmul(a, b, False, transpose_b, linalg._no_bias(dtype), 0,
                           alpha=-0.5)
    np.testing.assert_allclose(scaled, -0.5 * want, **tolerance(dtype, 600))
    driver = linalg._matmul_driver if transpose_b else linalg._split_inner_driver
    assert drivers == [driver] * 2


def test_inf_and_nan_reach_the_output_as_in_numpy(thread_count):
    a, b, _ = operands(64, 512, 256, False, False, np.float64)
    a[3, 400] = np.inf          # in the second inner slice
    a[5, 10] = np.nan           # in the first
    b[400, 7] = 0.0             # inf * 0 there: NaN
    got = get_kernel('matmul', {})(a, b)
    with np.errstate(invalid='ignore'):
        want = a @ b
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
    assert np.isnan(got[3, 7]) and np.isnan(got[5]).all()
    mask = np.ones((64, 256))
    mask[3, 0] = 0.0            # inf * 0: NaN, as the unsplit product gives
    masked = get_kernel('matmul_relu_grad', {})(a, b, mask)
    assert np.isnan(masked[3, 0])


def test_other_shapes_keep_the_output_blocks(drivers):
    previous = threads.set_threads(2)
    try:
        # Rows >= columns, a short inner dimension, or a gemm with z: blocks of output.
        for rows, inner, cols in [(512, 784, 128), (128, 128, 512)]:
            a, b, want = operands(rows, inner, cols, False, False, np.float64)
            np.testing.assert_allclose(get_kernel('matmul', {})(a, b), want,
                                       **tolerance(np.float64, inner))
        a, b, want = operands(128, 784, 512, False, False, np.float64)
        z = np.ones((128, 512))
        scale = np.array(2.0)
        got = get_kernel('gemm', {})(z, a, b, scale, scale)
        np.testing.assert_allclose(got, 2 * z + 2 * want, **tolerance(np.float64, 784))
    finally:
        threads.set_threads(previous)
    assert drivers == [linalg._matmul_driver] * 3


def test_one_thread_runs_one_product(drivers):
    previous = threads.set_threads(1)
    try:
        a, b, want = operands(128, 784, 512, False, False, np.float32)
        got = get_kernel('matmul', {})(a, b)
    finally:
        threads.set_threads(previous)
    np.testing.assert_allclose(got, want, **tolerance(np.float32, 784))
    assert drivers == []


def test_partial_products_stay_within_their_cap():
    assert linalg._split_inner(128, 512, 784, 2, 4, False)
    assert not linalg._split_inner(128, 512, 784, 2, 4, True)    # b transposed: columns
    assert not linalg._split_inner(512, 512, 784, 2, 4, False)   # rows not below columns
    assert not linalg._split_inner(128, 512, 128, 2, 4, False)   # short inner dimension
    assert not linalg._split_inner(1024, 4096, 784, 2, 4, False)  # partials of 16 MB
