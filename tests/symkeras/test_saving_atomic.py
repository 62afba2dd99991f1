"""Saves are atomic: an interrupted save (an exception half-way, or the process killed
mid-write) leaves the previous file intact and loadable."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import Dense
from symkeras.models import Sequential, load_model

needs_sigkill = pytest.mark.skipif(not hasattr(signal, 'SIGKILL'), reason='POSIX signals')
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(autouse=True)
def fresh_session():
    """Layer-name counters start at 1 and are left clean for the next test module."""
    K.clear_session()
    yield
    K.clear_session()


def model_with(value):
    model = Sequential([Dense(4, input_shape=(3,), name='d1'), Dense(2, name='d2')])
    model.set_weights([np.full(w.shape, value, w.dtype) for w in model.get_weights()])
    model.compile('sgd', 'mse')
    return model


def assert_previous_file_intact(path, content):
    assert path.read_bytes() == content
    loaded = load_model(str(path))
    assert all(np.all(w == 1.0) for w in loaded.get_weights())


def test_exception_half_way_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / 'model.h5'
    model_with(1.0).save(str(path))
    content = path.read_bytes()
    real_write = np.lib.format.write_array
    calls = []

    def failing_write(stream, array, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            stream.write(b'half an array')
            raise OSError('disk full (simulated)')
        real_write(stream, array, **kwargs)

    monkeypatch.setattr(np.lib.format, 'write_array', failing_write)
    with pytest.raises(OSError, match='disk full'):
        model_with(2.0).save(str(path))
    monkeypatch.undo()
    assert_previous_file_intact(path, content)
    assert sorted(p.name for p in tmp_path.iterdir()) == ['model.h5']   # no temp file left


def test_keyboard_interrupt_half_way_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / 'weights'
    model_with(1.0).save_weights(str(path))
    content = path.read_bytes()

    def interrupted(stream, array, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np.lib.format, 'write_array', interrupted)
    with pytest.raises(KeyboardInterrupt):
        model_with(2.0).save_weights(str(path))
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ['weights']


def test_unserializable_config_fails_before_touching_the_file(tmp_path):
    path = tmp_path / 'model.h5'
    model = model_with(1.0)
    model.save(str(path))
    content = path.read_bytes()
    model.get_layer('d1').get_config = lambda: {'name': 'd1', 'bad': object()}
    with pytest.raises(TypeError, match='cannot save'):
        model.save(str(path))
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ['model.h5']


CHILD = textwrap.dedent('''
    import os, signal, sys, time
    import numpy as np
    from symkeras.layers import Dense
    from symkeras.models import Sequential

    mode, path = sys.argv[1], sys.argv[2]
    layers = [Dense(64, input_shape=(64,))] + [Dense(64) for _ in range(15)]
    model = Sequential(layers)
    model.compile('adam', 'mse')
    real_write = np.lib.format.write_array
    written = []

    def write(stream, array, **kwargs):
        real_write(stream, array, **kwargs)
        written.append(1)
        if mode == 'self-kill' and len(written) == 10:
            os.kill(os.getpid(), signal.SIGKILL)     # dies mid-save, no cleanup runs
        if mode == 'slow':
            time.sleep(0.05)

    np.lib.format.write_array = write
    print('saving', flush=True)
    model.save(path)
    print('finished', flush=True)
''')


def run_child(mode, path):
    return subprocess.Popen([sys.executable, '-c', CHILD, mode, str(path)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def temporary_files(folder):
    return [p for p in folder.iterdir() if p.name.endswith('.tmp')]


@needs_sigkill
def test_process_killed_mid_save_leaves_the_previous_file(tmp_path):
    path = tmp_path / 'model.h5'
    model_with(1.0).save(str(path))
    content = path.read_bytes()
    child = run_child('self-kill', path)
    out, err = child.communicate(timeout=300)
    assert child.returncode == -signal.SIGKILL, err
    assert 'finished' not in out
    leftovers = temporary_files(tmp_path)
    assert len(leftovers) == 1 and leftovers[0].stat().st_size > 0   # it was mid-write
    assert_previous_file_intact(path, content)


@needs_sigkill
def test_sigkill_from_outside_during_a_slow_save(tmp_path):
    path = tmp_path / 'model.h5'
    model_with(1.0).save(str(path))
    content = path.read_bytes()
    child = run_child('slow', path)
    deadline = time.time() + 300
    while not any(p.stat().st_size > 0 for p in temporary_files(tmp_path)):
        assert child.poll() is None and time.time() < deadline, child.stderr.read()
        time.sleep(0.01)
    time.sleep(0.1)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert_previous_file_intact(path, content)
    model_with(1.0).save(str(path))                 # a later save still works
    assert_previous_file_intact(path, path.read_bytes())


def test_save_keeps_permissions_and_symlinks(tmp_path):
    target = tmp_path / 'real.h5'
    model_with(1.0).save(str(target))
    os.chmod(target, 0o640)
    link = tmp_path / 'link.h5'
    link.symlink_to(target)
    model_with(1.0).save(str(link))
    assert link.is_symlink() and os.stat(target).st_mode & 0o777 == 0o640
    assert_previous_file_intact(link, target.read_bytes())
