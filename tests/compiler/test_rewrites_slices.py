"""join_slice_gradients: the gradients of slices that tile an axis become one Concat."""
import numpy as np
import pytest

from compiler import builders as B, ir
from compiler.autodiff import gradients
from compiler.function import function

from test_rewrites import ops_after

RNG = np.random.RandomState(4)


def _gradient_of_slices(bounds, axis_size=8):
    """(x, d/dx of a cost reading x[:, a:b] for each (a, b) in bounds)."""
    x = ir.placeholder((None, axis_size), 'float64', name='x')
    cost = 0.0
    for k, (start, stop) in enumerate(bounds):
        piece = B.slice_axis(x, 1, start, stop)
        cost = cost + B.reduce_sum(B.tanh(piece) * float(k + 1))
    return x, gradients(cost, [x])[0]


def _check_values(x, grad, rows=3):
    value = RNG.randn(rows, x.shape[1])
    got = function([x], [grad])([value])[0]
    plain = function([x], [grad], optimize_graph=False)([value])[0]
    np.testing.assert_allclose(got, plain, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize('bounds', [[(0, 2), (2, 4), (4, 6), (6, 8)], [(4, 8), (0, 4)],
                                    [(0, 1), (1, 8)]])
def test_tiling_slices_give_one_concat(bounds):
    x, grad = _gradient_of_slices(bounds)
    names, _, log = ops_after([grad], ('canonicalize',))
    assert 'SliceGrad' not in names and 'Concat' in names
    assert any(rule == 'join_slice_gradients' for _, rule, _ in log)
    _check_values(x, grad)


@pytest.mark.parametrize('bounds', [[(0, 2), (4, 8)], [(0, 5), (3, 8)], [(0, 8)]],
                         ids=['gap', 'overlap', 'one-slice'])
def test_other_slices_keep_their_gradients(bounds):
    x, grad = _gradient_of_slices(bounds)
    names, _, log = ops_after([grad], ('canonicalize',))
    assert not any(rule == 'join_slice_gradients' for _, rule, _ in log)
    _check_values(x, grad)


def test_single_entries_along_an_axis_join_too():
    """x[:, 0], x[:, 1], x[:, 2]: drop_axis slices, expanded back before the Concat."""
    x = ir.placeholder((None, 3, 2), 'float64', name='x')
    cost = sum(B.reduce_sum(B.exp(x[:, t]) * float(t + 1)) for t in range(3))
    grad = gradients(cost, [x])[0]
    names, _, _ = ops_after([grad], ('canonicalize',))
    assert 'SliceGrad' not in names
    value = RNG.randn(2, 3, 2)
    got = function([x], [grad])([value])[0]
    np.testing.assert_allclose(got, np.exp(value) * np.array([1.0, 2.0, 3.0])[:, None],
                               rtol=1e-12)


def test_sum_of_products_becomes_one_product_over_joined_operands():
    """sum_t h_t^T d_t (a recurrent weight's gradient) -> concat(h)^T concat(d)."""
    hs = [ir.placeholder((None, 3), 'float64', name=f'h{t}') for t in range(4)]
    ds = [ir.placeholder((None, 5), 'float64', name=f'd{t}') for t in range(4)]
    bias = ir.placeholder((3, 5), 'float64', name='bias')
    total = bias
    for h, d in zip(hs, ds):
        total = total + B.matmul(h, d, transpose_a=True)
    names, _, log = ops_after([total], ('canonicalize',))
    assert names.count('MatMul') == 1 and 'Concat' in names
    assert any(rule == 'join_product_sums' for _, rule, _ in log)
    values = [RNG.randn(2, 3) for _ in hs] + [RNG.randn(2, 5) for _ in ds] + [RNG.randn(3, 5)]
    got = function(hs + ds + [bias], [total])(values)[0]
    expected = values[-1] + sum(h.T @ d for h, d in zip(values[:4], values[4:8]))
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_products_with_other_flags_or_over_static_axes_stay_apart():
    """Other flags; and x @ w1 + y @ w2 (contracting static axes: joining would copy the
    weights at every call)."""
    a, b = (ir.placeholder((None, 4), 'float64', name=n) for n in 'ab')
    c = ir.placeholder((4, None), 'float64', name='c')
    total = B.matmul(a, b, transpose_a=True) + B.matmul(c, b)
    w1, w2 = (ir.placeholder((4, 3), 'float64', name=n) for n in ('w1', 'w2'))
    layer = B.matmul(a, w1) + B.matmul(b, w2)
    for graph in (total, layer):
        names, _, _ = ops_after([graph], ('canonicalize',))
        assert names.count('MatMul') == 2


def test_an_unrolled_sequence_is_cut_once_and_its_gradient_joined_once():
    """unstack_static cuts each step straight from the sequence (no tree of slices of
    slices); the steps' gradients become a single Concat of the sequence's shape."""
    from compiler.loops import unstack_static
    x = ir.placeholder((None, 8, 3), 'float64', name='x')
    steps = unstack_static(x, 1)
    assert [s.shape for s in steps] == [(None, 3)] * 8
    assert all(s.inputs[0] is x for s in steps)
    state = 0.0
    for step in steps:
        state = B.tanh(step + state * 0.5)
    grad = gradients(B.reduce_sum(state), [x])[0]
    names, roots, _ = ops_after([grad], ('canonicalize',))
    assert 'SliceGrad' not in names
    concats = [n for n in ir.toposort(list(roots)) if type(n.op).__name__ == 'Concat']
    assert [len(n.inputs) for n in concats] == [8]
    value = RNG.randn(2, 8, 3)
    got = function([x], [grad])([value])[0]
    plain = function([x], [grad], optimize_graph=False)([value])[0]
    np.testing.assert_allclose(got, plain, rtol=1e-12, atol=1e-15)
