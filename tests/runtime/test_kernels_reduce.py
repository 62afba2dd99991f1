"""sum, prod, max, min and argmax against numpy."""
import numpy as np
import pytest

from runtime.kernels import get_kernel

AXES = [(), (0,), (3,), (1, 2), (0, 2), (0, 3), (0, 1, 2), (0, 1, 2, 3)]


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('keepdims', [False, True])
@pytest.mark.parametrize('axes', AXES, ids=str)
def test_sum_and_max_match_numpy(axes, keepdims, dtype):
    x = np.random.RandomState(0).standard_normal((2, 3, 4, 5)).astype(dtype)
    attrs = {'axes': list(axes), 'keepdims': keepdims}
    total = get_kernel('sum', attrs)(x)
    top = get_kernel('max', attrs)(x)
    bottom = get_kernel('min', attrs)(x)
    product = get_kernel('prod', attrs)(x)
    assert total.dtype == top.dtype == bottom.dtype == product.dtype == np.dtype(dtype)
    tol = 1e-6 if dtype == 'float32' else 1e-13
    np.testing.assert_allclose(total, np.sum(x.astype(np.float64), axis=axes,
                                             keepdims=keepdims), rtol=tol, atol=tol)
    np.testing.assert_allclose(product, np.prod(x.astype(np.float64), axis=axes,
                                                keepdims=keepdims), rtol=tol, atol=1e-30)
    np.testing.assert_array_equal(top, np.max(x, axis=axes, keepdims=keepdims))
    np.testing.assert_array_equal(bottom, np.min(x, axis=axes, keepdims=keepdims))


def test_sum_of_many_float32_values_is_accurate():
    """Large reductions split into partial sums and accumulate in float64."""
    x = np.random.RandomState(1).uniform(0, 1, (64, 28, 28, 16)).astype(np.float32)
    for axes in [(0, 1, 2), (0, 1, 2, 3), (1, 2, 3)]:
        got = get_kernel('sum', {'axes': axes, 'keepdims': False})(x)
        want = np.sum(x.astype(np.float64), axis=axes)
        np.testing.assert_allclose(got, want, rtol=2e-7)


def test_sum_and_max_of_integers_keep_the_dtype():
    x = np.arange(24, dtype=np.int64).reshape(2, 3, 4) - 7
    got = get_kernel('sum', {'axes': [0, 2], 'keepdims': False})(x)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, x.sum(axis=(0, 2)))
    np.testing.assert_array_equal(get_kernel('max', {'axes': [1], 'keepdims': True})(x),
                                  x.max(axis=1, keepdims=True))


def test_reductions_of_a_scalar_and_of_non_contiguous_input():
    scalar = np.asarray(3.5)
    assert get_kernel('sum', {'axes': [], 'keepdims': False})(scalar) == 3.5
    x = np.random.RandomState(2).standard_normal((6, 5, 4))[::2, :, ::-1]
    np.testing.assert_allclose(get_kernel('sum', {'axes': [1], 'keepdims': False})(x),
                               x.sum(axis=1), rtol=1e-13)


def test_min_of_unsigned_ints_and_bools_is_the_true_minimum():
    """No negation: -x wraps around for unsigned ints and does not exist for bools."""
    attrs = {'axes': [1], 'keepdims': False}
    for x in (np.array([[3, 0, 2], [7, 5, 255]], np.uint8),
              np.array([[5, 0, 7], [9, 65535, 8]], np.uint16),
              np.array([[True, False, True], [True, True, True]])):
        got = get_kernel('min', attrs)(x)
        assert got.dtype == x.dtype
        np.testing.assert_array_equal(got, x.min(axis=1))
        assert get_kernel('min', {'axes': [0, 1], 'keepdims': False})(x) == x.min()


def test_sum_and_prod_of_bools_count_in_int64():
    x = np.array([[True, False, True], [True, True, True]])
    for axes in ([1], [0, 1]):
        attrs = {'axes': axes, 'keepdims': False}
        total = get_kernel('sum', attrs)(x)
        product = get_kernel('prod', attrs)(x)
        assert total.dtype == product.dtype == np.int64
        np.testing.assert_array_equal(total, x.sum(axis=tuple(axes)))
        np.testing.assert_array_equal(product, x.prod(axis=tuple(axes)))


