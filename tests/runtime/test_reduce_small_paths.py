"""Small reductions: the compiled loop (wide kept inner axis), numpy's loop, and the
per-shape layout cache give the same results as a float64 numpy reference."""
import numpy as np
import pytest

from runtime.kernels import get_kernel
from runtime.kernels import reduce as R


@pytest.mark.parametrize('shape, axes', [((128, 512), [0]), ((128, 64), [0]),
                                         ((3, 100, 70), [0, 1]), ((6, 5, 80), [1]),
                                         ((128, 10), [1]), ((128, 512), [0, 1])])
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_small_sums_match_a_float64_reference(shape, axes, dtype):
    x = np.random.RandomState(0).randn(*shape).astype(dtype)
    assert x.size < R.PARALLEL_MIN_ELEMENTS
    for keepdims in (False, True):
        got = get_kernel('sum', {'axes': axes, 'keepdims': keepdims})(x)
        want = x.astype('float64').sum(axis=tuple(axes), keepdims=keepdims)
        assert got.dtype == x.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-6 if dtype == 'float32' else 1e-12,
                                   atol=1e-5 if dtype == 'float32' else 1e-12)
        assert not np.shares_memory(got, x)


def test_one_kernel_serves_several_shapes_and_ranks():
    total = get_kernel('sum', {'axes': [0], 'keepdims': False})
    peak = get_kernel('max', {'axes': [-1], 'keepdims': True})
    for shape in ((4, 3), (9, 3), (4, 100), (2, 3, 5), (7,)):
        x = np.random.RandomState(1).rand(*shape).astype('float32')
        np.testing.assert_allclose(total(x), x.sum(axis=0), rtol=1e-6)
        np.testing.assert_array_equal(peak(x), x.max(axis=-1, keepdims=True))


def test_layout_cache_stays_small():
    total = get_kernel('sum', {'axes': [0], 'keepdims': False})
    for rows in range(1, 80):
        assert total(np.ones((rows, 2), 'float32')).tolist() == [rows, rows]
    assert total.__closure__ is not None
    layouts = [c.cell_contents for c in total.__closure__
               if isinstance(c.cell_contents, dict)]
    assert layouts and len(layouts[0]) <= 33
