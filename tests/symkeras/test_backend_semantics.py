"""symkeras.backend (K): dtype rules and Theano / Keras 2.2.4 semantics of `/`, min, prod,
sum, clip, switch, dot and function's updates (tests/symkeras/test_backend.py has the rest).
"""
from collections import OrderedDict

import numpy as np
import pytest

from symkeras import backend as K


def finite_differences(f, values, position, eps=1e-6):
    """Central differences in float64 of the scalar f(values) along values[position]."""
    grad = np.zeros_like(values[position])
    for i in np.ndindex(grad.shape):
        plus, minus = [v.copy() for v in values], [v.copy() for v in values]
        plus[position][i] += eps
        minus[position][i] -= eps
        grad[i] = (f(plus) - f(minus)) / (2 * eps)
    return grad


def check_gradients(inputs, cost, values):
    """K.gradients of `cost` with respect to every input equal finite differences."""
    grads = K.function(inputs, K.gradients(cost, inputs))(values)
    f = K.function(inputs, [cost])
    for position, got in enumerate(grads):
        assert np.all(np.isfinite(got))
        expected = finite_differences(lambda v: f(v)[0], values, position)
        np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-9)


def test_true_division_of_integers_gives_float64():
    """`/` is Python 3 true division (Theano's true_div): int / int is float64."""
    a = K.constant([1, 3, -3], dtype='int32')
    for result in (a / 2, a / K.constant(2, dtype='int32'), 3 / a):
        assert K.dtype(result) == 'float64'
    np.testing.assert_array_equal(K.eval(a / 2), [0.5, 1.5, -1.5])
    np.testing.assert_array_equal(K.eval(a / K.constant(2, dtype='int32')), [0.5, 1.5, -1.5])
    np.testing.assert_array_equal(K.eval((a / 2) * 4), [2.0, 6.0, -6.0])     # fused
    x = K.placeholder(shape=(None, 3))
    ratio = K.sum(K.cast(x > 0.5, 'int32')) / K.sum(K.cast(x > -1, 'int32'))
    value = K.function([x], [ratio])([np.array([[0.9, 0.1, 0.2]])])[0]
    assert value.dtype == np.float64 and value == pytest.approx(1 / 3)


def test_true_division_keeps_the_float_type_of_float_operands():
    a = K.constant([1., 3.])
    assert K.dtype(a / K.constant(2, dtype='int32')) == 'float32'
    assert K.dtype(K.constant(2, dtype='int64') / a) == 'float32'
    assert K.dtype(K.constant([1, 2], dtype='int32') / K.constant(2., dtype='float64')) == \
        'float64'
    np.testing.assert_array_equal(K.eval(a / K.constant(2, dtype='int32')), [0.5, 1.5])


@pytest.mark.parametrize('dtype,values', [
    ('uint8', [[3, 0, 2], [7, 5, 255]]),
    ('uint16', [[5, 0, 7], [9, 65535, 8]]),
    ('int32', [[-3, 0, 2], [7, -5, 1]]),
    ('bool', [[True, False, True], [True, True, True]]),
    ('float32', [[0.5, -2.0, 1.0], [np.inf, 3.0, -np.inf]]),
])
def test_min_is_the_true_minimum_for_every_dtype(dtype, values):
    a = np.array(values, dtype)
    x = K.constant(a, dtype=dtype)
    for axis, keepdims in [(None, False), (1, False), (0, True)]:
        got = K.eval(K.min(x, axis=axis, keepdims=keepdims))
        assert got.dtype == a.dtype
        np.testing.assert_array_equal(got, np.min(a, axis=axis, keepdims=keepdims))


def test_min_gradient_goes_to_the_minima():
    v = K.variable(np.array([[2.0, -1.0, -1.0], [0.5, 3.0, 4.0]]), dtype='float64')
    (grad,) = K.gradients(K.sum(K.min(v, axis=1) * K.constant([1.0, 2.0], 'float64')), [v])
    np.testing.assert_array_equal(K.eval(grad), [[0, 1, 1], [2, 0, 0]])


