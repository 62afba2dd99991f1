"""Benchmark symkeras against PyTorch eager and JAX jit: `python benchmarks/run.py`.

Each (round, row, system) runs in its own subprocess (`worker_<system>.py`), systems
interleaved round by round (the order rotates each round), every worker pinned to the same
thread count. Prints the table and writes benchmarks/RESULTS.md (and the raw samples as
RESULTS.json). See benchmarks/README.md.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import common
import machine
import report

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SYSTEMS = ('symkeras', 'torch', 'jax')
STEP_ROWS = [row for row, (kind, _) in common.ROWS.items() if kind == 'step']
PROFILE_CALLS, PROFILE_TOP = 10, 15
QUIET_CPUS, QUIET_SAMPLE = 0.3, 0.5  # 'quiet': others use < 0.3 CPU over a 0.5 s sample
COMPILE_ROWS = [row for row, (kind, _) in common.ROWS.items() if kind == 'compile']


def _names(text, valid, what):
    names = [name.strip() for name in text.split(',') if name.strip()]
    unknown = [name for name in names if name not in valid]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown {what} {', '.join(unknown) or '(none given)'}; valid choices: "
            f"{', '.join(valid)}")
    return names


def parse_args(argv=None):
    """Command-line options of the harness."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rounds', type=int, default=3, help='rounds (default 3)')
    parser.add_argument('--steps', type=int, default=30,
                        help='timed steps per row, system and round (default 30)')
    parser.add_argument('--warmup', type=int, default=5,
                        help='untimed steps before them (default 5)')
    parser.add_argument('--rows', default=','.join(common.ROWS),
                        type=lambda text: _names(text, list(common.ROWS), 'row'),
                        help='comma-separated rows (default all: %(default)s)')
    parser.add_argument('--systems', default=','.join(SYSTEMS),
                        type=lambda text: _names(text, SYSTEMS, 'system'),
                        help='comma-separated systems (default all: %(default)s)')
    parser.add_argument('--compile-rounds', type=int, default=1,
                        help='rounds that also time the compile rows (default 1: a cold '
                             'compile may take minutes)')
    parser.add_argument('--quiet-wait', type=float, default=15.0,
                        help='before each worker, wait up to this many seconds for other '
                             f'processes to use under {QUIET_CPUS} CPU (default 15; 0: never)')
    parser.add_argument('--no-profile', dest='profile', action='store_false',
                        help='skip the per-kernel profile of the symkeras CNN training step '
                             'appended to the report (run when symkeras and cnn_train are)')
    parser.add_argument('--timeout', type=float, default=1800.0,
                        help='seconds before a worker is stopped (default 1800)')
    parser.add_argument('--out', default=os.path.join(HERE, 'RESULTS.md'),
                        help='where to write the report (default benchmarks/RESULTS.md); '
                             'the raw samples go beside it as .json')
    options = parser.parse_args(argv)
    for name in ('rounds', 'steps', 'timeout'):
        if getattr(options, name) <= 0:
            parser.error(f'--{name} must be positive, received {getattr(options, name)}')
    return options


def worker_env(extra=None):
    """The workers' environment: pinned thread pools, no OpenBLAS core override."""
    env = dict(os.environ)
    for name in common.OPENBLAS_OVERRIDES:
        env.pop(name, None)
    env.update(common.thread_env())
    env['PYTHONPATH'] = os.pathsep.join(filter(None, [ROOT, env.get('PYTHONPATH')]))
    env.update(extra or {})
    return env


def wait_for_quiet(max_wait):
    """Sleep in short samples until other processes use under QUIET_CPUS (at most
    `max_wait` seconds); (CPUs they used in the last sample, seconds waited)."""
    started = time.monotonic()
    while True:
        before = common.cpu_seconds()
        time.sleep(QUIET_SAMPLE)
        busy = common.other_cpu(before, common.cpu_seconds(), QUIET_SAMPLE)
        waited = time.monotonic() - started
        if busy is None or busy < QUIET_CPUS or waited >= max_wait:
            return busy, waited


def run_worker(script, args, timeout, env, quiet_wait=0.0):
    """Run one worker; its RESULT dict, or an 'error' dict saying what went wrong."""
    busy, waited = wait_for_quiet(quiet_wait) if quiet_wait > 0 else (None, 0.0)
    result = _run_worker(script, args, timeout, env)
    return dict(result, busy_before=busy, waited=waited)


