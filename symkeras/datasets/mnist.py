"""MNIST handwritten digits, as `keras.datasets.mnist` (Keras 2.2.4) returns them.

The four standard IDX files are read by hand with numpy (never with pickle), gzipped or
not, from the first folder that holds all of them:

1. `path`, when given;
2. otherwise `$SYMKERAS_DATASETS/mnist/`, then `~/.symkeras/datasets/mnist/`.

Missing files are then downloaded from public MNIST mirrors into `path` (when given) or
the user cache `~/.symkeras/datasets/mnist/`, checked against SHA-256 checksums and written
atomically. This module needs only the standard library and numpy; the IDX reading,
searching and downloading code is shared with `fashion_mnist` (`_idx`, `_files`).
"""
import os
import sys
import zlib

import numpy as np

from . import _files, _idx

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
DownloadError = _files.DownloadError


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


def _check_download(name, payload):
    """Raise ValueError unless `payload` gunzips to the IDX file `name` (by SHA-256)."""
    _files.check_digest(name, _files.gunzip(payload), 'sha256', SHA256[name])


def _urls(name):
    """The URLs of `name.gz`, one per mirror, in order."""
    return [mirror + name + '.gz' for mirror in MIRRORS]


_DATASET = _idx.IdxDataset(title='MNIST', folder='mnist', files=IDX_FILES, urls=_urls,
                           check=_check_download)


def _load(path):
    """Find (or download) the dataset; return `(data, source)`."""
    path = _keras_npz_compat(path)
    if path is not None and os.path.isfile(path):
        return _read_npz(path), path
    return _idx.load(_DATASET, path, _fetch)


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
    return _files.user_cache_folder('mnist')


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
    return _idx.read_idx(filepath, expected_shape, 'MNIST')


_locate = _files.locate


def _fetch(url):
    """Return the bytes at `url` (the seam tests replace to stay off the network)."""
    return _files.fetch(url)
