"""symkeras.datasets.mnist: IDX parsing, search order, download (faked) and the sample.

No test touches the network: `mnist._fetch` is replaced wherever a download could happen.
Tests that need the real MNIST read it from $SYMKERAS_DATASETS/mnist (CI points
SYMKERAS_DATASETS at ../shared/data) and are skipped when it is not set.
"""
import gzip
import os
import struct

import numpy as np
import pytest

from symkeras.datasets import mnist

NAMES = [name for name, _ in mnist.IDX_FILES.values()]


def _real_folder():
    """The folder of the real MNIST, or skip with the reason."""
    root = os.environ.get('SYMKERAS_DATASETS')
    if not root:
        pytest.skip('SYMKERAS_DATASETS is not set: point it at ../shared/data to run the '
                    'tests that read the real MNIST')
    folder = os.path.join(root, 'mnist')
    if not all(mnist._locate(folder, name) for name in NAMES):
        pytest.skip('SYMKERAS_DATASETS=%s has no complete mnist/ folder' % root)
    return folder


@pytest.fixture(autouse=True)
def no_network(monkeypatch, tmp_path):
    """Fail any download attempt and keep the user cache inside tmp_path."""
    def refuse(url):
        raise OSError('network disabled in tests (%s)' % url)
    monkeypatch.setattr(mnist, '_fetch', refuse)
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))


@pytest.fixture(scope='module')
def real_data():
    """MNIST loaded once through SYMKERAS_DATASETS."""
    _real_folder()
    return mnist.load_data()


def _link_real_files(folder, skip=()):
    """Fill `folder` with symlinks to the real files, except the names in `skip`."""
    folder.mkdir(exist_ok=True)
    for name in NAMES:
        if name not in skip:
            source = mnist._locate(_real_folder(), name)
            os.symlink(source, folder / os.path.basename(source))


def _idx_bytes(array):
    """Encode a uint8 array as an IDX file."""
    header = struct.pack('>I', 0x0800 | array.ndim) + struct.pack('>%dI' % array.ndim,
                                                                  *array.shape)
    return header + array.astype(np.uint8).tobytes()


def test_load_data_from_env_shapes_dtypes_ranges(real_data):
    (x_train, y_train), (x_test, y_test) = real_data
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
        assert array.flags.c_contiguous and array.flags.writeable
    assert x_train.min() == 0 and x_train.max() == 255
    assert sorted(np.unique(y_train)) == list(range(10))
    assert sorted(np.unique(y_test)) == list(range(10))
    assert (y_train[0], y_test[0]) == (5, 7)  # the well-known first labels


def test_load_data_reads_ungzipped_files(tmp_path, real_data):
    folder = tmp_path / 'raw'
    _link_real_files(folder, skip=NAMES[2:])
    for name in NAMES[2:]:
        with gzip.open(mnist._locate(_real_folder(), name), 'rb') as stream:
            (folder / name).write_bytes(stream.read())
    (_, _), (x_test, y_test) = mnist.load_data(path=str(folder))
    np.testing.assert_array_equal(x_test, real_data[1][0])
    np.testing.assert_array_equal(y_test, real_data[1][1])


def test_load_data_truncated_file_names_it(tmp_path):
    folder = tmp_path / 'cut'
    _link_real_files(folder, skip=['t10k-images-idx3-ubyte'])
    (folder / 't10k-images-idx3-ubyte').write_bytes(_idx_bytes(np.zeros((10000, 28, 28)))
                                                    [:5000])
    with pytest.raises(ValueError, match='t10k-images-idx3-ubyte.*truncated'):
        mnist.load_data(path=folder)


def test_read_idx_plain_and_gzipped(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / 'a').write_bytes(_idx_bytes(array))
    (tmp_path / 'a.gz').write_bytes(gzip.compress(_idx_bytes(array)))
    np.testing.assert_array_equal(mnist.read_idx(str(tmp_path / 'a'), (2, 3, 4)), array)
    np.testing.assert_array_equal(mnist.read_idx(str(tmp_path / 'a.gz'), (2, 3, 4)), array)


