"""random_uniform: range, dtype, determinism per (seed, counter), state untouched."""
import numpy as np
import pytest

from runtime.kernels import get_kernel


def draw(shape, seed, counter, dtype='float32'):
    state = np.array([seed, counter], np.int64)
    out = get_kernel('random_uniform', {'dtype': dtype})(np.zeros(shape), state)
    assert state.tolist() == [seed, counter]      # the kernel never advances the state
    return out


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_random_uniform_shape_dtype_range_and_moments(dtype):
    out = draw((200, 300), 7, 0, dtype)
    assert out.shape == (200, 300) and out.dtype == np.dtype(dtype)
    assert out.min() >= 0 and out.max() < 1
    assert abs(out.mean() - 0.5) < 0.005 and abs(out.var() - 1 / 12) < 0.002
    assert len(np.unique(out)) > 0.99 * out.size


def test_random_uniform_is_deterministic_and_differs_per_counter_and_seed():
    first = draw((1000,), 1, 5)
    np.testing.assert_array_equal(first, draw((1000,), 1, 5))
    for other in (draw((1000,), 1, 6), draw((1000,), 2, 5), draw((1000,), -1, 5)):
        assert np.mean(first == other) < 0.01
    # An element depends only on its flat index: a longer draw extends a shorter one.
    np.testing.assert_array_equal(draw((10, 100), 1, 5).ravel(), first)


def test_random_uniform_neighbouring_values_are_uncorrelated():
    out = draw((100000,), 3, 0, 'float64')
    assert abs(np.corrcoef(out[:-1], out[1:])[0, 1]) < 0.02
    counts = np.histogram(out, bins=10, range=(0, 1))[0]
    assert counts.min() > 9500 and counts.max() < 10500


def test_random_uniform_defaults_to_the_reference_dtype_and_rejects_ints():
    ref = np.zeros((3, 2), np.float32)
    state = np.array([0, 0], np.int64)
    assert get_kernel('random_uniform', {})(ref, state).dtype == np.float32
    with pytest.raises(ValueError, match="random_uniform: dtype must be .*'int64'"):
        get_kernel('random_uniform', {'dtype': 'int64'})(ref, state)
