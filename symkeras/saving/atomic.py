"""Atomic file replacement: a save never leaves a half-written file in place of a good one.

The content goes to a new temporary file in the destination's folder (same file system),
is flushed and fsync'ed, then `os.replace` swaps it in, and the folder is fsync'ed so the
rename itself survives a power cut. A failure or an exception removes the temporary file;
a killed process may leave one behind (`.<name>.<pid>.<random>.tmp`), never a damaged
destination.
"""
import os
import secrets
import stat


def _create_temporary(folder, basename):
    """A new, empty file beside the destination: (descriptor, path)."""
    for _ in range(100):
        path = os.path.join(folder, '.%s.%d.%s.tmp' % (basename, os.getpid(),
                                                        secrets.token_hex(4)))
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                           | getattr(os, 'O_BINARY', 0), 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError('could not create a temporary file in %r' % folder)


def _fsync_folder(folder):
    """Persist the rename (POSIX); silently skipped where folders cannot be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _keep_mode(temporary, destination):
    """Give the new file the permissions of the file it replaces, if any."""
    try:
        os.chmod(temporary, stat.S_IMODE(os.stat(destination).st_mode))
    except OSError:
        pass


def atomic_write(filepath, write):
    """Call `write(binary file)` on a temporary file, then rename it over `filepath`.

    A symbolic link at `filepath` is kept: its target is replaced.

    Args:
        filepath: destination path (str or os.PathLike).
        write: function receiving the open binary file; it may seek and read it back.
    """
    destination = os.path.realpath(os.fspath(filepath))
    folder, basename = os.path.split(destination)
    descriptor, temporary = _create_temporary(folder, basename)
    try:
        with os.fdopen(descriptor, 'w+b') as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode(temporary, destination)
        os.replace(temporary, destination)
    except BaseException:
        try:
            os.remove(temporary)
        except OSError:
            pass
        raise
    _fsync_folder(folder)
