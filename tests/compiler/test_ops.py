"""Every primitive: shape rule, kernel vs numpy reference, gradient vs finite differences."""
import numpy as np
import pytest

from compiler import autodiff, ir
from compiler.function import function
from compiler.ops import OPS, Op
from compiler.reference import evaluate
from runtime.kernels import KERNELS

from op_specs import SPECS, COVERED_ELSEWHERE, make_inputs

IDS = [f"{i}-{spec.name}" for i, spec in enumerate(SPECS)]


def placeholders(spec, arrays):
    """Placeholders for the inputs; the first input's leading dim is None (a batch)."""
    result = []
    for position, array in enumerate(arrays):
        shape = list(array.shape)
        first = arrays[0].shape
        if spec.batch_none and shape and (position == 0 or tuple(shape) == first):
            shape[0] = None
        result.append(ir.placeholder(shape, array.dtype.name, name=f"in{position}"))
    return result


def compatible(static, concrete):
    return len(static) == len(concrete) and all(
        s is None or s == c for s, c in zip(static, concrete))


@pytest.mark.parametrize('optimize', [False, True], ids=['raw', 'optimized'])
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('spec', SPECS, ids=IDS)
def test_kernel_matches_reference(spec, dtype, optimize):
    rng = np.random.RandomState(0)
    arrays = make_inputs(spec, dtype, rng)
    inputs = placeholders(spec, arrays)
    out = spec.build(*inputs)
    expected = evaluate([out], dict(zip(inputs, arrays)))[0]
    assert compatible(out.shape, expected.shape), (out.shape, expected.shape)
    assert expected.dtype.name == out.dtype
    got = function(inputs, [out], optimize_graph=optimize)(arrays)[0]
    assert got.shape == expected.shape and got.dtype == expected.dtype
    tol = 1e-5 if dtype == 'float32' else 1e-12
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


def numeric_gradient(cost, arrays, position, eps=1e-6):
    grad = np.zeros_like(arrays[position])
    flat = arrays[position].reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        plus = cost(arrays)
        flat[i] = saved - eps
        minus = cost(arrays)
        flat[i] = saved
        grad.reshape(-1)[i] = (plus - minus) / (2 * eps)
    return grad


@pytest.mark.parametrize('spec', [s for s in SPECS if s.grad], ids=[
    i for i, s in zip(IDS, SPECS) if s.grad])
def test_gradient_matches_finite_differences(spec):
    rng = np.random.RandomState(1)
    arrays = make_inputs(spec, 'float64', rng)
    inputs = placeholders(spec, arrays)
    out = spec.build(*inputs)
    probe_shape = evaluate([out], dict(zip(inputs, arrays)))[0].shape
    weights = ir.constant(rng.uniform(0.5, 1.5, size=probe_shape))
    cost = autodiff.B.reduce_sum(out * weights)
    wrt = [i for i, x in enumerate(inputs) if x.dtype.startswith('float')]
    grads = autodiff.gradients(cost, [inputs[i] for i in wrt])
    compiled = function(inputs, grads)(arrays)

    def reference_cost(values):
        return float(evaluate([cost], dict(zip(inputs, values)))[0])

    for position, got in zip(wrt, compiled):
        expected = numeric_gradient(reference_cost, [a.copy() for a in arrays], position)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6,
                                   err_msg=f"gradient of input {position}")


def test_every_op_has_rules_kernel_and_spec():
    covered = {s.name for s in SPECS} | {c for s in SPECS for c in s.covers}
    covered |= set(COVERED_ELSEWHERE)
    for name, cls in OPS.items():
        assert name in covered, f"op {name} has no row in tests/compiler/op_specs.py"
        assert cls.kernel in KERNELS, f"op {name}: kernel {cls.kernel!r} not registered"
        has_grad = cls.grad is not Op.grad or not cls.differentiable
        assert has_grad, f"op {name} has neither a gradient rule nor a non-differentiable mark"


def test_stop_gradient_blocks_the_gradient():
    x = ir.placeholder((3,), 'float64')
    (grad,) = autodiff.gradients(autodiff.B.reduce_sum(autodiff.B.stop_gradient(x) * x), [x])
    values = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(function([x], [grad])([values])[0], values)


ROWS = np.array([[1.5, -2.0, 3.0],       # no zero
                 [0.0, 2.0, -1.5],       # one zero
                 [0.0, 1.25, 0.0],       # two zeros
                 [0.0, 0.0, 0.0]])       # three zeros


@pytest.mark.parametrize('values,axes', [
    (ROWS, (1,)),
    (ROWS.T.copy(), (0,)),
    (np.array([[0.5, 2.0], [0.0, -3.0]]), None),     # one zero in the only group
    (np.array([[0.0, 2.0], [0.0, -3.0]]), None),     # two zeros in the only group
], ids=['rows', 'columns', 'one-zero', 'two-zeros'])
def test_prod_gradient_at_zeros_matches_finite_differences(values, axes):
    """Theano's Prod gradient: the product of the other entries of the group, also where
    a group holds one zero (the zero gets the product of the non-zeros) or several."""
    x = ir.placeholder(values.shape, 'float64')
    product = autodiff.B.reduce_prod(x, axes)
    weights = ir.constant(np.linspace(0.5, 2.0, int(np.prod(product.shape))).reshape(
        product.shape))
    cost = autodiff.B.reduce_sum(product * weights)
    (grad,) = autodiff.gradients(cost, [x])
    got = function([x], [grad])([values])[0]

    def reference_cost(arrays):
        return float(evaluate([cost], {x: arrays[0]})[0])

    expected = numeric_gradient(reference_cost, [values.copy()], 0)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-9)
