"""Compile time of the seed CNN training function: cold (empty caches) and warm.

    python benchmarks/compile_time.py [--systems symkeras,jax] [--out FILE]
    python benchmarks/compile_time.py --phases [--top N]

The rows of `run.py` restricted to compiling: a cold run in a new process with empty
symkeras/Numba (and JAX) caches, then a warm run in another new process with them filled.

`--phases` instead prints where the symkeras compile goes, cold then warm (same caches,
same definition: `model.compile` + the first `train_on_batch`, less one steady step):
the graph phase (graph building, autodiff, rewrites, scheduling, binding kernels), the
first run of the plan, and within it Numba's compiles (exclusive seconds per function and
signature, slowest first) and disk-cache loads.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import run  # noqa: E402

PHASE_PREFIX = 'PHASES '


class _Recorder:
    """Numba compile events (exclusive seconds: nested compiles are subtracted)."""

    def __init__(self):
        self.stack, self.compiles = [], []

    def on_start(self, event):
        self.stack.append([time.perf_counter(), 0.0])

    def on_end(self, event):
        started, nested = self.stack.pop()
        spent = time.perf_counter() - started
        if self.stack:
            self.stack[-1][1] += spent
        data = event.data or {}
        function = getattr(data.get('dispatcher'), 'py_func', None)
        name = (f"{function.__module__}.{function.__qualname__}" if function is not None
                else str(data.get('dispatcher')))
        self.compiles.append((spent - nested, name, str(data.get('args'))))


def _instrument(times, loads):
    """Time the first plan run and every Numba cache load; returns the compile recorder."""
    from numba.core import caching, event
    import runtime.executor as executor
    recorder = _Recorder()
    listener = type('Listener', (event.Listener,), {'on_start': recorder.on_start,
                                                    'on_end': recorder.on_end})()
    event.register('numba:compile', listener)
    load, execute = caching.Cache.load_overload, executor.Executor.run

    def timed_load(self, *args):
        started = time.perf_counter()
        found = load(self, *args)
        loads.append(time.perf_counter() - started)
        return found

    def timed_run(self, values):
        started = time.perf_counter()
        try:
            return execute(self, values)
        finally:
            times.setdefault('first plan run', time.perf_counter() - started)
    caching.Cache.load_overload, executor.Executor.run = timed_load, timed_run
    return recorder


def phase_worker():
    """Compile once in this process and print the phases as one JSON line."""
    import common
    common.setup_threads()
    import worker_symkeras as worker
    times, loads = {}, []
    recorder = _instrument(times, loads)
    model = worker.cnn_model()
    x, y = common.make_data('cnn_train')
    started = time.perf_counter()
    worker.compile_model(model)
    model.train_on_batch(x, y)
    first_call = time.perf_counter() - started
    steady = statistics.median(common.time_steps(lambda: model.train_on_batch(x, y), 3, 0))
    result = dict(compile=first_call - steady, steady=steady, loads=loads,
                  compiles=sorted(recorder.compiles, reverse=True), **times)
    print(PHASE_PREFIX + json.dumps(result), flush=True)


def _phases_in(env):
    done = subprocess.run([sys.executable, os.path.abspath(__file__), '--phase-worker'],
                          env=env, cwd=run.ROOT, capture_output=True, text=True,
                          timeout=1800)
    for line in done.stdout.splitlines():
        if line.startswith(PHASE_PREFIX):
            return json.loads(line[len(PHASE_PREFIX):])
    raise RuntimeError(f"phase worker failed: {done.stderr.strip()[-2000:]}")


def _describe(label, result, top):
    first_run = result.get('first plan run', 0.0)
    compiles = result['compiles']
    lines = [f"{label}: compile {result['compile']:.2f} s (steady step "
             f"{1e3 * result['steady']:.1f} ms)",
             f"  graph phase (build, autodiff, rewrites, schedule, bind) "
             f"{result['compile'] - first_run + result['steady']:.2f} s",
             f"  first plan run {first_run:.2f} s (one steady step included): "
             f"{len(compiles)} Numba compiles "
             f"{sum(c[0] for c in compiles):.2f} s, {len(result['loads'])} cache loads "
             f"{sum(result['loads']):.2f} s"]
    lines += [f"    {spent:6.3f} s  {name}  {args[:110]}" for spent, name, args in
              compiles[:top]]
    return '\n'.join(lines)


def phases(top):
    """Print the phases of a cold then a warm compile (fresh caches, removed after)."""
    cache = tempfile.mkdtemp(prefix='symkeras-phases-')
    env = run.worker_env({'SYMKERAS_CACHE_DIR': os.path.join(cache, 'symkeras'),
                          'NUMBA_CACHE_DIR': os.path.join(cache, 'numba')})
    try:
        for label in ('cold', 'warm'):
            print(_describe(label, _phases_in(env), top))
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def main(arguments):
    if '--phase-worker' in arguments:
        return phase_worker()
    if '--phases' in arguments:
        top = int(arguments[arguments.index('--top') + 1]) if '--top' in arguments else 25
        return phases(top)
    if '--systems' not in arguments:
        arguments += ['--systems', 'symkeras']
    if '--out' not in arguments:
        arguments += ['--out', os.path.join(HERE, 'COMPILE_TIME.md')]
    run.main(['--rows', 'compile_cold,compile_warm', '--rounds', '1', '--no-profile']
             + arguments)


if __name__ == '__main__':
    main(sys.argv[1:])
