"""The MLP's SGD weight updates become Gemm steps (the epilogue's fuse_gemm) paired with
the parameter update (GemmUpdate, pair_gemm_update), its relu gradients MatMulReluGrad
steps, and five training steps give the weights and velocities they give with every
rewrite pass off."""
import functools

import numpy as np
import pytest

from compiler.function import function as compile_function
from symkeras import backend as K
from symkeras.backend import functions
from symkeras.layers import Dense
from symkeras.models import Sequential
from symkeras.optimizers import SGD


def train(dtype, optimizer_args, optimize_graph, monkeypatch, steps=5):
    """(weights after `steps` SGD steps of a 784-512-512-10 MLP, {rule: log entries} of
    the epilogue rules that fired)."""
    old = K.floatx()
    K.set_floatx(dtype)
    compile_plain = functools.partial(compile_function, optimize_graph=False,
                                      plan_buffers=False)
    monkeypatch.setattr(functions, 'compile_function',
                        compile_function if optimize_graph else compile_plain)
    try:
        rng = np.random.RandomState(0)
        model = Sequential([Dense(512, activation='relu', input_dim=784),
                            Dense(512, activation='relu'), Dense(10, activation='softmax')])
        model.set_weights([rng.normal(0, 0.05, w.shape) for w in model.get_weights()])
        model.compile(SGD(**optimizer_args), 'categorical_crossentropy')
        x = rng.rand(32, 784).astype(dtype)
        y = np.eye(10, dtype=dtype)[rng.randint(0, 10, 32)]
        for _ in range(steps):
            model.train_on_batch(x, y)
        fired = {}
        for pass_name, rule, what in model.train_function.graph.rewrite_log:
            if pass_name == 'epilogue':
                fired.setdefault(rule, []).append(what)
        return model.get_weights() + model.optimizer.get_weights()[1:], fired
    finally:
        K.set_floatx(old)


@pytest.mark.parametrize('optimizer_args', [
    {'learning_rate': 0.1}, {'learning_rate': 0.05, 'momentum': 0.9},
    {'learning_rate': 0.05, 'momentum': 0.9, 'decay': 0.01}], ids=['plain', 'momentum',
                                                                  'decay'])
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_sgd_updates_fuse_into_gemm_and_match_passes_off(dtype, optimizer_args,
                                                         monkeypatch):
    fused, fired = train(dtype, optimizer_args, True, monkeypatch)
    plain, _ = train(dtype, optimizer_args, False, monkeypatch)
    # The three kernels' updates (784x512, 512x512, 512x10), not the biases'.
    gemms = fired['fuse_gemm']
    assert len(gemms) == 3 and all('transpose_a=True' in what for what in gemms)
    assert len(fired['pair_gemm_update']) == 3            # p + v with the same GEMMs
    assert len(fired['fuse_matmul_relu_grad']) == 2       # the two hidden relus
    tol = 2e-6 if dtype == 'float32' else 1e-12
    assert len(fused) == len(plain) == 12                 # 6 weights, 6 velocities
    for got, want in zip(fused, plain):
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_nesterov_updates_match_passes_off(monkeypatch):
    """lr * g is read twice under Nesterov momentum: no Gemm, the same numbers."""
    args = {'learning_rate': 0.05, 'momentum': 0.9, 'nesterov': True}
    fused, fired = train('float64', args, True, monkeypatch, steps=3)
    plain, _ = train('float64', args, False, monkeypatch, steps=3)
    assert 'fuse_gemm' not in fired
    for got, want in zip(fused, plain):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
