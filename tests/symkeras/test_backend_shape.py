"""K.shape and K.reshape with sizes known at run time (Keras 2 idioms on Theano's x.shape);
the Reshape layer on inputs of unknown non-batch sizes."""
import numpy as np
import pytest

from compiler import autodiff, ir
from compiler.function import function
from compiler.ops.movement import Reshape as ReshapeOp
from compiler.reference import evaluate
from runtime.executor import KernelError
from symkeras import backend as K
from symkeras.layers import Input, Reshape
from symkeras.models import Model

from layer_test_utils import run_layer_test

BATCHES = (2, 6)


def _data(shape, dtype='float32', seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, size=shape).astype(dtype)


# --------------------------------------------------------------------------- K.shape
def test_shape_of_a_constant_evaluates_to_its_shape():
    value = K.eval(K.shape(K.zeros((2, 3))))
    np.testing.assert_array_equal(value, [2, 3])
    assert value.dtype == np.int64


def test_shape_is_a_1d_int64_tensor_of_ndim_entries():
    shape = K.shape(K.placeholder(shape=(None, 3, 5)))
    assert K.int_shape(shape) == (3,) and K.dtype(shape) == 'int64'
    first = K.shape(K.placeholder(shape=(None, 3)))[0]
    assert K.int_shape(first) == () and K.dtype(first) == 'int64'


@pytest.mark.parametrize('batch', BATCHES)
def test_shape_and_its_entries_follow_the_run_time_batch(batch):
    x = K.placeholder(shape=(None, None, 4))
    f = K.function([x], [K.shape(x), K.shape(x)[0], K.shape(x)[-1] * 2])
    full, first, last = f([_data((batch, 3, 4))])
    np.testing.assert_array_equal(full, [batch, 3, 4])
    assert int(first) == batch and int(last) == 8


def test_shape_has_a_zero_gradient():
    x = K.placeholder(shape=(None, 3), dtype='float64')
    size = K.cast(K.shape(x)[0], 'float64')
    (grad,) = K.gradients(K.sum(x) * size, [x])
    values = _data((4, 3), 'float64')
    np.testing.assert_allclose(K.function([x], [grad])([values])[0], np.full((4, 3), 4.0))


# ------------------------------------------------------------------------- K.reshape
def _targets(x):
    """(name, target built from x, numpy target from the concrete shape)."""
    return [
        ('batch-then-rest', (K.shape(x)[0], -1), lambda s: (s[0], -1)),
        ('rest-doubled', (-1, K.shape(x)[1] * 2), lambda s: (-1, s[1] * 2)),
        ('list-of-mixed', [K.shape(x)[0], 2, -1], lambda s: (s[0], 2, -1)),
        ('vector', K.shape(x)[::-1], lambda s: s[::-1]),
        ('vector-expression', K.shape(x) * 1, lambda s: s),
    ]


@pytest.mark.parametrize('case', range(5))
def test_reshape_with_run_time_sizes_matches_numpy_for_two_batches(case):
    x = K.placeholder(shape=(None, 4, 3))
    name, target, expected = _targets(x)[case]
    f = K.function([x], [K.reshape(x, target)])
    for batch in BATCHES:
        data = _data((batch, 4, 3), seed=batch)
        got = f([data])[0]
        np.testing.assert_array_equal(got, data.reshape(expected(data.shape)), err_msg=name)


def test_reshape_static_shape_keeps_known_sizes():
    x = K.placeholder(shape=(None, 4, 3))
    assert K.int_shape(K.reshape(x, (K.shape(x)[0], -1))) == (None, None)
    assert K.int_shape(K.reshape(x, (K.shape(x)[0], 3, 4))) == (None, 3, 4)
    assert K.int_shape(K.reshape(x, K.shape(x))) == (None, None, None)


def test_reshape_resolves_minus_one_statically_without_run_time_sizes():
    x = K.placeholder(shape=(2, 4, 3))
    assert K.int_shape(K.reshape(x, (np.int64(6), -1))) == (6, 4)
    assert K.int_shape(K.reshape(x, (K.constant(4, dtype='int64'), -1))) == (4, 6)


