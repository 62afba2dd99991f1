"""The first-call helper process (runtime.warmup): when it starts, what it compiles, that
it never changes results and is always stopped."""
import json
import os
import subprocess
import sys
import time

import numpy as np
import numba
import pytest
from numba.core import event

from runtime import warmup
from runtime.plan import Plan, Step

NEEDS_JIT = pytest.mark.skipif(numba.config.DISABLE_JIT, reason="tests Numba's compilation "
                               "itself: nothing compiles under NUMBA_DISABLE_JIT")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = """
import numpy as np
from compiler import builders as B, ir, autodiff
from compiler.function import function
x = ir.placeholder((None, 4), 'float32')
w = ir.Variable(np.linspace(-1, 1, 12).astype('float32').reshape(4, 3))
loss = B.reduce_sum(B.tanh(B.exp(B.dot(x, w)) * 3.0 + 1.0))
grads = autodiff.gradients(loss, [w])
f = function([x], [loss] + grads, updates=[(w, w - grads[0] * 0.1)])  # (w in place)
inputs = [np.linspace(0, 1, 20).astype('float32').reshape(5, 4)]
"""
WRITE_TASK = BUILD + """
import json, sys
from runtime.warmup import concrete_shapes
json.dump({'plan': f.plan.to_json(), 'shapes': concrete_shapes(f.plan, inputs)},
          open(sys.argv[1], 'w'))
"""
CALL_COUNTING_COMPILES = """
from numba.core import event
compiles = []
listener = type('L', (event.Listener,), {'on_start': lambda self, e: compiles.append(e),
                                         'on_end': lambda self, e: None})()
event.register('numba:compile', listener)
""" + BUILD + """
out = f(inputs)
print('COMPILES', len(compiles))
print('VALUES', repr([np.asarray(o).tolist() for o in out]))
"""


def _plan(steps=3):
    slots = [((None, 4), 'float32'), ((4, 3), 'float32'), ((None, 3), 'float32')]
    return Plan(slots, [('x', 0)], [2],
                [Step('matmul', {}, [0, 1], 2) for _ in range(steps)], variables={1: 'w'})


def test_enabled_needs_a_big_plan_two_cpus_and_the_switch(monkeypatch):
    monkeypatch.delenv(warmup.ENV_SWITCH, raising=False)
    monkeypatch.delenv('SYMKERAS_WARMUP_HELPER', raising=False)
    two_cpus = len(os.sched_getaffinity(0)) >= 2
    assert warmup.enabled(_plan(3), min_steps=3) is two_cpus
    assert not warmup.enabled(_plan(2), min_steps=3)
    assert not warmup.enabled(_plan(warmup.MIN_STEPS - 1))
    monkeypatch.setenv(warmup.ENV_SWITCH, '0')
    assert not warmup.enabled(_plan(3), min_steps=0)
    monkeypatch.setenv(warmup.ENV_SWITCH, '1')
    monkeypatch.setenv('SYMKERAS_WARMUP_HELPER', '1')      # a helper never starts another
    assert not warmup.enabled(_plan(3), min_steps=0)


def test_concrete_shapes_fill_the_batch_from_the_inputs():
    shapes = warmup.concrete_shapes(_plan(), [np.zeros((7, 4), np.float32)])
    assert shapes == [([7, 4], 'float32'), ([4, 3], 'float32'), ([7, 3], 'float32')]


