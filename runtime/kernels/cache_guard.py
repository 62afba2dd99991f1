"""Numba's disk cache kept in step with the kernels' sources, all of them at once.

Numba keys a cached function on its own source file only (its modification time and
size). The kernels inline functions from other files (`inline='always'` helpers: the
row-block epilogues, the task counters of `threads`), so after an edit of one such file,
a `git pull` or a checkout that rewrites only some files, the cached callers in the
untouched files would still run the old inlined code: silently stale kernels.

Here one digest covers the source of every kernel module. It is recorded beside Numba's
cache files; when it changes, the cached entries of these modules are deleted before any
is loaded, and everything recompiles once. Generated kernels (`elementwise.load_module`)
carry the digest in their source text, whose hash names their file, so they are rebuilt
too. A fresh install or an unchanged checkout finds the same digest and keeps its cache.
The digest also covers the integer width of the BLAS the kernels call (`blas_library`):
compiled GEMM calls pass 32- or 64-bit integers, and SYMKERAS_BLAS may pick another
library in the next process.
"""
import glob
import hashlib
import os
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MARKER = 'symkeras-kernels.digest'
_digest = None


def sources_digest():
    """SHA-256 (hex, 24 characters) of the kernel modules' names and sources, and the
    BLAS integer width."""
    global _digest
    if _digest is None:
        from .blas_library import chosen
        hasher = hashlib.sha256(b'blas int%d\0' % chosen().int_bits)
        for path in sorted(glob.glob(os.path.join(HERE, '*.py'))):
            with open(path, 'rb') as handle:
                hasher.update(os.path.basename(path).encode() + b'\0' + handle.read())
        _digest = hasher.hexdigest()[:24]
    return _digest


def numba_cache_folder(function):
    """Where Numba caches `function` (a dispatcher built with cache=True), or None when
    this Numba does not say."""
    try:
        return function._cache._cache_path
    except AttributeError:
        return None


def drop_stale_entries(folder, digest=None):
    """Delete the kernel modules' Numba cache files in `folder` unless its marker holds
    `digest` (default: the current sources'), then record the digest there.

    Returns:
        How many cache files were deleted (0 when the cache was current or unwritable).
    """
    digest = digest or sources_digest()
    marker = os.path.join(folder, MARKER)
    try:
        with open(marker) as handle:
            if handle.read().strip() == digest:
                return 0
    except OSError:
        pass
    modules = {os.path.basename(p)[:-3] for p in glob.glob(os.path.join(HERE, '*.py'))}
    removed = 0
    for path in glob.glob(os.path.join(folder, '*.nb[ic]')):
        if os.path.basename(path).split('.', 1)[0] in modules:
            try:
                os.unlink(path)
                removed += 1
            except OSError:
                pass
    _write_atomically(marker, digest + '\n')
    return removed


def _write_atomically(path, text):
    """Write `path` through a temporary file and a rename; skipped when not writable."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix='.tmp')
    except OSError:
        return
    try:
        with os.fdopen(fd, 'w') as handle:
            handle.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
