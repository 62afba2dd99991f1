"""One test per rewrite rule: the structure after the pass, and numbers unchanged."""
import numpy as np
import pytest

from compiler import builders as B, ir, autodiff
from compiler.function import function
from compiler.ir import toposort
from compiler.reference import evaluate
from compiler.rewrite import optimize

X = np.random.RandomState(0).uniform(0.5, 1.5, (4, 5))


def ops_after(roots, passes):
    new, log = optimize(roots, passes)
    return [type(n.op).__name__ for n in toposort(new) if n.op is not None], new, log


def same_numbers(x, out, value=X):
    expected = evaluate([out], {x: value})[0]
    got = function([x], [out])([value])[0]
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-12)


def placeholder():
    return ir.placeholder((None, 5), 'float64', name='x')


@pytest.mark.parametrize('build,gone', [
    (lambda x: x * 1.0, 'Mul'), (lambda x: 1.0 * x, 'Mul'), (lambda x: x + 0.0, 'Add'),
    (lambda x: x - 0.0, 'Sub'), (lambda x: x / 1.0, 'Div'), (lambda x: -(-x), 'Neg'),
    (lambda x: B.exp(B.log(x)), 'Exp'), (lambda x: B.log(B.exp(x)), 'Log'),
    (lambda x: B.transpose(B.transpose(x)), 'Transpose'),
])
def test_simplify_rules(build, gone):
    x = placeholder()
    out = build(x)
    names, new, log = ops_after([out], ('canonicalize',))
    assert gone not in names and log
    same_numbers(x, out)


def test_reshape_chain_collapses():
    x = placeholder()
    out = B.reshape(B.reshape(x, (-1, 5, 1)), (-1, 5))
    names, _, _ = ops_after([out], ('canonicalize',))
    assert names.count('Reshape') <= 1
    same_numbers(x, out)


def test_constant_folding_and_merge():
    x = placeholder()
    two = ir.constant(np.float64(1.0)) + ir.constant(np.float64(1.0))
    out = B.exp(x) * two + B.exp(x)
    names, _, log = ops_after([out], ('canonicalize', 'merge'))
    assert names.count('Exp') == 1 and 'Add' in names
    assert any(entry[1] == 'merge_duplicates' for entry in log)
    same_numbers(x, out)


def test_log_softmax_through_keras_clip():
    z = ir.placeholder((None, 3), 'float64')
    y = ir.placeholder((None, 3), 'float64')
    p = B.softmax(z)          # Keras 2.2.4's crossentropy, written out:
    p = B.clip(p / B.reduce_sum(p, 1, keepdims=True), 1e-7, 1 - 1e-7)
    loss = B.neg(B.reduce_sum(y * B.log(p), 1))
    names, new, log = ops_after([loss], ('stabilize',))
    assert 'Softmax' not in names and 'Clip' not in names
    logits = np.array([[1e4, 0.0, -1e4], [3.0, 1.0, 0.2]])
    target = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    value = function([z, y], [loss])([logits, target])[0]
    assert np.all(np.isfinite(value)) and value[0] == pytest.approx(2e4)
    (grad,) = autodiff.gradients(B.reduce_sum(loss), [z])
    g = function([z, y], [grad])([logits, target])[0]
    assert np.all(np.isfinite(g))
    softmax = np.exp(logits - logits.max(1, keepdims=True))
    softmax /= softmax.sum(1, keepdims=True)
    np.testing.assert_allclose(g, softmax - target, atol=1e-12)


def test_log_sigmoid_is_stable():
    x = placeholder()
    out = B.log(B.sigmoid(x))
    names, _, _ = ops_after([out], ('stabilize',))
    assert 'Sigmoid' not in names and 'Softplus' in names
    value = function([x], [out])([np.full((1, 5), -1000.0)])[0]
    assert np.allclose(value, -1000.0)
    (grad,) = autodiff.gradients(B.reduce_sum(out), [x])
    assert np.allclose(function([x], [grad])([np.full((1, 5), -1000.0)])[0], 1.0)


