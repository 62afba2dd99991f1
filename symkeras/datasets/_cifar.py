"""The binary CIFAR-10 / CIFAR-100 files, shared by `cifar10` and `cifar100`.

A binary CIFAR file is a run of fixed-size records: `label_bytes` label bytes (CIFAR-10:
the class; CIFAR-100: coarse then fine) followed by 3072 pixel bytes, the 1024 red, 1024
green and 1024 blue values of a 32x32 image in row-major order. The files come in a
`.tar.gz` archive, extracted here with the standard library after every member is checked
(`_files.extract_tar_safely`). The pickled "python version" of CIFAR is never read.
"""
import collections
import hashlib
import io
import os
import tarfile
import zlib

import numpy as np

from . import _files

PIXEL_BYTES = 3 * 32 * 32

CifarSpec = collections.namedtuple(
    'CifarSpec', 'title folder archive urls md5 subfolder label_bytes classes train test')
CifarSpec.__doc__ = """What tells CIFAR-10 from CIFAR-100.

title: name used in messages; folder: folder name under $SYMKERAS_DATASETS and the user
cache; archive: archive file name; urls: where to download it; md5: its published MD5;
subfolder: the folder the archive holds; label_bytes: label bytes per record; classes:
number of classes of each label byte; train, test: ((file name, records), ...).
"""


def load(spec, path, fetcher):
    """Find, extract or download the binary files; return `(data, source folder)`.

    `data` is `((x_train, labels_train), (x_test, labels_test))` with images of shape
    (N, 3, 32, 32) and labels of shape (N, label_bytes), all uint8.
    """
    folders = _files.search_folders(spec.folder, path)
    for folder in folders:
        found = _data_folder(spec, folder)
        if found is None and os.path.isfile(os.path.join(folder, spec.archive)):
            _files.extract_tar_safely(os.path.join(folder, spec.archive), folder, spec.title)
            found = _data_folder(spec, folder)
        if found is not None:
            return _read_splits(spec, found), found
    target = os.fspath(path) if path is not None else _files.user_cache_folder(spec.folder)
    _download(spec, target, folders, fetcher)
    _files.extract_tar_safely(os.path.join(target, spec.archive), target, spec.title)
    found = _data_folder(spec, target)
    if found is None:
        raise ValueError('%s archive %s: extracted, but %s does not hold %s'
                         % (spec.title, os.path.join(target, spec.archive),
                            os.path.join(target, spec.subfolder), _names(spec)))
    return _read_splits(spec, found), found


def _names(spec):
    """The names of all the binary files of a spec."""
    return [name for name, _ in spec.train + spec.test]


def _data_folder(spec, folder):
    """`folder` or its archive subfolder, whichever holds every binary file, else None."""
    for candidate in (folder, os.path.join(folder, spec.subfolder)):
        if all(os.path.isfile(os.path.join(candidate, name)) for name in _names(spec)):
            return candidate
    return None


def _read_splits(spec, folder):
    """Read and concatenate the train files, then the test files, of `folder`."""
    splits = []
    for files in (spec.train, spec.test):
        parts = [read_records(os.path.join(folder, name), records, spec)
                 for name, records in files]
        splits.append(tuple(np.concatenate(arrays) for arrays in zip(*parts)))
    return tuple(splits)


def read_records(filepath, records, spec):
    """Read one binary CIFAR file of `records` records; check its size and labels.

    Returns:
        `(images, labels)`: uint8 arrays of shapes (records, 3, 32, 32) and
        (records, label_bytes).

    Raises:
        ValueError: naming the file, when its size or a label is not what it should be.
    """
    record_bytes = spec.label_bytes + PIXEL_BYTES
    raw = np.fromfile(filepath, dtype=np.uint8)
    if raw.size != records * record_bytes:
        raise ValueError(
            '%s file %s: expected %d bytes (%d records of %d label byte(s) + %d pixel '
            'bytes), received %d (truncated or foreign file)'
            % (spec.title, filepath, records * record_bytes, records, spec.label_bytes,
               PIXEL_BYTES, raw.size))
    raw = raw.reshape(records, record_bytes)
    labels = np.ascontiguousarray(raw[:, :spec.label_bytes])
    _check_labels(labels, spec, filepath)
    images = np.ascontiguousarray(raw[:, spec.label_bytes:]).reshape(records, 3, 32, 32)
    return images, labels


def _check_labels(labels, spec, filepath):
    """Raise ValueError naming the first record whose label is out of range."""
    for column, classes in enumerate(spec.classes):
        bad = np.flatnonzero(labels[:, column] >= classes)
        if bad.size:
            raise ValueError('%s file %s: record %d has label %d; expected labels in '
                             '[0, %d) (corrupt or foreign file)'
                             % (spec.title, filepath, bad[0], labels[bad[0], column],
                                classes))


def _download(spec, folder, searched, fetcher):
    """Download the archive into `folder`, checked first; raise DownloadError on failure."""
    _files.make_folder(folder, spec.title)
    try:
        _files.download_first_good(spec.urls, os.path.join(folder, spec.archive),
                                   lambda payload: check_archive(spec, payload), fetcher)
    except _files.DownloadError as exc:
        raise _files.DownloadError(
            '%s: the binary files were not found in %s and downloading %s into %s failed:'
            '\n%s\nPut %s (or its extracted %s/ folder) in one of those folders, or set '
            'SYMKERAS_DATASETS to a folder holding %s/.'
            % (spec.title, ', '.join(searched), spec.archive, folder, exc, spec.archive,
               spec.subfolder, spec.folder)) from exc


def check_archive(spec, payload):
    """Raise ValueError unless `payload` is the published archive with the right members."""
    digest = hashlib.md5(payload).hexdigest()
    if digest != spec.md5:
        raise ValueError('checksum mismatch for %s: expected md5 %s, received %s'
                         % (spec.archive, spec.md5, digest))
    try:
        with tarfile.open(fileobj=io.BytesIO(payload), mode='r:*') as tar:
            sizes = {member.name: member.size for member in tar.getmembers()
                     if member.isfile()}
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise ValueError('%s is not a complete tar.gz file (%s)' % (spec.archive, exc)) \
            from exc
    for name, records in spec.train + spec.test:
        member = spec.subfolder + '/' + name
        expected = records * (spec.label_bytes + PIXEL_BYTES)
        if sizes.get(member) != expected:
            raise ValueError('%s: expected member %s of %d bytes, received %s'
                             % (spec.archive, member, expected, sizes.get(member, 'none')))


def to_keras(images, labels, column, data_format):
    """Keras's arrays: images in `data_format`, labels `labels[:, column]` as (N, 1)."""
    if data_format == 'channels_last':
        images = np.ascontiguousarray(images.transpose(0, 2, 3, 1))
    return images, np.ascontiguousarray(labels[:, column:column + 1])
