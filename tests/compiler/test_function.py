"""compiler.function: updates, givens, default updates, input validation."""
import numpy as np
import pytest

from compiler import builders as B, ir
from compiler.function import function


def test_outputs_see_values_from_before_the_updates():
    var = ir.Variable(np.array([1.0, 2.0]), dtype='float64')
    x = ir.placeholder((2,), 'float64')
    f = function([x], [var * 1.0, x + var], updates=[(var, var + x)])
    first = f([np.array([10.0, 10.0])])
    np.testing.assert_array_equal(first[0], [1.0, 2.0])
    np.testing.assert_array_equal(var.get_value(), [11.0, 12.0])
    second = f([np.array([0.0, 0.0])])
    np.testing.assert_array_equal(second[1], [11.0, 12.0])


def test_givens_substitute_and_fold_the_switch():
    phase = ir.placeholder((), 'uint8', name='phase')
    x = ir.placeholder((None, 3))
    out = B.where(phase, x * 2.0, x)
    f = function([x], [out], givens={phase: 1})
    np.testing.assert_array_equal(f([np.ones((2, 3))])[0], 2 * np.ones((2, 3)))
    assert not any(s.attrs.get('expr') == '(x1 if x0 else x2)' for s in f.plan.steps)
    g = function([x], [out], givens={phase: 0})
    np.testing.assert_array_equal(g([np.ones((2, 3))])[0], np.ones((2, 3)))
    assert len(g.plan.steps) == 0


def test_default_update_advances_a_random_state():
    state = ir.Variable(np.array([7, 0]), dtype='int64')
    state.default_update = state + ir.constant(np.array([0, 1], dtype='int64'))
    x = ir.placeholder((None, 50))
    f = function([x], [B.random_uniform(x, state, 'float32')])
    first, second = f([np.zeros((4, 50))])[0], f([np.zeros((4, 50))])[0]
    assert state.get_value().tolist() == [7, 2]
    assert not np.array_equal(first, second)
    assert 0.0 <= first.min() and first.max() < 1.0 and abs(first.mean() - 0.5) < 0.1


def test_wrong_shape_is_a_clear_error_before_running():
    var = ir.Variable(np.zeros(3), dtype='float32')
    x = ir.placeholder((None, 3), name='features')
    f = function([x], [x + var], updates=[(var, var + 1.0)])
    with pytest.raises(ValueError, match=r"'features' expected shape \(None, 3\), "
                                         r"received \(2, 4\)"):
        f([np.zeros((2, 4))])
    with pytest.raises(ValueError, match='expected 1 input arrays'):
        f([np.zeros((2, 3)), np.zeros((2, 3))])
    with pytest.raises(TypeError, match='numeric'):
        f([np.array([['a', 'b', 'c']])])
    with pytest.raises(TypeError):
        f([print])
    np.testing.assert_array_equal(var.get_value(), np.zeros(3))


def test_integer_inputs_are_cast_to_the_declared_dtype():
    x = ir.placeholder((None, 2), 'float32')
    f = function([x], [x * 0.5])
    out = f([np.array([[2, 4]], dtype=np.uint8)])[0]
    assert out.dtype == np.float32 and out.tolist() == [[1.0, 2.0]]


def test_missing_input_is_reported_at_compile_time():
    x, y = ir.placeholder((3,), name='x'), ir.placeholder((3,), name='y')
    with pytest.raises(ValueError, match="depend on input 'y'"):
        function([x], [x + y])


def test_broadcast_mismatch_is_reported_at_build_time():
    with pytest.raises(ValueError, match=r"cannot broadcast shapes \(None, 3\), \(4,\)"):
        ir.placeholder((None, 3)) + ir.placeholder((4,))


def test_a_folded_branch_does_not_advance_its_random_state():
    state = ir.Variable(np.array([7, 0]), dtype='int64')
    state.default_update = state + ir.constant(np.array([0, 1], dtype='int64'))
    phase = ir.placeholder((), 'uint8', name='phase')
    x = ir.placeholder((None, 5))
    out = B.where(phase, x * B.random_uniform(x, state, 'float32'), x)
    predict = function([x], [out], givens={phase: 0})
    predict([np.ones((2, 5))])
    assert state.get_value().tolist() == [7, 0] and not predict.plan.updates
    train = function([x], [out], givens={phase: 1})
    train([np.ones((2, 5))])
    assert state.get_value().tolist() == [7, 1]
