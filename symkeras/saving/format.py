"""The symkeras file container: a zip archive that holds no code, only data.

Layout (entries in this order):
    mimetype          stored, uncompressed: b'application/vnd.symkeras+zip' (the magic
                      header: the file is recognised from its content, never its name)
    symkeras.json     one JSON document: format name and version, what the file holds
                      (architecture, training configuration, ...) and the manifest of the
                      arrays: for each, its name, shape, dtype and the SHA-256 of its bytes
    arrays/00000.npy  the arrays, in manifest order, as raw .npy (C order, stored)

Reading never runs code from the file: the JSON goes through `json.loads`, the .npy headers
through numpy's literal parser with a size limit, and array bytes through `np.frombuffer`
after their shape and dtype were checked against the manifest; no pickle, no eval. Every
problem raises `ModelFileError` (a ValueError) naming the file and what is wrong.
"""
import binascii
import hashlib
import json
import math
import os
import struct
import zipfile
import zlib

import numpy as np

from .atomic import atomic_write
from .errors import ModelFileError
from .sniff import HEAD_SIZE, MARKER_NAME, MIMETYPE, describe_foreign, is_symkeras_file

FORMAT_NAME = 'symkeras'
FORMAT_VERSION = 1
DOCUMENT_NAME = 'symkeras.json'
DOCUMENT_LIMIT = 256 * 2 ** 20     # bytes; a model's JSON is far smaller
DTYPES = ('float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8',
          'uint16', 'uint32', 'uint64', 'bool')
_NPY_HEADER_LIMIT = 4096           # our headers are ~128 bytes
_HEX_DIGITS = frozenset('0123456789abcdef')
# What a damaged zip can raise inside zipfile / numpy's header parser.
_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
           KeyError, IndexError, TypeError, NotImplementedError, RuntimeError, OverflowError,
           SyntaxError, UnicodeDecodeError, struct.error, zlib.error, binascii.Error,
           MemoryError)


def entry_name(index):
    """Zip entry name of the array at position `index` of the manifest."""
    return 'arrays/%05d.npy' % index


def array_digest(array):
    """SHA-256 (hex) of the bytes of `array` in C order."""
    flat = np.ascontiguousarray(array).reshape(-1).view(np.uint8)
    return hashlib.sha256(flat).hexdigest()


def _manifest_entry(name, array):
    return {'name': name, 'shape': list(array.shape), 'dtype': array.dtype.name,
            'sha256': array_digest(array)}


