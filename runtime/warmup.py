"""Compile a plan's kernels in two processes at once when the caches are cold.

The first call of a compiled function compiles its Numba kernels one after another: for
the seed CNN's training function ~45 compiles, 11-15 s on one core, while the second core
idles. Numba compiles under a process-wide lock, so threads cannot share that work; a
second *process* can. When the first call of a big plan hits its first cache miss (a
real Numba compile, not a disk-cache load), `first_call` starts a helper process that
runs the plan's steps from the LAST one backwards on zero-filled arrays of the call's
shapes, which compiles their kernels into the same disk caches (Numba's and the
generated-kernel cache; both write files atomically). Meanwhile this process runs the
call as usual from the first step forwards; when it reaches a step the helper already
compiled, Numba loads it from disk instead of compiling it. The two meet near the middle.
The helper's results are thrown away and it is stopped when the call returns: it can
change what is cached, never what is computed, and if it cannot start or fails, the call
just compiles everything itself, as before.

Both processes claim each compile (`compile_claims`, in a folder made for the call): where
they meet, this process waits for the function the helper is compiling and loads it from
the disk cache instead of compiling it a second time, and the helper skips what this
process compiles and moves on (the seed CNN's training function: cold first calls of
7.3-8.0 s against 8.4-9.5 s, the helper's 1.8 s `filter_gradient_driver` no longer
compiled twice).

The helper only starts for plans of at least MIN_STEPS steps on a machine with two or
more CPUs, and only once the call has been compiling for DELAY_SECONDS: starting it costs
about a second of the other core (importing numpy, Numba and SciPy), which the many small
functions of a test suite would pay for nothing (measured: a cold run of two test files
took 22 s of CPU instead of 16 s with the helper starting at the first compile).
Nor does it start when the other cores were busy over that half second (less than half a
core idle, from /proc/stat on Linux): two compiling processes sharing one core made a cold
compile slower, not faster (19.8 s instead of 14.1 s, measured with another job running).
`SYMKERAS_PARALLEL_COMPILE=0` turns it off.

    python -m runtime.warmup TASK.json     (the helper; TASK written by `first_call`)
"""
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

from .compile_claims import Claimed, claiming

ENV_SWITCH = 'SYMKERAS_PARALLEL_COMPILE'
_HELPER_FLAG = 'SYMKERAS_WARMUP_HELPER'      # set in the helper: it never starts another
MIN_STEPS = 24
DELAY_SECONDS = 0.5
MAX_BYTES = 256 << 20    # the helper's zero arrays per step, at least (see warm)


def enabled(plan, min_steps=None):
    """Whether a first call of `plan` may start a helper process."""
    if os.environ.get(ENV_SWITCH, '1') == '0' or os.environ.get(_HELPER_FLAG):
        return False
    if len(plan.steps) < (MIN_STEPS if min_steps is None else min_steps):
        return False
    if not os.path.basename(sys.executable or '').lower().startswith('python'):
        return False     # embedded interpreters: sys.executable may not run `-m`
    return _cpu_count() >= 2


def concrete_shapes(plan, arrays):
    """[(shape, dtype)] of every slot for a call with input `arrays`: inputs as given; an
    unknown (None) dimension at position k of another slot takes the size that the first
    input with None at position k has there (position 0: the batch), else 1. A wrong
    guess only means the helper warms a kernel for another shape (`warm` caps sizes)."""
    known = {}
    for (_, slot), array in zip(plan.inputs, arrays):
        for k, (d, size) in enumerate(zip(plan.slots[slot][0], np.shape(array))):
            if d is None:
                known.setdefault(k, int(size))
    shapes = [([known.get(k, 1) if d is None else int(d) for k, d in enumerate(shape)],
               dtype) for shape, dtype in plan.slots]
    for (_, slot), array in zip(plan.inputs, arrays):
        shapes[slot] = (list(np.shape(array)), plan.slots[slot][1])
    return shapes


