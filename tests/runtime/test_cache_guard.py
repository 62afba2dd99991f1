"""The Numba cache guard: one digest over the kernel sources voids stale cache entries."""
import os

import numba

from runtime.kernels import cache_guard, elementwise, threads


def _touch(folder, name):
    path = os.path.join(folder, name)
    with open(path, 'w') as handle:
        handle.write('x')
    return path


def test_a_new_digest_deletes_the_kernel_modules_entries_only(tmp_path):
    folder = str(tmp_path)
    stale = [_touch(folder, 'linalg._matmul_driver-102.py311.nbi'),
             _touch(folder, 'linalg._matmul_driver-102.py311.1.nbc'),
             _touch(folder, 'threads.wait_parked-132.py311.nbi')]
    kept = [_touch(folder, 'someone_else.f-1.py311.nbi'), _touch(folder, 'notes.txt')]
    assert cache_guard.drop_stale_entries(folder, 'a' * 24) == 3
    assert not any(os.path.exists(p) for p in stale)
    assert all(os.path.exists(p) for p in kept)
    with open(os.path.join(folder, cache_guard.MARKER)) as handle:
        assert handle.read().strip() == 'a' * 24


def test_the_same_digest_keeps_the_cache_and_another_drops_it(tmp_path):
    folder = str(tmp_path)
    cache_guard.drop_stale_entries(folder, 'b' * 24)
    entry = _touch(folder, 'conv._conv_driver-40.py311.nbi')
    assert cache_guard.drop_stale_entries(folder, 'b' * 24) == 0
    assert os.path.exists(entry)
    assert cache_guard.drop_stale_entries(folder, 'c' * 24) == 1
    assert not os.path.exists(entry)


def test_the_digest_covers_every_kernel_module_and_is_recorded_in_numba_s_folder():
    digest = cache_guard.sources_digest()
    assert len(digest) == 24 and int(digest, 16) >= 0
    folder = cache_guard.numba_cache_folder(threads.wait_parked)
    if numba.config.DISABLE_JIT:     # plain Python functions: nothing is cached
        assert folder is None
        return
    assert folder is not None
    marker = os.path.join(folder, cache_guard.MARKER)
    if os.access(folder, os.W_OK):     # written when runtime.kernels was imported
        with open(marker) as handle:
            assert handle.read().strip() == digest


def test_generated_kernels_carry_the_digest_in_their_source():
    module = elementwise.load_kernel('x0 + 1.0', 'a', 1)
    with open(module.__file__) as handle:
        first = handle.readline()
    assert first.strip() == f"# runtime kernels {cache_guard.sources_digest()}"
