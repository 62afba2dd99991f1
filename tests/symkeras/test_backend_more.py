"""Keras 2.2.4 backend functions built from existing primitives: sin, cos, logsumexp,
reverse, tile, one_hot, arange, cumsum, cumprod, is_keras_tensor, print_tensor,
get_variable_shape: values against numpy, gradients against float64 finite differences."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import Dense, Input


def run(fn, value):
    x = K.placeholder(shape=value.shape, dtype=value.dtype.name)
    return K.function([x], [fn(x)])([value])[0]


def check_gradient(fn, value, rtol=1e-6, atol=1e-8):
    """Gradient of sum(fn(x) * weights) against float64 central differences."""
    value = np.asarray(value, 'float64')
    x = K.placeholder(shape=value.shape, dtype='float64')
    out = fn(x)
    weights = K.constant(np.linspace(0.5, 1.5, int(np.prod(K.int_shape(out)))).reshape(
        K.int_shape(out)), dtype='float64')
    cost = K.sum(out * weights)
    f = K.function([x], [cost] + K.gradients(cost, [x]))
    got = f([value])[1]
    numeric = np.zeros_like(value)
    flat, eps = value.reshape(-1), 1e-6
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        plus = f([value])[0]
        flat[i] = saved - eps
        minus = f([value])[0]
        flat[i] = saved
        numeric.reshape(-1)[i] = (plus - minus) / (2 * eps)
    np.testing.assert_allclose(got, numeric, rtol=rtol, atol=atol)


ANGLES = np.concatenate([np.linspace(-30., 30., 601), [0., np.pi, -np.pi / 2, 1e3, 1e5,
                                                       -7e5, 1e-300]])


@pytest.mark.parametrize('name', ['sin', 'cos'])
def test_sin_cos_match_numpy_in_float64_and_float32(name):
    fn, reference = getattr(K, name), getattr(np, name)
    got = run(fn, ANGLES)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, reference(ANGLES), rtol=0, atol=1e-13)
    np.testing.assert_allclose(got[:601], reference(ANGLES[:601]), rtol=0, atol=5e-15)
    small = run(fn, ANGLES[:601].astype('float32'))
    assert small.dtype == np.float32
    np.testing.assert_allclose(small, reference(ANGLES[:601].astype('float32')), atol=1e-7)


@pytest.mark.parametrize('name', ['sin', 'cos'])
def test_sin_cos_of_non_finite_values_are_nan_and_ints_give_floatx(name):
    got = run(getattr(K, name), np.array([np.nan, np.inf, -np.inf]))
    assert np.isnan(got).all()
    ints = run(getattr(K, name), np.array([0, 1, 2], 'int32'))
    assert ints.dtype == np.float32
    np.testing.assert_allclose(ints, getattr(np, name)([0, 1, 2]), atol=1e-7)


@pytest.mark.parametrize('name', ['sin', 'cos'])
def test_sin_cos_gradients(name):
    check_gradient(getattr(K, name), np.array([[-7.5, -1., 0.], [0.3, 2., 12.]]))


@pytest.mark.parametrize('axis,keepdims', [(None, False), (1, False), (0, True),
                                           ([0, 2], False), (-1, True)])
def test_logsumexp_matches_numpy(axis, keepdims):
    value = np.random.RandomState(0).uniform(-3, 3, (3, 4, 5))
    expected = np.log(np.sum(np.exp(value), axis=None if axis is None else tuple(
        np.atleast_1d(axis)), keepdims=keepdims))
    got = run(lambda x: K.logsumexp(x, axis=axis, keepdims=keepdims), value)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_logsumexp_is_stable_for_large_and_infinite_values():
    value = np.array([[1000., 1000.], [-1000., -1001.], [0., -np.inf],
                      [-np.inf, -np.inf]], 'float32')
    got = run(lambda x: K.logsumexp(x, axis=1), value)
    expected = [1000. + np.log(2.), -1000. + np.log1p(np.exp(-1.)), 0., -np.inf]
    np.testing.assert_allclose(got, np.array(expected, 'float32'), rtol=1e-6)
    assert got.dtype == np.float32


def test_logsumexp_gradient_is_softmax():
    check_gradient(lambda x: K.logsumexp(x, axis=1), [[1., 2., 3.], [50., -2., 50.]])
    check_gradient(lambda x: K.logsumexp(x), [[1., 2.], [0.5, -1.]])


@pytest.mark.parametrize('axes', [0, 1, -1, [0, 2], (2, 0, 1)])
def test_reverse_matches_numpy_and_has_gradient(axes):
    value = np.arange(24.).reshape(2, 3, 4)
    np.testing.assert_array_equal(run(lambda x: K.reverse(x, axes), value),
                                  np.flip(value, axes))
    check_gradient(lambda x: K.reverse(x, axes) * K.constant(np.arange(24.).reshape(
        2, 3, 4), dtype='float64'), value / 10.)


def test_reverse_on_a_batch_axis_of_unknown_size():
    x = K.placeholder(shape=(None, 2))
    value = np.arange(6, dtype='float32').reshape(3, 2)
    out = K.function([x], [K.reverse(x, 0)])([value])[0]
    np.testing.assert_array_equal(out, value[::-1])


@pytest.mark.parametrize('n', [3, (2, 1), (1, 2, 3), (2, 1, 1, 2), (0, 2)])
def test_tile_matches_numpy(n):
    value = np.arange(6.).reshape(2, 3)
    expected = np.tile(value, n)
    out = K.tile(K.constant(value), n)
    assert K.int_shape(out) == expected.shape
    np.testing.assert_array_equal(K.eval(out), expected)


def test_tile_gradient_and_unknown_batch():
    check_gradient(lambda x: K.tile(x, (2, 3)), [[1., 2.], [3., 4.]])
    x = K.placeholder(shape=(None, 2))
    y = K.tile(x, (2, 2))
    assert K.int_shape(y) == (None, 4)
    value = np.arange(6, dtype='float32').reshape(3, 2)
    np.testing.assert_array_equal(K.function([x], [y])([value])[0], np.tile(value, (2, 2)))
    with pytest.raises(ValueError, match='tile: expected an int or a list'):
        K.tile(x, (1.5, 2))


def test_one_hot_matches_numpy():
    indices = np.array([[0, 3], [2, 1], [3, 3]], 'int32')
    got = run(lambda i: K.one_hot(i, 4), indices)
    assert got.shape == (3, 2, 4) and got.dtype == np.float32
    np.testing.assert_array_equal(got, np.eye(4, dtype='float32')[indices])
    batch = K.placeholder(shape=(None,), dtype='int64')
    out = K.function([batch], [K.one_hot(batch, 3)])([np.array([2, 0])])[0]
    np.testing.assert_array_equal(out, [[0., 0., 1.], [1., 0., 0.]])
    with pytest.raises(ValueError, match='one_hot: expected integer indices'):
        K.one_hot(K.constant([1.]), 3)


@pytest.mark.parametrize('args,kwargs', [((5,), {}), ((2, 9), {}), ((2, 9, 3), {}),
                                         ((10, 0, -3), {}), ((1.,), {'stop': 2.5,
                                                                      'step': 0.5,
                                                                      'dtype': 'float32'})])
def test_arange_matches_numpy(args, kwargs):
    expected = np.arange(*args, **{'dtype': 'int32', **kwargs})
    got = K.eval(K.arange(*args, **kwargs))
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_arange_rejects_symbolic_bounds():
    with pytest.raises(ValueError, match='arange: stop must be a number'):
        K.arange(0, K.placeholder(shape=(), dtype='int32'))
    assert K.eval(K.arange(K.constant(3, dtype='int32'))).tolist() == [0, 1, 2]


@pytest.mark.parametrize('name', ['cumsum', 'cumprod'])
@pytest.mark.parametrize('axis', [0, 1, -1])
def test_cumsum_cumprod_match_numpy(name, axis):
    value = np.random.RandomState(1).uniform(0.5, 1.5, (7, 5))
    got = run(lambda x: getattr(K, name)(x, axis=axis), value)
    np.testing.assert_allclose(got, getattr(np, name)(value, axis=axis), rtol=1e-13)


def test_cumsum_cumprod_default_axis_ints_and_zeros():
    ints = np.arange(12, dtype='int32').reshape(4, 3)
    got = run(K.cumsum, ints)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, np.cumsum(ints, axis=0))
    with_zero = np.array([2., 0., 3., 4.])
    np.testing.assert_array_equal(run(K.cumprod, with_zero), np.cumprod(with_zero))


@pytest.mark.parametrize('name', ['cumsum', 'cumprod'])
def test_cumsum_cumprod_gradients(name):
    value = np.array([[0.5, -1.2, 2.0, 0.7, 1.1], [1.5, 0.0, -0.4, 0.9, 2.0]])
    check_gradient(lambda x: getattr(K, name)(x, axis=1), value)
    check_gradient(lambda x: getattr(K, name)(x, axis=0), value)


def test_cumsum_needs_a_static_axis_size():
    with pytest.raises(ValueError, match='cumsum: axis 0 .* has unknown size'):
        K.cumsum(K.placeholder(shape=(None, 3)))


def test_is_keras_tensor():
    inputs = Input((3,))
    assert K.is_keras_tensor(inputs) and K.is_keras_tensor(Dense(2)(inputs))
    assert not K.is_keras_tensor(K.variable([1., 2.]))
    assert not K.is_keras_tensor(K.constant([1., 2.]))
    assert not K.is_keras_tensor(K.placeholder(shape=(2, 4)))
    with pytest.raises(ValueError, match='expected a symbolic tensor'):
        K.is_keras_tensor(np.array([1, 2]))


def test_print_tensor_is_an_identity_with_gradient():
    value = np.array([[1., -2.], [3., 4.]])
    np.testing.assert_array_equal(run(lambda x: K.print_tensor(x, message='x: '), value),
                                  value)
    check_gradient(lambda x: K.print_tensor(x * x), value)


def test_get_variable_shape():
    assert K.get_variable_shape(K.variable(np.zeros((2, 3)))) == (2, 3)
    assert K.get_variable_shape(K.zeros((4,))) == (4,)


def test_new_functions_are_exported_on_the_backend():
    names = ['sin', 'cos', 'logsumexp', 'reverse', 'tile', 'one_hot', 'arange', 'cumsum',
             'cumprod']
    assert set(names) <= set(K.math_ops.__all__)
    assert {'truncated_normal', 'random_binomial', 'random_uniform'} <= set(K.nn.__all__)