def _cpu_times():
    """(idle, total) CPU time of the machine in clock ticks, or None (no /proc/stat)."""
    try:
        with open('/proc/stat') as handle:
            fields = [int(v) for v in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return fields[3] + fields[4], sum(fields[:8])


def idle_cpus(before, after, cpus):
    """CPUs left idle between two `_cpu_times` samples (None when unknown)."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return cpus * (after[0] - before[0]) / (after[1] - before[1])


def _cpu_count():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class _Helper:
    """Starts the helper process once the call has been compiling for `delay` seconds (and
    the other cores are idle); stops it at exit. Its callbacks run inside Numba's compile:
    they never raise."""

    def __init__(self, plan, arrays, delay, claims=None):
        self.plan, self.arrays, self.delay, self.claims = plan, arrays, delay, claims
        self.process = self.task_path = self.first_compile = self.sample = None
        self.decided = False

    def on_start(self, event):
        if self.decided:
            return
        try:
            self._consider()
        except Exception:       # noqa: BLE001 - never break the user's compile
            self.decided = True

    def _consider(self):
        now = time.perf_counter()
        if self.first_compile is None:
            self.first_compile, self.sample = now, _cpu_times()
        if now - self.first_compile >= self.delay:
            self.decided = True
            idle = idle_cpus(self.sample, _cpu_times(), os.cpu_count() or 1)
            if idle is None or idle >= 0.5:
                self.start()

    def on_end(self, event):
        pass

    def start(self):
        try:
            task = {'plan': self.plan.to_json(), 'claims': self.claims,
                    'shapes': concrete_shapes(self.plan, self.arrays)}
            handle, self.task_path = tempfile.mkstemp(prefix='symkeras-warmup-',
                                                      suffix='.json')
            with os.fdopen(handle, 'w') as out:
                json.dump(task, out)
            root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            env = dict(os.environ)
            env[_HELPER_FLAG] = '1'
            env['PYTHONPATH'] = os.pathsep.join(
                [root] + [p for p in env.get('PYTHONPATH', '').split(os.pathsep) if p])
            self.process = subprocess.Popen(
                [sys.executable, '-m', 'runtime.warmup', self.task_path],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, env=env)
        except (OSError, ValueError, TypeError):
            self.process = None          # no helper: this process compiles everything

    def stop(self):
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
        if self.task_path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.task_path)


@contextlib.contextmanager
def first_call(plan, arrays, min_steps=None, delay=None):
    """Context for the first call of `plan` on `arrays`: starts the helper process at a
    Numba compile `delay` seconds (default DELAY_SECONDS) after the first one inside it
    (when `enabled`), stops it on exit. Yields the helper (None when disabled)."""
    if not enabled(plan, min_steps):
        yield None
        return
    from numba.core import event
    claims = tempfile.mkdtemp(prefix='symkeras-claims-')
    helper = _Helper(plan, arrays, DELAY_SECONDS if delay is None else delay, claims)
    listener = type('_Listener', (event.Listener,), {
        'on_start': lambda self, ev: helper.on_start(ev),
        'on_end': lambda self, ev: helper.on_end(ev)})()
    try:
        with claiming(claims), event.install_listener('numba:compile', listener):
            yield helper
    finally:
        helper.stop()
        shutil.rmtree(claims, ignore_errors=True)


def warm(plan_json, shapes, max_bytes=None):
    """Run every step of the plan, last first, on zero arrays of `shapes` (the helper's
    work). Failures are ignored: each step is only run for what it compiles. A step whose
    arrays would hold more than `max_bytes` (default: MAX_BYTES or 64 times the largest
    input, whichever is larger) is skipped: a wrong guess of a None dimension must not
    allocate gigabytes."""
    from .executor import out_argument
    from .kernels import get_kernel
    from .plan import Step
    if max_bytes is None:
        inputs = [_nbytes(shapes[slot]) for _, slot in plan_json['inputs']]
        max_bytes = max([MAX_BYTES] + [64 * size for size in inputs])
    for step in reversed(plan_json['steps']):
        slots = step['inputs'] + [step['output']]
        if sum(_nbytes(shapes[i]) for i in slots) > max_bytes:
            continue
        try:
            kernel = get_kernel(step['kernel'], step['attrs'])
            args = [np.zeros(shapes[i][0], shapes[i][1]) for i in step['inputs']]
            # The buffers the call passes as out= (kernels given one compile other loops).
            into = Step(**step).out_positions()
            if into:
                kernel(*args, out=out_argument([args[p] for p in into]))
            else:
                kernel(*args)
        except Claimed:         # the main process compiles it: on to the next step
            continue
        except Exception:       # noqa: BLE001 - a step that fails on zeros warms nothing
            continue


def _nbytes(shape_dtype):
    shape, dtype = shape_dtype
    return int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize


def main(argv):
    with open(argv[1]) as handle:
        task = json.load(handle)
    if task.get('claims'):
        with claiming(task['claims'], skip_claimed=True):
            warm(task['plan'], task['shapes'])
    else:
        warm(task['plan'], task['shapes'])


if __name__ == '__main__':
    main(sys.argv)