def _compile_event():
    return event.trigger_event('numba:compile', data={'dispatcher': None, 'args': ()})


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason='the helper needs 2 CPUs')
def test_helper_starts_on_the_first_compile_and_is_stopped(monkeypatch):
    monkeypatch.delenv(warmup.ENV_SWITCH, raising=False)
    monkeypatch.setattr(warmup, 'idle_cpus', lambda *args: 1.0)
    plan, arrays = _plan(), [np.ones((5, 4), np.float32)]
    with warmup.first_call(plan, arrays, min_steps=0, delay=0.2) as helper:
        assert helper.process is None            # nothing compiled yet: no helper
        with _compile_event():
            pass
        assert helper.process is None            # compiling for less than `delay`
        time.sleep(0.25)
        with _compile_event():
            pass
        process, task = helper.process, helper.task_path
        assert process is not None and os.path.exists(task)
        with _compile_event():
            pass
        assert helper.process is process         # one helper per first call
    assert process.poll() is not None            # stopped (or finished) and reaped
    assert not os.path.exists(task)


def test_no_helper_when_the_other_cores_are_busy(monkeypatch):
    monkeypatch.delenv(warmup.ENV_SWITCH, raising=False)
    monkeypatch.setattr(warmup, 'idle_cpus', lambda *args: 0.3)
    with warmup.first_call(_plan(), [np.ones((5, 4), np.float32)], min_steps=0,
                           delay=0.0) as helper:
        for _ in range(3):
            with _compile_event():
                pass
        assert helper.process is None and helper.decided


def test_idle_cpus_from_two_samples():
    assert warmup.idle_cpus((100, 1000), (150, 1100), 2) == 1.0
    assert warmup.idle_cpus(None, (150, 1100), 2) is None
    assert warmup.idle_cpus((100, 1000), (100, 1000), 2) is None
    sample = warmup._cpu_times()
    assert sample is None or 0 <= sample[0] <= sample[1]


@pytest.mark.parametrize('failure', ['no temp file', 'broken plan'])
def test_a_helper_that_cannot_start_never_breaks_the_compile(monkeypatch, failure):
    monkeypatch.delenv(warmup.ENV_SWITCH, raising=False)
    monkeypatch.setattr(warmup, 'idle_cpus', lambda *args: 1.0)
    if failure == 'no temp file':
        def refuse(*args, **kwargs):
            raise OSError('disk full')
        monkeypatch.setattr(warmup.tempfile, 'mkstemp', refuse)
    plan = _plan()
    if failure == 'broken plan':
        plan.to_json = None                     # calling it raises TypeError
    with warmup.first_call(plan, [np.ones((5, 4), np.float32)], min_steps=0,
                           delay=0.0) as helper:
        with _compile_event():                  # must not raise
            pass
        assert helper.process is None and helper.decided


def test_no_helper_when_disabled(monkeypatch):
    monkeypatch.setenv(warmup.ENV_SWITCH, '0')
    with warmup.first_call(_plan(), [np.ones((5, 4), np.float32)], min_steps=0) as helper:
        with _compile_event():
            pass
    assert helper is None


