"""The epilogue pass: which patterns fuse, which must not, and that numbers never change."""
import numpy as np
import pytest

from compiler import autodiff, builders as B, ir
from compiler.function import function
from compiler.rewrite import optimize


def kinds(roots):
    return {type(n.op).__name__ for n in ir.toposort(list(roots)) if n.op is not None}


def conv_block(x, rng, cin, cout, pool=True):
    w = ir.Variable(rng.normal(0, 0.3, (3, 3, cin, cout)))
    b = ir.Variable(rng.normal(0, 0.1, cout))
    h = B.relu(B.conv2d(x, w, padding='same') + b)
    return (B.maxpool2d(h, (2, 2), (2, 2), 'valid') if pool else h), [w, b]


def assert_same(inputs, outputs, arrays):
    plain = function(inputs, outputs, optimize_graph=False, plan_buffers=False)(arrays)
    fused = function(inputs, outputs)(arrays)
    for a, b in zip(plain, fused):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)


def test_inference_conv_bias_relu_pool_becomes_one_op():
    rng = np.random.RandomState(0)
    x = ir.placeholder((None, 7, 6, 2), 'float64')
    out, _ = conv_block(x, rng, 2, 3)
    roots, log = optimize([out])
    assert kinds(roots) == {'Conv2DBiasActPool'}
    assert any(rule == 'fuse_conv_pool' for _, rule, _ in log)
    assert_same([x], [out], [rng.rand(2, 7, 6, 2) - 0.5])


def test_training_graph_fuses_forward_and_relu_pool_gradient():
    rng = np.random.RandomState(1)
    x = ir.placeholder((None, 8, 8, 1), 'float64')
    h, params = conv_block(x, rng, 1, 4)
    h, more = conv_block(h, rng, 4, 3)
    loss = B.reduce_sum(B.square(h))
    grads = autodiff.gradients(loss, params + more)
    roots, _ = optimize([loss] + grads)
    found = kinds(roots)
    assert {'Conv2DBiasAct', 'MaxPool2DReluGrad'} <= found
    # The pre-activation no longer exists on its own: the relu masks read the outputs.
    assert not {'Conv2D', 'Relu', 'MaxPool2DGrad'} & found
    assert_same([x], [loss] + grads, [rng.rand(3, 8, 8, 1) - 0.5])


def test_dense_bias_relu_becomes_matmul_bias_act():
    rng = np.random.RandomState(2)
    x = ir.placeholder((None, 5), 'float64')
    w, b = ir.Variable(rng.normal(size=(5, 4))), ir.Variable(rng.normal(size=4))
    v, c = ir.Variable(rng.normal(size=(4, 3))), ir.Variable(rng.normal(size=3))
    out = B.softmax(B.dot(B.relu(B.dot(x, w) + b), v) + c)
    roots, _ = optimize([out])
    fused = [n for n in ir.toposort(roots) if type(n.op).__name__ == 'MatMulBiasAct']
    assert sorted(n.op.act for n in fused) == ['linear', 'relu']
    loss = B.reduce_sum(out * out)
    assert_same([x], [out] + autodiff.gradients(loss, [w, b, v, c]), [rng.rand(4, 5)])


def test_bias_after_a_reshaped_product_joins_the_product():
    """A Dense layer over a sequence (or an RNN's input projection): reshape(x2 @ w) + b
    becomes reshape(MatMulBiasAct), also when the reshape's gradient reads the product's
    shape; a reshape that moves the last axis does not fuse."""
    rng = np.random.RandomState(2)
    x = ir.placeholder((None, 6, 5), 'float64')
    w, b = ir.Variable(rng.normal(size=(5, 4))), ir.Variable(rng.normal(size=4))
    flat = B.reshape(x, (-1, 5))
    out = B.reshape(B.dot(flat, w), (-1, 6, 4)) + b
    loss = B.reduce_sum(B.tanh(out))
    grads = autodiff.gradients(loss, [w, b])
    for outputs in ([out], [loss] + grads):
        roots, log = optimize(outputs)
        assert any(rule == 'fuse_reshaped_bias' for _, rule, _ in log)
        reshaped = [n.inputs[0] for n in ir.toposort(roots) if type(n.op).__name__ ==
                    'Reshape' and n.inputs[0].op is not None]
        assert [type(n.op).__name__ for n in reshaped] == ['MatMulBiasAct']
        assert_same([x], outputs, [rng.rand(3, 6, 5)])
    wide = B.reshape(B.dot(flat, w), (-1, 24)) + ir.Variable(rng.normal(size=24))
    split = B.reshape(B.dot(flat, w), (-1, 6, 2, 2)) + ir.Variable(rng.normal(size=2))
    for outputs in ([wide], [split]):
        roots, log = optimize(outputs)
        assert not any(rule == 'fuse_reshaped_bias' for _, rule, _ in log)
        assert_same([x], outputs, [rng.rand(3, 6, 5)])


