"""NUMBA_DISABLE_JIT=1 (STYLE.md: fast debugging, coverage): the kernels run as Python, on
one thread, and a small CNN trains to the same numbers as compiled."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = """
import json
import numpy as np
from symkeras.layers import Conv2D, Dense, Flatten, MaxPooling2D
from symkeras.models import Sequential
from symkeras.optimizers import SGD

model = Sequential([Conv2D(3, 3, activation='relu', input_shape=(6, 6, 2)), MaxPooling2D(),
                    Flatten(), Dense(4, activation='softmax')])
rng = np.random.default_rng(0)
model.set_weights([rng.standard_normal(w.shape).astype('float32') * 0.3
                   for w in model.get_weights()])
model.compile(SGD(learning_rate=0.1, momentum=0.9), 'categorical_crossentropy')
x = rng.standard_normal((5, 6, 6, 2)).astype('float32')
y = np.eye(4, dtype='float32')[[0, 1, 2, 3, 1]]
losses = [float(model.train_on_batch(x, y)) for _ in range(3)]
print(json.dumps({'losses': losses, 'predict': model.predict(x).tolist()}))
"""


def _run(disable_jit):
    env = dict(os.environ, PYTHONPATH=ROOT, NUMBA_DISABLE_JIT='1' if disable_jit else '0',
               SYMKERAS_PARALLEL_COMPILE='0')
    done = subprocess.run([sys.executable, '-c', SCRIPT], env=env, capture_output=True,
                          text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_small_cnn_trains_alike_with_and_without_the_jit():
    python, compiled = _run(True), _run(False)
    assert python['losses'][-1] < python['losses'][0]
    for first, second in zip(python['losses'], compiled['losses']):
        assert abs(first - second) <= 1e-5 * max(1.0, abs(second))
    for first, second in zip(python['predict'], compiled['predict']):
        assert max(abs(a - b) for a, b in zip(first, second)) <= 1e-5