def test_prod_is_exact_and_keeps_the_dtype():
    attrs = {'axes': [], 'keepdims': False}
    assert get_kernel('prod', {'axes': [0], 'keepdims': False})(
        np.array([3, 5, 7], np.float32)) == np.float32(105)
    whole = get_kernel('prod', {'axes': [0], 'keepdims': False})(np.arange(1, 11, dtype='f4'))
    assert whole.dtype == np.float32 and whole == 3628800
    ints = np.array([[2, 3], [4, 5]], np.int32)
    got = get_kernel('prod', {'axes': [1], 'keepdims': True})(ints)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, [[6], [20]])
    big = np.full(3, 2000, np.int32)        # 8e9 wraps around in int32, as numpy's does
    assert get_kernel('prod', {'axes': [0], 'keepdims': False})(big) == \
        np.prod(big, dtype=np.int32)
    assert get_kernel('prod', attrs)(np.asarray(2.5)) == 2.5


def test_max_and_argmax_propagate_nan_like_numpy():
    x = np.array([[1.0, np.nan, 3.0, np.nan], [4.0, 2.0, 4.0, -1.0]])
    np.testing.assert_array_equal(get_kernel('max', {'axes': [1], 'keepdims': False})(x),
                                  np.max(x, axis=1))
    np.testing.assert_array_equal(get_kernel('min', {'axes': [1], 'keepdims': False})(x),
                                  np.min(x, axis=1))
    np.testing.assert_array_equal(get_kernel('argmax', {'axis': 1, 'keepdims': False})(x),
                                  np.argmax(x, axis=1))


def test_max_of_an_empty_axis_raises():
    with pytest.raises(ValueError, match=r'max: cannot reduce an empty axis.*\(2, 0\)'):
        get_kernel('max', {'axes': [1], 'keepdims': False})(np.zeros((2, 0)))


@pytest.mark.parametrize('dtype', ['float32', 'float64', 'int64'])
@pytest.mark.parametrize('keepdims', [False, True])
@pytest.mark.parametrize('axis', [0, 1, 2, -1])
def test_argmax_matches_numpy_and_picks_the_first_tie(axis, keepdims, dtype):
    x = np.random.RandomState(3).randint(0, 3, (4, 5, 6)).astype(dtype)   # many ties
    got = get_kernel('argmax', {'axis': axis, 'keepdims': keepdims})(x)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, np.argmax(x, axis=axis, keepdims=keepdims))


def test_reduce_rejects_out_of_range_axes():
    with pytest.raises(ValueError, match='sum: axis 3 is out of range for a 2-D input'):
        get_kernel('sum', {'axes': [3], 'keepdims': False})(np.zeros((2, 2)))


@pytest.mark.parametrize('axes', [(0,), (1, 2), (0, 2), (0, 1, 2)], ids=str)
def test_compiled_reductions_match_numpy(axes, monkeypatch):
    """Small inputs go to numpy; force the compiled, threaded paths on them too."""
    from runtime.kernels import reduce
    monkeypatch.setattr(reduce, 'PARALLEL_MIN_ELEMENTS', 0)
    monkeypatch.setattr(reduce, 'REDUCED_BLOCK', 2)
    monkeypatch.setattr(reduce, 'ROWS_PER_TASK', 2)
    x = np.random.RandomState(5).randint(-3, 4, (5, 6, 7)).astype(np.float32)
    attrs = {'axes': list(axes), 'keepdims': False}
    np.testing.assert_allclose(get_kernel('sum', attrs)(x), x.sum(axis=axes), rtol=1e-6)
    np.testing.assert_array_equal(get_kernel('max', attrs)(x), x.max(axis=axes))
    np.testing.assert_array_equal(get_kernel('min', attrs)(x), x.min(axis=axes))
    for small in (x.astype(np.uint8) + 3, x > 0):      # unsigned and bool: no negation
        np.testing.assert_array_equal(get_kernel('min', attrs)(small), small.min(axis=axes))
    counted = get_kernel('sum', attrs)(x > 0)
    assert counted.dtype == np.int64
    np.testing.assert_array_equal(counted, (x > 0).sum(axis=axes))
    for axis in range(3):
        np.testing.assert_array_equal(
            get_kernel('argmax', {'axis': axis, 'keepdims': False})(x), x.argmax(axis=axis))
