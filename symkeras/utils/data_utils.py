"""Keras 2 `keras.utils.data_utils`: `Sequence` and `get_file`.

`Sequence` is a dataset that gives its batches by index: `fit_generator`,
`evaluate_generator` and `predict_generator` take one in place of a Python generator: its
length is the number of steps per epoch, and `fit_generator` visits its batches in a new
random order each epoch (`shuffle=True`), calling `on_epoch_end()` after each full pass.

`get_file` downloads a file into a cache folder once, checks its hash and can unpack it
(the datasets' safe download and extraction helpers do the work).
"""
import hashlib
import os
import tarfile
import tempfile
import zipfile

from symkeras.datasets import _files


class Sequence:
    """Base class of an indexable dataset of batches.

    A subclass defines `__getitem__(index)` (the batch: `(x, y)`, `(x, y, sample_weight)`,
    or, for `predict_generator`, `x`) and `__len__()` (the number of batches); it may
    define `on_epoch_end()` (e.g. to reshuffle its samples).

    Example:
        >>> class Batches(Sequence):
        ...     def __init__(self, x, y, batch_size):
        ...         self.x, self.y, self.batch_size = x, y, batch_size
        ...     def __len__(self):
        ...         return -(-len(self.x) // self.batch_size)
        ...     def __getitem__(self, index):
        ...         part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        ...         return self.x[part], self.y[part]
        >>> len(Batches(np.zeros((10, 3)), np.zeros((10, 1)), 4))
        3
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__}: a Sequence must define "
                                  f"__getitem__(index), the batch at that index")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__}: a Sequence must define "
                                  f"__len__(), the number of batches")

    def on_epoch_end(self):
        """Called after each full pass by the generator methods (nothing by default)."""

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]


def get_file(fname, origin, untar=False, md5_hash=None, file_hash=None,
             cache_subdir='datasets', hash_algorithm='auto', extract=False,
             archive_format='auto', cache_dir=None):
    """Download a file from a URL unless it is already in the cache (Keras 2 `get_file`).

    The file goes to `cache_dir/cache_subdir/fname` (`~/.symkeras/datasets/` by default;
    Keras uses `~/.keras`); when that folder is not writable, to the same path under the
    system temp folder. A cached file is reused unless `file_hash` is given and does not
    match it. A download that does not match `file_hash` raises and writes nothing.

    Args:
        fname: name of the file (an absolute path saves it exactly there).
        origin: its URL (`http(s)://`, `ftp://` or `file://`).
        untar: deprecated (as in Keras 2): the file is `fname + '.tar.gz'`, extracted into
            the cache folder, and the path `cache_dir/cache_subdir/fname` is returned.
        md5_hash: deprecated: the file's md5 hex digest (use `file_hash`).
        file_hash: the expected sha256 or md5 hex digest of the file, or None.
        cache_subdir: folder under `cache_dir` where the file is saved.
        hash_algorithm: 'md5', 'sha256' or 'auto' (sha256 for a 64-digit hash, else md5).
        extract: unpack the file (tar, tar.gz, tar.bz2 or zip) beside itself.
        archive_format: 'auto' (tar then zip), 'tar', 'zip', a list of those, or None.
        cache_dir: base folder of the cache (default `~/.symkeras`).

    Returns:
        The path of the file (of the extracted folder with `untar=True`).

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / 'notes.txt').write_text('hi')
        >>> path = get_file('notes.txt', origin=(folder / 'notes.txt').as_uri(),
        ...                 cache_dir=str(folder / 'cache'))  # doctest: +ELLIPSIS
        Downloading data from file:///.../notes.txt
        >>> open(path).read()
        'hi'
    """
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, 'md5'
    datadir = _cache_folder(cache_dir, cache_subdir)
    untar_path = os.path.join(datadir, fname)
    fpath = untar_path + '.tar.gz' if untar else untar_path
    stale = file_hash is not None and os.path.exists(fpath) and \
        not validate_file(fpath, file_hash, hash_algorithm)
    if stale or not os.path.exists(fpath):
        _download(fname, origin, fpath, file_hash, hash_algorithm)
    if untar:
        if not os.path.exists(untar_path):
            _extract_archive(fpath, datadir, 'tar')
        return untar_path
    if extract:
        _extract_archive(fpath, datadir, archive_format)
    return fpath


def validate_file(fpath, file_hash, algorithm='auto', chunk_size=65535):
    """Return whether the file at `fpath` has the hex digest `file_hash`.

    Args:
        fpath: path of the file.
        file_hash: expected sha256 or md5 hex digest.
        algorithm: 'sha256', 'md5' or 'auto' (sha256 for a 64-digit hash, else md5).
        chunk_size: bytes read at a time.

    Returns:
        True when the digests agree.

    Example:
        >>> import hashlib, os, tempfile
        >>> from symkeras.utils.data_utils import validate_file
        >>> path = os.path.join(tempfile.mkdtemp(), 'abc.txt')
        >>> _ = open(path, 'wb').write(b'abc')
        >>> validate_file(path, hashlib.sha256(b'abc').hexdigest())
        True
    """
    digest = hashlib.new(_hash_name(algorithm, file_hash))
    with open(fpath, 'rb') as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b''):
            digest.update(chunk)
    return digest.hexdigest() == str(file_hash)


def _hash_name(algorithm, file_hash):
    """hashlib name for Keras's 'auto' / 'sha256' / 'md5' choice."""
    if algorithm not in ('auto', 'sha256', 'md5'):
        raise ValueError("get_file: expected hash_algorithm 'auto', 'sha256' or 'md5', "
                         "received %r" % (algorithm,))
    if algorithm == 'sha256' or (algorithm == 'auto' and len(str(file_hash)) == 64):
        return 'sha256'
    return 'md5'


