"""Compile claims between the main process and its compile helper (runtime.compile_claims).

Each test defines a fresh cached Numba function in a module of its own (tmp_path), so its
first call really compiles, and plays the other process with claim files (and, where
the other process must really compile, a subprocess).
"""
import importlib.util
import os
import subprocess
import sys
import textwrap
import threading
import time

import numba
import pytest
from numba import types

from runtime import compile_claims
from runtime.compile_claims import Claimed, claiming

pytestmark = pytest.mark.skipif(numba.config.DISABLE_JIT, reason="tests Numba's compilation "
                                "itself: nothing compiles under NUMBA_DISABLE_JIT")

SOURCE = textwrap.dedent('''
    from numba import njit

    @njit(cache=True)
    def twice(x):
        return 2.0 * x

    @njit(cache=True)
    def outer(x):
        return twice(x) + 1.0

    @njit(cache=True)
    def broken(x):
        return x.no_such_attribute
''')


@pytest.fixture
def module(tmp_path):
    """A fresh module (its own file and Numba cache), imported."""
    path = tmp_path / 'claimed_kernels.py'
    path.write_text(SOURCE)
    name = f'claimed_kernels_{tmp_path.name}'
    spec = importlib.util.spec_from_file_location(name, path)
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[name] = loaded          # Numba's cache names the function's module
    spec.loader.exec_module(loaded)
    loaded.path = path
    yield loaded
    del sys.modules[name]


@pytest.fixture
def claims(tmp_path):
    folder = tmp_path / 'claims'
    folder.mkdir()
    return str(folder)


@pytest.fixture
def other_process():
    """A live process standing for the other side (its pid goes into claim files)."""
    process = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
    yield process
    process.kill()
    process.wait()


def _claim_file(claims, function, signature, pid, suffix='.claim'):
    key = compile_claims._key(function._cache, signature)
    path = os.path.join(claims, key + suffix)
    with open(path, 'w') as out:
        out.write(str(pid))
    return key, path


def test_an_owned_compile_is_claimed_and_marked_done(module, claims):
    with claiming(claims):
        assert module.twice(1.5) == 3.0
    key = compile_claims._key(module.twice._cache, (types.float64,))
    assert os.path.exists(os.path.join(claims, key + '.claim'))
    assert os.path.exists(os.path.join(claims, key + '.done'))


def test_a_claimed_compile_waits_and_loads_the_other_process_result(module, claims,
                                                                     other_process):
    key, _ = _claim_file(claims, module.twice, (types.float64,), other_process.pid)

    def other_side():
        time.sleep(0.3)
        # The other process compiles the function into the shared disk cache, then
        # says it is done.
        subprocess.run([sys.executable, '-c', textwrap.dedent(f'''
            import importlib.util, sys
            spec = importlib.util.spec_from_file_location({module.__name__!r},
                                                          {str(module.path)!r})
            m = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = m
            spec.loader.exec_module(m)
            m.twice(1.0)''')], check=True)
        open(os.path.join(claims, key + '.done'), 'w').close()

    thread = threading.Thread(target=other_side)
    thread.start()
    start = time.perf_counter()
    with claiming(claims):
        assert module.twice(2.0) == 4.0
    waited = time.perf_counter() - start
    thread.join()
    assert waited >= 0.3
    assert sum(module.twice.stats.cache_hits.values()) == 1     # loaded, not compiled
    assert sum(module.twice.stats.cache_misses.values()) == 0


def test_skip_mode_raises_claimed_for_a_top_level_compile(module, claims, other_process):
    _claim_file(claims, module.twice, (types.float64,), other_process.pid)
    with claiming(claims, skip_claimed=True):
        with pytest.raises(Claimed):
            module.twice(1.0)
    assert not module.twice.signatures


def test_skip_mode_waits_for_a_claimed_callee_instead(module, claims, other_process,
                                                      monkeypatch):
    """A callee claimed by the other process is waited for (here: the owner gives up,
    so this process compiles it), never skipped: that would abandon the owned caller."""
    key, path = _claim_file(claims, module.twice, (types.float64,), other_process.pid)
    threading.Timer(0.2, os.unlink, args=(path,)).start()
    with claiming(claims, skip_claimed=True):
        assert module.outer(1.0) == 3.0
    outer_key = compile_claims._key(module.outer._cache, (types.float64,))
    assert os.path.exists(os.path.join(claims, outer_key + '.done'))
    assert os.path.exists(os.path.join(claims, key + '.done'))   # taken over, finished


def test_a_dead_owner_is_not_waited_for(module, claims):
    dead = subprocess.Popen([sys.executable, '-c', 'pass'])
    dead.wait()
    _claim_file(claims, module.twice, (types.float64,), dead.pid)
    start = time.perf_counter()
    with claiming(claims):
        assert module.twice(1.0) == 2.0
    assert time.perf_counter() - start < compile_claims.WAIT_SECONDS / 10


def test_a_failed_compile_gives_its_claim_up(module, claims):
    with claiming(claims):
        with pytest.raises(Exception):
            module.broken(1.0)
    assert not [name for name in os.listdir(claims) if name.endswith('.claim')]


def test_nothing_is_claimed_outside_the_context(module, claims):
    assert module.twice(1.0) == 2.0
    assert os.listdir(claims) == []
