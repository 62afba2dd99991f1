"""The specialize and dce passes: one test per rule (structure after the pass, numbers)."""
import numpy as np
import pytest

from compiler import builders as B, ir
from compiler.function import function
from compiler.reference import evaluate
from compiler.rewrite import PASS_ORDER, optimize

from test_rewrites import X, ops_after, placeholder, same_numbers


@pytest.mark.parametrize('exponent, expected', [
    (2.0, ['Square']), (1.0, []), (0.5, ['Sqrt']), (-1.0, ['Div']), (3.0, ['Pow'])])
def test_pow_with_a_constant_exponent_specializes(exponent, expected):
    x = placeholder()
    out = x ** exponent
    names, _, log = ops_after([out], ('specialize',))
    assert names == expected
    assert bool(log) == (expected != ['Pow'])
    same_numbers(x, out)


def test_pow_with_a_broadcast_constant_exponent_specializes():
    x = placeholder()
    out = B.power(x, B.broadcast_like(ir.constant(np.float64(2.0)), x))
    names, _, _ = ops_after([out], ('specialize',))
    assert names == ['Square']
    same_numbers(x, out)


@pytest.mark.parametrize('divisor', [4.0, 3.0, np.array([1.0, 2.0, 3.0, 0.5, -7.0])])
def test_division_by_a_constant_is_a_product(divisor):
    x = placeholder()
    out = x / divisor
    names, new, log = ops_after([out], ('specialize',))
    assert names == ['Mul'] and log[0][1] == 'specialize_div_constant'
    expected = evaluate([out], {x: X})[0]
    np.testing.assert_allclose(function([x], [out])([X])[0], expected, rtol=2e-16)


@pytest.mark.parametrize('divisor', [0.0, np.inf, np.array([1.0, 0.0, 1.0, 1.0, 1.0])])
def test_division_by_zero_or_infinity_stays(divisor):
    x = placeholder()
    names, _, _ = ops_after([x / divisor], ('specialize',))
    assert names == ['Div']


def test_mean_over_static_axes_is_a_scaled_sum():
    x = placeholder()
    out = B.reduce_mean(x, 1)
    names, _, _ = ops_after([out], ('specialize',))
    assert sorted(names) == ['Mul', 'Sum']
    same_numbers(x, out)


def test_dce_drops_what_only_the_shape_of_a_dropped_branch_needed():
    x = placeholder()
    h = B.tanh(B.exp(x) * 3.0)
    learning_phase = ir.constant(np.bool_(False))
    out = B.where(learning_phase, h * 2.0, B.zeros_like(h))     # inference: zeros
    names, _, log = ops_after([out], ('canonicalize',))
    assert 'Tanh' in names                       # still reachable: zeros_like reads h
    names, _, log = ops_after([out], ('canonicalize', 'dce'))
    assert names == ['BroadcastLike']
    assert ('dce', 'dead_code', 'removed 3 nodes') in log
    same_numbers(x, out)


def test_dce_reads_sizes_from_the_cheapest_tensor():
    x = placeholder()
    out = B.reduce_sum(B.exp(x) + 1.0) / B.size(B.sigmoid(B.exp(x)), (0, 1), 'float64')
    names, _, log = ops_after([out], ('dce',))
    assert 'Sigmoid' not in names and names.count('Exp') == 1
    assert ('dce', 'dead_code', 'removed 2 nodes') in log      # sigmoid and one exp
    same_numbers(x, out)


def test_dce_keeps_what_values_need():
    x = placeholder()
    h = B.tanh(x)
    out = B.ones_like(h) * h
    names, new, log = ops_after([out], ('dce',))
    assert 'Tanh' in names and new[0] is out
    assert log == [('dce', 'dead_code', 'removed 0 nodes')]


def test_dce_stops_where_a_broadcast_could_hide_a_shape():
    x = placeholder()
    w = ir.placeholder((None, 5), 'float64', name='w')
    out = B.zeros_like(B.exp(x) * w)      # x's batch may be 1 where w's is not
    names, _, _ = ops_after([out], ('dce',))
    assert 'Mul' in names and 'Exp' in names


def test_the_passes_run_in_order_and_dce_is_logged():
    assert PASS_ORDER.index('specialize') > PASS_ORDER.index('stabilize')
    assert PASS_ORDER.index('dce') > PASS_ORDER.index('merge')
    x = placeholder()
    _, log = optimize([x * 2.0])
    assert ('dce', 'dead_code', 'removed 0 nodes') in log
