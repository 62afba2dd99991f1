"""Boston housing prices, as `keras.datasets.boston_housing` (Keras 2.2.4) returns them.

The data is Keras's `boston_housing.npz`: two numeric arrays, `x` (506 houses x 13
features, float64) and `y` (506 median prices in k$), read with
`np.load(allow_pickle=False)` (never with pickle). It is looked for, under its file name,
in this order:

1. `path` itself, when it names an existing file;
2. `$SYMKERAS_DATASETS/boston_housing/`, then `~/.symkeras/datasets/boston_housing/`.

When missing, it is downloaded from the URL Keras 2.2.4 uses (then the copy TensorFlow's
Keras uses) into the user cache, or to `path` when `path` has a folder part, kept only if
its SHA-256 is the one Keras 2.2.4 checks, and written atomically.
"""
import os
import zipfile
import zlib

import numpy as np

from . import _files

URLS = ('https://s3.amazonaws.com/keras-datasets/boston_housing.npz',
        'https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz')
SHA256 = 'f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5'
FOLDER = 'boston_housing'

DownloadError = _files.DownloadError


def load_data(path='boston_housing.npz', test_split=0.2, seed=113):
    """Load the Boston housing dataset (Keras 2 `boston_housing.load_data`).

    The rows are shuffled with `seed` exactly as Keras 2.2.4 shuffles them (same
    permutation), then the first `int(n * (1 - test_split))` rows are the training set.

    Args:
        path: file name of the `.npz` (searched as described in the module docstring), or
            the path of an existing `.npz` file.
        test_split: fraction of the rows kept for the test set, in [0, 1).
        seed: seed of the shuffle done before the split.

    Returns:
        `((x_train, y_train), (x_test, y_test))`: float64 arrays; with the defaults, of
        shapes (404, 13), (404,), (102, 13) and (102,).

    Raises:
        ValueError: `test_split` outside [0, 1), or the file is not an `.npz` of numeric
            arrays `x` (2-D) and `y` (1-D) of equal length.
        DownloadError: no local copy and the download failed (no network, bad checksum).

    Example:
        >>> from symkeras.datasets import boston_housing
        >>> (x_train, y_train), (x_test, y_test) = boston_housing.load_data()  # doctest: +SKIP
        >>> x_train.shape, x_test.shape  # doctest: +SKIP
        ((404, 13), (102, 13))
    """
    if not 0 <= test_split < 1:
        raise ValueError('boston_housing.load_data: expected 0 <= test_split < 1, '
                         'received %r' % (test_split,))
    x, y = read_npz(_find_or_download(os.fspath(path)))
    # Keras seeds the global RNG and shuffles; a private RandomState gives the same order.
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])


def read_npz(filepath):
    """Read and check the arrays `x` and `y` of a boston_housing `.npz` (no pickle).

    Args:
        filepath: path of the `.npz` file.

    Returns:
        `(x, y)`: numeric arrays, `x` 2-D and `y` 1-D of the same length.

    Raises:
        ValueError: naming the file, when it is not such an `.npz`.
    """
    try:
        npz = np.load(filepath, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise ValueError('it holds a single array, not an .npz archive')
        with npz:
            x, y = npz['x'], npz['y']
    except (KeyError, ValueError, OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
        raise ValueError('Boston housing file %s: expected an .npz holding numeric arrays '
                         'x and y; could not read it (%s)' % (filepath, exc)) from exc
    numeric = all(np.issubdtype(array.dtype, np.number) for array in (x, y))
    if not numeric or x.ndim != 2 or y.ndim != 1 or len(x) != len(y):
        raise ValueError('Boston housing file %s: expected numeric arrays x of shape '
                         '(n, features) and y of shape (n,), received x %s %s and y %s %s'
                         % (filepath, x.dtype, x.shape, y.dtype, y.shape))
    return x, y


def _find_or_download(path):
    """The path of the `.npz`: found locally, or downloaded (see the module docstring)."""
    if os.path.isfile(path):
        return path
    name = os.path.basename(path)
    if os.path.dirname(path):
        searched, target = [path], path
    else:
        folders = _files.search_folders(FOLDER)
        for folder in folders:
            if os.path.isfile(os.path.join(folder, name)):
                return os.path.join(folder, name)
        searched = [os.path.join(folder, name) for folder in folders]
        target = os.path.join(_files.user_cache_folder(FOLDER), name)
    _download(target, searched)
    return target


def _download(target, searched):
    """Download the `.npz` to `target`, checked first; raise DownloadError on failure."""
    _files.make_folder(os.path.dirname(target), 'Boston housing')
    try:
        _files.download_first_good(URLS, target, _check_download, _fetch)
    except _files.DownloadError as exc:
        raise _files.DownloadError(
            'Boston housing: %s not found and downloading it to %s failed:\n%s\nPut '
            'boston_housing.npz in one of those places, or set SYMKERAS_DATASETS to a '
            'folder holding boston_housing/.' % (' or '.join(searched), target, exc)) \
            from exc


def _check_download(payload):
    """Raise ValueError unless `payload` is Keras's boston_housing.npz (by SHA-256)."""
    _files.check_digest('boston_housing.npz', payload, 'sha256', SHA256)


def _fetch(url):
    """Return the bytes at `url` (the seam tests replace to stay off the network)."""
    return _files.fetch(url)