def test_prod_is_exact_and_keeps_integers():
    three = K.eval(K.prod(K.constant([3., 5., 7.])))
    assert three.dtype == np.float32 and three == 105.0
    assert K.eval(K.prod(K.constant(np.arange(1., 11.)))) == 3628800.0
    ints = K.eval(K.prod(K.constant([[2, 3], [4, 5]], dtype='int32'), axis=1))
    assert ints.dtype == np.int32
    np.testing.assert_array_equal(ints, [6, 20])
    signs = np.array([[-2., 0.5, 3.], [-1., -4., 0.]], 'float32')
    np.testing.assert_array_equal(K.eval(K.prod(K.constant(signs), axis=-1, keepdims=True)),
                                  signs.prod(-1, keepdims=True))


@pytest.mark.parametrize('values', [[0., 2., 3.], [0., 2., 0.], [1.5, -2., 3.]],
                         ids=['one-zero', 'two-zeros', 'no-zero'])
def test_prod_gradient_matches_finite_differences(values):
    x = K.placeholder(shape=(3,), dtype='float64')
    check_gradients([x], K.prod(x), [np.array(values)])
    rows = K.placeholder(shape=(2, 3), dtype='float64')
    weights = K.constant([1.5, -0.5], dtype='float64')
    check_gradients([rows], K.sum(K.prod(rows, axis=1) * weights),
                    [np.array([values, [0.5, 0.0, 4.0]])])


def test_sum_of_bools_counts_in_int64():
    flags = K.constant([[True, False, True], [False, False, True]], dtype='bool')
    total = K.sum(flags)
    assert K.dtype(total) == 'int64'
    assert K.eval(total) == 3 and K.eval(total).dtype == np.int64
    np.testing.assert_array_equal(K.eval(K.sum(flags, axis=1)), [2, 1])
    x = K.placeholder(shape=(None, 3))
    counted = K.function([x], [K.sum(K.greater(x, 0.), axis=1)])([np.array([[1., -1., 2.]])])
    assert counted[0].dtype == np.int64 and counted[0].tolist() == [2]


def test_clip_accepts_tensor_bounds():
    a = np.array([[-1.0, 0.2, 3.0], [0.5, -0.5, 0.9]], 'float32')
    x = K.constant(a)
    np.testing.assert_array_equal(K.eval(K.clip(x, K.constant(0.), K.constant(1.))),
                                  np.clip(a, 0, 1))
    low = K.placeholder(shape=())
    f = K.function([low], [K.clip(x, low, 1.)])
    np.testing.assert_array_equal(f([np.float32(-0.6)])[0], np.clip(a, -0.6, 1))
    per_column = np.array([0.0, 0.3, -1.0], 'float32')
    np.testing.assert_array_equal(K.eval(K.clip(x, K.constant(per_column), None)),
                                  np.maximum(a, per_column))
    np.testing.assert_array_equal(K.eval(K.clip(x, per_column, 0.6)),
                                  np.clip(a, per_column, 0.6))


def test_clip_with_min_above_max_follows_keras_for_numbers_and_theano_for_tensors():
    x = K.constant([-1.0, 0.2, 0.5, 3.0])
    # numbers: Keras 2.2.4 raises max to min, so everything becomes min
    np.testing.assert_array_equal(K.eval(K.clip(x, 0.4, 0.1)), np.float32([0.4] * 4))
    # tensors: Theano's clip, x < min ? min : (x > max ? max : x) (numpy's: max everywhere)
    np.testing.assert_array_equal(K.eval(K.clip(x, K.constant(0.4), K.constant(0.1))),
                                  np.float32([0.4, 0.4, 0.1, 0.1]))


