"""K.random_uniform / random_normal / truncated_normal / random_binomial with Keras 2.2.4
signatures, the random variables and moving_average_update: signatures, shapes, dtypes
and distributions (statistics on large samples)."""
import inspect

import numpy as np
import pytest

from symkeras import backend as K

N = (400, 500)         # 200,000 draws: the mean of a unit-variance sample is within 0.01


def draw(tensor, calls=1):
    f = K.function([], [tensor])
    return [f([])[0] for _ in range(calls)]


@pytest.mark.parametrize('name,params', [
    ('random_uniform', [('shape', None), ('minval', 0.0), ('maxval', 1.0), ('dtype', None),
                        ('seed', None)]),
    ('random_normal', [('shape', None), ('mean', 0.0), ('stddev', 1.0), ('dtype', None),
                       ('seed', None)]),
    ('truncated_normal', [('shape', None), ('mean', 0.0), ('stddev', 1.0), ('dtype', None),
                          ('seed', None)]),
    ('random_binomial', [('shape', None), ('p', 0.0), ('dtype', None), ('seed', None)]),
])
def test_random_signatures_are_keras_224(name, params):
    signature = inspect.signature(getattr(K, name))
    got = [(p.name, None if p.default is inspect.Parameter.empty else p.default)
           for p in signature.parameters.values()]
    assert got == params


def test_random_uniform_bounds_moments_and_histogram():
    (u,) = draw(K.random_uniform(N, minval=-2., maxval=3., seed=11))
    assert u.shape == N and u.dtype == np.float32
    assert u.min() >= -2. and u.max() < 3.
    assert abs(u.mean() - 0.5) < 0.02 and abs(u.std() - 5. / np.sqrt(12.)) < 0.01
    counts, _ = np.histogram(u, bins=10, range=(-2., 3.))
    np.testing.assert_allclose(counts / u.size, 0.1, atol=0.004)


def test_random_uniform_positional_arguments_and_dtype():
    (u,) = draw(K.random_uniform((1000,), 5., 6., 'float64', 3))
    assert u.dtype == np.float64 and 5. <= u.min() and u.max() < 6.
    (again,) = draw(K.random_uniform((1000,), 5., 6., 'float64', 3))
    np.testing.assert_array_equal(u, again)                  # same seed, same numbers
    (scalar,) = draw(K.random_uniform((), seed=1))
    assert scalar.shape == () and 0. <= scalar < 1.
    assert draw(K.random_uniform(7, seed=1))[0].shape == (7,)
    assert draw(K.random_uniform((0, 3), seed=1))[0].shape == (0, 3)


def test_random_uniform_draws_anew_at_every_call():
    first, second = draw(K.random_uniform((50,), seed=4), calls=2)
    assert not np.allclose(first, second)


def test_random_uniform_still_takes_a_tensor_as_its_shape():
    x = K.placeholder(shape=(None, 4), dtype='float64')
    f = K.function([x], [K.random_uniform(x, minval=1., maxval=2., seed=2)])
    out = f([np.zeros((300, 4))])[0]
    assert out.shape == (300, 4) and out.dtype == np.float64
    assert 1. <= out.min() and out.max() < 2. and abs(out.mean() - 1.5) < 0.03


@pytest.mark.parametrize('bad', [(None, 3), (2.5,), (-1, 2)])
def test_random_uniform_rejects_bad_shapes(bad):
    with pytest.raises(ValueError, match='random_uniform: expected a shape of ints'):
        K.random_uniform(bad)


def test_random_uniform_rejects_integer_dtypes():
    with pytest.raises(ValueError, match="random_uniform: dtype must be 'float32' or"):
        K.random_uniform((3,), dtype='int32')


def test_random_normal_moments_quantiles_and_positional_arguments():
    (z,) = draw(K.random_normal(N, 2., 3., 'float64', 7))
    assert z.shape == N and z.dtype == np.float64
    assert abs(z.mean() - 2.) < 0.03 and abs(z.std() - 3.) < 0.03
    standard = np.sort(((z - 2.) / 3.).ravel())
    quantiles = np.array([0.02, 0.16, 0.5, 0.84, 0.98])
    np.testing.assert_allclose(standard[(quantiles * standard.size).astype(int)],
                               [-2.054, -0.994, 0., 0.994, 2.054], atol=0.02)


