"""The epilogue pass's fuse_gemm: t * z +/- s * matmul(a, b) -> Gemm, and when it must not."""
import numpy as np
import pytest

from compiler import builders as B, ir
from compiler.function import function
from compiler.rewrite import optimize


def gemms(roots):
    return [n for n in ir.toposort(list(roots)) if type(n.op).__name__ == 'Gemm']


def assert_same(inputs, outputs, arrays, tol=1e-12):
    plain = function(inputs, outputs, optimize_graph=False, plan_buffers=False)(arrays)
    fused = function(inputs, outputs)(arrays)
    for a, b in zip(plain, fused):
        np.testing.assert_allclose(b, a, rtol=tol, atol=tol)


def operands(dtype='float64', z_shape=(6, 5), scale_shape=()):
    """x (None, 6), g (None, 5): dot = x.T @ g is (6, 5), as a weight gradient."""
    rng = np.random.RandomState(0)
    x = ir.placeholder((None, 6), 'float64', name='x')
    g = ir.placeholder((None, 5), 'float64', name='g')
    z = ir.Variable(rng.normal(size=z_shape).astype(dtype), name='z')
    s = ir.Variable(np.full(scale_shape, 0.3, dtype), name='s')
    t = ir.Variable(np.full(scale_shape, 0.9, dtype), name='t')
    dot = B.matmul(x, g, transpose_a=True)
    arrays = [rng.normal(size=(4, 6)), rng.normal(size=(4, 5))]
    return [x, g], z, s, t, dot, arrays


PATTERNS = {
    'z + s*dot': (lambda z, s, t, dot: z + s * dot, False, False),
    'z - s*dot': (lambda z, s, t, dot: z - s * dot, True, False),
    't*z + s*dot': (lambda z, s, t, dot: t * z + s * dot, False, False),
    't*z - s*dot': (lambda z, s, t, dot: t * z - s * dot, True, False),
    's*dot + t*z': (lambda z, s, t, dot: s * dot + t * z, False, False),
    's*dot - t*z': (lambda z, s, t, dot: s * dot - t * z, False, True),
    'dot*s + z*t': (lambda z, s, t, dot: dot * s + z * t, False, False),
    'z*t - dot*s': (lambda z, s, t, dot: z * t - dot * s, True, False),
    'z + dot': (lambda z, s, t, dot: z + dot, False, False),
    'dot - z': (lambda z, s, t, dot: dot - z, False, True),
}


@pytest.mark.parametrize('pattern', sorted(PATTERNS))
def test_scaled_sums_with_a_product_become_one_gemm(pattern):
    build, negate_alpha, negate_beta = PATTERNS[pattern]
    inputs, z, s, t, dot, arrays = operands()
    out = build(z, s, t, dot)
    roots, log = optimize([out])
    (fused,) = gemms(roots)
    assert (fused.op.negate_alpha, fused.op.negate_beta) == (negate_alpha, negate_beta)
    assert fused.op.transpose_a and not fused.op.transpose_b
    assert fused.inputs[0] is z and not {'MatMul', 'Mul', 'Add', 'Sub'} & {
        type(n.op).__name__ for n in ir.toposort(roots) if n.op is not None}
    assert [rule for _, rule, _ in log].count('fuse_gemm') == 1
    assert_same(inputs, [out], arrays)


def test_batch_shaped_sum_fuses_and_a_shared_scaled_z_stays_whole():
    """(None, 5) + (None, 5): equal static shapes are the same run-time shape (the
    rewrites' convention). t * z read elsewhere is z itself, scaled by 1."""
    rng = np.random.RandomState(1)
    x = ir.placeholder((None, 4), 'float64')
    y = ir.placeholder((None, 5), 'float64')
    w = ir.Variable(rng.normal(size=(4, 5)))
    t = ir.Variable(np.array(0.5))
    scaled = t * y
    outputs = [scaled - B.dot(x, w), B.exp(scaled)]
    roots, _ = optimize(outputs)
    (fused,) = gemms(roots)
    assert fused.inputs[0].op is not None and fused.inputs[4].kind == 'constant'
    assert_same([x, y], outputs, [rng.normal(size=(3, 4)), rng.normal(size=(3, 5))])


@pytest.mark.parametrize('case', ['z broadcasts', 'z row broadcasts', 'z float32',
                                  'scales float32', 'scale not 0-d', 'product read twice',
                                  'scaled product read twice'])
