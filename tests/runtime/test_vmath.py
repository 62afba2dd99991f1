"""runtime/kernels/vmath.py: float32 exp, tanh and sigmoid within one unit in the last
place of the float64 result, IEEE special values as numpy gives them, and float64
arguments left to the C library."""
import math

import numba
import numpy as np
import pytest

from runtime.kernels import vmath as vm

NEEDS_JIT = pytest.mark.skipif(numba.config.DISABLE_JIT, reason='compiled paths only')
RNG = np.random.default_rng(7)
FUNCTIONS = {'exp': (vm.exp, np.exp), 'tanh': (vm.tanh, np.tanh),
             'sigmoid': (vm.sigmoid, lambda x: 1.0 / (1.0 + np.exp(-x)))}
SPECIAL = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 88.72, 88.73, -87.33, -103.9,
                    -104.0, -150.0, 1e-30, -1e-30, 1e-45, 0.05, 0.0999, 0.1, 0.1001, 9.0,
                    20.0, -20.0], np.float32)


def _compiled(function):
    @numba.njit(error_model='numpy')
    def loop(x, out):
        for i in range(x.size):
            out[i] = function(x[i])
    return loop


def _values():
    return np.concatenate([RNG.uniform(-110, 110, 50000), RNG.uniform(-2, 2, 50000),
                           RNG.uniform(-1e-3, 1e-3, 5000), SPECIAL]).astype(np.float32)


@NEEDS_JIT
@pytest.mark.parametrize('name', sorted(FUNCTIONS))
def test_float32_within_one_unit_in_the_last_place(name):
    ours, reference = FUNCTIONS[name]
    x = _values()
    got = np.empty_like(x)
    _compiled(ours)(x, got)
    with np.errstate(all='ignore'):
        exact = reference(x.astype(np.float64))
        expected = exact.astype(np.float32)
    finite = np.isfinite(expected)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    np.testing.assert_array_equal(got[~finite & ~np.isnan(expected)],
                                  expected[~finite & ~np.isnan(expected)])
    unit = np.spacing(np.abs(expected[finite])).astype(np.float64)
    error = np.abs(got[finite].astype(np.float64) - exact[finite]) / unit
    assert error.max() <= 1.0, (name, x[finite][np.argmax(error)], error.max())
    assert np.array_equal(np.signbit(got[x == 0]), np.signbit(expected[x == 0])) or \
        name == 'sigmoid'


@NEEDS_JIT
@pytest.mark.parametrize('name, libm', [('exp', math.exp), ('tanh', math.tanh)])
def test_float64_arguments_use_the_c_library(name, libm):
    x = RNG.uniform(-30, 30, 1000)
    got = np.empty_like(x)
    _compiled(FUNCTIONS[name][0])(x, got)
    np.testing.assert_array_equal(got, [libm(v) for v in x])


@NEEDS_JIT
def test_float64_sigmoid_is_stable_on_both_sides():
    x = np.array([-800.0, -40.0, 0.0, 40.0, 800.0])
    got = np.empty_like(x)
    _compiled(vm.sigmoid)(x, got)
    np.testing.assert_allclose(got, [0.0, 4.248354255291589e-18, 0.5, 1.0, 1.0], rtol=1e-15)


def test_python_fallbacks_are_numpy_s():
    x = np.float32(0.5)
    assert vm.exp(x) == np.exp(x) and vm.tanh(x) == np.tanh(x)
    assert vm.sigmoid(np.float64(-800.0)) == 0.0


def test_summing_kernels_call_the_c_library():
    """A fused sum does not vectorize, where the polynomial is slower than expf."""
    from runtime.kernels.fused_reduce import reduce_source
    source = reduce_source('vm.exp(x0) + vm.sigmoid(x0) * vm.tanh(x0)', 1, 2, (1,))
    assert 'vm.exp_scalar(' in source and 'vm.sigmoid_scalar(' in source
    assert 'vm.tanh(' in source


@NEEDS_JIT
def test_scalar_variants_match_the_c_library():
    x = RNG.uniform(-30, 30, 500).astype(np.float32)
    got = np.empty_like(x)
    _compiled(vm.exp_scalar)(x, got)
    np.testing.assert_array_equal(got, [np.float32(math.exp(v)) for v in x])
    _compiled(vm.sigmoid_scalar)(x, got)
    np.testing.assert_allclose(got, 1 / (1 + np.exp(-x.astype(np.float64))), rtol=1e-6)