def test_random_normal_keywords_default_dtype_and_tensor_shape():
    (z,) = draw(K.random_normal(shape=(1000,), mean=-1., stddev=0.5, seed=3))
    assert z.dtype == np.float32 and abs(z.mean() + 1.) < 0.05
    x = K.placeholder(shape=(None, 500))
    out = K.function([x], [K.random_normal(x, stddev=2., seed=1)])([np.zeros((200, 500),
                                                                          'float32')])[0]
    assert out.shape == (200, 500) and abs(out.std() - 2.) < 0.03


def test_truncated_normal_stays_within_two_stddevs():
    (t,) = draw(K.truncated_normal(N, mean=1., stddev=2., seed=9))
    assert t.shape == N and t.dtype == np.float32
    assert np.abs(t - 1.).max() <= 4. + 1e-5
    # A normal truncated at 2 standard deviations has standard deviation 0.8796.
    assert abs(t.mean() - 1.) < 0.02 and abs(t.std() - 2. * 0.8796) < 0.02
    # Redrawn, not clipped: no pile-up at the bounds.
    assert np.mean(np.abs(t - 1.) > 4. - 1e-3) < 1e-4
    counts, _ = np.histogram((t - 1.) / 2., bins=4, range=(-2., 2.))
    # P(|z| < 1 | |z| < 2) = 0.6827 / 0.9545 = 0.7153, split between the two middle bins.
    np.testing.assert_allclose(counts[1:3].sum() / t.size, 0.7153, atol=0.005)


def test_random_binomial_frequency_and_dtype():
    (b,) = draw(K.random_binomial(N, p=0.3, seed=5))
    assert b.dtype == np.float32 and set(np.unique(b)) == {0., 1.}
    assert abs(b.mean() - 0.3) < 0.005
    (ints,) = draw(K.random_binomial((1000,), 0.9, 'int32', 1))
    assert ints.dtype == np.int32 and abs(ints.mean() - 0.9) < 0.04
    assert draw(K.random_binomial((10,), seed=1))[0].sum() == 0        # p=0.0 by default


def test_dropout_still_draws_with_a_seed():
    x = K.placeholder(shape=(None, 1000))
    out = K.function([x], [K.dropout(x, 0.25, seed=3)])([np.ones((100, 1000), 'float32')])[0]
    assert abs((out == 0).mean() - 0.25) < 0.01
    np.testing.assert_allclose(out[out != 0], 1. / 0.75)


def test_random_uniform_variable_statistics_and_seed():
    v = K.random_uniform_variable((300, 300), -1., 3., seed=1)
    value = K.get_value(v)
    assert value.dtype == np.float32 and value.shape == (300, 300)
    assert -1. <= value.min() and value.max() < 3. and abs(value.mean() - 1.) < 0.02
    same = K.get_value(K.random_uniform_variable((300, 300), -1., 3., seed=1))
    np.testing.assert_array_equal(value, same)


def test_random_normal_variable_statistics_and_keras_arguments():
    v = K.random_normal_variable(shape=(300, 300), mean=0.5, scale=2., dtype='float64',
                                 name='w', seed=2)
    value = K.get_value(v)
    assert value.dtype == np.float64 and v.name.startswith('w')
    assert abs(value.mean() - 0.5) < 0.03 and abs(value.std() - 2.) < 0.03


def test_moving_average_update_accepts_variable_and_x_keywords():
    expected = np.array([2., 3.], 'float32')
    for kwargs in ({}, {'variable': None}, {'x': None}):
        mean = K.variable([1., 1.])
        value = K.constant([3., 5.])
        if not kwargs:
            pair = K.moving_average_update(mean, value, 0.5)
        else:
            pair = K.moving_average_update(value=value, momentum=0.5,
                                           **{next(iter(kwargs)): mean})
        assert pair[0] is mean
        np.testing.assert_allclose(K.eval(pair[1]), expected)


def test_moving_average_update_applies_in_a_function():
    mean = K.variable([0., 10.])
    f = K.function([], [], updates=[K.moving_average_update(variable=mean,
                                                             value=K.constant([1., 1.]),
                                                             momentum=0.9)])
    f([])
    np.testing.assert_allclose(K.get_value(mean), [0.1, 9.1], rtol=1e-6)


def test_moving_average_update_rejects_both_or_no_variable():
    mean = K.variable([1.])
    with pytest.raises(TypeError, match='expected the variable once'):
        K.moving_average_update(mean, K.constant([1.]), 0.5, x=mean)
    with pytest.raises(TypeError, match='expected the variable once'):
        K.moving_average_update(value=K.constant([1.]), momentum=0.5)
    with pytest.raises(TypeError, match='expected value and momentum'):
        K.moving_average_update(mean)