@NEEDS_JIT
def test_the_helper_compiles_what_the_first_call_needs(tmp_path):
    """The helper alone fills empty caches; a new process's first call then compiles
    nothing (the variable's update in place included) and computes the same values as one
    that compiled everything itself."""
    env = dict(os.environ, PYTHONPATH=ROOT, SYMKERAS_PARALLEL_COMPILE='0',
               NUMBA_CACHE_DIR=str(tmp_path / 'numba'),
               SYMKERAS_CACHE_DIR=str(tmp_path / 'kernels'))
    run = lambda *args: subprocess.run([sys.executable, *args], env=env, cwd=ROOT,  # noqa
                                       capture_output=True, text=True, timeout=600)
    task = tmp_path / 'task.json'
    done = run('-c', WRITE_TASK, str(task))
    assert done.returncode == 0, done.stderr
    assert json.loads(task.read_text())['shapes'][0] == [[5, 4], 'float32']
    done = run('-m', 'runtime.warmup', str(task))
    assert done.returncode == 0, done.stderr
    assert any(name.endswith('.nbi') for _, _, names in os.walk(tmp_path / 'numba')
               for name in names)
    warmed = run('-c', CALL_COUNTING_COMPILES)
    assert warmed.returncode == 0, warmed.stderr
    assert 'COMPILES 0' in warmed.stdout
    cold_env = dict(env, NUMBA_CACHE_DIR=str(tmp_path / 'numba2'),
                    SYMKERAS_CACHE_DIR=str(tmp_path / 'kernels2'))
    cold = subprocess.run([sys.executable, '-c', CALL_COUNTING_COMPILES], env=cold_env,
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert cold.returncode == 0, cold.stderr
    assert 'COMPILES 0' not in cold.stdout
    values = lambda out: [line for line in out.splitlines() if line.startswith('VALUES')]  # noqa
    assert values(warmed.stdout) == values(cold.stdout)


def test_concrete_shapes_take_other_unknown_sizes_from_the_inputs():
    slots = [((None, None, 8), 'float32'), ((None,), 'int64'), ((None, None, 16), 'float32'),
             ((None, 4, None), 'float32')]
    plan = Plan(slots, [('x', 0), ('lengths', 1)], [2], [])
    shapes = warmup.concrete_shapes(plan, [np.zeros((6, 20, 8), np.float32),
                                           np.zeros(6, np.int64)])
    assert shapes[2] == ([6, 20, 16], 'float32')
    assert shapes[3] == ([6, 4, 1], 'float32')        # no input says: 1


def test_warm_skips_steps_too_big_for_the_guess(monkeypatch):
    ran = []
    monkeypatch.setattr('runtime.kernels.get_kernel',
                        lambda key, attrs: lambda *args: ran.append(key))
    steps = [{'kernel': 'small', 'attrs': {}, 'inputs': [0], 'output': 1},
             {'kernel': 'huge', 'attrs': {}, 'inputs': [0], 'output': 2}]
    shapes = [([4, 4], 'float32'), ([4, 4], 'float32'), ([1 << 20, 1 << 12], 'float32')]
    warmup.warm({'steps': steps, 'inputs': [['x', 0]]}, shapes)
    assert ran == ['small']                          # 16 GiB of zeros never allocated


def test_warm_ignores_steps_that_fail():
    steps = [{'kernel': 'no_such_kernel', 'attrs': {}, 'inputs': [0], 'output': 1},
             {'kernel': 'matmul', 'attrs': {}, 'inputs': [0, 0], 'output': 1}]
    # an unknown kernel, then a product of mismatched shapes: neither raises
    warmup.warm({'steps': steps, 'inputs': [['x', 0]]},
                [([2, 3], 'float32'), ([2, 2], 'float32')])


def test_warm_moves_on_past_a_step_the_main_process_compiles(monkeypatch):
    """The helper skips a step whose kernel the other process has claimed (Claimed, a
    BaseException that the kernels' own fallbacks do not catch) and warms the rest."""
    ran = []

    def kernel(key):
        def run(*args):
            if key == 'claimed':
                raise warmup.Claimed(key)
            ran.append(key)
        return run
    monkeypatch.setattr('runtime.kernels.get_kernel', lambda key, attrs: kernel(key))
    steps = [{'kernel': name, 'attrs': {}, 'inputs': [0], 'output': 1}
             for name in ('first', 'claimed', 'last')]
    warmup.warm({'steps': steps, 'inputs': [['x', 0]]}, [([2], 'float32')] * 2)
    assert ran == ['last', 'first']                    # last step first, none lost


def test_first_call_claims_its_compiles_and_cleans_up(monkeypatch):
    """Inside first_call (helper enabled) compiles are claimed in a folder that is
    removed on exit."""
    from runtime import compile_claims
    monkeypatch.setattr(warmup, 'enabled', lambda plan, min_steps=None: True)
    with warmup.first_call(_plan(), [np.zeros((2, 4), 'float32')], delay=1e9) as helper:
        folder = compile_claims._state['directory']
        assert folder is not None and os.path.isdir(folder) and helper.claims == folder
    assert compile_claims._state['directory'] is None
    assert not os.path.exists(folder)