@pytest.mark.parametrize('content, message', [
    (_idx_bytes(np.zeros((2, 3, 4)))[:30], 'expected 24 data bytes.*received 14'),
    (_idx_bytes(np.zeros((2, 3, 4)))[:7], 'truncated header'),
    (_idx_bytes(np.zeros((2, 3, 4))) + b'x', 'received more'),
    (_idx_bytes(np.zeros((2, 3, 5))), r'expected shape \(2, 3, 4\)'),
    (_idx_bytes(np.zeros((24,))), 'magic number 0x00000803, received 0x00000801'),
    (b'<html>not found</html>' * 3, 'not an IDX file'),
    (gzip.compress(_idx_bytes(np.zeros((2, 3, 4))))[:20], 'corrupt or truncated gzip'),
])
def test_read_idx_rejects_bad_files(tmp_path, content, message):
    (tmp_path / 'bad').write_bytes(content)
    with pytest.raises(ValueError, match='bad.*' + message):
        mnist.read_idx(str(tmp_path / 'bad'), (2, 3, 4))


def test_no_data_and_no_network_is_a_clear_error(tmp_path):
    with pytest.raises(mnist.DownloadError, match='(?s)not found in .*network disabled'):
        mnist.load_data(path=str(tmp_path / 'empty'))


def test_fallback_to_shipped_sample(tmp_path, capsys):
    data, source = mnist.load_data_or_sample(path=str(tmp_path / 'empty'))
    (x_train, y_train), (x_test, y_test) = data
    assert source == 'sample'
    assert x_train.shape == (2000, 28, 28) and y_train.shape == (2000,)
    assert x_test.shape == (500, 28, 28) and y_test.shape == (500,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    warning = capsys.readouterr().err
    assert warning.count('\n') == 1 and 'sample' in warning
    assert os.path.getsize(mnist.SAMPLE_FILE) < 1024 * 1024


def test_sample_is_the_head_of_real_mnist(real_data):
    (x_train, y_train), (x_test, y_test) = mnist.load_sample()
    np.testing.assert_array_equal(x_train, real_data[0][0][:2000])
    np.testing.assert_array_equal(y_train, real_data[0][1][:2000])
    np.testing.assert_array_equal(x_test, real_data[1][0][:500])
    np.testing.assert_array_equal(y_test, real_data[1][1][:500])


def test_load_data_or_sample_prefers_real_data(real_data):
    data, source = mnist.load_data_or_sample()
    assert source == os.path.join(os.environ['SYMKERAS_DATASETS'], 'mnist')
    assert data[0][0].shape == (60000, 28, 28)


def test_checksum_mismatch_raises_and_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, '_fetch', lambda url: gzip.compress(b'not mnist'))
    folder = tmp_path / 'cache'
    with pytest.raises(mnist.DownloadError, match='checksum mismatch'):
        mnist.load_data(path=str(folder))
    assert os.listdir(folder) == []


def _serve_real_files(monkeypatch):
    """Make `_fetch` answer with the real gzipped files; return the list of URLs asked."""
    asked = []
    real_folder = _real_folder()

    def fetch(url):
        asked.append(url)
        name = url.rsplit('/', 1)[1][:-len('.gz')]
        with gzip.open(mnist._locate(real_folder, name), 'rb') as stream:
            return gzip.compress(stream.read(), compresslevel=1)
    monkeypatch.setattr(mnist, '_fetch', fetch)
    return asked


def test_download_into_user_cache(tmp_path, monkeypatch, real_data):
    asked = _serve_real_files(monkeypatch)
    monkeypatch.delenv('SYMKERAS_DATASETS')
    data = mnist.load_data()
    cache = tmp_path / 'home' / '.symkeras' / 'datasets' / 'mnist'
    assert sorted(os.listdir(cache)) == sorted(name + '.gz' for name in NAMES)
    assert len(asked) == 4 and all(url.startswith(mnist.MIRRORS[0]) for url in asked)
    np.testing.assert_array_equal(data[1][1], real_data[1][1])
    assert mnist.load_data()[0][1].shape == (60000,) and len(asked) == 4  # from the cache


def test_download_only_missing_files_into_path(tmp_path, monkeypatch):
    folder = tmp_path / 'partial'
    _link_real_files(folder, skip=['t10k-labels-idx1-ubyte'])
    asked = _serve_real_files(monkeypatch)
    (_, _), (_, y_test) = mnist.load_data(path=folder)
    assert [url.rsplit('/', 1)[1] for url in asked] == ['t10k-labels-idx1-ubyte.gz']
    assert y_test.shape == (10000,)


def test_keras_npz_path_argument():
    data = mnist.load_data(path=mnist.SAMPLE_FILE)
    assert data[0][0].shape == (2000, 28, 28)
