"""Smoke test of the benchmark harness (benchmarks/run.py): a couple of seconds, not a run.

The harness runs 2 timed steps of the MLP 784-32-10 row with symkeras, and a PyTorch
worker that cannot import torch (a stand-in module raising ImportError comes first on the
path), which must be reported 'not installed' rather than crash the run. Well under 20 s
with warm kernel caches; the subprocess timeout only guards against a hang.
"""
import json
import os
import re
import subprocess
import sys
import types

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCHMARKS = os.path.join(ROOT, 'benchmarks')


def _run_harness(tmp_path):
    fake = tmp_path / 'no_torch'
    fake.mkdir()
    (fake / 'torch.py').write_text("raise ImportError('torch hidden by the smoke test')\n")
    env = dict(os.environ, PYTHONPATH=str(fake))
    command = [sys.executable, os.path.join(BENCHMARKS, 'run.py'), '--systems',
               'symkeras,torch', '--rows', 'mlp32_train', '--rounds', '1', '--steps', '2',
               '--warmup', '1', '--quiet-wait', '0', '--out', str(tmp_path / 'RESULTS.md')]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_harness_times_mlp_row_and_reports_missing_peer(tmp_path):
    done = _run_harness(tmp_path)
    assert done.returncode == 0, done.stderr
    row = r'\| MLP 784-32-10 training step, batch 128 \| [0-9.]+ ms \| not installed \|'
    assert re.search(row, done.stdout), done.stdout
    report = (tmp_path / 'RESULTS.md').read_text()
    assert re.search(row, report)
    for section in ('## Machine', '## Versions', '## Method', 'nproc'):
        assert section in report
    samples = json.loads((tmp_path / 'RESULTS.json').read_text())['samples']
    ours = [s for s in samples if s['system'] == 'symkeras']
    assert ours[0]['status'] == 'ok' and len(ours[0]['times']) == 2


def test_report_ratio_uses_fastest_peer():
    sys.path.insert(0, BENCHMARKS)
    try:
        import report
    finally:
        sys.path.remove(BENCHMARKS)
    samples = [dict(row='mlp32_train', system=system, status='ok', times=times, median=times[0],
                    round=0)
               for system, times in [('symkeras', [0.002]), ('torch', [0.004]),
                                     ('jax', [0.001])]]
    options = types.SimpleNamespace(rows=['mlp32_train'], systems=['symkeras', 'torch', 'jax'])
    summary = report.summarize(samples, options)
    assert report.best_peer(summary['mlp32_train']) == ('jax', 0.001)
    assert abs(report.ratio(summary['mlp32_train']) - 2.0) < 1e-12
    assert '| 2.00 | <= 1 (not met) |' in report.main_table(summary, options)


def test_gemm_ceiling_is_the_faster_of_numpy_s_and_symkeras_s_product():
    sys.path.insert(0, BENCHMARKS)
    try:
        import machine
        import report
    finally:
        sys.path.remove(BENCHMARKS)
    product, library = machine.symkeras_product()
    assert machine.gemm_gflops(size=64, repeats=2, product=product) > 0
    rates = {'numpy': 250.0, f'symkeras ({library})': 300.0}
    facts = {'gemm': dict(status='ok', gflops=300.0, size=64, rates=rates)}
    cell = dict(status='ok', median=report.CNN_TRAIN_FLOP / 150e9)
    line = report._gflops_line({'cnn_train': {'symkeras': cell}}, facts)
    assert f'numpy 250, symkeras ({library}) 300; ceiling (the faster): 300' in line
    assert 'symkeras 150 GFLOP/s (50%)' in line


def test_gemm_bound_prints_the_five_products_and_their_sums():
    command = [sys.executable, os.path.join(BENCHMARKS, 'gemm_bound.py'), '--calls', '2']
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:4] == ['product', 'blas', '1t', 'blas']
    rows = lines[1:6]
    assert [row.split('(')[0].strip() for row in rows] == [
        'forward 1', 'dW1', 'forward 2', 'dh1', 'dW2']
    assert all(len(re.findall(r'[0-9.]+ ms +[0-9]+ GF/s', row)) == 3 for row in rows)
    assert lines[6].startswith('sum') and len(re.findall(r'[0-9.]+ ms', lines[6])) == 3
    assert re.search(r'training step \(train_on_batch\): [0-9.]+ ms', done.stdout)


def test_interference_times_a_row_alone_and_beside_a_load():
    command = [sys.executable, os.path.join(BENCHMARKS, 'interference.py'), '--systems',
               'symkeras', '--rounds', '1', '--steps', '3', '--row', 'mlp32_train']
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert re.search(r'symkeras +alone +[0-9.]+ ms \(p90 +[0-9.]+\) +beside the load +'
                     r'[0-9.]+ ms \(p90 +[0-9.]+\) +ratio [0-9.]+', done.stdout), done.stdout


def test_lstm_step_times_symkeras_and_skips_missing_peers(tmp_path):
    fake = tmp_path / 'no_peers'
    fake.mkdir()
    for name in ('torch', 'jax'):
        (fake / f'{name}.py').write_text(f"raise ImportError('{name} hidden by the test')\n")
    command = [sys.executable, os.path.join(BENCHMARKS, 'lstm_step.py'), '--rounds', '1',
               '--steps', '2', '--timesteps', '3', '--units', '4', '--unknown-length']
    done = subprocess.run(command, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(fake)),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert re.search(r'round 1 symkeras +[0-9.]+ ms', done.stdout), done.stdout
    assert "round 1 torch     {'skipped'" in done.stdout
    assert 'medians (ms): symkeras' in done.stdout
