"""What every benchmark worker shares: rows, thread setup, data, timing, the result line.

A worker is `python benchmarks/worker_<system>.py --row ROW --steps N --warmup W`; it
prints exactly one line `RESULT {json}` on stdout (anything else it prints is ignored).
Import this module before any numerical library: `setup_threads()` must run first.
"""
import argparse
import ctypes
import json
import os
import statistics
import sys
import time
import traceback

THREADS = 2
SEED = 1234
BATCH = 128
LEARNING_RATE = 0.01
RESULT_PREFIX = 'RESULT '
COMPILE_STEADY_STEPS = 3  # steps after the first call of a compile row (its steady time)

# Every row, in table order: name -> (kind, description). 'step' rows time one call per
# step (milliseconds); 'compile' rows time the compile of the seed CNN training function.
ROWS = {
    'cnn_train': ('step', 'seed CNN training step, batch 128'),
    'cnn_infer128': ('step', 'seed CNN inference, batch 128'),
    'cnn_infer1': ('step', 'seed CNN inference latency, batch 1'),
    'mlp512_train': ('step', 'MLP 784-512-512-10 training step, batch 128'),
    'mlp32_train': ('step', 'MLP 784-32-10 training step, batch 128'),
    'compile_cold': ('compile', 'compile of the seed CNN training function, cold'),
    'compile_warm': ('compile', 'compile of the seed CNN training function, warm'),
}
CNN_FILTERS = (32, 64, 128)
CNN_DENSE = 128
CNN_DROPOUT = 0.5
MLP_UNITS = {'mlp512_train': (512, 512), 'mlp32_train': (32,)}
NUM_CLASSES = 10

# Environment variables fixing the size of every thread pool a worker may start.
THREAD_ENV = ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS',
              'NUMBA_NUM_THREADS', 'VECLIB_MAXIMUM_THREADS', 'NUMEXPR_NUM_THREADS')
# Set on some machines for old OpenBLAS builds; they slow a current numpy, so the harness
# removes both together from the workers' environment (and records that it did).
OPENBLAS_OVERRIDES = ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE')


def thread_env(threads=THREADS):
    """The environment variables that pin every thread pool to `threads` threads."""
    return {name: str(threads) for name in THREAD_ENV}


def setup_threads(threads=THREADS):
    """Pin this process to `threads` threads before any numerical library is imported.

    Sets the pool-size variables (unless the harness already did) and, on a machine with
    more CPUs than `threads`, restricts the process to the first `threads` CPUs, which
    also sizes XLA's pool (XLA has no thread-count flag; it uses the CPUs it may run on).
    """
    for name, value in thread_env(threads).items():
        os.environ.setdefault(name, value)
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) > threads:
        os.sched_setaffinity(0, allowed[:threads])


def parse_worker_args(argv=None):
    """Arguments every worker takes."""
    parser = argparse.ArgumentParser(description='Time one benchmark row of one system.')
    parser.add_argument('--row', required=True, choices=sorted(ROWS))
    parser.add_argument('--steps', type=int, default=30, help='timed steps')
    parser.add_argument('--warmup', type=int, default=5, help='untimed steps first')
    return parser.parse_args(argv)


def make_data(row, rng=None):
    """(x, y) float32 batch for a row: NHWC images or flat vectors, one-hot labels."""
    rng = rng or _rng()
    batch = 1 if row == 'cnn_infer1' else BATCH
    if row.startswith('mlp'):
        x = rng.random((batch, 784), dtype='float32')
    else:
        x = rng.random((batch, 28, 28, 1), dtype='float32')
    labels = rng.integers(0, NUM_CLASSES, size=batch)
    y = _one_hot(labels)
    return x, y


def _rng():
    import numpy as np
    return np.random.default_rng(SEED)


def _one_hot(labels):
    import numpy as np
    y = np.zeros((labels.size, NUM_CLASSES), dtype='float32')
    y[np.arange(labels.size), labels] = 1.0
    return y


