"""Fuzzing the input validation of compiled functions (hypothesis).

Random arrays and Python objects -- any rank, dims from 0 to 2**62, every dtype kind,
C/Fortran order, strided, reversed, read-only and zero-stride broadcast views, 0-d
arrays -- are fed to compiled functions of an MLP and a conv net (predict and test
functions), a graph whose placeholders have no known dims (the kernels' own checks) and
an embedding-style gather. Each call must give the result of the same call on clean
C-contiguous arrays, or raise a clean TypeError / ValueError / KernelError / MemoryError;
it must never crash and never write into the caller's arrays.

The loop runs in a child process with faulthandler on, so a segfault fails the test (with
the child's traceback) instead of killing pytest. Huge dims only ever sit where the shape
cannot match (a fixed dim, or an extra axis): a matching input is copied before the call,
and a copy of 2**40 rows is a machine's memory, not a bug.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAST_EXAMPLES, SLOW_EXAMPLES = 300, 4000

NUMERIC = ['float16', 'float32', 'float64', 'int8', 'int32', 'int64', 'uint8', 'uint64',
           'bool']
DTYPES = NUMERIC * 3 + ['complex64', 'object', '<U3', 'datetime64[s]', 'structured']
LAYOUTS = ['C', 'F', 'strided', 'reversed', 'readonly', 'broadcast']
ODD_OBJECTS = [None, 'abc', b'xy', len, {}, {'x': 1}, set(), 3.5, 7, [], [[1, 2], [3]],
               [None, None], object(), Ellipsis]


def build_functions():
    """(name, compiled function) pairs to fuzz."""
    from symkeras import backend as K
    from symkeras.layers import Conv2D, Dense, Flatten, MaxPooling2D
    from symkeras.models import Sequential
    mlp = Sequential([Dense(8, activation='relu', input_shape=(6,)),
                      Dense(3, activation='softmax')])
    conv = Sequential([Conv2D(3, 3, activation='relu', input_shape=(7, 7, 2)),
                       MaxPooling2D(), Flatten(), Dense(3, activation='softmax')])
    functions = []
    for name, model in (('mlp', mlp), ('conv', conv)):
        model.compile('sgd', 'categorical_crossentropy', metrics=['accuracy'])
        model._make_predict_function()
        model._make_test_function()
        functions += [(name + '_predict', model.predict_function),
                      (name + '_test', model.test_function)]
    x, y = K.placeholder(ndim=2, name='x'), K.placeholder(ndim=2, name='y')
    functions.append(('unknown_dims', K.function(
        [x, y], [K.dot(x, y), K.concatenate([x, x], axis=0), K.sum(x * 2.0) + K.max(y)])))
    table = K.variable(np.arange(12.0).reshape(6, 2))
    index = K.placeholder(shape=(None, 3), dtype='int64', name='index')
    functions.append(('gather', K.function([index], [K.gather(table, index) * 2.0])))
    return functions


def fill(rng, dims, dtype):
    """An array of `dims` and `dtype` with random content (NaN and inf included)."""
    size = int(np.prod(dims))
    if dtype == 'structured':
        return np.zeros(dims, [('a', 'f4'), ('b', 'i2')])
    if dtype in ('object', '<U3', 'datetime64[s]'):
        values = rng.randn(size).round(1)
        return values.astype(dtype).reshape(dims)
    kind = np.dtype(dtype).kind
    if kind in 'fc':
        values = rng.randn(size) * 3
        values[rng.rand(size) < 0.05] = rng.choice([np.nan, np.inf, -np.inf])
        values = values + (1j * values if kind == 'c' else 0)
    else:
        values = rng.randint(-3 if kind == 'i' else 0, 8, size)
    with np.errstate(invalid='ignore', over='ignore'):
        return values.astype(dtype).reshape(dims)


def lay_out(array, layout, rng):
    """`array` in the given memory layout (same values)."""
    if layout == 'F':
        return np.asfortranarray(array)
    if layout == 'strided' and array.ndim:
        axis = rng.randint(array.ndim)
        wide = np.repeat(array, 2, axis=axis)
        return wide[(slice(None),) * axis + (slice(None, None, 2),)]
    if layout == 'reversed' and array.ndim:
        return np.ascontiguousarray(array[::-1])[::-1]
    if layout == 'readonly':
        array = array.copy()
        array.setflags(write=False)
        return array
    if layout == 'broadcast' and array.size:
        return np.broadcast_to(array.reshape(-1)[:1].reshape((1,) * array.ndim), array.shape)
    return array


def draw_dims(draw, st, shape):
    mode = draw(st.sampled_from(['match'] * 6 + ['random', 'huge']))
    if mode == 'random':
        return tuple(draw(st.lists(st.integers(0, 9), max_size=5)))
    dims = [draw(st.integers(0, 9)) if d is None else d for d in shape]
    if mode == 'huge':        # a huge dim where the shape cannot match
        fixed = [i for i, d in enumerate(shape) if d is not None]
        big = 2 ** draw(st.integers(20, 62))
        if fixed:
            dims[draw(st.sampled_from(fixed))] = big
        else:
            dims.append(big)
    return tuple(dims)


def fuzz_value(draw, st, shape):
    """An array (any dtype, dims, layout) for an input of `shape`, or an odd object."""
    if draw(st.integers(0, 19)) == 0:
        return draw(st.sampled_from(ODD_OBJECTS))
    rng = np.random.RandomState(draw(st.integers(0, 2 ** 31)))
    dims = draw_dims(draw, st, shape)
    dtype = draw(st.sampled_from(DTYPES))
    if max(dims, default=0) > 10 ** 5:       # huge: a zero-stride view of one element
        one = fill(rng, (1,) * len(dims), dtype)
        try:
            return np.broadcast_to(one, dims)
        except ValueError:                   # more bytes than numpy can address
            return np.broadcast_to(one, tuple(min(d, 2 ** 40) for d in dims))
    return lay_out(fill(rng, dims, dtype), draw(st.sampled_from(LAYOUTS)), rng)


def clean_copy(value, dtype):
    """What the validation makes of an accepted input: C-contiguous, declared dtype."""
    return np.ascontiguousarray(np.asarray(value), dtype=dtype)


def same_outputs(got, expected):
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def check_one_call(function, values, outcomes, validated_only=False):
    """Call `function`; assert a clean outcome and untouched inputs; tally it.

    With `validated_only` (one input, all dims fixed but the batch) every bad input must
    be caught by the validation, before any kernel runs: no KernelError.
    """
    from runtime.executor import KernelError
    snapshots = [np.array(v, copy=True) if isinstance(v, np.ndarray) and v.size < 10 ** 5
                 else None for v in values]
    try:
        with np.errstate(all='ignore'):
            got = function(values)
    except (TypeError, ValueError, KernelError, MemoryError) as error:
        outcomes[type(error).__name__] = outcomes.get(type(error).__name__, 0) + 1
        assert str(error), 'an error without a message'
        assert not (validated_only and isinstance(error, KernelError)), str(error)
        return
    slots = [function.plan.slots[slot] for _, slot in function.plan.inputs]
    with np.errstate(all='ignore'):
        expected = function([clean_copy(v, dtype) for v, (_, dtype) in zip(values, slots)])
    same_outputs(got, expected)
    for value, snapshot in zip(values, snapshots):
        if snapshot is not None:
            np.testing.assert_array_equal(value, snapshot)
    outcomes['ok'] = outcomes.get('ok', 0) + 1


def run(examples, derandomize):
    from hypothesis import HealthCheck, given, settings, strategies as st
    functions = build_functions()
    outcomes = {}

    @settings(max_examples=examples, deadline=None, database=None, derandomize=derandomize,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def fuzz(data):
        name, function = data.draw(st.sampled_from(functions))
        values = [fuzz_value(data.draw, st, function.plan.slots[slot][0])
                  for _, slot in function.plan.inputs]
        check_one_call(function, values, outcomes, name.endswith('_predict'))
    fuzz()
    print('OUTCOMES', ' '.join(f'{key}={value}' for key, value in sorted(outcomes.items())))
    print('EXAMPLES', sum(outcomes.values()))


def run_child(examples, derandomize):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    result = subprocess.run([sys.executable, '-X', 'faulthandler', os.path.abspath(__file__),
                             str(examples), str(int(derandomize))], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    lines = dict(line.split(' ', 1) for line in result.stdout.splitlines()
                 if line.startswith(('OUTCOMES', 'EXAMPLES')))
    assert int(lines['EXAMPLES']) >= examples
    return lines['OUTCOMES']


def test_fuzzed_inputs_give_a_result_or_a_clean_error_never_a_crash():
    outcomes = run_child(FAST_EXAMPLES, derandomize=True)
    assert 'ok=' in outcomes and 'ValueError=' in outcomes and 'TypeError=' in outcomes


@pytest.mark.slow
def test_fuzzed_inputs_long_run():
    run_child(SLOW_EXAMPLES, derandomize=False)


if __name__ == '__main__':
    run(int(sys.argv[1]), bool(int(sys.argv[2])))
