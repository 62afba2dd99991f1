"""MNIST handwritten digits, as `keras.datasets.mnist` (Keras 2.2.4) returns them.

The four standard IDX files are read by hand with numpy (never with pickle), gzipped or
not, from the first folder that holds all of them:

1. `path`, when given;
2. otherwise `$SYMKERAS_DATASETS/mnist/`, then `~/.symkeras/datasets/mnist/`.

Missing files are then downloaded from public MNIST mirrors into `path` (when given) or
the user cache `~/.symkeras/datasets/mnist/`, checked against SHA-256 checksums and written
atomically. This module needs only the standard library and numpy.
"""
import gzip
import hashlib
import os
import struct
import sys
import tempfile
import urllib.request
import zlib

import numpy as np

# (split, what) -> standard IDX file name (without `.gz`) and the shape Keras returns.
IDX_FILES = {
    ('train', 'images'): ('train-images-idx3-ubyte', (60000, 28, 28)),
    ('train', 'labels'): ('train-labels-idx1-ubyte', (60000,)),
    ('test', 'images'): ('t10k-images-idx3-ubyte', (10000, 28, 28)),
    ('test', 'labels'): ('t10k-labels-idx1-ubyte', (10000,)),
}

# SHA-256 of the *uncompressed* IDX files: mirrors gzip them differently, the content is
# the same everywhere.
SHA256 = {
    'train-images-idx3-ubyte':
        'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    'train-labels-idx1-ubyte':
        '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    't10k-images-idx3-ubyte':
        '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    't10k-labels-idx1-ubyte':
        'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
}

MIRRORS = (
    'https://ossci-datasets.s3.amazonaws.com/mnist/',
    'https://storage.googleapis.com/cvdf-datasets/mnist/',
    'http://yann.lecun.com/exdb/mnist/',
)

SAMPLE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data',
                           'mnist_sample.npz')
DOWNLOAD_TIMEOUT = 60  # seconds per request
_GZIP_MAGIC = b'\x1f\x8b'
_IDX_UINT8 = 0x08  # IDX type code of unsigned bytes


class DownloadError(OSError):
    """MNIST was not found locally and no mirror gave a file with the right checksum."""


def load_data(path=None):
    """Load the MNIST dataset (Keras 2 `mnist.load_data`).

    Args:
        path: folder holding the four IDX files (`train-images-idx3-ubyte`,
            `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`,
            each optionally `.gz`). When None, `$SYMKERAS_DATASETS/mnist/` then
            `~/.symkeras/datasets/mnist/` are searched. A path to an existing Keras-style
            `mnist.npz` file is read too.

    Returns:
        `((x_train, y_train), (x_test, y_test))`: uint8 arrays of shapes (60000, 28, 28),
        (60000,), (10000, 28, 28) and (10000,).

    Raises:
        DownloadError: no local copy and the download failed (no network, bad checksum).
        ValueError: a file is truncated or is not the expected IDX file.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()  # doctest: +SKIP
        >>> x_train.shape, y_train.shape  # doctest: +SKIP
        ((60000, 28, 28), (60000,))
    """
    data, _ = _load(path)
    return data


def load_data_or_sample(path=None):
    """Load MNIST as `load_data` does, or fall back to the small sample shipped inside.

    When no local copy exists and the download fails, prints a one-line warning on stderr
    and returns the sample: the first 2000 training and first 500 test images of MNIST.

    Args:
        path: as for `load_data`.

    Returns:
        `(data, source)`: `data` as `load_data` returns it; `source` is `'sample'` for the
        shipped sample, otherwise the folder (or `.npz` file) the data was read from.

    Example:
        >>> data, source = mnist.load_data_or_sample()  # doctest: +SKIP
        >>> (x_train, y_train), (x_test, y_test) = data  # doctest: +SKIP
    """
    try:
        return _load(path)
    except DownloadError:
        data = load_sample()
        print('Warning: MNIST not found locally and the download failed; using the sample '
              'shipped with symkeras (%d train / %d test images).'
              % (len(data[0][0]), len(data[1][0])), file=sys.stderr)
        return data, 'sample'