def test_log1p_and_expm1():
    x = placeholder()
    names, _, _ = ops_after([B.log(x + 1.0), B.exp(x) - 1.0], ('stabilize',))
    assert 'Log1p' in names and 'Expm1' in names
    tiny = np.full((1, 5), 1e-12)
    assert function([x], [B.log(x + 1.0)])([tiny])[0][0, 0] == pytest.approx(1e-12)
    assert function([x], [B.exp(x) - 1.0])([tiny])[0][0, 0] == pytest.approx(1e-12)


def test_fusion_makes_one_kernel_of_a_chain():
    x = placeholder()
    out = B.tanh(B.exp(x) * 2.0 + x)
    names, new, log = ops_after([out], ('fuse',))
    assert names == ['FusedElemwise']
    assert new[0].op.fused_ops == ['Exp', 'Mul', 'Add', 'Tanh']
    same_numbers(x, out)


def test_fusion_logs_why_a_shared_value_stays_apart():
    x = placeholder()
    shared = B.exp(x)
    names, _, log = ops_after([shared * 2.0 + shared * 3.0], ('fuse',))
    assert any('2 readers' in entry[1] for entry in log)


# Softmax cross-entropy ------------------------------------------------------------------

LOGITS = np.array([[1e4, 0.0, -1e4], [3.0, 1.0, 0.2], [0.5, -0.5, 2.0]])
TARGET = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.2, 0.3, 0.5]])


def keras_crossentropy(y, p):
    """Keras 2.2.4's categorical cross-entropy graph: renormalise, clip, log, sum."""
    p = B.clip(p / B.reduce_sum(p, 1, keepdims=True), 1e-7, 1 - 1e-7)
    return B.neg(B.reduce_sum(y * B.log(p), 1))


def zy():
    return (ir.placeholder((None, 3), 'float64', name='z'),
            ir.placeholder((None, 3), 'float64', name='y'))


def softmax_rows(z):
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def test_crossentropy_through_keras_clip_becomes_one_op():
    z, y = zy()
    loss = keras_crossentropy(y, B.softmax(z))
    names, _, log = ops_after([loss], ('stabilize',))
    assert names == ['SoftmaxCrossEntropy']
    assert ('stabilize', 'stabilize_softmax_crossentropy', loss.name) in log
    moderate = (LOGITS[1:], TARGET[1:])
    expected = evaluate([loss], dict(zip((z, y), moderate)))[0]
    np.testing.assert_allclose(function([z, y], [loss])(list(moderate))[0], expected,
                               rtol=1e-12)


def test_crossentropy_from_logits_and_targets_first_become_one_op():
    from compiler.ops.crossentropy import log_softmax
    z, y = zy()
    loss = B.neg(B.reduce_sum(log_softmax(z) * y, 1))       # Keras's from_logits=True
    names, _, _ = ops_after([loss], ('stabilize',))
    assert names == ['SoftmaxCrossEntropy']
    expected = evaluate([loss], {z: LOGITS, y: TARGET})[0]
    np.testing.assert_allclose(function([z, y], [loss])([LOGITS, TARGET])[0], expected,
                               rtol=1e-12)


def test_sparse_crossentropy_becomes_one_op():
    from symkeras import backend as K
    z = ir.placeholder((None, 3), 'float32', name='z')
    labels = ir.placeholder((None, 1), 'float32', name='labels')
    loss = K.sparse_categorical_crossentropy(labels, K.softmax(z))
    names, _, _ = ops_after([loss], ('canonicalize', 'stabilize', 'dce'))
    assert 'SoftmaxCrossEntropy' in names and 'Log' not in names
    values = [LOGITS[1:].astype('float32'), np.array([[0.0], [2.0]], 'float32')]
    expected = -np.log(softmax_rows(values[0])[[0, 1], [0, 2]])
    np.testing.assert_allclose(function([z, labels], [loss])(values)[0], expected, rtol=1e-6)