def test_clip_gradient_with_tensor_bounds_matches_finite_differences():
    values = [np.array([-1.0, 0.25, 0.5, 3.0, 0.75]), np.array(0.0),
              np.array([1.0, 1.0, 0.4, 2.5, 1.0])]
    x, low, high = (K.placeholder(shape=v.shape, dtype='float64') for v in values)
    cost = K.sum(K.clip(x, low, high) * K.constant(np.arange(1., 6.), dtype='float64'))
    check_gradients([x, low, high], cost, values)


def test_switch_expands_a_lower_rank_condition_on_the_right():
    a = np.arange(12.).reshape(3, 4).astype('float32')
    x = K.constant(a)
    chosen = K.switch(K.constant([True, False, True], dtype='bool'), x, -x)
    assert K.int_shape(chosen) == (3, 4)
    np.testing.assert_array_equal(K.eval(chosen), np.where([[True], [False], [True]], a, -a))
    flags = K.placeholder(shape=(None,), dtype='bool')
    cube = K.placeholder(shape=(None, 2, 3))
    f = K.function([flags, cube], [K.switch(flags, cube, K.zeros_like(cube))])
    c = np.random.RandomState(0).rand(2, 2, 3).astype('float32')
    np.testing.assert_array_equal(f([np.array([False, True]), c])[0],
                                  np.where(np.array([False, True])[:, None, None], c, 0))
    v = K.variable(a)
    (grad,) = K.gradients(K.sum(K.switch(K.constant([1., 0., 1.]) > 0.5, v * 2., v)), [v])
    np.testing.assert_array_equal(K.eval(grad), np.array([[2.], [1.], [2.]]) * np.ones((3, 4)))


@pytest.mark.parametrize('shape_a,shape_b', [
    ((3, 4), (4,)), ((4,), (4, 3)), ((4,), (4,)), ((2, 3, 4), (4,)), ((4,), (2, 4, 3)),
], ids=str)
def test_dot_with_vectors_follows_theano(shape_a, shape_b):
    rng = np.random.RandomState(0)
    a, b = rng.uniform(-1, 1, shape_a), rng.uniform(-1, 1, shape_b)
    x = K.placeholder(shape=shape_a, dtype='float64')
    y = K.placeholder(shape=shape_b, dtype='float64')
    product = K.dot(x, y)
    expected = np.tensordot(a, b, [[a.ndim - 1], [max(0, b.ndim - 2)]])   # Theano's dot
    assert K.int_shape(product) == expected.shape
    np.testing.assert_allclose(K.function([x, y], [product])([a, b])[0], expected,
                               rtol=1e-12)
    weights = K.constant(rng.uniform(0.5, 1.5, expected.shape), dtype='float64')
    check_gradients([x, y], K.sum(product * weights), [a, b])


def test_dot_of_mismatched_vector_raises():
    with pytest.raises(ValueError, match=r'dot: cannot contract .*\(3, 4\).*\(5,\)'):
        K.dot(K.ones((3, 4)), K.ones((5,)))


def test_function_accepts_updates_as_a_dict():
    v, w = K.variable(0.), K.variable(np.ones(2))
    step = K.function([], [v], updates={v: v + 1})
    assert step([])[0] == 0 and step([])[0] == 1
    assert K.get_value(v) == 2
    ordered = K.function([], [v, w], updates=OrderedDict([(v, v * 3), (w, w + v)]))
    outputs = ordered([])
    assert outputs[0] == 2 and outputs[1].tolist() == [1.0, 1.0]
    assert K.get_value(v) == 6 and K.get_value(w).tolist() == [3.0, 3.0]
    with pytest.raises(TypeError, match='update 0 must be a pair'):
        K.function([], [v], updates={K.constant(1.): v})


@pytest.mark.parametrize('dtype', ['uint8', 'uint16', 'uint32', 'uint64', 'bool', 'int32',
                                   'float32'])