def load_sample():
    """The MNIST sample shipped inside the package (no file or network needed).

    Returns:
        `((x_train, y_train), (x_test, y_test))`: the first 2000 training and first 500
        test images of MNIST and their labels, as `load_data` returns them.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = mnist.load_sample()
        >>> x_train.shape, x_test.shape
        ((2000, 28, 28), (500, 28, 28))
    """
    return _read_npz(SAMPLE_FILE)


def _load(path):
    """Find (or download) the dataset; return `(data, source)`."""
    path = _keras_npz_compat(path)
    if path is not None and os.path.isfile(path):
        return _read_npz(path), path
    folders = _search_folders(path)
    for folder in folders:
        if all(_locate(folder, name) for name, _ in IDX_FILES.values()):
            return _read_folder(folder), folder
    target = path if path is not None else user_cache_folder()
    _download_missing(target, searched=folders)
    return _read_folder(target), target


def _keras_npz_compat(path):
    """Keras passes `path='mnist.npz'` (a cache file name): keep it only if it exists."""
    if path is None:
        return None
    path = os.fspath(path)
    if path.endswith('.npz') and not os.path.exists(path):
        return None
    return path


def user_cache_folder():
    """Return the per-user MNIST cache folder, `~/.symkeras/datasets/mnist`."""
    return os.path.join(os.path.expanduser('~'), '.symkeras', 'datasets', 'mnist')


def _search_folders(path):
    """Folders searched for the IDX files, in order."""
    if path is not None:
        return [path]
    folders = []
    root = os.environ.get('SYMKERAS_DATASETS')
    if root:
        folders.append(os.path.join(root, 'mnist'))
    folders.append(user_cache_folder())
    return folders


def _locate(folder, name):
    """Return the path of `name` or `name.gz` in `folder`, or None."""
    for candidate in (name, name + '.gz'):
        full = os.path.join(folder, candidate)
        if os.path.isfile(full):
            return full
    return None


def _read_folder(folder):
    """Read the four IDX files of `folder` into Keras's nested tuples."""
    arrays = {}
    for key, (name, shape) in IDX_FILES.items():
        arrays[key] = read_idx(_locate(folder, name), shape)
    return ((arrays['train', 'images'], arrays['train', 'labels']),
            (arrays['test', 'images'], arrays['test', 'labels']))


def _read_npz(filepath):
    """Read a Keras-style MNIST `.npz` (x_train, y_train, x_test, y_test), no pickle."""
    try:
        with np.load(filepath, allow_pickle=False) as npz:
            return ((npz['x_train'], npz['y_train']), (npz['x_test'], npz['y_test']))
    except (KeyError, ValueError, OSError, zlib.error) as exc:
        raise ValueError('MNIST file %s: expected an .npz with arrays x_train, y_train, '
                         'x_test, y_test; could not read it (%s)' % (filepath, exc)) from exc


def read_idx(filepath, expected_shape):
    """Read an IDX file of unsigned bytes (gzipped or not) and check its shape.

    Args:
        filepath: path of the IDX file; gzip is recognised from the content.
        expected_shape: the shape the file must hold, e.g. (60000, 28, 28).

    Returns:
        A writable, C-contiguous uint8 array of `expected_shape`.

    Raises:
        ValueError: naming the file, when it is truncated, not IDX, or of another shape.
    """
    with open(filepath, 'rb') as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
    opener = gzip.open if gzipped else open
    try:
        with opener(filepath, 'rb') as stream:
            return _parse_idx(stream, filepath, tuple(expected_shape))
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError('MNIST file %s: corrupt or truncated gzip data (%s)'
                         % (filepath, exc)) from exc


