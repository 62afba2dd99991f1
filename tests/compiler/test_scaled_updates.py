"""pair_scaled_updates (compiler/rewrite/pairs.py): p + v, v = t * z +- s * g (or s * a
sum of g over its leading axes: a bias's gradient) also read elsewhere -> one ScaledUpdate,
read back through Parts; its results equal the unfused graph's, also in place."""
import numpy as np
import pytest

import compiler.rewrite.epilogue as epilogue
from compiler import builders as B, ir
from compiler.autodiff import gradients
from compiler.function import function
from compiler.rewrite import optimize


def ops_of(roots):
    return [type(n.op).__name__ for n in ir.toposort(list(roots)) if n.op is not None]


def scaled_updates(roots):
    return [n for n in ir.toposort(list(roots)) if type(n.op).__name__ == 'ScaledUpdate']


def assert_same(inputs, outputs, arrays):
    plain = function(inputs, outputs, optimize_graph=False, plan_buffers=False)(arrays)
    fused = function(inputs, outputs)(arrays)
    for a, b in zip(plain, fused):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)


def operands(g_shape=(None, 5), z_shape=(5,)):
    rng = np.random.RandomState(0)
    g = ir.placeholder(g_shape, 'float64', name='g')
    z = ir.Variable(rng.normal(size=z_shape), name='z')
    p = ir.Variable(rng.normal(size=z_shape), name='p')
    s, t = ir.Variable(np.array(0.3), name='s'), ir.Variable(np.array(0.9), name='t')
    array = rng.normal(size=tuple(4 if d is None else d for d in g_shape))
    return g, z, p, s, t, array


FORMS = {   # v, summed axes, negate_alpha, negate_beta
    't*z - s*sum(g)': (lambda z, s, t, g: t * z - s * B.reduce_sum(g, axes=(0,)), 1, True,
                       False),
    'sum(g)*s + z*t': (lambda z, s, t, g: B.reduce_sum(g, axes=(0,)) * s + z * t, 1, False,
                       False),
    's*sum(g) - t*z': (lambda z, s, t, g: s * B.reduce_sum(g, axes=(0,)) - t * z, 1, False,
                       True),
    'z - sum(g)': (lambda z, s, t, g: z - B.reduce_sum(g, axes=(0,)), 1, True, False),
}


@pytest.mark.parametrize('form', sorted(FORMS))
@pytest.mark.parametrize('order', ['p + v', 'v + p'])
def test_bias_update_becomes_one_scaled_update(form, order):
    g, z, p, s, t, array = operands()
    build, summed, negate_alpha, negate_beta = FORMS[form]
    v = build(z, s, t, g)
    total = p + v if order == 'p + v' else v + p
    roots, log = optimize([v, total])
    assert sorted(ops_of(roots)) == ['Part', 'Part', 'ScaledUpdate']
    op = scaled_updates(roots)[0].op
    assert (op.summed, op.negate_alpha, op.negate_beta) == (summed, negate_alpha, negate_beta)
    assert [r.op.index for r in roots] == [0, 1]
    assert [rule for _, rule, _ in log].count('pair_scaled_update') == 1
    assert_same([g], [v, total], [array])


def test_sum_over_all_leading_axes_of_a_feature_map():
    g, z, p, s, t, array = operands(g_shape=(None, 3, 4, 5))
    v = t * z - s * B.reduce_sum(g, axes=(0, 1, 2))
    roots, _ = optimize([v, p + v])
    assert scaled_updates(roots)[0].op.summed == 3
    assert_same([g], [v, p + v], [array])


def test_gradient_of_the_variables_shape_is_not_summed():
    g, z, p, s, t, array = operands(g_shape=(2, 5), z_shape=(2, 5))
    v = t * z - s * B.exp(g)
    roots, _ = optimize([v, p + v])
    assert scaled_updates(roots)[0].op.summed == 0
    assert_same([g], [v, p + v], [array])


