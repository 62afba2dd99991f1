"""Per-kernel profile of one benchmark row's compiled function over N calls.

    python benchmarks/profile_step.py --row cnn_train --calls 30

Builds the row's model as worker_symkeras.py does, compiles its training (or predict)
function through `K.function(..., profile=True)` (the engine's own graph: the profile flag
is added to the one `K.function` call that `train_on_batch` / `predict_on_batch` makes),
runs warm-up calls, then N timed calls, and prints the time per kernel step (the
difference of the function's `.profile()` counters across the N calls), slowest first,
then the same summed by kernel key, and the share of the wall time spent outside kernels.
"""
import argparse
import contextlib
import io
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import common  # noqa: E402  (after the path: run as a script from anywhere)

common.setup_threads()

import worker_symkeras  # noqa: E402

ROW_KINDS = {'cnn_train': 'train', 'mlp512_train': 'train', 'mlp32_train': 'train',
             'cnn_infer128': 'predict', 'cnn_infer1': 'predict'}


def parse_args(argv=None):
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--row', default='cnn_train', choices=sorted(ROW_KINDS))
    parser.add_argument('--calls', type=int, default=30, help='profiled calls (default 30)')
    parser.add_argument('--warmup', type=int, default=3,
                        help='calls before them, not counted (default 3)')
    parser.add_argument('--top', type=int, default=40, help='steps listed (default 40)')
    parser.add_argument('--json', help='also write the rows to this file')
    return parser.parse_args(argv)


@contextlib.contextmanager
def profiled_backend():
    """Within the block, every `K.function(...)` compiles with profile=True."""
    from symkeras import backend as K
    original = K.function

    def function(*args, **kwargs):
        kwargs['profile'] = True
        return original(*args, **kwargs)
    K.function = function
    try:
        yield
    finally:
        K.function = original


def build(row):
    """(call(), compiled function) of a row: the model's own train or predict function."""
    model = worker_symkeras.compile_model(worker_symkeras.model_for(row))
    x, y = common.make_data(row)
    if ROW_KINDS[row] == 'train':
        call = lambda: model.train_on_batch(x, y)  # noqa: E731
    else:
        call = lambda: model.predict_on_batch(x)  # noqa: E731
    with profiled_backend():
        call()  # compiles the function (with profiling) and runs it once
    function = model.train_function if ROW_KINDS[row] == 'train' else model.predict_function
    return call, function


def counters(function):
    """{(kernel, node): [seconds, calls]} summed over the function's steps so far."""
    totals = {}
    for row in function.profile(file=io.StringIO()):
        entry = totals.setdefault((row['kernel'], row['node']), [0.0, 0])
        entry[0] += row['seconds']
        entry[1] += row['calls']
    return totals


def profile_calls(call, function, calls, warmup):
    """(rows, wall seconds per call): kernel steps' seconds over `calls` calls."""
    for _ in range(warmup):
        call()
    before = counters(function)
    shapes = output_shapes(function)
    start = time.perf_counter()
    for _ in range(calls):
        call()
    wall = (time.perf_counter() - start) / calls
    rows = []
    for key, (seconds, count) in counters(function).items():
        seconds -= before.get(key, (0.0, 0))[0]
        count -= before.get(key, (0.0, 0))[1]
        rows.append({'kernel': key[0], 'node': key[1], 'output': shapes.get(key[1], '?'),
                     'calls': count,
                     'ms_per_call': 1e3 * seconds / calls})
    rows.sort(key=lambda row: -row['ms_per_call'])
    return rows, wall


def output_shapes(function):
    """{node label: 'NxHxWxC dtype'} of the plan's steps ('N': the batch dimension)."""
    plan = getattr(function, 'plan', None)
    shapes = {}
    for step in getattr(plan, 'steps', []):
        shape, dtype = plan.slots[step.output]
        dims = 'x'.join('N' if dim is None else str(dim) for dim in shape) or 'scalar'
        shapes[step.label] = f'{dims} {dtype}'
    return shapes


def by_kernel(rows):
    """Rows summed by kernel key, slowest first."""
    totals = {}
    for row in rows:
        entry = totals.setdefault(row['kernel'], {'kernel': row['kernel'], 'steps': 0,
                                                  'ms_per_call': 0.0})
        entry['steps'] += 1
        entry['ms_per_call'] += row['ms_per_call']
    return sorted(totals.values(), key=lambda row: -row['ms_per_call'])


def format_steps(rows, total, top):
    """Text table of the `top` slowest steps."""
    lines = [f"{'kernel':<21}{'node':<23}{'output':<24}{'calls':>6}{'ms/call':>10}{'%':>7}"]
    for row in rows[:top]:
        lines.append(f"{row['kernel'][:20]:<21}{row['node'][:22]:<23}{row['output'][:23]:<24}"
                     f"{row['calls']:>6}{row['ms_per_call']:>10.3f}"
                     f"{100 * row['ms_per_call'] / total:>7.1f}")
    if len(rows) > top:
        rest = sum(row['ms_per_call'] for row in rows[top:])
        lines.append(f"{'(%d more steps)' % (len(rows) - top):<74}{rest:>10.3f}"
                     f"{100 * rest / total:>7.1f}")
    return '\n'.join(lines)


def format_kernels(rows, total):
    """Text table of the time summed by kernel key."""
    lines = [f"{'kernel':<24}{'steps':>7}{'ms/call':>10}{'%':>7}"]
    for row in by_kernel(rows):
        lines.append(f"{row['kernel'][:23]:<24}{row['steps']:>7}{row['ms_per_call']:>10.3f}"
                     f"{100 * row['ms_per_call'] / total:>7.1f}")
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    call, function = build(args.row)
    rows, wall = profile_calls(call, function, args.calls, args.warmup)
    total = sum(row['ms_per_call'] for row in rows) or 1e-9
    print(f"{args.row}: {common.ROWS[args.row][1]}; {args.calls} calls after {args.warmup} "
          f"warm-up; {len(rows)} kernel steps")
    print(f'wall {1e3 * wall:.3f} ms/call, in kernels {total:.3f} ms/call, outside kernels '
          f'(dispatch, validation, updates, Python) {1e3 * wall - total:.3f} ms/call\n')
    print(format_steps(rows, total, args.top) + '\n')
    print('By kernel key:\n' + format_kernels(rows, total))
    if args.json:
        with open(args.json, 'w') as out:
            json.dump({'row': args.row, 'calls': args.calls, 'wall_ms': 1e3 * wall,
                       'steps': rows}, out, indent=1)


if __name__ == '__main__':
    main()
