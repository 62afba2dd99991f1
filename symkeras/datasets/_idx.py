"""The IDX file format of MNIST and Fashion-MNIST, and their shared four-file loader.

An IDX file is a big-endian header (magic number `0x0000 08 nd`: unsigned bytes, `nd`
dimensions; then `nd` 32-bit sizes) followed by the raw bytes. It is read by hand with
numpy, gzipped or not.
"""
import collections
import gzip
import io
import os
import struct
import zlib

import numpy as np

from . import _files

_IDX_UINT8 = 0x08  # IDX type code of unsigned bytes

IdxDataset = collections.namedtuple('IdxDataset', 'title folder files urls check')
IdxDataset.__doc__ = """What tells one IDX dataset from another.

title: name used in messages ('MNIST'); folder: folder name under $SYMKERAS_DATASETS and
the user cache; files: {(split, 'images' | 'labels'): (file name without .gz, shape)};
urls: function file name -> URLs to try in order; check: function (file name, downloaded
bytes) that raises ValueError when the download is not that file.
"""


def load(dataset, path, fetcher):
    """Find (or download) the four files of `dataset`; return `(data, source folder)`."""
    folders = _files.search_folders(dataset.folder, path)
    for folder in folders:
        if all(_files.locate(folder, name) for name, _ in dataset.files.values()):
            return read_folder(dataset, folder), folder
    target = os.fspath(path) if path is not None else \
        _files.user_cache_folder(dataset.folder)
    download_missing(dataset, target, folders, fetcher)
    return read_folder(dataset, target), target


def read_folder(dataset, folder):
    """Read the four IDX files of `folder` into Keras's nested tuples."""
    arrays = {}
    for key, (name, shape) in dataset.files.items():
        arrays[key] = read_idx(_files.locate(folder, name), shape, dataset.title)
    return ((arrays['train', 'images'], arrays['train', 'labels']),
            (arrays['test', 'images'], arrays['test', 'labels']))


def download_missing(dataset, folder, searched, fetcher):
    """Download into `folder` every file it lacks; raise DownloadError on failure."""
    _files.make_folder(folder, dataset.title)
    try:
        for name, _ in dataset.files.values():
            if _files.locate(folder, name) is None:
                _files.download_first_good(
                    dataset.urls(name), os.path.join(folder, name + '.gz'),
                    lambda payload, name=name: dataset.check(name, payload), fetcher)
    except _files.DownloadError as exc:
        raise _files.DownloadError(
            '%s: the IDX files were not found in %s and downloading them into %s failed:'
            '\n%s\nPut the four files (gzipped or not) in one of those folders, or set '
            'SYMKERAS_DATASETS to a folder holding %s/.'
            % (dataset.title, ', '.join(searched), folder, exc, dataset.folder)) from exc


def check_parses(name, shape, title):
    """A download check: the gzip bytes hold an IDX file of `shape` (ValueError if not)."""
    def check(payload):
        content = _files.gunzip(payload)
        parse_idx_bytes(content, name, shape, title)
    return check


def parse_idx_bytes(content, name, shape, title):
    """Parse IDX bytes held in memory (a download) into a uint8 array of `shape`."""
    return _parse_idx(io.BytesIO(content), name, tuple(shape), title)


def read_idx(filepath, expected_shape, title='MNIST'):
    """Read an IDX file of unsigned bytes (gzipped or not) and check its shape.

    Args:
        filepath: path of the IDX file; gzip is recognised from the content.
        expected_shape: the shape the file must hold, e.g. (60000, 28, 28).
        title: dataset name used in error messages.

    Returns:
        A writable, C-contiguous uint8 array of `expected_shape`.

    Raises:
        ValueError: naming the file, when it is truncated, not IDX, or of another shape.
    """
    with open(filepath, 'rb') as raw:
        gzipped = raw.read(2) == _files.GZIP_MAGIC
    opener = gzip.open if gzipped else open
    try:
        with opener(filepath, 'rb') as stream:
            return _parse_idx(stream, filepath, tuple(expected_shape), title)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError('%s file %s: corrupt or truncated gzip data (%s)'
                         % (title, filepath, exc)) from exc


def _parse_idx(stream, filepath, shape, title):
    """Parse header and body of an IDX stream into a uint8 array of `shape`."""
    ndim = len(shape)
    header = stream.read(4 + 4 * ndim)
    if len(header) < 4 + 4 * ndim:
        raise ValueError('%s file %s: truncated header: expected %d bytes, received %d'
                         % (title, filepath, 4 + 4 * ndim, len(header)))
    magic, *dims = struct.unpack('>%dI' % (ndim + 1), header)
    expected_magic = (_IDX_UINT8 << 8) | ndim
    if magic != expected_magic:
        raise ValueError('%s file %s: not an IDX file of %d-D unsigned bytes: expected '
                         'magic number 0x%08x, received 0x%08x'
                         % (title, filepath, ndim, expected_magic, magic))
    if tuple(dims) != shape:
        raise ValueError('%s file %s: expected shape %s, the header says %s'
                         % (title, filepath, shape, tuple(dims)))
    array = np.empty(shape, dtype=np.uint8)
    received = _read_into(stream, array)
    if received != array.nbytes or stream.read(1):
        size = '%d' % received if received != array.nbytes else 'more'
        raise ValueError('%s file %s: expected %d data bytes after the header, '
                         'received %s (truncated or foreign file)'
                         % (title, filepath, array.nbytes, size))
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