@pytest.mark.parametrize('case', range(4))
def test_reshape_gradient_matches_finite_differences(case):
    x = ir.placeholder((None, 4, 3), 'float64', name='x')
    target = _targets(x)[case][1]
    out = K.reshape(x, target)
    data = _data((2, 4, 3), 'float64', seed=3)
    probe_shape = evaluate([out], {x: data})[0].shape
    weights = ir.constant(np.random.RandomState(4).uniform(0.5, 1.5, size=probe_shape))
    cost = K.sum(K.square(out) * weights)
    (grad,) = autodiff.gradients(cost, [x])
    got = function([x], [grad])([data])[0]
    expected = np.zeros_like(data)
    eps = 1e-6
    for i in range(data.size):
        plus, minus = data.copy(), data.copy()
        plus.reshape(-1)[i] += eps
        minus.reshape(-1)[i] -= eps
        expected.reshape(-1)[i] = (float(evaluate([cost], {x: plus})[0]) -
                                   float(evaluate([cost], {x: minus})[0])) / (2 * eps)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)


def test_reshape_size_that_does_not_divide_raises_at_run_time():
    x = K.placeholder(shape=(None, 4))
    f = K.function([x], [K.reshape(x, (-1, K.shape(x)[1] * 2))])
    assert f([_data((2, 4))])[0].shape == (1, 8)
    with pytest.raises(KernelError, match=r'cannot reshape an input of shape \(3, 4\)'):
        f([_data((3, 4))])


def test_reshape_wrong_total_raises_at_run_time():
    x = K.placeholder(shape=(None, 4))
    f = K.function([x], [K.reshape(x, (K.shape(x)[0], 3))])
    with pytest.raises(KernelError, match='cannot reshape'):
        f([_data((2, 4))])


def test_reshape_two_run_time_minus_ones_raise_at_run_time():
    x = K.placeholder(shape=(None, 4))
    minus_one = K.shape(x)[0] * 0 - 1
    f = K.function([x], [K.reshape(x, (minus_one, -1))])
    with pytest.raises(KernelError, match='at most one -1'):
        f([_data((2, 4))])


def test_reshape_negative_run_time_size_raises_at_run_time():
    x = K.placeholder(shape=(None, 4))
    f = K.function([x], [K.reshape(x, (K.shape(x)[0] * -2, -1))])
    with pytest.raises(KernelError, match='sizes >= 0'):
        f([_data((2, 4))])


@pytest.mark.parametrize('target,message', [
    ((-1, -1), 'at most one -1'),
    ((2.5, -1), 'integer size'),
])
def test_reshape_bad_static_targets_raise_when_built(target, message):
    with pytest.raises(ValueError, match=message):
        K.reshape(K.placeholder(shape=(None, 4)), target)


def test_reshape_rejects_float_and_non_scalar_size_tensors():
    x = K.placeholder(shape=(None, 4))
    with pytest.raises(ValueError, match='0-d integer'):
        K.reshape(x, (K.cast(K.shape(x)[0], 'float32'), -1))
    with pytest.raises(ValueError, match='0-d integer'):
        K.reshape(x, (K.shape(x), -1))
    with pytest.raises(ValueError, match='static length'):
        K.reshape(x, K.cast(K.shape(x), 'float32'))


def test_reshape_static_size_mismatch_is_caught_when_built():
    x = K.placeholder(shape=(2, 5))
    with pytest.raises(ValueError, match='cannot reshape'):
        K.reshape(x, (K.shape(x)[0], 3, -1))


def test_reshape_op_without_sizes_keeps_its_old_attributes():
    assert ReshapeOp(shape=(-1, 6)).attrs() == {'shape': [-1, 6]}
    assert ReshapeOp(shape=(None, -1), sizes=(0,)).attrs() == {'shape': [None, -1],
                                                               'sizes': [0]}