def test_crossentropy_is_stable_and_its_gradient_is_softmax_times_mass_minus_y():
    z, y = zy()
    loss = keras_crossentropy(y, B.softmax(z))
    grad_z, grad_y = autodiff.gradients(B.reduce_sum(loss), [z, y])
    names = {type(n.op).__name__ for n in toposort([grad_z, grad_y]) if n.op is not None}
    assert 'SoftmaxCrossEntropyGrad' in names and 'Clip' not in names
    target = TARGET * 2.0                  # rows summing to 2: the general form
    value, gz, gy = function([z, y], [loss, grad_z, grad_y])([LOGITS, target])
    assert np.isfinite(value).all() and np.isfinite(gz).all() and np.isfinite(gy).all()
    assert value[0] == pytest.approx(4e4)
    p = softmax_rows(LOGITS)
    np.testing.assert_allclose(gz, p * target.sum(1, keepdims=True) - target, atol=1e-12)
    np.testing.assert_allclose(gy[1:], -np.log(p[1:]), rtol=1e-12)


# x * 0 and sums of broadcasts -------------------------------------------------------------

@pytest.mark.parametrize('build', [
    lambda x: B.sigmoid(x) * 0.0, lambda x: 0.0 * B.tanh(x),
    lambda x: B.clip(x, -1, 1) * B.zeros_like(x), lambda x: B.cast(x > 1.0, x.dtype) * 0.0])
def test_mul_zero_of_a_bounded_operand_is_zeros(build):
    x = placeholder()
    out = build(x)
    names, _, log = ops_after([out], ('canonicalize', 'dce'))
    assert names == ['BroadcastLike']      # zeros shaped like x: dce dropped the operand
    assert any(e[1] == 'simplify_mul_zero' for e in log)
    same_numbers(x, out)
    inf = np.full((2, 5), np.inf)
    np.testing.assert_array_equal(function([x], [out])([inf])[0], 0.0)


@pytest.mark.filterwarnings('ignore::RuntimeWarning')
@pytest.mark.parametrize('build', [lambda x: B.exp(x) * 0.0, lambda x: B.softmax(x) * 0.0,
                                   lambda x: x * 0.0])
def test_mul_zero_of_an_unbounded_operand_stays(build):
    x = placeholder()
    out = build(x)
    names, _, _ = ops_after([out], ('canonicalize',))
    assert 'Mul' in names
    inf = np.full((2, 5), np.inf)        # inf * 0 is NaN: zeros would hide it
    assert np.isnan(function([x], [out])([inf])[0]).all()


@pytest.mark.parametrize('make, axes, keepdims', [
    (lambda x: B.broadcast_like(B.reduce_sum(x, 1, keepdims=True), x), (1,), False),
    (lambda x: B.broadcast_like(B.reduce_sum(x, 1, keepdims=True), x), (1,), True),
    (lambda x: B.broadcast_like(B.reduce_sum(x, 0), x), (0,), False),
])
def test_sum_of_broadcast_is_a_product(make, axes, keepdims):
    x = ir.placeholder((4, 5), 'float64', name='x')
    out = B.reduce_sum(make(x), axes, keepdims)
    names, _, log = ops_after([out], ('canonicalize',))
    assert 'BroadcastLike' not in names and names.count('Sum') == 1 and 'Mul' in names
    assert any(e[1] == 'simplify_sum_of_broadcast' for e in log)
    same_numbers(x, out)


def test_sum_of_broadcast_over_an_unknown_extent_stays():
    x = placeholder()
    out = B.reduce_sum(B.broadcast_like(B.reduce_sum(x, 0, keepdims=True), x), 0)
    names, _, _ = ops_after([out], ('canonicalize',))
    assert 'BroadcastLike' in names
    same_numbers(x, out)


def test_sum_of_scaled_broadcast_moves_the_scale_out():
    x = placeholder()
    out = B.reduce_sum(B.exp(x) * B.broadcast_like(ir.constant(np.float64(3.0)), x), 1)
    names, new, log = ops_after([out], ('canonicalize',))
    assert 'BroadcastLike' not in names and new[0].op.__class__.__name__ == 'Mul'
    assert any(e[1] == 'simplify_sum_of_scaled_broadcast' for e in log)
    same_numbers(x, out)
