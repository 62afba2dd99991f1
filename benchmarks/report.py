"""Turn the workers' results into the printed table and benchmarks/RESULTS.md."""
import json
import os
import statistics

import common

OURS = 'symkeras'
# Issue 4's targets: a ratio symkeras / best peer, or absolute seconds for compile rows.
TARGETS = {'cnn_train': ('ratio', 0.8), 'cnn_infer128': ('ratio', 1.0),
           'cnn_infer1': ('ratio', 1.0), 'mlp512_train': ('ratio', 1.0),
           'mlp32_train': ('ratio', 1.0), 'compile_cold': ('seconds', 10.0),
           'compile_warm': ('seconds', 1.0)}
# Multiply-adds x 2 of the seed CNN's forward pass per image; a training step counts three
# forward passes (forward, input gradients, weight gradients), as PERF-NOTES does.
CNN_FORWARD_FLOP = 2 * (28 * 28 * 1 * 32 * 9 + 14 * 14 * 32 * 64 * 9 + 7 * 7 * 64 * 128 * 9
                        + 1152 * 128 + 128 * 10)
CNN_TRAIN_FLOP = 3 * CNN_FORWARD_FLOP * common.BATCH

METHOD = """\
- Each (round, row, system) is a separate process (`worker_<system>.py`); within a round
  every row runs each system in turn, and the order of the systems rotates each round.
  A worker first runs the warm-up steps (untimed: they include any compile), then times
  each step with `time.perf_counter`. A median pools all timed steps of all rounds.
- Threads: every worker gets OMP_NUM_THREADS, MKL_NUM_THREADS, OPENBLAS_NUM_THREADS,
  NUMBA_NUM_THREADS (and VECLIB/NUMEXPR) = 2; PyTorch also calls
  `torch.set_num_threads(2)`; XLA has no thread-count flag and sizes its pool to the
  CPUs the process may use, so on a machine with more than 2 CPUs each worker is
  restricted to 2 CPUs (`sched_setaffinity`). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are
  removed from the workers' environment (both together); the OpenBLAS core each worker
  ran is listed under Machine.
- Work compared: float32; random inputs (fixed seed) and one-hot labels; softmax +
  categorical crossentropy; plain SGD, learning rate 0.01, no momentum, for every system
  and every training row (Adam would add the same elementwise work everywhere; SGD keeps
  the step to forward + backward + update). No metrics are compiled (symkeras:
  `model.compile(SGD(learning_rate=0.01), 'categorical_crossentropy')`).
- symkeras is driven as a user would: `Sequential`, `model.compile`,
  `model.train_on_batch(x, y)` (returns a float), `model.predict_on_batch(x)` (returns a
  numpy array). PyTorch: eager, its native NCHW layout (images transposed once, outside
  the timing), `F.cross_entropy(logits, one_hot)`, `loss.item()`, inference under
  `torch.inference_mode()` with softmax and `.numpy()`. JAX: one `jax.jit` per training
  step (forward, dropout with a key carried in the state, loss, `value_and_grad`, SGD
  update, parameters donated), NHWC; results fetched to the host (`float(loss)`,
  `np.asarray(probabilities)`).
- Seed CNN: Conv2D 32/64/128 3x3 'same' relu, each followed by MaxPooling2D 2x2; Flatten,
  Dense 128 relu, Dropout 0.5, Dense 10 softmax; 28x28x1 inputs, batch 128 (inference
  also batch 1). MLPs: 784-512-512-10 and the tutorial's 784-32-10, relu hidden layers,
  softmax output; both at batch 128 (the tutorial trains 784-32-10 with batch 32: 128 is
  used so that every training row has the same batch).
- Compile rows: a new process with empty caches (SYMKERAS_CACHE_DIR, NUMBA_CACHE_DIR and
  JAX_COMPILATION_CACHE_DIR pointing into a fresh temporary folder) times the first
  training call (symkeras: `model.compile(...)` + the first `train_on_batch`; JAX: the
  first call of the jitted step: trace + XLA compile) less the median of the steps after
  it: 'cold'. A second new process with those caches filled does the same: 'warm'.
  PyTorch eager compiles nothing (n/a).
"""


