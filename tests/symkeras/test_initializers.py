"""Initializers: shapes, dtypes, statistics, seeds, config round trips, lookup."""
import json

import numpy as np
import pytest

from symkeras import backend as K
from symkeras import initializers
from symkeras.initializers import (Initializer, Zeros, Ones, Constant, RandomNormal,
                                   RandomUniform, TruncatedNormal, VarianceScaling, Orthogonal,
                                   Identity)


def test_constant_initializers():
    assert (Zeros()((2, 3)) == 0).all() and Zeros()((2, 3)).shape == (2, 3)
    assert (Ones()((4,)) == 1).all()
    assert (Constant(2.5)((2, 2)) == 2.5).all()


def test_dtype_default_floatx_and_explicit():
    assert Zeros()((2,)).dtype == np.dtype(K.floatx())
    assert RandomNormal()((2,), dtype='float64').dtype == np.float64
    assert initializers.get('glorot_uniform')((3, 2), dtype='float64').dtype == np.float64


def test_random_normal_and_uniform_statistics():
    normal = RandomNormal(mean=1., stddev=0.5, seed=0)((200, 200))
    assert normal.mean() == pytest.approx(1., abs=0.01)
    assert normal.std() == pytest.approx(0.5, rel=0.02)
    uniform = RandomUniform(-0.2, 0.4, seed=0)((100, 100))
    assert uniform.min() >= -0.2 and uniform.max() < 0.4
    assert uniform.mean() == pytest.approx(0.1, abs=0.01)


def test_truncated_normal_within_two_stddevs():
    values = TruncatedNormal(stddev=0.1, seed=1)((100, 100))
    assert np.abs(values).max() <= 0.2
    assert values.std() == pytest.approx(0.1 * 0.87962566103423978, rel=0.03)


def test_seed_gives_same_values():
    first = RandomUniform(seed=7)((5, 5))
    np.testing.assert_array_equal(first, RandomUniform(seed=7)((5, 5)))
    assert not np.array_equal(first, RandomUniform(seed=8)((5, 5)))


@pytest.mark.parametrize('name, scale, mode, distribution', [
    ('glorot_uniform', 1., 'fan_avg', 'uniform'), ('glorot_normal', 1., 'fan_avg', 'normal'),
    ('he_uniform', 2., 'fan_in', 'uniform'), ('he_normal', 2., 'fan_in', 'normal'),
    ('lecun_uniform', 1., 'fan_in', 'uniform'), ('lecun_normal', 1., 'fan_in', 'normal')])
def test_variance_scaling_family(name, scale, mode, distribution):
    init = initializers.get(name)
    assert isinstance(init, VarianceScaling)
    assert (init.scale, init.mode, init.distribution) == (scale, mode, distribution)
    values = init((300, 200))
    fan = {'fan_in': 300, 'fan_avg': 250}[mode]
    assert values.std() == pytest.approx(np.sqrt(scale / fan), rel=0.05)
    if distribution == 'uniform':
        assert np.abs(values).max() <= np.sqrt(3 * scale / fan)


@pytest.mark.parametrize('name, scale', [('he_normal', 2.), ('lecun_normal', 1.)])
def test_variance_scaling_normal_conv_kernel(name, scale):
    """Keras 2.2.4 (checked in its initializers.py): a normal truncated at 2 of its
    stddevs, that stddev sqrt(scale / fan_in) / 0.8796 so that the truncated values have
    stddev sqrt(scale / fan_in); fan_in of a conv kernel = 3 * 3 * input channels."""
    values = initializers.get(name)((3, 3, 32, 64))
    stddev = np.sqrt(scale / (3 * 3 * 32))
    assert abs(values.mean()) < 0.05 * stddev
    assert values.std() == pytest.approx(stddev, rel=0.03)
    assert 1.98 * stddev / 0.87962566 < np.abs(values).max() <= 2 * stddev / 0.87962566


def test_initializer_output_evaluates_like_a_keras_tensor():
    values = K.eval(initializers.get('glorot_uniform')((20, 30)))
    assert values.shape == (20, 30) and values.dtype == np.float32
    np.testing.assert_array_equal(K.eval(Constant(2.)((3,))), [2., 2., 2.])


def test_variance_scaling_conv_fans():
    values = VarianceScaling(mode='fan_out', distribution='uniform', seed=0)((3, 3, 8, 16))
    limit = np.sqrt(3. / (3 * 3 * 16))
    assert np.abs(values).max() <= limit and np.abs(values).max() > 0.9 * limit


def test_variance_scaling_rejects_bad_arguments():
    with pytest.raises(ValueError, match='scale'):
        VarianceScaling(scale=0)
    with pytest.raises(ValueError, match='fan_avg'):
        VarianceScaling(mode='fan')
    with pytest.raises(ValueError, match='uniform'):
        VarianceScaling(distribution='gamma')


def test_orthogonal():
    q = Orthogonal(gain=2., seed=0)((6, 4))
    np.testing.assert_allclose(q.T @ q, 4 * np.eye(4), atol=1e-5)
    wide = Orthogonal(seed=0)((3, 5))
    np.testing.assert_allclose(wide @ wide.T, np.eye(3), atol=1e-5)


def test_identity():
    np.testing.assert_array_equal(Identity(gain=3.)((3, 3)), 3 * np.eye(3))
    with pytest.raises(ValueError, match='square'):
        Identity()((2, 3))


@pytest.mark.parametrize('init', [Zeros(), Ones(), Constant(3.), RandomNormal(0.1, 2., 3),
                                  RandomUniform(-1, 1, 4), TruncatedNormal(0., 1., 5),
                                  VarianceScaling(2., 'fan_out', 'uniform', 6),
                                  Orthogonal(1.5, 7), Identity(0.5)])
def test_serialize_round_trip(init):
    config = json.loads(json.dumps(initializers.serialize(init)))
    assert config['class_name'] == type(init).__name__
    clone = initializers.deserialize(config)
    assert type(clone) is type(init) and clone.get_config() == init.get_config()
    assert initializers.get(config).get_config() == init.get_config()


@pytest.mark.parametrize('name, cls', [
    ('zeros', Zeros), ('Zeros', Zeros), ('zero', Zeros), ('ones', Ones), ('one', Ones),
    ('constant', Constant), ('uniform', RandomUniform), ('random_uniform', RandomUniform),
    ('normal', RandomNormal), ('random_normal', RandomNormal),
    ('truncated_normal', TruncatedNormal), ('orthogonal', Orthogonal),
    ('identity', Identity), ('VarianceScaling', VarianceScaling)])
def test_get_by_name(name, cls):
    assert type(initializers.get(name)) is cls


def test_get_callable_and_unknown():
    def custom(shape, dtype=None):
        return np.full(shape, 7.)
    assert initializers.get(custom) is custom
    with pytest.raises(ValueError) as info:
        initializers.get('glorot')
    assert 'glorot' in str(info.value) and 'glorot_uniform' in str(info.value)
    with pytest.raises(ValueError):
        initializers.get(12)


def test_custom_object_scope_reaches_lookups():
    from symkeras._serialization import CustomObjectScope

    class Sevens(Initializer):
        def __call__(self, shape, dtype=None):
            return np.full(shape, 7., dtype=dtype or K.floatx())
    config = {'class_name': 'Sevens', 'config': {}}
    with pytest.raises(ValueError, match='Sevens'):
        initializers.get(config)
    with CustomObjectScope({'Sevens': Sevens}):
        assert isinstance(initializers.get(config), Sevens)
    with pytest.raises(ValueError):
        initializers.get('Sevens')
