"""Each example runs end to end on a small budget."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_example(*args):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def test_seed_snippets():
    result = run_example('examples/seed_snippets.py')
    assert result.returncode == 0, result.stderr
    assert "expected a symbolic tensor" in result.stdout
    assert 'Total params: 241,546' in result.stdout
    assert 'all three programs ran' in result.stdout


@pytest.mark.slow
def test_mnist_cnn_small_budget():
    result = run_example('examples/mnist_cnn.py', '--epochs', '1', '--train-samples', '512',
                         '--verbose', '0')
    assert result.returncode == 0, result.stderr
    assert 'test accuracy:' in result.stdout and 'seconds per epoch:' in result.stdout


def test_mnist_cnn_falls_back_to_the_shipped_sample(tmp_path):
    env_home = dict(HOME=str(tmp_path), SYMKERAS_DATASETS=str(tmp_path / 'none'))
    script = ("import symkeras.datasets.mnist as m\n"
              "m._fetch = lambda *a, **k: (_ for _ in ()).throw(OSError('offline'))\n"
              "(data, source) = m.load_data_or_sample()\n"
              "print(source, data[0][0].shape)\n")
    env = dict(os.environ, PYTHONPATH=ROOT, **env_home)
    result = subprocess.run([sys.executable, '-c', script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert 'sample' in result.stdout


def test_deploy_inference_round_trip():
    result = run_example('examples/deploy_inference.py')
    assert result.returncode == 0, result.stderr
    assert 'equal to model.predict: True' in result.stdout
