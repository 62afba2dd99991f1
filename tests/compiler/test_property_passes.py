"""Property: on random graphs, the optimizer never changes an answer (values and grads)."""
import numpy as np
from hypothesis import given, settings, HealthCheck, strategies as st

from compiler import autodiff, builders as B, ir
from compiler.function import function
from compiler.reference import evaluate

UNARY = [B.exp, B.tanh, B.sigmoid, B.relu, B.softplus, B.neg, B.square,
         lambda t: B.log(B.abs_(t) + 1.0), lambda t: B.sqrt(B.abs_(t) + 0.5),
         lambda t: B.exp(t) - 1.0, lambda t: t * 1.0 + 0.0, lambda t: -(-t)]
BINARY = [B.add, B.sub, B.mul, lambda a, b: a / (B.abs_(b) + 1.0), B.maximum]


def build(draw, x, w):
    """A random graph over x (None, 4) and w (4, 4) mixing every kind of op."""
    pool = [x]
    for _ in range(draw(st.integers(2, 9))):
        kind = draw(st.sampled_from(['unary', 'binary', 'reduce', 'matmul', 'reshape',
                                     'bias']))
        a = draw(st.sampled_from(pool))
        if kind == 'unary':
            pool.append(draw(st.sampled_from(UNARY))(a))
        elif kind == 'binary':
            pool.append(draw(st.sampled_from(BINARY))(a, draw(st.sampled_from(pool))))
        elif kind == 'reduce':
            pool.append(a - B.reduce_mean(a, 1, keepdims=True))
        elif kind == 'matmul':
            pool.append(B.dot(a, w))
        elif kind == 'reshape':
            pool.append(B.reshape(B.transpose(B.reshape(a, (-1, 2, 2)), (0, 2, 1)), (-1, 4)))
        else:
            pool.append(a + B.reduce_sum(w, 0))
    return B.reduce_sum(pool[-1] * pool[-1]) + B.reduce_sum(draw(st.sampled_from(pool)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_optimized_graph_equals_reference(data):
    x = ir.placeholder((None, 4), 'float64', name='x')
    w = ir.Variable(np.random.RandomState(0).uniform(-0.5, 0.5, (4, 4)))
    cost = build(data.draw, x, w)
    (grad_x, grad_w) = autodiff.gradients(cost, [x, w])
    value = np.random.RandomState(1).uniform(-1, 1, (3, 4))
    expected = evaluate([cost, grad_x, grad_w], {x: value})
    got = function([x], [cost, grad_x, grad_w])([value])
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-9, atol=1e-10)
