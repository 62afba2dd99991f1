"""The extra examples each run end to end with --quick and print their metric line."""
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_quick(script):
    env = dict(os.environ, PYTHONPATH=ROOT)
    result = subprocess.run([sys.executable, os.path.join('examples', script), '--quick'],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout


def metric(stdout, label):
    match = re.search(re.escape(label) + r':\s*([0-9.]+)', stdout)
    assert match, 'no %r line in:\n%s' % (label, stdout[-2000:])
    return float(match.group(1))


@pytest.mark.slow
def test_mnist_mlp_quick():
    acc = metric(run_quick('mnist_mlp.py'), 'test accuracy')
    assert 0.0 <= acc <= 1.0


@pytest.mark.slow
def test_functional_two_inputs_quick():
    out = run_quick('functional_two_inputs.py')
    assert 'losses before:' in out and 'losses after:' in out
    after = metric(out, 'final test loss')
    before = float(re.search(r'before training ([0-9.]+)', out).group(1))
    assert after < before


@pytest.mark.slow
def test_antirectifier_quick():
    acc = metric(run_quick('antirectifier.py'), 'test accuracy')
    assert 0.0 <= acc <= 1.0


@pytest.mark.slow
def test_autoencoder_quick():
    out = run_quick('autoencoder.py')
    before = metric(out, 'reconstruction loss before')
    after = metric(out, 'reconstruction loss after')
    assert after < before


@pytest.mark.slow
def test_lstm_sequences_quick():
    acc = metric(run_quick('lstm_sequences.py'), 'test accuracy')
    assert 0.0 <= acc <= 1.0


@pytest.mark.slow
def test_seq2seq_reverse_quick():
    """Encoder-decoder LSTMs over Input(shape=(None, n)), greedy decoding step by step."""
    out = run_quick('seq2seq_reverse.py')
    assert 'words spelled backwards exactly:' in out
    assert 0.0 <= metric(out, 'test exact accuracy') <= 1.0
