"""The executor's two loops (plain, and timed / NaN-checked) and CompiledFunction calls on
hand-written plans: same values, same errors, no update after a failure."""
import numpy as np
import pytest

from runtime.executor import Executor, KernelError, NanGuardError
from runtime.function import CompiledFunction
from runtime.plan import Plan, Step


class Holder:
    def __init__(self, value):
        self.value = value


def make_plan():
    """y = sum(relu(x @ w) * 2, axis 0); w' = w - 0.5 (an update); a view step too."""
    slots = [((None, 3), 'float32'), ((3, 2), 'float32'), ((None, 2), 'float32'),
             ((None, 2), 'float32'), ((2,), 'float32'), ((), 'float32'),
             ((3, 2), 'float32'), ((2, 1), 'float32')]
    steps = [Step('matmul_bias_act', {'act': 'relu'}, [0, 1], 2, 'dense'),
             Step('elementwise', {'expr': 'x0 * np.float32(2)', 'out_dtype': 'float32'},
                  [2], 3, 'double', free=[2], inplace=0),
             Step('sum', {'axes': [0]}, [3], 4, 'total', free=[3]),
             Step('expand_dims', {'axes': [1]}, [4], 7, 'column'),
             Step('elementwise', {'expr': 'x0 - x1', 'out_dtype': 'float32'}, [1, 5], 6,
                  'step')]
    return Plan(slots, [('x', 0)], [4, 7], steps, {5: np.float32(0.5) * np.ones(
        (), 'float32')}, {1: 'w'}, [('w', 6)], 'test')


def data():
    rng = np.random.RandomState(0)
    return (rng.randn(4, 3).astype('float32'), rng.randn(3, 2).astype('float32'))


def expected(x, w):
    total = (np.maximum(x @ w, 0) * 2).sum(axis=0)
    return total, total[:, None], w - 0.5


@pytest.mark.parametrize('mode', ['plain', 'profile', 'nan_guard'])
def test_every_loop_computes_the_same_values(mode):
    x, w = data()
    holder = Holder(w)
    f = CompiledFunction(make_plan(), {'w': holder}, profile=mode == 'profile',
                         nan_guard=mode == 'nan_guard')
    total, column = f([x])
    want = expected(x, w)
    np.testing.assert_allclose(total, want[0], rtol=1e-6)
    np.testing.assert_allclose(column, want[1], rtol=1e-6)
    np.testing.assert_allclose(holder.value, want[2])
    assert holder.value.flags.c_contiguous and holder.value.dtype == np.float32


@pytest.mark.parametrize('mode', ['plain', 'profile'])
def test_a_failing_step_is_named_and_no_update_is_applied(mode):
    x, w = data()
    holder = Holder(w)
    f = CompiledFunction(make_plan(), {'w': holder}, profile=mode == 'profile',
                         nodes={'total': {'op': 'Sum', 'layer': 'head', 'source': None}})
    kernel = f._executor.bound[2][0]

    def broken(*args, **kwargs):
        raise ArithmeticError('simulated')
    f._executor.set_kernel(2, broken)
    with pytest.raises(KernelError) as info:
        f([x])
    message = str(info.value)
    assert "'sum'" in message and "'total'" in message and 'layer' in message
    assert '(4, 2)' in message and 'simulated' in message
    assert isinstance(info.value.__cause__, ArithmeticError)
    assert holder.value is w
    f._executor.set_kernel(2, kernel)
    f([x])
    np.testing.assert_allclose(holder.value, w - 0.5)


def test_inputs_are_taken_as_they_are_or_converted():
    x, w = data()
    holder = Holder(w)
    f = CompiledFunction(make_plan(), {'w': holder})
    want = f([x])[0]
    for other in (x.astype('float64'), np.asfortranarray(x), x.tolist(), x[:, ::1]):
        holder.value = w
        np.testing.assert_allclose(f([other])[0], want, rtol=1e-6)
    with pytest.raises(ValueError, match="input 'x' expected shape"):
        f([x[:, :2]])
    with pytest.raises(TypeError, match='numeric'):
        f([np.array([['a', 'b', 'c']])])
    with pytest.raises(ValueError, match='expected 1 input arrays'):
        f([x, x])


def test_nan_guard_names_the_input_holding_a_nan():
    x, w = data()
    x[0, 0] = np.nan
    executor = Executor(make_plan())
    executor.nan_guard = True
    values = [None] * 8
    values[0], values[1], values[5] = x, w, np.ones((), 'float32')
    with pytest.raises(NanGuardError, match="input 'x'"):
        executor.run(values)


def test_plain_loop_frees_dead_values():
    x, w = data()
    executor = Executor(make_plan())
    values = [None] * 8
    values[0], values[1], values[5] = x, w, np.ones((), 'float32')
    executor.run(values)
    assert values[2] is None and values[3] is None
    assert values[4] is not None and values[6] is not None


def test_a_plan_without_steps_runs():
    """A function whose outputs are its inputs or constants has no steps to run."""
    plan = Plan([((2,), 'float32')], [('x', 0)], [0], [], {}, {}, [], 'empty')
    x = np.arange(2, dtype='float32')
    np.testing.assert_array_equal(CompiledFunction(plan)([x])[0], x)
