"""Memory planning: dead values are freed, elementwise steps reuse dying buffers, and
never a user's input, a variable, or a value still to be read."""
import tracemalloc

import numpy as np

from compiler import builders as B, ir
from compiler.function import function


def chain():
    x = ir.placeholder((None, 256), 'float64', name='x')
    w = ir.Variable(np.eye(256))
    h = x
    for _ in range(6):
        h = B.tanh(B.dot(h, w)) * 0.5
    return x, w, h


def peak_bytes(f, value):
    f([value])                      # compile kernels outside the measurement
    tracemalloc.start()
    f([value])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_planner_lowers_peak_memory_and_keeps_results():
    x, _, h = chain()
    value = np.random.RandomState(0).rand(512, 256)
    planned = function([x], [h])
    unplanned = function([x], [h], plan_buffers=False)
    np.testing.assert_array_equal(planned([value])[0], unplanned([value])[0])
    assert peak_bytes(planned, value) < 0.6 * peak_bytes(unplanned, value)
    assert any(step.inplace >= 0 for step in planned.plan.steps)


def test_inputs_variables_and_live_values_are_never_overwritten():
    x, w, h = chain()
    before = w.get_value()
    value = np.random.RandomState(1).rand(8, 256)
    kept = value.copy()
    shared = B.exp(x)
    f = function([x], [shared * 2.0 + 1.0, B.sqrt(shared), h])
    out = f([value])
    np.testing.assert_array_equal(value, kept)
    np.testing.assert_array_equal(w.get_value(), before)
    np.testing.assert_allclose(out[1], np.sqrt(np.exp(kept)))
    np.testing.assert_allclose(out[0], np.exp(kept) * 2 + 1)
