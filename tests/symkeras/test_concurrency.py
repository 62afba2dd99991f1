"""Compiled functions called from several Python threads at once give the results of
sequential calls, and concurrent training steps are each applied whole (no lost update).

Calls take turns on one process-wide lock (runtime/function.py): Numba's default
'workqueue' threading layer aborts the process when two threads run parallel kernels at
once. The check runs in a subprocess forced onto that layer, so a missing lock would
abort the child (and fail this test) instead of killing pytest.
"""
import os
import subprocess
import sys
import threading

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
THREADS, CALLS = 4, 12


def conv_net():
    from symkeras.layers import Conv2D, Dense, Flatten, MaxPooling2D
    from symkeras.models import Sequential
    model = Sequential([Conv2D(4, 3, activation='relu', input_shape=(10, 10, 1)),
                        MaxPooling2D(), Flatten(), Dense(3, activation='softmax')])
    model.compile('sgd', 'categorical_crossentropy')
    return model


def run_threads(work):
    errors = []

    def guarded(index):
        try:
            work(index)
        except Exception as error:         # reported to the main thread
            errors.append(repr(error))
    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def check_concurrent_predictions(model, batches):
    """Every thread calls the same predict function; results equal sequential ones."""
    expected = [model.predict(batch) for batch in batches]
    function = model.predict_function
    mismatches = []

    def work(index):
        for call in range(CALLS):
            which = (index + call) % len(batches)
            got = function([batches[which]])[0]
            if not np.allclose(got, expected[which], rtol=1e-6, atol=1e-7):
                mismatches.append(which)
    run_threads(work)
    assert not mismatches, mismatches
    return THREADS * CALLS


def check_concurrent_training(batch, targets):
    """THREADS x 2 concurrent train steps on one batch equal as many sequential steps."""
    sequential, concurrent = conv_net(), conv_net()
    concurrent.set_weights(sequential.get_weights())
    for _ in range(THREADS * 2):
        sequential.train_on_batch(batch, targets)
    concurrent._make_train_function()
    run_threads(lambda index: [concurrent.train_on_batch(batch, targets) for _ in range(2)])
    for old, new in zip(sequential.get_weights(), concurrent.get_weights()):
        np.testing.assert_allclose(new, old, rtol=1e-5, atol=1e-6)
    return THREADS * 2


def main():
    rng = np.random.RandomState(0)
    batches = [rng.rand(n, 10, 10, 1).astype('float32') for n in (5, 16, 33)]
    model = conv_net()
    calls = check_concurrent_predictions(model, batches)
    targets = np.eye(3, dtype='float32')[np.arange(16) % 3]
    calls += check_concurrent_training(batches[1], targets)
    print('OK', calls)


def test_threads_share_compiled_functions_safely_on_the_workqueue_layer():
    env = dict(os.environ, NUMBA_THREADING_LAYER='workqueue',
               PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    result = subprocess.run([sys.executable, '-X', 'faulthandler', os.path.abspath(__file__)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert result.stdout.split()[-2:] == ['OK', str(THREADS * CALLS + THREADS * 2)]


if __name__ == '__main__':
    main()
