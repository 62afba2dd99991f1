"""How a training step degrades when another process takes part of one CPU.

    python benchmarks/interference.py [--row mlp512_train] [--busy 2] [--idle 5]
                                      [--systems symkeras,jax] [--rounds 2]

This machine's slow phases are mostly one core at a time (20 ms windows of a loop pinned
to each CPU: the slowdowns of the two were uncorrelated). This reproduces that on
demand: a process pinned to the last CPU of the workers' set spins `--busy` ms, then
sleeps `--idle` ms, over and over, while each system's worker times the row (its own
process, the harness's worker scripts); then the same without it. A thread pool whose
job waits for a thread preempted mid-task loses the whole busy period each time.
Prints each system's median and p90 per step, alone and beside the load (medians over
the rounds), and the ratio. Measured here (MLP 784-512-512-10, 2 ms / 5 ms): symkeras
2.97 -> 4.8-5.0 ms, JAX 2.8-3.1 -> 3.9 ms in one pair of runs; 1.45x and 1.40x in
another. Every 2 ms burst that preempts a thread holding a task stalls that job.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import common  # noqa: E402
import run  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--row', default='mlp512_train',
                        choices=[r for r, (kind, _) in common.ROWS.items() if kind == 'step'])
    parser.add_argument('--busy', type=float, default=2.0, help='ms of load per period')
    parser.add_argument('--idle', type=float, default=5.0, help='ms of sleep per period')
    parser.add_argument('--systems', default='symkeras,jax')
    parser.add_argument('--rounds', type=int, default=2)
    parser.add_argument('--steps', type=int, default=300)
    parser.add_argument('--load', action='store_true', help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def load(busy, idle, cpu):
    """The disturbing process's loop (runs until killed)."""
    os.sched_setaffinity(0, {cpu})
    while True:
        start = time.perf_counter()
        while time.perf_counter() - start < busy / 1e3:
            pass
        time.sleep(idle / 1e3)


def worker(system, options):
    """(median, p90) ms per step of one worker run."""
    result = run.run_worker(f'worker_{system}.py', ['--row', options.row, '--steps',
                                                     str(options.steps), '--warmup', '10'],
                            600, run.worker_env())
    if result.get('status') != 'ok':
        return None
    times = sorted(result['times'])
    return 1e3 * times[len(times) // 2], 1e3 * times[int(0.9 * len(times))]


def main(argv=None):
    options = parse_args(argv)
    cpu = sorted(os.sched_getaffinity(0))[:common.THREADS][-1]
    rows = {}
    for _ in range(options.rounds):
        for system in options.systems.split(','):
            for loaded in (False, True):
                process = None
                if loaded:
                    process = subprocess.Popen([sys.executable, os.path.abspath(__file__),
                                                '--load', '--busy', str(options.busy),
                                                '--idle', str(options.idle)],
                                               env=dict(os.environ, LOAD_CPU=str(cpu)))
                    time.sleep(0.3)
                try:
                    measured = worker(system, options)
                finally:
                    if process is not None:
                        process.kill()
                        process.wait()
                if measured is not None:
                    rows.setdefault((system, loaded), []).append(measured)
    print(f'{options.row}: load on CPU {cpu}, {options.busy} ms busy / {options.idle} ms idle')
    for system in options.systems.split(','):
        alone, beside = rows.get((system, False)), rows.get((system, True))
        if not alone or not beside:
            print(f'{system}: not timed')
            continue
        median = lambda cells, k: statistics.median(c[k] for c in cells)  # noqa: E731
        print(f'{system:<9} alone {median(alone, 0):6.3f} ms (p90 {median(alone, 1):6.3f})'
              f'  beside the load {median(beside, 0):6.3f} ms (p90 {median(beside, 1):6.3f})'
              f'  ratio {median(beside, 0) / median(alone, 0):.2f}')
    print(json.dumps({f'{s} {"loaded" if l else "alone"}': v for (s, l), v in rows.items()}))


if __name__ == '__main__':
    if '--load' in sys.argv:
        args = parse_args()
        load(args.busy, args.idle, int(os.environ.get('LOAD_CPU', '0')))
    else:
        main()
