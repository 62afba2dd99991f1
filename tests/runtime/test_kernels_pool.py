"""maxpool2d and maxpool2d_grad against loop references and finite differences."""
import numpy as np
import pytest

from runtime.kernels import get_kernel

# (x shape, pool_size, strides, padding)
CASES = [
    ((2, 6, 8, 3), (2, 2), (2, 2), 'valid'),
    ((2, 7, 7, 2), (2, 2), (2, 2), 'valid'),
    ((2, 7, 6, 2), (3, 3), (2, 2), 'same'),
    ((1, 5, 5, 4), (3, 3), (1, 1), 'same'),
    ((2, 5, 5, 3), (2, 2), (2, 2), 'same'),
    ((2, 6, 7, 2), (3, 2), (1, 2), 'valid'),
]
IDS = [f"{x[1]}x{x[2]}-p{p[0]}{p[1]}-s{s[0]}{s[1]}-{pad}" for x, p, s, pad in CASES]


def windows(shape_hw, pool_size, strides, padding):
    """Yield (i, j, rows, cols): each output cell's window, clipped to the input."""
    outs, befores = [], []
    for n, k, s in zip(shape_hw, pool_size, strides):
        out = -(-n // s) if padding == 'same' else (n - k) // s + 1
        outs.append(out)
        befores.append(max((out - 1) * s + k - n, 0) // 2 if padding == 'same' else 0)
    for i in range(outs[0]):
        r0 = i * strides[0] - befores[0]
        for j in range(outs[1]):
            c0 = j * strides[1] - befores[1]
            yield i, j, (max(r0, 0), min(r0 + pool_size[0], shape_hw[0])), \
                (max(c0, 0), min(c0 + pool_size[1], shape_hw[1]))


def ref_pool_and_grad(x, g_seed, pool_size, strides, padding):
    """(pool(x), g, dx): dx routes g to the first maximum of each window."""
    cells = list(windows(x.shape[1:3], pool_size, strides, padding))
    oh, ow = cells[-1][0] + 1, cells[-1][1] + 1
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]), x.dtype)
    g = np.random.RandomState(g_seed).standard_normal(out.shape).astype(x.dtype)
    dx = np.zeros(x.shape)
    for i, j, (r0, r1), (c0, c1) in cells:
        for n in range(x.shape[0]):
            for c in range(x.shape[3]):
                window = x[n, r0:r1, c0:c1, c]
                first = np.argmax(window)      # first maximum in row-major order
                out[n, i, j, c] = window.max()
                dx[n, r0 + first // window.shape[1], c0 + first % window.shape[1], c] += \
                    g[n, i, j, c]
    return out, g, dx


def kernels(pool_size, strides, padding):
    attrs = {'pool_size': list(pool_size), 'strides': list(strides), 'padding': padding}
    return get_kernel('maxpool2d', attrs), get_kernel('maxpool2d_grad', attrs)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('ties', [False, True], ids=['distinct', 'ties'])
@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_maxpool2d_and_grad_match_reference(case, ties, dtype):
    shape, pool_size, strides, padding = case
    rng = np.random.RandomState(0)
    # Small integers make ties: the gradient must go to the first maximum only.
    x = (rng.randint(-2, 3, shape) if ties else rng.standard_normal(shape)).astype(dtype)
    forward, backward = kernels(pool_size, strides, padding)
    expected, g, expected_dx = ref_pool_and_grad(x, 1, pool_size, strides, padding)
    out, dx = forward(x), backward(x, g)
    assert out.dtype == dx.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_allclose(dx, expected_dx, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_maxpool2d_grad_matches_finite_differences(case):
    shape, pool_size, strides, padding = case
    x = np.random.RandomState(2).permutation(np.prod(shape)).reshape(shape) / 7.0
    forward, backward = kernels(pool_size, strides, padding)
    g = np.random.RandomState(3).standard_normal(forward(x).shape)
    numeric = np.zeros_like(x)
    for index in np.ndindex(*shape):
        step = np.zeros_like(x)
        step[index] = 1e-4          # far below the 1/7 gap between values: no ties
        numeric[index] = (np.vdot(forward(x + step), g)
                          - np.vdot(forward(x - step), g)) / 2e-4
    np.testing.assert_allclose(backward(x, g), numeric, rtol=1e-8, atol=1e-8)


def test_maxpool2d_padded_cells_never_win():
    x = -np.ones((1, 3, 3, 1))
    forward, backward = kernels((2, 2), (2, 2), 'same')
    np.testing.assert_array_equal(forward(x), -np.ones((1, 2, 2, 1)))
    dx = backward(x, np.ones((1, 2, 2, 1)))
    assert dx.sum() == 4 and dx[0, 2, 2, 0] == 1


def test_maxpool2d_propagates_nan():
    x = np.zeros((1, 2, 2, 1))
    x[0, 1, 0, 0] = np.nan
    assert np.isnan(kernels((2, 2), (2, 2), 'valid')[0](x)).all()


def test_maxpool2d_rejects_bad_padding_and_gradient_shape():
    with pytest.raises(ValueError, match="maxpool2d: unknown padding 'causal'"):
        kernels((2, 2), (2, 2), 'causal')
    _, backward = kernels((2, 2), (2, 2), 'valid')
    with pytest.raises(ValueError, match=r'maxpool2d_grad: .*\(1, 2, 2, 1\).*\(1, 3, 3, 1\)'):
        backward(np.zeros((1, 4, 4, 1)), np.zeros((1, 3, 3, 1)))


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_maxpool2d_relu_grad_is_the_pooling_gradient_masked_by_y_positive(case, dtype):
    shape, pool_size, strides, padding = case
    rng = np.random.RandomState(4)
    y = np.maximum(rng.randint(-2, 3, shape), 0).astype(dtype)     # relu output, ties
    attrs = {'pool_size': list(pool_size), 'strides': list(strides), 'padding': padding}
    _, g, routed = ref_pool_and_grad(y, 5, pool_size, strides, padding)
    got = get_kernel('maxpool2d_relu_grad', attrs)(y, g)
    assert got.dtype == np.dtype(dtype) and got.shape == y.shape
    np.testing.assert_allclose(got, routed * (y > 0), rtol=1e-6, atol=1e-6)


def test_pooling_kernels_on_worker_threads(monkeypatch):
    """Batches big enough for the thread pool give the same results, task by task."""
    from runtime.kernels import pool
    monkeypatch.setattr(pool, 'PARALLEL_MIN_ELEMENTS', 0)
    monkeypatch.setattr(pool, 'IMAGES_PER_TASK', 1)
    x = np.random.RandomState(6).standard_normal((9, 6, 8, 3))
    forward, backward = kernels((2, 2), (2, 2), 'valid')
    expected, g, expected_dx = ref_pool_and_grad(x, 7, (2, 2), (2, 2), 'valid')
    np.testing.assert_array_equal(forward(x), expected)
    np.testing.assert_allclose(backward(x, g), expected_dx, rtol=1e-12)