def _json_default(value):
    """JSON for the few non-JSON values configs hold (numpy scalars and arrays, sets)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError('cannot save %r (type %s) in a symkeras file: configs must hold JSON '
                    'values' % (value, type(value).__name__))


def _checked_array(name, value):
    array = np.array(value, order="C", copy=None)  # (ascontiguousarray makes 0-d 1-d)
    if array.dtype.name not in DTYPES:
        raise TypeError('cannot save array %r of dtype %s: supported dtypes are %s'
                        % (name, array.dtype, ', '.join(DTYPES)))
    return array.astype(array.dtype.newbyteorder('<'), copy=False)


def write_container(filepath, document, named_arrays):
    """Atomically write `document` (a JSON-able dict) and [(name, array)] to `filepath`.

    The manifest of the arrays is added to the document under 'arrays'.
    """
    arrays = [_checked_array(name, value) for name, value in named_arrays]
    manifest = [_manifest_entry(name, array) for (name, _), array in zip(named_arrays, arrays)]
    full = dict(document, format=FORMAT_NAME, format_version=FORMAT_VERSION, arrays=manifest)
    payload = json.dumps(full, default=_json_default).encode('utf-8')

    def write(handle):
        with zipfile.ZipFile(handle, 'w', zipfile.ZIP_STORED, allowZip64=True) as archive:
            archive.writestr(zipfile.ZipInfo(MARKER_NAME.decode()), MIMETYPE)
            archive.writestr(DOCUMENT_NAME, payload, compress_type=zipfile.ZIP_DEFLATED)
            for index, array in enumerate(arrays):
                with archive.open(entry_name(index), 'w', force_zip64=True) as entry:
                    np.lib.format.write_array(entry, array, allow_pickle=False)

    atomic_write(filepath, write)


class Container:
    """A file read by `read_container`: its `document` (dict) and `arrays` (list of
    numpy arrays in manifest order, checked against shapes, dtypes and checksums)."""

    def __init__(self, path, document, arrays):
        self.path = path
        self.document = document
        self.arrays = arrays

    def error(self, message):
        """ModelFileError("Cannot load '<path>': <message>")."""
        return ModelFileError('Cannot load %r: %s' % (self.path, message))

    def fail(self, message):
        """Raise `self.error(message)`."""
        raise self.error(message)


def _fail(path, message):
    raise ModelFileError('Cannot load %r: %s' % (path, message))


def read_container(filepath):
    """Read and verify a symkeras file.

    Returns:
        A Container.

    Raises:
        FileNotFoundError: no such file.
        ModelFileError: empty, truncated, damaged or foreign file.
    """
    path = os.fspath(filepath)
    with open(path, 'rb') as handle:
        head = handle.read(HEAD_SIZE)
        size = os.fstat(handle.fileno()).st_size
        if not head:
            _fail(path, 'the file is empty (0 bytes): not a symkeras model file')
        if not is_symkeras_file(head):
            _fail(path, 'not a symkeras model file: it is %s' % _describe(handle, head))
        handle.seek(0)
        try:
            with zipfile.ZipFile(handle) as archive:
                document = _read_document(path, archive)
                arrays = [_read_array(path, archive, index, entry)
                          for index, entry in enumerate(document['arrays'])]
        except ModelFileError:
            raise
        except _DAMAGE as error:
            _fail(path, 'the file is truncated or damaged (%d bytes; %s: %s)'
                  % (size, type(error).__name__, error))
    return Container(path, document, arrays)


def _describe(handle, head):
    """What a foreign file is; for a zip archive, with the names it holds."""
    what = describe_foreign(head)
    if not head.startswith(b'PK'):
        return what
    try:
        handle.seek(0)
        names = zipfile.ZipFile(handle).namelist()
    except _DAMAGE:
        return what
    if any(name.endswith(('.pkl', '.pickle')) or 'pickle' in name for name in names):
        what += ', holding pickled data, which symkeras never loads because it can run code'
    elif '__plan__.npy' in names:
        what += ' (a compiled inference artifact: load it with runtime.load)'
    return what + ' (entries: %s)' % ', '.join(repr(n) for n in names[:5])


def _read_document(path, archive):
    """The JSON document, validated."""
    names = archive.namelist()
    if len(names) != len(set(names)):
        _fail(path, 'the archive has duplicate entries: damaged or tampered with')
    try:
        info = archive.getinfo(DOCUMENT_NAME)
    except KeyError:
        _fail(path, 'the archive has no %r entry: damaged or not written by symkeras'
              % DOCUMENT_NAME)
    if info.file_size > DOCUMENT_LIMIT:
        _fail(path, '%r declares %d bytes (limit %d): damaged' % (DOCUMENT_NAME,
                                                                 info.file_size,
                                                                 DOCUMENT_LIMIT))
    with archive.open(info) as entry:
        raw = entry.read(DOCUMENT_LIMIT + 1)
    try:
        document = json.loads(raw.decode('utf-8'))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        _fail(path, 'its JSON document is damaged (%s)' % error)
    _check_document(path, document)
    return document


def _check_document(path, document):
    if not isinstance(document, dict) or document.get('format') != FORMAT_NAME:
        _fail(path, "its JSON document is not a symkeras document (format=%r)"
              % (document.get('format') if isinstance(document, dict) else document))
    version = document.get('format_version')
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        _fail(path, 'invalid format_version %r' % (version,))
    if version > FORMAT_VERSION:
        _fail(path, 'written with a newer symkeras (format version %d; this version reads '
              'up to %d): upgrade symkeras' % (version, FORMAT_VERSION))
    manifest = document.get('arrays')
    if not isinstance(manifest, list):
        _fail(path, "its JSON document has no 'arrays' manifest")
    for index, entry in enumerate(manifest):
        _check_manifest_entry(path, index, entry)


def _check_manifest_entry(path, index, entry):
    problem = None
    if not isinstance(entry, dict):
        problem = 'not an object'
    elif entry.get('dtype') not in DTYPES:
        problem = 'dtype %r is not one of %s' % (entry.get('dtype'), ', '.join(DTYPES))
    elif not _is_shape(entry.get('shape')):
        problem = 'invalid shape %r' % (entry.get('shape'),)
    elif not _is_digest(entry.get('sha256')):
        problem = 'invalid sha256 %r' % (entry.get('sha256'),)
    if problem:
        _fail(path, 'array %d of the manifest: %s' % (index, problem))


def _is_shape(shape):
    return isinstance(shape, list) and len(shape) <= 32 and all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2 ** 48 for d in shape)


def _is_digest(digest):
    return isinstance(digest, str) and len(digest) == 64 and set(digest) <= _HEX_DIGITS


def _read_array(path, archive, index, entry):
    """One array, checked against its manifest entry (shape, dtype, size, SHA-256)."""
    name = entry_name(index)
    label = 'array %r (%s)' % (entry.get('name'), name)
    try:
        info = archive.getinfo(name)
    except KeyError:
        _fail(path, '%s is missing from the archive' % label)
    shape, dtype = tuple(entry['shape']), np.dtype(entry['dtype']).newbyteorder('<')
    nbytes = math.prod(shape) * dtype.itemsize
    if info.file_size > nbytes + _NPY_HEADER_LIMIT:
        _fail(path, '%s declares %d bytes for %s %s data: damaged'
              % (label, info.file_size, shape, entry['dtype']))
    with archive.open(info) as stream:
        _check_npy_header(path, label, stream, shape, dtype)
        data = stream.read(nbytes)
        if len(data) != nbytes:
            _fail(path, '%s holds %d data bytes, expected %d' % (label, len(data), nbytes))
        if stream.read(1):
            _fail(path, '%s holds more data than its shape %s needs' % (label, shape))
    array = np.frombuffer(data, dtype=dtype).reshape(shape)
    if array_digest(array) != entry['sha256']:
        _fail(path, '%s fails its SHA-256 check: the data is damaged' % label)
    return array.astype(dtype.newbyteorder('='), copy=True)


def _check_npy_header(path, label, stream, shape, dtype):
    """Parse the .npy header (numpy's literal parser, size-limited) and compare it."""
    version = np.lib.format.read_magic(stream)
    readers = {(1, 0): np.lib.format.read_array_header_1_0,
               (2, 0): np.lib.format.read_array_header_2_0}
    if version not in readers:
        _fail(path, '%s has an unsupported .npy version %r' % (label, version))
    found_shape, fortran, found_dtype = readers[version](
        stream, max_header_size=_NPY_HEADER_LIMIT)
    if found_dtype.hasobject or fortran or tuple(found_shape) != shape \
            or found_dtype != dtype:
        _fail(path, '%s: its .npy header says shape %s, dtype %s%s; the manifest says %s, %s'
              % (label, tuple(found_shape), found_dtype, ' (Fortran order)' if fortran else '',
                 shape, dtype))