def _run_worker(script, args, timeout, env):
    command = [sys.executable, os.path.join(HERE, script)] + args
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {'status': 'error', 'detail': f'timed out after {timeout:.0f} s'}
    for line in done.stdout.splitlines():
        if line.startswith(common.RESULT_PREFIX):
            return json.loads(line[len(common.RESULT_PREFIX):])
    lines = done.stderr.strip().splitlines() or ['(no output)']
    return {'status': 'error', 'detail': f'exit code {done.returncode}: {lines[-1]}'}


def step_worker(system, row, options):
    """Result of one step row of one system."""
    args = ['--row', row, '--steps', str(options.steps), '--warmup', str(options.warmup)]
    return run_worker(f'worker_{system}.py', args, options.timeout, worker_env(),
                      options.quiet_wait)


def compile_workers(system, rows, options):
    """{row: result} of the compile rows: cold in fresh caches, then warm reusing them."""
    cache = tempfile.mkdtemp(prefix=f'symkeras-bench-{system}-')
    env = worker_env({'SYMKERAS_CACHE_DIR': os.path.join(cache, 'symkeras'),
                      'NUMBA_CACHE_DIR': os.path.join(cache, 'numba'),
                      'JAX_COMPILATION_CACHE_DIR': os.path.join(cache, 'jax')})
    needed = ['compile_cold', 'compile_warm'] if 'compile_warm' in rows else ['compile_cold']
    results = {}
    try:
        for row in needed:
            args = ['--row', row, '--steps', '0', '--warmup', '0']
            results[row] = run_worker(f'worker_{system}.py', args, options.timeout, env,
                                      options.quiet_wait)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return {row: result for row, result in results.items() if row in rows}


def kernel_profile(options):
    """Text printed by profile_step.py for the CNN training step (or why it failed)."""
    command = [sys.executable, os.path.join(HERE, 'profile_step.py'), '--row', 'cnn_train',
               '--calls', str(PROFILE_CALLS), '--top', str(PROFILE_TOP)]
    try:
        done = subprocess.run(command, cwd=ROOT, env=worker_env(), capture_output=True,
                              text=True, timeout=options.timeout)
    except subprocess.TimeoutExpired:
        return f'profile_step.py timed out after {options.timeout:.0f} s'
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ['(no output)']
        return f'profile_step.py failed (exit code {done.returncode}): {lines[-1]}'
    return done.stdout.rstrip()


def _log(message):
    print(message, file=sys.stderr, flush=True)


def _describe(result):
    if result.get('status') != 'ok':
        return f"{result.get('status')}: {result.get('detail', '')}"[:120]
    if common.ROWS[result['row']][0] == 'compile':
        return f"{result['median']:.2f} s"
    return f"{1e3 * result['median']:.3f} ms"


def run_round(index, options, samples):
    """One round: every row, systems in this round's (rotated) order."""
    shift = index % len(options.systems)
    order = options.systems[shift:] + options.systems[:shift]
    for row in [row for row in options.rows if row in STEP_ROWS]:
        for system in order:
            result = step_worker(system, row, options)
            samples.append(dict(result, round=index, system=system, row=row))
            _log(f'round {index + 1} {row:<13} {system:<9} {_describe(result)}')
    compile_rows = [row for row in options.rows if row in COMPILE_ROWS]
    if compile_rows and index < options.compile_rounds:
        for system in order:
            for row, result in compile_workers(system, compile_rows, options).items():
                samples.append(dict(result, round=index, system=system, row=row))
                _log(f'round {index + 1} {row:<13} {system:<9} {_describe(result)}')


def main(argv=None):
    options = parse_args(argv)
    if options.steps * options.rounds < 30:
        _log(f'note: {options.steps * options.rounds} timed steps per row (< 30): '
             'a smoke run, not a measurement')
    facts = machine.describe(ROOT)
    started = time.perf_counter()
    samples = []
    for index in range(options.rounds):
        run_round(index, options, samples)
    gemm = {'status': 'not run'}
    if 'cnn_train' in options.rows:  # the ceiling the CNN training step is compared with
        gemm = run_worker('machine.py', ['--gemm'], options.timeout, worker_env(),
                          options.quiet_wait)
    if options.profile and 'symkeras' in options.systems and 'cnn_train' in options.rows:
        facts['profile'] = kernel_profile(options)
    arguments = sys.argv[1:] if argv is None else list(argv)
    facts.update(loadavg_end=os.getloadavg(), gemm=gemm,
                 source_digest_end=machine.source_digest(ROOT),
                 minutes=(time.perf_counter() - started) / 60.0,
                 command=' '.join(['python', 'benchmarks/run.py'] + arguments))
    summary = report.summarize(samples, options)
    print(report.main_table(summary, options))
    report.write(options.out, summary, samples, facts, options)
    _log(f'wrote {options.out}')


if __name__ == '__main__':
    main()