def _cache_folder(cache_dir, cache_subdir):
    """Create and return `cache_dir/cache_subdir` (under the temp folder if unwritable)."""
    base = os.path.expanduser(cache_dir or os.path.join('~', '.symkeras'))
    if os.path.exists(base) and not os.access(base, os.W_OK):
        base = os.path.join(tempfile.gettempdir(), '.symkeras')
    folder = os.path.join(base, cache_subdir)
    os.makedirs(folder, exist_ok=True)
    return folder


def _download(fname, origin, fpath, file_hash, hash_algorithm):
    """Fetch `origin`, check its hash when one is given, then write it atomically."""
    try:
        payload = _files.fetch(origin)
    except (OSError, ValueError) as exc:
        raise OSError('get_file: URL fetch failure on %s: %s' % (origin, exc)) from exc
    if file_hash is not None:
        algorithm = _hash_name(hash_algorithm, file_hash)
        try:
            _files.check_digest(fname, payload, algorithm, str(file_hash))
        except ValueError as exc:
            raise ValueError('get_file: %s downloaded from %s: %s'
                             % (fname, origin, exc)) from exc
    os.makedirs(os.path.dirname(fpath) or '.', exist_ok=True)
    _files.write_atomically(fpath, payload)


def _extract_archive(fpath, folder, archive_format='auto'):
    """Unpack a tar or zip archive into `folder`; return whether it was one."""
    if archive_format is None:
        return False
    formats = ['tar', 'zip'] if archive_format == 'auto' else archive_format
    for kind in [formats] if isinstance(formats, str) else formats:
        if kind == 'tar' and tarfile.is_tarfile(fpath):
            _files.extract_tar_safely(fpath, folder, 'get_file')
            return True
        if kind == 'zip' and zipfile.is_zipfile(fpath):
            _extract_zip_safely(fpath, folder)
            return True
    return False


def _extract_zip_safely(fpath, folder):
    """Extract a zip archive, refusing any member whose path leaves `folder`."""
    root = os.path.realpath(folder)
    with zipfile.ZipFile(fpath) as archive:
        for name in archive.namelist():
            target = os.path.realpath(os.path.join(root, name))
            if os.path.commonpath([root, target]) != root:
                raise ValueError('get_file archive %s: refusing member %r, whose path '
                                 'escapes the destination folder' % (fpath, name))
        archive.extractall(root)