CASES = {
    'v read only by p + v': lambda z, p, s, t, g: [p + (t * z - s * B.reduce_sum(g, (0,)))],
    'a broadcast term': lambda z, p, s, t, g: (
        lambda v: [v, p + v])(t * z - s * B.reduce_sum(g, (0,), keepdims=True)),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_scaled_update_does_not_pair(case):
    g, z, p, s, t, array = operands()
    outputs = CASES[case](z, p, s, t, g)
    roots, log = optimize(outputs)
    assert not scaled_updates(roots), case
    assert_same([g], outputs, [array])


def test_a_sum_over_trailing_axes_is_a_gradient_of_its_own():
    g, z, p, s, t, array = operands(g_shape=(5, 4))
    v = t * z - s * B.reduce_sum(g, (1,))
    roots, _ = optimize([v, p + v])
    assert scaled_updates(roots)[0].op.summed == 0 and 'Sum' in ops_of(roots)
    assert_same([g], [v, p + v], [array])


def test_scalars_and_batch_shaped_values_do_not_pair():
    x = ir.placeholder((None, 5), 'float64', name='x')
    y = ir.placeholder((None, 5), 'float64', name='y')
    c = ir.Variable(np.array(2.0), name='c')
    d = ir.Variable(np.array(1.5), name='d')
    v, w = x - 0.5 * y, c + d
    roots, _ = optimize([v, x + v, w, w + c])
    assert not scaled_updates(roots)


def sgd(momentum):
    """A bias's and a weight's SGD updates, written as Keras's SGD writes them."""
    rng = np.random.RandomState(2)
    x = ir.placeholder((None, 4), 'float32', name='x')
    w = ir.Variable(rng.randn(4, 3).astype('float32'), name='w')
    b = ir.Variable(np.zeros(3, 'float32'), name='b')
    loss = B.reduce_mean(B.square(B.tanh(x * 1.0) @ w + b))
    updates = []
    for param, grad in zip([w, b], gradients(loss, [w, b])):
        m = ir.Variable(np.ones(param.shape, 'float32'), name='m_' + param.name)
        mom = ir.Variable(np.array(momentum, 'float32'), name='momentum')
        lr = ir.Variable(np.array(0.1, 'float32'), name='lr')
        v = mom * m - lr * grad
        updates += [(m, v), (param, param + v)]
    f = function([x], [loss], updates=updates)
    return f, [w, b] + [m for m, _ in updates[::2]]


@pytest.mark.parametrize('momentum', [0.0, 0.9])
def test_bias_update_in_place_equals_the_unfused_graph_bit_for_bit(momentum, monkeypatch):
    """The same graph with the rule off (sum, v, p + v as their own kernels): the same
    float32 bits, with the bias and its velocity written in place."""
    x = np.random.RandomState(3).randn(8, 4).astype('float32')
    f, variables = sgd(momentum)
    monkeypatch.setattr(epilogue, 'pair_scaled_updates', lambda roots, log: list(roots))
    g, reference = sgd(momentum)
    assert not any(s.kernel == 'scaled_update' for s in g.plan.steps)
    steps = [s for s in f.plan.steps if s.kernel == 'scaled_update']
    assert len(steps) == 1 and steps[0].destroys == [0, 4]
    for _ in range(3):
        bias, moment = variables[1].value, variables[3].value
        f([x]), g([x])
        assert variables[1].value is bias and variables[3].value is moment   # in place
        for mine, theirs in zip(variables, reference):
            np.testing.assert_array_equal(mine.get_value(), theirs.get_value())


def test_under_the_nan_guard_a_refused_call_leaves_the_bias_alone():
    x = ir.placeholder((None, 3), 'float32', name='x')
    b = ir.Variable(np.zeros(3, 'float32'), name='b')
    m = ir.Variable(np.ones(3, 'float32'), name='m')
    lr = ir.Variable(np.array(0.1, 'float32'), name='lr')
    v = 0.5 * m - lr * B.reduce_sum(x, axes=(0,))
    f = function([x], [], updates=[(m, v), (b, b + v)], nan_guard=True)
    assert [s.kernel for s in f.plan.steps if s.kernel == 'scaled_update']
    f([np.ones((2, 3), 'float32')])
    np.testing.assert_allclose(m.get_value(), 0.5 - 0.2)
    np.testing.assert_allclose(b.get_value(), 0.5 - 0.2)
    before = b.get_value(), m.get_value()
    with pytest.raises(FloatingPointError, match='NaN guard'):
        f([np.full((2, 3), np.nan, 'float32')])
    np.testing.assert_array_equal(b.get_value(), before[0])
    np.testing.assert_array_equal(m.get_value(), before[1])
