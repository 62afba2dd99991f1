"""`get_file` (Keras 2 `keras.utils.get_file`): cached download, hash check, extraction.

Every origin here is a local `file://` URL, so no test touches the network.
"""
import hashlib
import io
import os
import tarfile
import zipfile

import pytest

from symkeras.utils import get_file
from symkeras.utils.data_utils import validate_file


def _origin(path):
    return 'file://' + str(path)


@pytest.fixture
def source(tmp_path):
    """A small text file outside the cache, and its sha256."""
    path = tmp_path / 'source' / 'corpus.txt'
    path.parent.mkdir()
    path.write_text('hello corpus\n')
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def test_get_file_downloads_into_cache_subdir_and_reuses_it(tmp_path, source):
    path, _ = source
    cache = tmp_path / 'cache'
    result = get_file('corpus.txt', origin=_origin(path), cache_dir=str(cache))
    assert result == os.path.join(str(cache), 'datasets', 'corpus.txt')
    assert open(result).read() == 'hello corpus\n'
    path.write_text('changed upstream\n')   # cached copy is kept when no hash is given
    assert open(get_file('corpus.txt', origin=_origin(path), cache_dir=str(cache))).read() \
        == 'hello corpus\n'


def test_get_file_redownloads_when_the_cached_hash_differs(tmp_path, source):
    path, digest = source
    cache = tmp_path / 'cache'
    target = cache / 'texts' / 'corpus.txt'
    target.parent.mkdir(parents=True)
    target.write_text('stale')
    result = get_file('corpus.txt', origin=_origin(path), file_hash=digest,
                      cache_subdir='texts', cache_dir=str(cache))
    assert open(result).read() == 'hello corpus\n'
    assert validate_file(result, digest)
    md5 = hashlib.md5(path.read_bytes()).hexdigest()
    assert validate_file(result, md5) and not validate_file(result, '0' * 32)


def test_get_file_wrong_hash_raises_and_writes_nothing(tmp_path, source):
    path, _ = source
    cache = tmp_path / 'cache'
    with pytest.raises(ValueError, match='get_file.*corpus.txt.*expected sha256'):
        get_file('corpus.txt', origin=_origin(path), file_hash='1' * 64,
                 cache_dir=str(cache))
    assert not (cache / 'datasets' / 'corpus.txt').exists()


def test_get_file_missing_origin_names_the_url(tmp_path):
    with pytest.raises(OSError, match='get_file: URL fetch failure on file://'):
        get_file('nothing.txt', origin=_origin(tmp_path / 'nothing.txt'),
                 cache_dir=str(tmp_path / 'cache'))


def test_get_file_untar_and_extract(tmp_path):
    archive = tmp_path / 'corpus.tar.gz'
    with tarfile.open(archive, 'w:gz') as tar:
        data = b'text in a tar'
        info = tarfile.TarInfo('corpus/part.txt')
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    cache = str(tmp_path / 'cache')
    folder = get_file('corpus', origin=_origin(archive), untar=True, cache_dir=cache)
    assert folder == os.path.join(cache, 'datasets', 'corpus')
    assert open(os.path.join(folder, 'part.txt')).read() == 'text in a tar'
    zipped = tmp_path / 'pairs.zip'
    with zipfile.ZipFile(zipped, 'w') as handle:
        handle.writestr('pairs/fra.txt', 'Go.\tVa !\n')
    path = get_file('pairs.zip', origin=_origin(zipped), extract=True, cache_dir=cache)
    assert open(os.path.join(os.path.dirname(path), 'pairs', 'fra.txt')).read() \
        == 'Go.\tVa !\n'


def test_get_file_refuses_zip_member_outside_the_folder(tmp_path):
    zipped = tmp_path / 'evil.zip'
    with zipfile.ZipFile(zipped, 'w') as handle:
        handle.writestr('../escaped.txt', 'no')
    with pytest.raises(ValueError, match='refusing member'):
        get_file('evil.zip', origin=_origin(zipped), extract=True,
                 cache_dir=str(tmp_path / 'cache'))
    assert not (tmp_path / 'cache' / 'escaped.txt').exists()