def test_gemm_does_not_fuse(case):
    dtype = 'float32' if case in ('z float32', 'scales float32') else 'float64'
    z_shape = {'z broadcasts': (5,), 'z row broadcasts': (1, 5)}.get(case, (6, 5))
    inputs, z, s, t, dot, arrays = operands(
        dtype, z_shape, (1, 1) if case == 'scale not 0-d' else ())
    if case == 'scales float32':
        z = B.cast(z, 'float64')
    product = s * dot
    outputs = [t * z - product]
    if case == 'product read twice':
        outputs.append(dot)
    if case == 'scaled product read twice':
        outputs.append(product)
    roots, log = optimize(outputs)
    assert not gemms(roots) and 'fuse_gemm' not in [rule for _, rule, _ in log]
    assert_same(inputs, outputs, arrays, 1e-6 if dtype == 'float32' else 1e-12)


def relu_grad_graph(mask_dtype='float64', y_rows=None, extra_reader=False):
    """g @ w.T * cast(y > 0) with y = relu(x @ v): the gradient reaching a relu."""
    rng = np.random.RandomState(2)
    x = ir.placeholder((None, 4), 'float64', name='x')
    g = ir.placeholder((None, 3), 'float64', name='g')
    v, w = ir.Variable(rng.normal(size=(4, 5))), ir.Variable(rng.normal(size=(5, 3)))
    y = B.relu(B.dot(x, v))
    if y_rows is not None:
        y = B.reduce_sum(y, (0,), keepdims=True)
    product = B.matmul(g, w, transpose_b=True)
    out = product * B.cast(B.greater(y, 0), mask_dtype)
    outputs = [out, y] + ([product] if extra_reader else [])
    return [x, g], outputs, [rng.normal(size=(6, 4)), rng.normal(size=(6, 3))]


def test_product_times_relu_mask_becomes_matmul_relu_grad():
    inputs, outputs, arrays = relu_grad_graph()
    roots, log = optimize(outputs)
    found = [n for n in ir.toposort(roots) if type(n.op).__name__ == 'MatMulReluGrad']
    assert len(found) == 1 and found[0].op.transpose_b and not found[0].op.transpose_a
    assert [rule for _, rule, _ in log].count('fuse_matmul_relu_grad') == 1
    assert_same(inputs, outputs, arrays)


@pytest.mark.parametrize('case', ['mask float32', 'mask broadcasts', 'product read twice'])
def test_matmul_relu_grad_does_not_fuse(case):
    inputs, outputs, arrays = relu_grad_graph(
        'float32' if case == 'mask float32' else 'float64',
        1 if case == 'mask broadcasts' else None, case == 'product read twice')
    roots, log = optimize(outputs)
    assert 'fuse_matmul_relu_grad' not in [rule for _, rule, _ in log]
    assert_same(inputs, outputs, arrays)


def ops_of(roots):
    return [type(n.op).__name__ for n in ir.toposort(list(roots)) if n.op is not None]


@pytest.mark.parametrize('order', ['p + v', 'v + p'])
def test_parameter_plus_a_shared_gemm_becomes_one_gemm_update(order):
    """v = t*z - s*dot is an output of its own (a velocity update) and p + v another: one
    GemmUpdate writes both, read back through Part views."""
    inputs, z, s, t, dot, arrays = operands()
    p = ir.Variable(np.random.RandomState(3).normal(size=(6, 5)), name='p')
    v = t * z - s * dot
    total = p + v if order == 'p + v' else v + p
    roots, log = optimize([v, total])
    assert sorted(ops_of(roots)) == ['GemmUpdate', 'Part', 'Part']
    assert [type(r.op).__name__ for r in roots] == ['Part', 'Part']
    assert [r.op.index for r in roots] == [0, 1]
    assert [rule for _, rule, _ in log].count('pair_gemm_update') == 1
    assert_same(inputs, [v, total], arrays)


def test_gemm_update_needs_a_gemm_read_elsewhere_of_the_sum_shape():
    """p + v alone stays a Gemm (z' = ...) and an add; a broadcast p does not pair."""
    inputs, z, s, t, dot, arrays = operands()
    p = ir.Variable(np.ones((6, 5)), name='p')
    roots, log = optimize([p + (t * z - s * dot)])
    assert 'GemmUpdate' not in ops_of(roots)
    inputs, z, s, t, dot, arrays = operands()
    row = ir.Variable(np.ones((5,)), name='row')
    v = t * z - s * dot
    roots, log = optimize([v, row + v])
    assert 'GemmUpdate' not in ops_of(roots) and 'Gemm' in ops_of(roots)
    assert_same(inputs, [v, row + v], arrays)
