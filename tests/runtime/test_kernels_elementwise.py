"""Generated elementwise and fused-reduce kernels: numpy's results for every input layout
(scalars, broadcasting, non-contiguous views, in place), float32 and float64 alike."""
import numpy as np
import pytest

from runtime.kernels import elementwise, get_kernel
from runtime.kernels.elementwise import kernel_source, merged_shape

FLOATS = ['float32', 'float64']


def run(expr, *arrays, out_dtype=None, out=None):
    kernel = get_kernel('elementwise', {'expr': expr, 'out_dtype': out_dtype})
    return kernel(*arrays, out=out) if out is not None else kernel(*arrays)


def data(shape, dtype, seed=0):
    return np.random.RandomState(seed).uniform(0.5, 2.0, shape).astype(dtype)


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('shapes', [
    [(4, 5), (4, 5)],            # one flat loop
    [(4, 5), ()],                # a 0-d input: a scalar
    [(4, 5), (1, 1)],            # one value of rank 2: a scalar too
    [(2, 3, 4), (4,)],           # a bias: rows broadcast
    [(2, 3, 4), (2, 1, 4)],      # a middle axis broadcast
    [(3, 1), (1, 4)],            # both inputs broadcast
    [(), ()],                    # a 0-d result
    [(0, 3), (3,)],              # an empty result
])
def test_matches_numpy_for_every_broadcast_layout(dtype, shapes):
    a, b = data(shapes[0], dtype, 1), data(shapes[1], dtype, 2)
    got = run('(x0 * x1) - math.exp(x1)', a, b)
    expected = a * b - np.exp(b)
    assert got.shape == expected.shape and got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, expected, rtol=1e-6 if dtype == 'float32' else 1e-14)


@pytest.mark.parametrize('dtype', FLOATS)
def test_non_contiguous_and_read_only_inputs(dtype):
    a = data((6, 8), dtype)[:, ::2]                 # strided
    b = data((4, 6), dtype, 3).T                    # transposed
    c = np.broadcast_to(data((4,), dtype, 4), (6, 4))   # read-only, stride 0
    got = run('x0 + x1 * x2', a, b, c)
    np.testing.assert_allclose(got, a + b * c, rtol=1e-6)
    assert got.flags.c_contiguous


@pytest.mark.parametrize('dtype', FLOATS)
def test_writes_into_a_dying_input_only_when_it_fits(dtype):
    a, b = data((3, 4), dtype), data((3, 4), dtype, 1)
    expected = a * b + 1.0
    got = run('x0 * x1 + 1.0', a, b, out=a)
    assert got is a
    np.testing.assert_allclose(a, expected, rtol=1e-6)
    small = data((4,), dtype, 2)                  # the result is larger: not reused
    got = run('x0 * x1', small, b, out=small)
    assert got is not small and got.shape == (3, 4)
    wrong = data((3, 4), 'float64' if dtype == 'float32' else 'float32')
    assert run('x0 * x1', a, b, out=wrong) is not wrong       # another dtype: not reused


@pytest.mark.parametrize('dtype', FLOATS)
def test_dtypes_follow_the_expression_and_out_dtype(dtype):
    a, b = data((5,), dtype), data((5,), dtype, 1)
    mask = run('x0 > x1', a, b, out_dtype='bool')
    assert mask.dtype == np.bool_ and mask.tolist() == (a > b).tolist()
    relu = run('(x0 if x0 > 0 else 0)', a - 1.25)
    assert relu.dtype == np.dtype(dtype)
    np.testing.assert_allclose(relu, np.maximum(a - 1.25, 0), rtol=1e-6)
    counts = run('x0 + x1', np.arange(4), np.int64(2) * np.ones((), np.int64))
    assert counts.dtype == np.int64 and counts.tolist() == [2, 3, 4, 5]


@pytest.mark.parametrize('dtype', FLOATS)
def test_division_by_zero_follows_numpy(dtype):
    a = np.array([1.0, -1.0, 0.0], dtype)
    got = run('x0 / x1', a, np.zeros((), dtype))
    assert np.isposinf(got[0]) and np.isneginf(got[1]) and np.isnan(got[2])
    summed = get_kernel('fused_reduce_sum', {'expr': 'x0 / x1', 'nin': 2, 'axes': [0],
                                             'keepdims': False, 'out_dtype': dtype})
    assert np.isposinf(summed(a[:1], np.zeros(1, dtype))[()])


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('axes, keepdims', [([0], False), ([1], True), ([0, 1], False)])
def test_fused_reduce_sum_matches_numpy(dtype, axes, keepdims):
    a, b = data((4, 6), dtype), data((6,), dtype, 1)
    kernel = get_kernel('fused_reduce_sum', {'expr': 'x0 * x1', 'nin': 2, 'axes': axes,
                                             'keepdims': keepdims, 'out_dtype': dtype})
    got = kernel(a, b)
    expected = np.sum(a * b, axis=tuple(axes), keepdims=keepdims)
    assert got.dtype == np.dtype(dtype) and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5 if dtype == 'float32' else 1e-13)


def test_loop_shape_merges_dimensions_that_broadcast_alike():
    c = (64, 16, 4)                     # strides of a C-contiguous (3, 4, 4) float32
    assert merged_shape((3, 4, 4), [c, c]) == (48,)
    assert merged_shape((3, 4, 4), [c, (0, 0, 4)]) == (12, 4)       # a bias
    assert merged_shape((3, 4, 4), [c, (4, 0, 0)]) == (3, 16)       # one value per row
    assert merged_shape((3, 1, 4), [(16, 16, 4), (16, 16, 4)]) == (12,)
    assert merged_shape((), [()]) == (1,)


def test_source_is_dtype_free_and_indexes_only_arrays():
    source = kernel_source('x0 * x1 + max(x0, 0.0)', 'as', 2)
    assert 'x0[i0, i1] * x1 + max(x0[i0, i1], 0.0)' in source
    assert 'float32' not in source and 'cache=True' in source


def test_an_input_that_is_the_output_is_read_through_out():
    """An input overwritten in place ('o') is read through `out` (one array per loop:
    it vectorises), with the same results as into a new buffer, serial and parallel."""
    source = kernel_source('x0 * x1 + x0', 'oa', 1)
    assert 'out[i0] = out[i0] * x1[i0] + out[i0]' in source
    kernel = get_kernel('elementwise', {'expr': 'x0 * x1 + x0 - x2', 'out_dtype': None})
    rng = np.random.RandomState(0)
    for size in (7, elementwise.PARALLEL_MIN_SIZE + 3):
        a, b = rng.rand(size).astype('float32'), rng.rand(size).astype('float32')
        want = kernel(a, b, np.float32(2.0))
        buffer = a.copy()
        assert kernel(buffer, b, np.float32(2.0), out=buffer) is buffer
        np.testing.assert_array_equal(buffer, want)
        second = b.copy()
        assert kernel(a, second, np.float32(2.0), out=second) is second
        np.testing.assert_array_equal(second, want)