def test_argmin_is_the_first_minimum_for_every_dtype(dtype):
    """argmin is argmax of -x: bools and unsigned ints must not wrap around when negated."""
    values = np.array([[3, 0, 2, 0], [1, 5, 0, 7], [0, 0, 1, 1]]).astype(dtype)
    for axis in (-1, 0):
        np.testing.assert_array_equal(K.eval(K.argmin(K.constant(values, dtype=dtype),
                                                      axis=axis)),
                                      np.argmin(values, axis=axis))


@pytest.mark.parametrize('dtype', ['int32', 'int64', 'float32', 'float64'])
def test_floor_division_and_remainder_follow_python_and_numpy(dtype):
    """// and % on tensors: numpy's floor_divide and mod (the remainder takes the
    divisor's sign; an integer division by zero gives 0, as numpy's)."""
    a = np.array([7, -7, 7, -7, 5, 0], dtype)
    b = np.array([2, 2, -2, -2, 0 if dtype.startswith('int') else 3, 4], dtype)
    x = K.placeholder(shape=(None,), dtype=dtype)
    y = K.placeholder(shape=(None,), dtype=dtype)
    f = K.function([x, y], [x // y, x % y, 9 // y, x % 4])
    with np.errstate(divide='ignore', invalid='ignore'):
        want = [np.floor_divide(a, b), np.mod(a, b), np.floor_divide(9, b).astype(dtype),
                np.mod(a, 4)]
    for got, expected in zip(f([a, b]), want):
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(got, expected)


def test_remainder_gradient_matches_finite_differences():
    a = np.array([[4.7, 5.3], [-4.6, 6.1]])
    b = np.array([[2.9, 3.1], [2.7, -3.3]])
    x, y = K.placeholder(shape=(2, 2), dtype='float64'), K.placeholder(shape=(2, 2),
                                                                       dtype='float64')
    grads = K.function([x, y], K.gradients(K.sum(x % y), [x, y]))([a, b])
    eps = 1e-6
    np.testing.assert_allclose(grads[0], (np.mod(a + eps, b) - np.mod(a - eps, b)) / (2 * eps),
                               rtol=1e-6)
    np.testing.assert_allclose(grads[1], (np.mod(a, b + eps) - np.mod(a, b - eps)) / (2 * eps),
                               rtol=1e-6)


def test_floor_and_round_keep_inf_and_nan():
    """Compiled floor and round gave -2**63 for inf and NaN (math.floor and round return
    ints in compiled code)."""
    values = np.array([np.inf, -np.inf, np.nan, 2.5, -1.5, 3.7], 'float32')
    x = K.placeholder(shape=(None,))
    f = K.function([x], [K.round(x), x // 1.0])
    rounded, floored = f([values])
    np.testing.assert_array_equal(rounded, np.round(values))
    with np.errstate(invalid='ignore'):
        np.testing.assert_array_equal(floored, np.floor_divide(values, 1.0))


def test_python_integers_keep_an_integer_tensors_dtype():
    """int32 tensor + 1 stays int32 (numpy 2, Theano's autocasting); a Python int the dtype
    cannot hold widens it, a Python float makes it float64."""
    x = K.constant([1, 2], dtype='int32')
    assert K.dtype(x + 1) == 'int32' and K.dtype(3 * x) == 'int32'
    assert K.dtype(x // 2) == 'int32' and K.dtype(x % 2) == 'int32'
    assert K.dtype(x + 2 ** 40) == 'int64' and K.dtype(x + 1.5) == 'float64'
    np.testing.assert_array_equal(K.eval(x * 3 - 1), [2, 5])


def test_dot_of_float32_and_float64_upcasts_as_theano():
    a = np.arange(6.).reshape(2, 3)
    b = np.arange(6.).reshape(3, 2) / 7
    got = K.dot(K.constant(a, dtype='float32'), K.constant(b, dtype='float64'))
    assert K.dtype(got) == 'float64'
    np.testing.assert_allclose(K.eval(got), a.astype('float32').astype('float64') @ b,
                               rtol=1e-12)