def cpu_seconds():
    """(busy CPU seconds of the whole machine, CPU seconds of this process) so far."""
    try:
        with open('/proc/stat') as stat:
            ticks = [int(value) for value in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None, None
    # user nice system idle iowait irq softirq steal: all but idle and iowait are busy
    busy = sum(ticks[:3]) + sum(ticks[5:8])
    own = os.times()
    return busy / os.sysconf('SC_CLK_TCK'), own.user + own.system


def other_cpu(before, after, wall):
    """Average CPUs that other processes kept busy between two `cpu_seconds()` readings,
    or None when unknown or the interval is too short (under 0.2 s) to tell."""
    if before[0] is None or after[0] is None or wall < 0.2:
        return None
    return max((after[0] - before[0]) - (after[1] - before[1]), 0.0) / wall


# Contention seen by the last time_steps() call (reported in the RESULT line).
_last_other_cpu = None


def time_steps(step, steps, warmup):
    """Run `step()` `warmup` times untimed, then `steps` times; per-step seconds.

    Also notes how many CPUs other processes kept busy during the timed steps.
    """
    global _last_other_cpu
    for _ in range(warmup):
        step()
    times = []
    before, started = cpu_seconds(), time.perf_counter()
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    _last_other_cpu = other_cpu(before, cpu_seconds(), time.perf_counter() - started)
    return times


def timed(fn):
    """(result of fn(), seconds it took)."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def step_result(row, times, **extra):
    """Result dict of a 'step' row from per-step seconds."""
    return dict(status='ok', row=row, unit='s', times=times,
                median=statistics.median(times), **extra)


def compile_result(row, first_call, steady_times, **extra):
    """Result dict of a 'compile' row: first call minus one steady step, in seconds.

    The first call of a training function compiles it and then runs one step, so the
    compile time is that call's time less the median of the steps that follow it.
    """
    steady = statistics.median(steady_times)
    seconds = max(first_call - steady, 0.0)
    return dict(status='ok', row=row, unit='s', times=[seconds], median=seconds,
                first_call=first_call, steady_step=steady, **extra)


def emit(system, result, versions):
    """Print the single RESULT line the harness reads."""
    result = dict(result, system=system, versions=versions, blas=blas_cores(),
                  cpus=len(os.sched_getaffinity(0)), other_cpu=_last_other_cpu)
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + '\n')
    sys.stdout.flush()


def emit_status(system, row, status, detail=''):
    """Print a RESULT line for a row that did not run ('not installed', 'n/a', 'error')."""
    emit(system, dict(status=status, row=row, detail=detail), {})


def blas_cores():
    """{library file name: OpenBLAS core type} of the OpenBLAS builds loaded here."""
    cores = {}
    for path in _loaded_libraries('openblas'):
        name = _openblas_corename(path)
        if name:
            cores[os.path.basename(path)] = name
    return cores


def _loaded_libraries(word):
    try:
        with open('/proc/self/maps') as maps:
            paths = {line.split()[-1] for line in maps if '/' in line}
    except OSError:
        return []
    return sorted(p for p in paths if word in os.path.basename(p).lower() and '.so' in p)


def _openblas_corename(path):
    try:
        library = ctypes.CDLL(path)
    except OSError:
        return None
    for symbol in ('openblas_get_corename', 'openblas_get_corename64_',
                   'scipy_openblas_get_corename', 'scipy_openblas_get_corename64_'):
        function = getattr(library, symbol, None)
        if function is not None:
            function.restype = ctypes.c_char_p
            return function().decode()
    return None


def run_worker(system, rows, probe, optional=True, argv=None):
    """Main of a worker: parse arguments, run the row function, print its RESULT line.

    Args:
        system: the system's name in the table.
        rows: {row name: fn(args) -> (result dict, versions dict)}; a row missing here
            is reported 'n/a'.
        probe: fn() importing the system's library; an ImportError from it reports the
            system 'not installed' when `optional`, else 'error'.
        optional: whether the system is an optional extra (a peer).
    """
    args = parse_worker_args(argv)
    try:
        _, import_seconds = timed(probe)
    except ImportError as error:
        emit_status(system, args.row, 'not installed' if optional else 'error', repr(error))
        return
    if args.row not in rows:
        emit_status(system, args.row, 'n/a', 'not applicable to this system')
        return
    try:
        result, versions = rows[args.row](args)
    except Exception as error:  # reported in the table, with the traceback on stderr
        traceback.print_exc()
        emit_status(system, args.row, 'error', repr(error))
        return
    emit(system, dict(result, import_seconds=import_seconds), versions)