# --------------------------------------------------------------------- Reshape layer
@pytest.mark.parametrize('target,expected_shape', [
    ((-1,), (None, None)),
    ((-1, 2), (None, None, 2)),
    ((2, -1), (None, 2, None)),
])
def test_reshape_layer_on_unknown_non_batch_sizes(target, expected_shape):
    inputs = Input(shape=(None, 4))
    outputs = Reshape(target)(inputs)
    assert K.int_shape(outputs) == expected_shape
    model = Model(inputs, outputs)
    assert model.compute_output_shape((None, None, 4)) == expected_shape
    for batch, steps in ((2, 3), (5, 2)):
        data = _data((batch, steps, 4), seed=batch)
        got = model.predict(data)
        np.testing.assert_array_equal(got, data.reshape((batch,) + target))


def test_reshape_layer_test_on_unknown_non_batch_sizes():
    """Shapes, config round trip, a training step and float64 gradients (the helper)."""
    data = _data((3, 5, 4))
    out = run_layer_test(Reshape, {'target_shape': (-1, 2)}, (None, None, 4),
                         (None, None, 2), input_data=data)
    np.testing.assert_array_equal(out, data.reshape(3, 10, 2))


def test_reshape_layer_size_that_does_not_divide_raises_at_run_time():
    inputs = Input(shape=(None, 4))
    model = Model(inputs, Reshape((3, -1))(inputs))
    assert model.predict(_data((2, 3, 4))).shape == (2, 3, 4)
    with pytest.raises(KernelError, match='cannot reshape'):
        model.predict(_data((2, 2, 4)))


# ------------------------------------------------------- random tensors of run-time shape
@pytest.mark.parametrize('name', ['random_normal', 'random_uniform', 'truncated_normal',
                                  'random_binomial'])
def test_random_tensors_take_run_time_sizes(name):
    x = K.placeholder(shape=(None, 4))
    out = getattr(K, name)((K.shape(x)[0], 3), seed=7)
    assert K.int_shape(out) == (None, 3)
    f = K.function([x], [out])
    for batch in BATCHES:
        first, second = f([_data((batch, 4))])[0], f([_data((batch, 4))])[0]
        assert first.shape == (batch, 3) and first.dtype == np.float32
        if name != 'random_binomial':
            assert not np.array_equal(first, second)      # new numbers at every call


def test_random_uniform_with_run_time_sizes_stays_in_bounds():
    x = K.placeholder(shape=(None, None))
    out = K.random_uniform([K.shape(x)[0], 2, K.shape(x)[1]], minval=-2., maxval=3.,
                           dtype='float64', seed=1)
    got = K.function([x], [out])([_data((500, 6))])[0]
    assert got.shape == (500, 2, 6) and got.dtype == np.float64
    assert got.min() >= -2. and got.max() < 3. and abs(got.mean() - 0.5) < 0.1


def test_random_normal_with_run_time_sizes_has_the_requested_moments():
    x = K.placeholder(shape=(None, 4))
    out = K.random_normal((K.shape(x)[0] * 100, 3), mean=1., stddev=2., seed=2)
    got = K.function([x], [out])([_data((50, 4))])[0]
    assert got.shape == (5000, 3)
    assert abs(got.mean() - 1.) < 0.1 and abs(got.std() - 2.) < 0.1


def test_random_bad_run_time_shapes_raise_clearly():
    x = K.placeholder(shape=(None, 4))
    with pytest.raises(ValueError, match=r'random_normal: expected a shape of ints >= 0'):
        K.random_normal((K.shape(x)[0], -1))
    with pytest.raises(ValueError, match=r'random_uniform: .*0-d integer'):
        K.random_uniform((K.cast(K.shape(x)[0], 'float32'), 3))
    f = K.function([x], [K.random_normal((K.shape(x)[0] - 5, 3))])
    with pytest.raises(KernelError, match='sizes >= 0'):
        f([_data((2, 4))])