def _parse_idx(stream, filepath, shape):
    """Parse header and body of an IDX stream into a uint8 array of `shape`."""
    ndim = len(shape)
    header = stream.read(4 + 4 * ndim)
    if len(header) < 4 + 4 * ndim:
        raise ValueError('MNIST file %s: truncated header: expected %d bytes, received %d'
                         % (filepath, 4 + 4 * ndim, len(header)))
    magic, *dims = struct.unpack('>%dI' % (ndim + 1), header)
    expected_magic = (_IDX_UINT8 << 8) | ndim
    if magic != expected_magic:
        raise ValueError('MNIST file %s: not an IDX file of %d-D unsigned bytes: expected '
                         'magic number 0x%08x, received 0x%08x'
                         % (filepath, ndim, expected_magic, magic))
    if tuple(dims) != shape:
        raise ValueError('MNIST file %s: expected shape %s, the header says %s'
                         % (filepath, shape, tuple(dims)))
    array = np.empty(shape, dtype=np.uint8)
    received = _read_into(stream, array)
    if received != array.nbytes or stream.read(1):
        size = '%d' % received if received != array.nbytes else 'more'
        raise ValueError('MNIST file %s: expected %d data bytes after the header, '
                         'received %s (truncated or foreign file)'
                         % (filepath, array.nbytes, size))
    return array


def _read_into(stream, array):
    """Fill `array` from `stream`; return the number of bytes read."""
    view = memoryview(array.reshape(-1))
    total = 0
    while total < len(view):
        count = stream.readinto(view[total:])
        if not count:
            break
        total += count
    return total


def _download_missing(folder, searched):
    """Download into `folder` every IDX file it lacks; raise DownloadError on failure."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise DownloadError('MNIST: cannot create the download folder %s (%s)'
                            % (folder, exc)) from exc
    try:
        for name, _ in IDX_FILES.values():
            if _locate(folder, name) is None:
                _download(name, folder)
    except DownloadError as exc:
        raise DownloadError('MNIST: the IDX files were not found in %s and downloading '
                            'them into %s failed:\n%s\nPut the four files (gzipped or '
                            'not) in one of those folders, or set SYMKERAS_DATASETS to a '
                            'folder holding mnist/.' % (', '.join(searched), folder, exc)
                            ) from exc


def _download(name, folder):
    """Fetch `name.gz` from the first mirror that gives the right content; save it."""
    failures = []
    for mirror in MIRRORS:
        url = mirror + name + '.gz'
        try:
            payload = _fetch(url)
            _check_sha256(name, _gunzip(payload))
        except (OSError, ValueError) as exc:
            failures.append('  %s: %s' % (url, exc))
            continue
        _write_atomically(os.path.join(folder, name + '.gz'), payload)
        return
    raise DownloadError('\n'.join(failures))


def _fetch(url):
    """Return the bytes at `url` (the one place that touches the network)."""
    print('Downloading data from %s' % url)
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
        return response.read()


def _gunzip(payload):
    """Decompress downloaded gzip bytes; a bad stream is a ValueError."""
    try:
        return gzip.decompress(payload)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError('not a complete gzip file (%s)' % exc) from exc


def _check_sha256(name, content):
    """Raise ValueError unless `content` has the known SHA-256 of IDX file `name`."""
    digest = hashlib.sha256(content).hexdigest()
    if digest != SHA256[name]:
        raise ValueError('checksum mismatch for %s: expected sha256 %s, received %s'
                         % (name, SHA256[name], digest))


def _write_atomically(filepath, payload):
    """Write `payload` to a temp file beside `filepath`, fsync it, then rename it over."""
    folder = os.path.dirname(filepath) or '.'
    handle, temp_path = tempfile.mkstemp(dir=folder, prefix='.' + os.path.basename(filepath),
                                         suffix='.part')
    try:
        with os.fdopen(handle, 'wb') as temp:
            temp.write(payload)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_path, filepath)
    except BaseException:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder):
    """Make the rename durable where the platform allows it (POSIX)."""
    if not hasattr(os, 'O_DIRECTORY'):
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