def test_nothing_fuses_when_an_inner_value_is_read_elsewhere():
    rng = np.random.RandomState(3)
    x = ir.placeholder((None, 5), 'float64')
    w, b = ir.Variable(rng.normal(size=(5, 4))), ir.Variable(rng.normal(size=4))
    product = B.dot(x, w)
    pre = product + b
    outputs = [B.relu(pre), product]       # the product itself is an output
    roots, _ = optimize(outputs)
    assert 'MatMulBiasAct' not in kinds(roots)
    assert_same([x], outputs, [rng.rand(3, 5)])


def test_pre_activation_read_elsewhere_keeps_relu_apart():
    rng = np.random.RandomState(4)
    x = ir.placeholder((None, 5), 'float64')
    w, b = ir.Variable(rng.normal(size=(5, 4))), ir.Variable(rng.normal(size=4))
    pre = B.dot(x, w) + b
    outputs = [B.relu(pre), B.exp(pre)]
    roots, _ = optimize(outputs)
    fused = [n for n in ir.toposort(roots) if type(n.op).__name__ == 'MatMulBiasAct']
    assert [n.op.act for n in fused] == ['linear']     # bias fused, the relu reads it
    assert_same([x], outputs, [rng.rand(3, 5) - 0.5])


def test_pooling_of_an_activation_read_elsewhere_is_not_fused():
    rng = np.random.RandomState(5)
    x = ir.placeholder((None, 6, 6, 2), 'float64')
    h, _ = conv_block(x, rng, 2, 3, pool=False)
    outputs = [B.maxpool2d(h, (2, 2), (2, 2), 'valid'), h]
    roots, _ = optimize(outputs)
    assert {'Conv2DBiasAct', 'MaxPool2D'} <= kinds(roots)
    assert 'Conv2DBiasActPool' not in kinds(roots)
    assert_same([x], outputs, [rng.rand(2, 6, 6, 2) - 0.5])


@pytest.mark.parametrize('bias_first', [False, True])
def test_bias_on_either_side_and_conv_without_bias(bias_first):
    rng = np.random.RandomState(6)
    x = ir.placeholder((None, 5, 5, 2), 'float64')
    w = ir.Variable(rng.normal(size=(3, 3, 2, 3)))
    b = ir.Variable(rng.normal(size=3))
    conv = B.conv2d(x, w, padding='valid')
    biased = b + conv if bias_first else conv + b
    outputs = [biased, B.relu(B.conv2d(x, w, strides=(2, 2), padding='same'))]
    roots, _ = optimize(outputs)
    fused = sorted(n.op.act for n in ir.toposort(roots)
                   if type(n.op).__name__ == 'Conv2DBiasAct')
    assert fused == ['linear', 'relu']
    assert_same([x], outputs, [rng.rand(2, 5, 5, 2) - 0.5])


def test_convolution_computes_only_what_a_valid_pooling_reads():
    """7x7 pooled 2x2 to 3x3 reads 6x6: the forward op and both gradients use a region."""
    rng = np.random.RandomState(7)
    x = ir.placeholder((None, 7, 7, 2), 'float64')
    h, params = conv_block(x, rng, 2, 3)
    loss = B.reduce_sum(B.square(h))
    grads = autodiff.gradients(loss, params + [x])
    roots, log = optimize([loss] + grads)
    regions = {type(n.op).__name__: n.op.region for n in ir.toposort(roots)
               if getattr(n.op, 'region', None) is not None}
    assert regions == {'Conv2DBiasAct': (6, 6), 'Conv2DGradInputRegion': (6, 6),
                       'Conv2DGradFilterRegion': (6, 6)}
    assert_same([x], [loss] + grads, [rng.rand(2, 7, 7, 2) - 0.5])


def test_no_region_when_another_reader_needs_the_whole_map():
    rng = np.random.RandomState(8)
    x = ir.placeholder((None, 7, 7, 2), 'float64')
    h, _ = conv_block(x, rng, 2, 3, pool=False)
    outputs = [B.maxpool2d(h, (2, 2), (2, 2), 'valid'), B.reduce_sum(h)]
    roots, _ = optimize(outputs)
    assert all(getattr(n.op, 'region', None) is None for n in ir.toposort(roots))
    assert_same([x], outputs, [rng.rand(2, 7, 7, 2) - 0.5])
