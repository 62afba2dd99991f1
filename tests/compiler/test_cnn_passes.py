"""The seed CNN's gradients with every pass on equal those with every pass off (float64)."""
import collections

import numpy as np

from compiler import autodiff, builders as B, ir
from compiler.function import function
from compiler.ir import toposort


def seed_cnn_loss(rng):
    x = ir.placeholder((None, 28, 28, 1), 'float64', name='x')
    y = ir.placeholder((None, 10), 'float64', name='y')
    params, h = [], x
    for cin, cout in [(1, 32), (32, 64), (64, 128)]:
        w = ir.Variable(rng.normal(0, (2.0 / (9 * cin)) ** 0.5, (3, 3, cin, cout)))
        b = ir.Variable(rng.normal(0, 0.01, cout))
        params += [w, b]
        h = B.maxpool2d(B.relu(B.conv2d(h, w, padding='same') + b), (2, 2), (2, 2), 'valid')
    h = B.reshape(h, (-1, 1152))
    w1, b1 = ir.Variable(rng.normal(0, 0.04, (1152, 128))), ir.Variable(np.zeros(128))
    w2, b2 = ir.Variable(rng.normal(0, 0.1, (128, 10))), ir.Variable(np.zeros(10))
    params += [w1, b1, w2, b2]
    p = B.softmax(B.dot(B.relu(B.dot(h, w1) + b1), w2) + b2)
    p = B.clip(p / B.reduce_sum(p, 1, keepdims=True), 1e-7, 1 - 1e-7)
    loss = B.reduce_mean(B.neg(B.reduce_sum(y * B.log(p), 1)))
    return x, y, params, loss


def test_all_passes_on_equal_all_passes_off_to_1e10():
    rng = np.random.RandomState(0)
    x, y, params, loss = seed_cnn_loss(rng)
    plain = function([x, y], [loss] + autodiff.gradients(loss, params, stabilize=False),
                     optimize_graph=False, plan_buffers=False)
    optimized = function([x, y], [loss] + autodiff.gradients(loss, params))
    xs = rng.rand(4, 28, 28, 1)
    ys = np.eye(10)[rng.randint(0, 10, 4)]
    before, after = plain([xs, ys]), optimized([xs, ys])
    for a, b in zip(before, after):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-10)
    nodes_before, nodes_after = optimized.graph.node_counts()
    assert nodes_after < nodes_before
    assert len(optimized.plan.steps) < len(plain.plan.steps)


def test_training_graph_uses_one_softmax_crossentropy_and_its_gradient():
    rng = np.random.RandomState(0)
    x, y, params, loss = seed_cnn_loss(rng)
    optimized = function([x, y], [loss] + autodiff.gradients(loss, params))
    order = toposort(optimized.graph.roots)
    names = collections.Counter(type(n.op).__name__ for n in order if n.op is not None)
    assert names['SoftmaxCrossEntropy'] == 1 and names['SoftmaxCrossEntropyGrad'] == 1
    assert names['Softmax'] == 0 and names['Log'] == 0 and names['Clip'] == 0
    kernels = [step.kernel for step in optimized.plan.steps]
    assert 'softmax_crossentropy' in kernels and 'softmax_crossentropy_grad' in kernels
