"""Variables updated in place (compiler/inplace.py): the same values as with new buffers,
every reader of an old value served first, and no buffer a variable owns ever shared
with a caller, a constant or another variable."""
import numpy as np
import pytest

from compiler import builders as B, ir
from compiler.autodiff import gradients
from compiler.function import function


def same_buffer(a, b):
    return a.__array_interface__['data'][0] == b.__array_interface__['data'][0]


def sgd_step(momentum, plan_buffers=True):
    """A two-layer tanh regression trained by SGD with momentum, written as updates."""
    rng = np.random.RandomState(0)
    x = ir.placeholder((None, 6), 'float64', name='x')
    t = ir.placeholder((None, 3), 'float64', name='t')
    w1, w2 = ir.Variable(rng.randn(6, 5), name='w1'), ir.Variable(rng.randn(5, 3), name='w2')
    b1 = ir.Variable(np.zeros(5), name='b1')
    params = [w1, b1, w2]
    loss = B.reduce_mean(B.square(B.dot(B.tanh(B.dot(x, w1) + b1), w2) - t))
    updates = []
    for p, g in zip(params, gradients(loss, params)):
        m = ir.Variable(np.zeros(p.shape), name='m_' + p.name)
        v = momentum * m - 0.1 * g
        updates += [(m, v), (p, p + v)]
    f = function([x, t], [loss], updates=updates, plan_buffers=plan_buffers)
    return f, params + [m for m, _ in updates[::2]]


def test_sgd_updates_in_place_match_new_buffers():
    rng = np.random.RandomState(1)
    x, t = rng.randn(16, 6), rng.randn(16, 3)
    f, variables = sgd_step(0.9)
    g, reference = sgd_step(0.9, plan_buffers=False)
    assert any(step.destroys for step in f.plan.steps)
    assert not any(step.destroys for step in g.plan.steps)
    for call in range(4):
        before = [v.value for v in variables]
        np.testing.assert_allclose(f([x, t])[0], g([x, t])[0], rtol=1e-12)
        for v, w in zip(variables, reference):
            np.testing.assert_allclose(v.get_value(), w.get_value(), rtol=1e-12, atol=1e-15)
        if call:      # (the variables' first buffers: from the Variable constructor)
            kept = sum(same_buffer(v.value, old) for v, old in zip(variables, before))
            assert kept >= 4, kept     # both weights and their velocities at least


def test_the_variable_read_first_is_updated_last():
    """The in-place updates run in the reverse order of the first reads of their
    variables: w1 (read by the first product) is written last, w2 before it."""
    f, _ = sgd_step(0.9)
    steps = f.plan.steps
    first_read = {}
    for index, step in enumerate(steps):
        for slot in step.inputs:
            first_read.setdefault(slot, index)
    names = {slot: key.split('#')[0] for slot, key in f.plan.variables.items()}
    updating = [step for step in steps if step.destroys]
    reads = [min(first_read[step.inputs[p]] for p in step.destroys) for step in updating]
    updated = [sorted(names[step.inputs[p]] for p in step.destroys) for step in updating]
    assert reads == sorted(reads, reverse=True), (updated, reads)
    assert updated.index(['m_w2', 'w2']) < updated.index(['m_w1', 'w1']), updated


def test_a_reader_of_the_old_value_runs_before_the_update():
    v = ir.Variable(np.arange(4.0), name='v')
    x = ir.placeholder((4,), 'float64', name='x')
    f = function([x], [B.exp(v) * x], updates=[(v, v + 1.0)])
    for call in range(3):
        old = v.get_value()
        np.testing.assert_allclose(f([np.ones(4)])[0], np.exp(old))
        np.testing.assert_array_equal(v.get_value(), old + 1.0)
    assert [bool(s.destroys) for s in f.plan.steps][-1]


def test_an_output_never_shares_a_variables_buffer():
    """A variable returned as an output is not overwritten by that call, and the array a
    caller got does not change when a later call updates the variable in place."""
    v = ir.Variable(np.zeros(3), name='v')
    f = function([], [v], updates=[(v, v + 1.0)])
    read = function([], [v])
    step = function([], [], updates=[(v, v * 2.0 + 1.0)])
    step([])
    first = f([])[0]
    np.testing.assert_array_equal(first, 1.0)
    second = read([])[0]
    step([])
    step([])
    np.testing.assert_array_equal(first, 1.0)
    np.testing.assert_array_equal(second, 2.0)
    np.testing.assert_array_equal(v.get_value(), 11.0)


def test_a_constant_or_an_input_given_to_a_variable_is_copied():
    v = ir.Variable(np.zeros(3), name='v')
    x = ir.placeholder((3,), 'float64', name='x')
    reset = function([], [], updates=[(v, ir.constant(np.full(3, 5.0)))])
    load = function([x], [], updates=[(v, x)])
    bump = function([], [], updates=[(v, v + 1.0)])
    bump([])
    for _ in range(2):
        reset([])
        bump([])
        bump([])
        np.testing.assert_array_equal(v.get_value(), 7.0)
    value = np.full(3, 2.0)
    load([value])
    bump([])
    bump([])
    np.testing.assert_array_equal(value, 2.0)
    np.testing.assert_array_equal(v.get_value(), 4.0)


@pytest.mark.parametrize('kind', ['same value', 'other variable'])
def test_two_variables_never_share_a_buffer(kind):
    a, b = ir.Variable(np.zeros(3), name='a'), ir.Variable(np.ones(3), name='b')
    if kind == 'same value':
        set_both = function([], [], updates=[(a, b * 3.0), (b, b * 3.0)])
    else:
        set_both = function([], [], updates=[(a, b)])
    bump = function([], [], updates=[(b, b + 1.0)])
    bump([])
    set_both([])
    set_both([])
    first = a.get_value()
    for _ in range(3):
        bump([])
    np.testing.assert_array_equal(a.get_value(), first)
    assert not same_buffer(a.value, b.value)


def test_the_nan_guard_refusing_a_call_leaves_variables_alone():
    v = ir.Variable(np.ones(3), name='v')
    x = ir.placeholder((3,), 'float64', name='x')
    f = function([x], [], updates=[(v, v * x)], nan_guard=True)
    f([np.full(3, 2.0)])
    f([np.full(3, 2.0)])
    with pytest.raises(FloatingPointError):
        f([np.array([1.0, np.nan, 1.0])])
    np.testing.assert_array_equal(v.get_value(), 4.0)


def test_values_read_from_another_thread_are_never_half_updated():
    """get_value takes the call lock: a snapshot taken while another thread trains shows
    the value between two calls, never one half written in place."""
    import threading
    v = ir.Variable(np.zeros(1 << 20), name='v')
    f = function([], [], updates=[(v, v + 1.0)])
    f([])
    done, torn = threading.Event(), []

    def train():
        for _ in range(150):
            f([])
        done.set()
    worker = threading.Thread(target=train)
    worker.start()
    while not done.is_set():
        snapshot = v.get_value()
        if snapshot.min() != snapshot.max():
            torn.append((snapshot.min(), snapshot.max()))
    worker.join()
    assert not torn, torn[:3]
    assert v.get_value()[0] == 151.0
