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
