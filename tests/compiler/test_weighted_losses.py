"""fuse_weighted_losses (compiler/rewrite/losses.py): Keras's weighted softmax cross-entropy
and its logits' gradient, two ops each, become one op each; a model trains to the same
bits with and without the rule."""
import numpy as np

import compiler.rewrite.epilogue as epilogue
from compiler import ir
from compiler.ops.crossentropy import SoftmaxCrossEntropy, SoftmaxCrossEntropyGrad
from compiler.ops.weighted import ScaleByNonzeroCount, WeightedMean
from compiler.rewrite import optimize


def ops_of(roots):
    return sorted(type(n.op).__name__ for n in ir.toposort(list(roots)) if n.op is not None)


def operands():
    z = ir.placeholder((None, 4), 'float32', name='z')
    y = ir.placeholder((None, 4), 'float32', name='y')
    w = ir.placeholder((None,), 'float32', name='w')
    return z, y, w


def test_both_pairs_become_one_op_each():
    z, y, w = operands()
    g = ir.Variable(np.array(1.0, 'float32'), name='g')
    loss = WeightedMean()(SoftmaxCrossEntropy()(z, y), w)
    grad = SoftmaxCrossEntropyGrad()(z, y, ScaleByNonzeroCount()(w, w, g))
    roots, log = optimize([loss, grad])
    assert ops_of(roots) == ['WeightedSoftmaxCrossEntropy', 'WeightedSoftmaxCrossEntropyGrad']
    assert [rule for _, rule, _ in log].count('fuse_weighted_loss') == 2


def test_an_inner_value_read_elsewhere_stays_apart():
    z, y, w = operands()
    scores = SoftmaxCrossEntropy()(z, y)
    roots, log = optimize([WeightedMean()(scores, w), scores])
    assert 'WeightedSoftmaxCrossEntropy' not in ops_of(roots)
    assert 'fuse_weighted_loss' not in [rule for _, rule, _ in log]


def train(monkeypatch, fused):
    """Weights and losses of a small softmax classifier after 3 SGD steps, with sample
    weights, the rule on or off."""
    from symkeras.layers import Dense
    from symkeras.models import Sequential
    from symkeras.optimizers import SGD
    if not fused:
        monkeypatch.setattr(epilogue, 'fuse_weighted_losses', lambda roots, log: list(roots))
    rng = np.random.RandomState(0)
    model = Sequential([Dense(5, activation='relu', input_dim=6, kernel_initializer='ones'),
                        Dense(3, activation='softmax', kernel_initializer='ones')])
    model.compile(SGD(lr=0.1, momentum=0.9), 'categorical_crossentropy')
    x = rng.rand(8, 6).astype('float32')
    y = np.eye(3, dtype='float32')[rng.randint(0, 3, 8)]
    weights = rng.rand(8).astype('float32')
    weights[2] = 0
    losses = [model.train_on_batch(x, y, sample_weight=weights) for _ in range(3)]
    kernels = [s.kernel for s in model.train_function.plan.steps]
    monkeypatch.undo()
    return losses, model.get_weights(), kernels


def test_a_model_trains_to_the_same_bits_with_and_without_the_rule(monkeypatch):
    losses, weights, kernels = train(monkeypatch, fused=True)
    plain_losses, plain_weights, plain_kernels = train(monkeypatch, fused=False)
    assert 'weighted_softmax_crossentropy' in kernels
    assert 'weighted_softmax_crossentropy' not in plain_kernels
    assert len(kernels) == len(plain_kernels) - 2
    assert losses == plain_losses
    for mine, theirs in zip(weights, plain_weights):
        np.testing.assert_array_equal(mine, theirs)