def _aggregate(results):
    ok = [result for result in results if result.get('status') == 'ok']
    if not ok:
        first = results[0] if results else {'status': 'not run'}
        return {'status': first.get('status', 'error'), 'detail': first.get('detail', '')}
    times = [t for result in ok for t in result['times']]
    times.sort()
    return {'status': 'ok', 'median': statistics.median(times), 'n': len(times),
            'p10': times[len(times) // 10], 'p90': times[(9 * len(times)) // 10],
            'round_medians': [result['median'] for result in ok],
            'other_cpu': [result.get('other_cpu') for result in ok],
            'failed': [result for result in results if result.get('status') != 'ok'],
            'first_call': [result.get('first_call') for result in ok],
            'steady_step': [result.get('steady_step') for result in ok]}


def summarize(samples, options):
    """{row: {system: aggregate}}: pooled median, spread and status of every cell."""
    return {row: {system: _aggregate([s for s in samples
                                      if s['row'] == row and s['system'] == system])
                  for system in options.systems}
            for row in options.rows}


def best_peer(cells):
    """(system, median) of the fastest peer that ran, or (None, None)."""
    peers = [(cell['median'], system) for system, cell in cells.items()
             if system != OURS and cell['status'] == 'ok']
    if not peers:
        return None, None
    median, system = min(peers)
    return system, median


def ratio(cells):
    """symkeras median / best peer median, or None."""
    _, peer = best_peer(cells)
    ours = cells.get(OURS, {})
    if peer is None or ours.get('status') != 'ok' or peer <= 0:
        return None
    return ours['median'] / peer


def fmt(row, seconds):
    """Seconds as '12.3 ms' (step rows) or '4.56 s' (compile rows)."""
    if common.ROWS[row][0] == 'compile':
        return f'{seconds:.3g} s'
    return f'{1e3 * seconds:.3g} ms'


def _cell(row, cell):
    return fmt(row, cell['median']) if cell['status'] == 'ok' else cell['status']


def _target(row, cells, value):
    kind, limit = TARGETS[row]
    text = f'<= {limit:g}' + (' s' if kind == 'seconds' else '')
    ours = cells.get(OURS, {})
    if kind == 'seconds' and ours.get('status') == 'ok':
        value = ours['median']
    if value is None:
        return text
    return text + (' (met)' if value <= limit else ' (not met)')


def main_table(summary, options):
    """Markdown table: medians per system, best peer, ratio, target."""
    head = ['row'] + list(options.systems) + ['best peer', 'symkeras / best', 'target']
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for row, cells in summary.items():
        system, _ = best_peer(cells)
        value = ratio(cells)
        line = [common.ROWS[row][1]] + [_cell(row, cells[s]) for s in options.systems]
        line += [system or '-', '-' if value is None else f'{value:.2f}',
                 _target(row, cells, value)]
        lines.append('| ' + ' | '.join(line) + ' |')
    return '\n'.join(lines)


def _cpus(value):
    return '?' if value is None else f'{value:.2f}'


def spread_table(summary):
    """Markdown table: samples, median, p10-p90, round medians and contention per cell.

    'other CPU': CPUs kept busy by other processes during each round's timed steps.
    """
    lines = ['| row | system | samples | median | p10 - p90 | round medians | other CPU |',
             '|---|---|---:|---:|---|---|---|']
    for row, cells in summary.items():
        for system, cell in cells.items():
            if cell['status'] != 'ok':
                continue
            rounds = ', '.join(fmt(row, m) for m in cell['round_medians'])
            load = ', '.join(_cpus(value) for value in cell['other_cpu'])
            lines.append(f"| {row} | {system} | {cell['n']} | {fmt(row, cell['median'])} | "
                         f"{fmt(row, cell['p10'])} - {fmt(row, cell['p90'])} | {rounds} | "
                         f"{load} |")
    return '\n'.join(lines)


def problems(summary, samples):
    """Lines naming every cell or round that did not run cleanly."""
    lines = []
    for sample in samples:
        if sample.get('status') not in ('ok', 'n/a'):
            lines.append(f"- {sample['row']}, {sample['system']}, round {sample['round'] + 1}:"
                         f" {sample.get('status')}: {sample.get('detail', '')}")
    return lines


def _gflops_line(summary, facts):
    cells = summary.get('cnn_train')
    gemm = facts.get('gemm', {})
    if not cells or gemm.get('status') != 'ok':
        return ''
    peak = gemm['gflops']
    parts = []
    for system, cell in cells.items():
        if cell['status'] == 'ok':
            rate = CNN_TRAIN_FLOP / cell['median'] / 1e9
            parts.append(f'{system} {rate:.0f} GFLOP/s ({100 * rate / peak:.0f}%)')
    rates = gemm.get('rates') or {'numpy': peak}
    measured = ', '.join(f'{name} {rate:.0f}' for name, rate in rates.items())
    return (f'Seed CNN training step = {CNN_TRAIN_FLOP / 1e9:.2f} GFLOP; fp32 GEMM '
            f'({gemm["size"]}^3, 2 threads) in this run, GFLOP/s: {measured}; ceiling (the '
            f'faster): {peak:.0f}; share of that ceiling: ' + ', '.join(parts) + '.')


def _quiet_lines(samples):
    waited = sum(sample.get('waited') or 0.0 for sample in samples)
    if not waited:
        return []
    return [f'Before each worker the harness waited for other processes to use under 0.3 '
            f'CPU (at most --quiet-wait seconds): {waited:.0f} s in all.', '']


def _compile_lines(summary):
    lines = []
    for row in ('compile_cold', 'compile_warm'):
        for system, cell in summary.get(row, {}).items():
            if cell['status'] == 'ok':
                calls = ', '.join(f'{first:.2f} s' for first in cell['first_call'])
                steady = ', '.join(f'{step:.3f} s' for step in cell['steady_step'])
                lines.append(f'- {row}, {system}: first training call {calls}; steady step '
                             f'after it {steady}')
    return lines + [''] if lines else []


def _versions(samples):
    merged = {}
    for sample in samples:
        merged.update(sample.get('versions') or {})
    return merged


def _blas(samples):
    cores = {}
    for sample in samples:
        for library, core in (sample.get('blas') or {}).items():
            cores.setdefault(f"{sample['system']}: {library}", core)
    return cores


def _machine_lines(facts, samples):
    start, end = facts['loadavg'], facts['loadavg_end']
    lines = [f"- CPU: {facts['cpu']}; nproc {facts['nproc']}; memory "
             f"{facts['memory_gib']} GiB; Linux {facts['kernel']}",
             f"- load average (1/5/15 min) at start {start[0]:.2f}/{start[1]:.2f}/"
             f"{start[2]:.2f}, at end {end[0]:.2f}/{end[1]:.2f}/{end[2]:.2f}",
             f"- threads per worker: {common.THREADS}; removed from the workers' "
             f"environment: {', '.join(common.OPENBLAS_OVERRIDES)}"]
    lines += [f'- OpenBLAS core, {library}: {core}' for library, core
              in sorted(_blas(samples).items())]
    return lines


def _version_lines(facts, samples):
    versions = dict(python=facts['python'], **_versions(samples))
    lines = [f'- {name} {value}' for name, value in sorted(versions.items())]
    lines.append(f"- checkout: {facts['commit']}; digest of the symkeras, compiler and runtime "
                 f"sources: {facts['source_digest']} at start, {facts['source_digest_end']} "
                 'at end' + ('' if facts['source_digest'] == facts['source_digest_end'] else
                             ' (the code changed during the run: rounds measured different '
                             'code)'))
    return lines


def render(summary, samples, facts, options):
    """The text of RESULTS.md."""
    parts = [
        '# Benchmark results', '',
        f"Written by `{facts['command']}` on {facts['date']} ({facts['minutes']:.1f} min). "
        f'Rounds: {options.rounds} (compile rows: {min(options.compile_rounds, options.rounds)}'
        f'); timed steps per row, system and round: {options.steps}; warm-up steps: '
        f'{options.warmup}.', '',
        'Medians (step rows: milliseconds per call; compile rows: seconds). Ratio = symkeras '
        '/ fastest peer in this same run; below 1 means symkeras is faster. Targets are '
        "issue 4's (compile rows: absolute seconds).", '',
        main_table(summary, options), '',
        *([_gflops_line(summary, facts), ''] if _gflops_line(summary, facts) else []),
        'The machine is shared (other jobs may run beside the benchmark) and its speed '
        'drifts 10-30% between runs: compare figures within one run, and see the spread.',
        '', '## Spread', '',
        "'other CPU': how many of the machine's CPUs other processes kept busy during each "
        "round's timed steps (from /proc/stat less the worker's own CPU time; '?' when the "
        'timed steps took under 0.2 s). Above ~0.3 the figure is contended: the thread pools '
        'of all three systems (OpenMP, Numba, XLA) then wait for preempted threads.',
        '', spread_table(summary), ''] + _compile_lines(summary) + _quiet_lines(samples)
    trouble = problems(summary, samples)
    if trouble:
        parts += ['## Problems', ''] + trouble + ['']
    if facts.get('profile'):
        parts += ['## Per-kernel profile: symkeras, seed CNN training step', '',
                  '`python benchmarks/profile_step.py --row cnn_train` (run after the rounds, '
                  'same environment):', '', '```', facts['profile'], '```', '']
    parts += ['## Machine', ''] + _machine_lines(facts, samples) + ['']
    parts += ['## Versions', ''] + _version_lines(facts, samples) + ['']
    parts += ['## Method', '', METHOD]
    return '\n'.join(parts) + '\n'


def write(path, summary, samples, facts, options):
    """Write RESULTS.md at `path` and the raw samples beside it (.json)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'w') as out:
        out.write(render(summary, samples, facts, options))
    raw = os.path.splitext(path)[0] + '.json'
    with open(raw, 'w') as out:
        json.dump({'facts': facts, 'samples': samples}, out, indent=1)
