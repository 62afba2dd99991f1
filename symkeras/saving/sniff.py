"""Recognise a file from its first bytes: ours (a zip whose first entry is the stored
'mimetype' marker, as in OpenDocument files) or, for clear error messages, what else it is.
"""
import struct

MIMETYPE = b'application/vnd.symkeras+zip'
MARKER_NAME = b'mimetype'
HEAD_SIZE = 512

_LOCAL_HEADER = struct.Struct('<4sHHHHHIIIHH')   # a zip local file header: 30 bytes
_ZIP_SIGNATURES = (b'PK\x03\x04', b'PK\x05\x06', b'PK\x07\x08')
_FOREIGN = (
    (b'\x89HDF\r\n\x1a\n', 'an HDF5 file (Keras saves models as HDF5; symkeras cannot read '
                           'HDF5: rebuild the model and transfer the weights with numpy)'),
    (b'\x93NUMPY', 'a numpy .npy array, not a model file'),
    (b'\x1f\x8b', 'a gzip-compressed file'),
    (b'%PDF', 'a PDF document'),
)


def is_symkeras_file(head):
    """Whether `head` (the first bytes of a file) starts with our zip marker entry."""
    if len(head) < _LOCAL_HEADER.size:
        return False
    fields = _LOCAL_HEADER.unpack_from(head)
    signature, method, name_length, extra_length = fields[0], fields[3], fields[9], fields[10]
    if signature != b'PK\x03\x04' or method != 0:
        return False
    start = _LOCAL_HEADER.size
    name = head[start:start + name_length]
    data_start = start + name_length + extra_length
    return name == MARKER_NAME and head[data_start:data_start + len(MIMETYPE)] == MIMETYPE


def describe_foreign(head):
    """A phrase saying what the file seems to be, from its first bytes."""
    for magic, what in _FOREIGN:
        if head.startswith(magic):
            return what
    if head[:4] in _ZIP_SIGNATURES:
        return 'a zip archive without the symkeras marker (not written by symkeras)'
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return 'a Python pickle (symkeras never unpickles files: they can run code)'
    text = head.lstrip()[:64].lower()
    if text.startswith((b'<!doctype html', b'<html', b'<head', b'<?xml', b'<')):
        return 'an HTML or XML page (a failed download?)'
    if text.startswith(b'{'):
        return ('JSON text (an architecture from to_json()? read it with '
                'model_from_json(open(path).read()))')
    return 'unknown content (first bytes: %r)' % head[:16]
