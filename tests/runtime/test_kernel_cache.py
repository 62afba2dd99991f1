"""Generated kernels are cached on disk: a second process compiles nothing it has seen."""
import os
import subprocess
import sys

import numba
import pytest

NEEDS_JIT = pytest.mark.skipif(numba.config.DISABLE_JIT, reason="tests Numba's compilation "
                               "itself: nothing compiles under NUMBA_DISABLE_JIT")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = """
import numpy as np
from compiler import builders as B, ir, autodiff
from compiler.function import function

x = ir.placeholder((None, 4), 'float32')
w = ir.Variable(np.ones((4, 3), 'float32'))
loss = B.reduce_sum(B.tanh(B.exp(B.dot(x, w)) * 3.0 + 1.0))
f = function([x], [loss] + autodiff.gradients(loss, [w]))
print(float(f([np.ones((2, 4), 'float32')])[0]))
"""


def snapshot(folder):
    files = {}
    for base, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(base, name)
            files[path] = os.stat(path).st_mtime_ns
    return files


@NEEDS_JIT
def test_second_process_compiles_nothing(tmp_path):
    env = dict(os.environ, SYMKERAS_CACHE_DIR=str(tmp_path), PYTHONPATH=ROOT)
    env.pop('NUMBA_CACHE_DIR', None)    # Numba's cache of a generated kernel: beside it
    run = lambda: subprocess.run([sys.executable, '-c', SCRIPT], env=env, cwd=ROOT,  # noqa
                                 capture_output=True, text=True, timeout=300)
    first = run()
    assert first.returncode == 0, first.stderr
    cached = snapshot(tmp_path)
    assert any(path.endswith('.nbi') for path in cached)
    second = run()
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert snapshot(tmp_path) == cached      # nothing recompiled, nothing rewritten


def test_concurrent_first_compiles_leave_a_complete_cache(tmp_path):
    """Two processes compiling the same kernels at once both succeed, and a third one
    finds everything they compiled (nothing is recompiled, nothing rewritten)."""
    env = dict(os.environ, SYMKERAS_CACHE_DIR=str(tmp_path), PYTHONPATH=ROOT)
    start = lambda: subprocess.Popen([sys.executable, '-c', SCRIPT], env=env, cwd=ROOT,  # noqa
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
    racing = [start(), start()]
    results = [process.communicate(timeout=300) + (process.returncode,)
               for process in racing]
    for stdout, stderr, code in results:
        assert code == 0, stderr
        assert stdout == results[0][0]
    assert not [name for name in os.listdir(tmp_path / os.listdir(tmp_path)[0])
                if name.endswith('.tmp')]                # no half-written kernel source
    cached = snapshot(tmp_path)
    third = start()
    stdout, stderr = third.communicate(timeout=300)
    assert third.returncode == 0, stderr
    assert stdout == results[0][0]
    assert snapshot(tmp_path) == cached
