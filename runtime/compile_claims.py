"""Compile claims: two processes filling one Numba disk cache never compile the same
function twice at once.

During a cold first call the main process and its compile helper (see warmup) compile
the plan's kernels from opposite ends and meet in the middle, where both used to compile
the function they met on: measured on the seed CNN's training function, the helper had
been compiling `filter_gradient_driver` for 1.65 s when the main process reached it and
compiled it again (1.8 s), though the helper's copy was on disk 0.2 s later.

While `claiming(directory)` is active, a compile that misses the disk cache first
claims its function and signature: it creates `<key>.claim` in `directory` (exclusively,
holding the process id); when the compiled code is saved, `<key>.done` follows. A
process that finds the claim taken by another process either waits for `.done` and
loads the other's result from the disk cache (the main process: it must run the steps
in order), or, with `skip_claimed`, raises `Claimed` so that it moves on to other work
(the helper, whose results are thrown away anyway). Only a top-level compile is skipped:
a function compiled as another's callee waits, so an owned compile is never abandoned.

Nothing here can change what is computed: a waiter compiles the function itself when
the owner fails (its claim is removed), dies, or takes longer than WAIT_SECONDS, or when
the disk cache still misses after `.done`. Numba writes its cache files atomically, so a
load never sees half a file.
"""
import contextlib
import hashlib
import os
import threading
import time

from numba.core import caching, dispatcher

WAIT_SECONDS = 120.0
POLL_SECONDS = 0.003


class Claimed(BaseException):
    """Raised (with skip_claimed) when another process compiles the function. A
    BaseException: the kernels' `except Exception` fallbacks must not catch it."""


_state = {'directory': None, 'skip': False}
_local = threading.local()
_originals = {}


def _thread():
    """This thread's compile depth and the keys it claimed and has not finished."""
    if not hasattr(_local, 'depth'):
        _local.depth, _local.owned = 0, []
    return _local


def _key(cache, sig):
    """A file name for (function, signature): the same in every process (the index
    path names the function's file, line and qualified name)."""
    index = getattr(getattr(cache, '_cache_file', None), '_index_path', None) or \
        getattr(cache, '_name', '')
    return hashlib.sha1(f'{index}|{sig}'.encode()).hexdigest()


def _path(key, suffix):
    return os.path.join(_state['directory'], key + suffix)


def _take(key):
    """Create the claim; True when this process now owns it."""
    try:
        handle = os.open(_path(key, '.claim'), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    except OSError:
        return True       # no claims possible (directory gone): just compile
    with os.fdopen(handle, 'w') as out:
        out.write(str(os.getpid()))
    return True


def _owner_alive(key):
    try:
        with open(_path(key, '.claim')) as handle:
            pid = int(handle.read() or 0)
    except (OSError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _load_overload(self, sig, target_context):
    data = _originals['load'](self, sig, target_context)
    if data is not None or _state['directory'] is None:
        return data
    local, key = _thread(), _key(self, sig)
    if _take(key):
        local.owned.append(key)
        return None                              # compile it (and say .done when saved)
    if _state['skip'] and local.depth <= 1:
        raise Claimed(key)
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if os.path.exists(_path(key, '.done')):
            return _originals['load'](self, sig, target_context)
        if not os.path.exists(_path(key, '.claim')):
            if _take(key):                       # the owner gave up: compile it here
                local.owned.append(key)
                return None
        elif not _owner_alive(key):
            return None
        time.sleep(POLL_SECONDS)
    return None


def _save_overload(self, sig, data):
    try:
        _originals['save'](self, sig, data)
    finally:
        _finish(_key(self, sig), '.done')


def _finish(key, suffix):
    """Mark an owned claim done ('.done') or give it up (None: remove the claim)."""
    local = _thread()
    if key not in local.owned or _state['directory'] is None:
        return
    local.owned.remove(key)
    with contextlib.suppress(OSError):
        if suffix is None:
            os.unlink(_path(key, '.claim'))
        else:
            with open(_path(key, suffix), 'w'):
                pass


def _compile(self, sig):
    local = _thread()
    local.depth += 1
    owned_before = list(local.owned)
    try:
        return _originals['compile'](self, sig)
    except BaseException:
        # A failed (or skipped) compile gives up the claims it took: waiters compile.
        for key in [k for k in local.owned if k not in owned_before]:
            _finish(key, None)
        raise
    finally:
        local.depth -= 1


def _install():
    if _originals:
        return
    _originals.update(load=caching.Cache.load_overload, save=caching.Cache.save_overload,
                      compile=dispatcher.Dispatcher.compile)
    caching.Cache.load_overload = _load_overload
    caching.Cache.save_overload = _save_overload
    dispatcher.Dispatcher.compile = _compile


@contextlib.contextmanager
def claiming(directory, skip_claimed=False):
    """Claim compiles in `directory` (shared with the other process) while active.

    Args:
        directory: an existing folder both processes can write.
        skip_claimed: raise `Claimed` instead of waiting when a top-level compile is
            claimed by another process.
    """
    _install()
    previous = dict(_state)
    _state.update(directory=directory, skip=bool(skip_claimed))
    try:
        yield
    finally:
        _state.update(previous)
