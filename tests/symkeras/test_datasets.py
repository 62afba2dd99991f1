"""symkeras.datasets: fashion_mnist, cifar10, cifar100 and boston_housing.

No test touches the network: every module's `_fetch` is replaced. Each test builds tiny
files in the real formats (gzipped IDX, a tar.gz of binary CIFAR records, an .npz) in a
temp folder and shrinks the expected record counts to match, so the real parsing and
checking code runs on them.
"""
import gzip
import hashlib
import io
import os
import struct
import tarfile

import numpy as np
import pytest

from symkeras import backend as K
from symkeras.datasets import _files, boston_housing, cifar10, cifar100, fashion_mnist

MODULES = (fashion_mnist, cifar10, cifar100, boston_housing)


@pytest.fixture(autouse=True)
def no_network(monkeypatch, tmp_path):
    """Fail any download, keep the user cache in tmp_path, point SYMKERAS_DATASETS there."""
    def refuse(url):
        raise OSError('network disabled in tests (%s)' % url)
    for module in MODULES:
        monkeypatch.setattr(module, '_fetch', refuse)
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    monkeypatch.setenv('SYMKERAS_DATASETS', str(tmp_path / 'data'))


def _serve(monkeypatch, module, payloads):
    """Make `module._fetch` answer from {file name: bytes}; return the URLs asked."""
    asked = []

    def fetch(url):
        asked.append(url)
        return payloads[url.rsplit('/', 1)[1]]
    monkeypatch.setattr(module, '_fetch', fetch)
    return asked


# ---------------------------------------------------------------- Fashion-MNIST (IDX)

SMALL_IDX = {
    ('train', 'images'): ('train-images-idx3-ubyte', (5, 28, 28)),
    ('train', 'labels'): ('train-labels-idx1-ubyte', (5,)),
    ('test', 'images'): ('t10k-images-idx3-ubyte', (3, 28, 28)),
    ('test', 'labels'): ('t10k-labels-idx1-ubyte', (3,)),
}


def _idx_bytes(array):
    """Encode a uint8 array as an IDX file."""
    header = struct.pack('>I', 0x0800 | array.ndim)
    return header + struct.pack('>%dI' % array.ndim, *array.shape) + array.tobytes()


def _fashion_arrays():
    """{file name: array} of a tiny Fashion-MNIST."""
    rng = np.random.RandomState(1)
    return {name: rng.randint(0, 256 if len(shape) == 3 else 10, size=shape).astype(np.uint8)
            for name, shape in SMALL_IDX.values()}


@pytest.fixture
def small_fashion(monkeypatch):
    monkeypatch.setattr(fashion_mnist, 'IDX_FILES', SMALL_IDX)
    return _fashion_arrays()


def _write_fashion(folder, arrays):
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        (folder / (name + '.gz')).write_bytes(gzip.compress(_idx_bytes(array)))


def _assert_fashion(data, arrays):
    (x_train, y_train), (x_test, y_test) = data
    np.testing.assert_array_equal(x_train, arrays['train-images-idx3-ubyte'])
    np.testing.assert_array_equal(y_train, arrays['train-labels-idx1-ubyte'])
    np.testing.assert_array_equal(x_test, arrays['t10k-images-idx3-ubyte'])
    np.testing.assert_array_equal(y_test, arrays['t10k-labels-idx1-ubyte'])
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}


def test_fashion_mnist_from_env_folder(tmp_path, small_fashion):
    _write_fashion(tmp_path / 'data' / 'fashion_mnist', small_fashion)
    _assert_fashion(fashion_mnist.load_data(), small_fashion)


def test_fashion_mnist_from_path_ungzipped(tmp_path, small_fashion):
    folder = tmp_path / 'mine'
    folder.mkdir()
    for name, array in small_fashion.items():
        (folder / name).write_bytes(_idx_bytes(array))
    _assert_fashion(fashion_mnist.load_data(path=folder), small_fashion)


def test_fashion_mnist_truncated_file_names_it(tmp_path, small_fashion):
    folder = tmp_path / 'data' / 'fashion_mnist'
    _write_fashion(folder, small_fashion)
    content = _idx_bytes(small_fashion['t10k-images-idx3-ubyte'])[:100]
    (folder / 't10k-images-idx3-ubyte.gz').write_bytes(gzip.compress(content))
    with pytest.raises(ValueError, match=r'Fashion-MNIST file .*t10k-images-idx3-ubyte\.gz'
                                         r'.*expected 2352 data bytes.*received 84'):
        fashion_mnist.load_data()


def test_fashion_mnist_downloads_checked_files_into_cache(tmp_path, monkeypatch,
                                                          small_fashion):
    payloads = {name + '.gz': gzip.compress(_idx_bytes(array))
                for name, array in small_fashion.items()}
    monkeypatch.setattr(fashion_mnist, 'MD5', {name[:-3]: hashlib.md5(p).hexdigest()
                                               for name, p in payloads.items()})
    asked = _serve(monkeypatch, fashion_mnist, payloads)
    _assert_fashion(fashion_mnist.load_data(), small_fashion)
    cache = tmp_path / 'home' / '.symkeras' / 'datasets' / 'fashion_mnist'
    assert sorted(os.listdir(cache)) == sorted(payloads)
    assert len(asked) == 4 and all(u.startswith(fashion_mnist.MIRRORS[0]) for u in asked)
    _assert_fashion(fashion_mnist.load_data(), small_fashion)  # from the cache
    assert len(asked) == 4


def test_fashion_mnist_download_checksum_and_format(tmp_path, monkeypatch, small_fashion):
    wrong_shape = gzip.compress(_idx_bytes(np.zeros((5, 28, 27), np.uint8)))
    payloads = {name + '.gz': wrong_shape for name in small_fashion}
    monkeypatch.setattr(fashion_mnist, 'MD5', {name: hashlib.md5(wrong_shape).hexdigest()
                                               for name in small_fashion})
    _serve(monkeypatch, fashion_mnist, payloads)
    folder = tmp_path / 'target'
    with pytest.raises(fashion_mnist.DownloadError, match=r'(?s)not found in .*expected '
                                                          r'shape \(5, 28, 28\)'):
        fashion_mnist.load_data(path=folder)
    monkeypatch.setattr(fashion_mnist, 'MD5', dict(fashion_mnist.MD5, **{
        'train-images-idx3-ubyte': '0' * 32}))
    with pytest.raises(fashion_mnist.DownloadError, match='checksum mismatch'):
        fashion_mnist.load_data(path=folder)
    assert os.listdir(folder) == []


def test_fashion_mnist_no_data_no_network_is_clear(tmp_path):
    with pytest.raises(fashion_mnist.DownloadError,
                       match='(?s)Fashion-MNIST: the IDX files were not found in .*'
                             'network disabled'):
        fashion_mnist.load_data()


def test_real_fashion_checksums_are_the_published_ones():
    assert fashion_mnist.MD5['train-images-idx3-ubyte'] == '8d4fb7e6c68d591d4c3dfef9ec88bf0d'
    assert fashion_mnist.MIRRORS[0] == \
        'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'


# ---------------------------------------------------------------- CIFAR (binary records)

def _small_spec(module, train_records, test_records):
    """The module's spec with tiny record counts."""
    spec = module.SPEC
    train = tuple((name, train_records) for name, _ in spec.train)
    return spec._replace(train=train, test=((spec.test[0][0], test_records),))


def _records(count, label_bytes, classes, seed):
    """Random images (count, 3, 32, 32), labels (count, label_bytes) and their bytes."""
    rng = np.random.RandomState(seed)
    images = rng.randint(0, 256, size=(count, 3, 32, 32)).astype(np.uint8)
    labels = np.stack([rng.randint(0, n, size=count) for n in classes], 1).astype(np.uint8)
    raw = np.concatenate([labels, images.reshape(count, -1)], axis=1)
    assert raw.shape == (count, label_bytes + 3072)
    return images, labels, raw.tobytes()


def _tar_gz(members):
    """A tar.gz in memory of {member name: bytes}."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode='w:gz') as tar:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()


def _cifar_files(spec, seed=0):
    """({member name: bytes}, train (images, labels), test (images, labels))."""
    members, splits = {}, []
    for files in (spec.train, spec.test):
        parts = []
        for index, (name, count) in enumerate(files):
            images, labels, payload = _records(count, spec.label_bytes, spec.classes,
                                               seed + index + 10 * len(splits))
            members[spec.subfolder + '/' + name] = payload
            parts.append((images, labels))
        splits.append(tuple(np.concatenate(a) for a in zip(*parts)))
    members[spec.subfolder + '/readme.html'] = b'<html>CIFAR</html>'
    return members, splits[0], splits[1]


@pytest.fixture
def small_cifar10(monkeypatch):
    spec = _small_spec(cifar10, 2, 3)
    monkeypatch.setattr(cifar10, 'SPEC', spec)
    return spec


@pytest.fixture
def small_cifar100(monkeypatch):
    spec = _small_spec(cifar100, 4, 3)
    monkeypatch.setattr(cifar100, 'SPEC', spec)
    return spec


def _channels_last(images):
    return images.transpose(0, 2, 3, 1)


def test_cifar10_from_archive_in_env_folder(tmp_path, small_cifar10):
    members, (x_train, l_train), (x_test, l_test) = _cifar_files(small_cifar10)
    folder = tmp_path / 'data' / 'cifar10'
    folder.mkdir(parents=True)
    (folder / 'cifar-10-binary.tar.gz').write_bytes(_tar_gz(members))
    (got_x, got_y), (got_xt, got_yt) = cifar10.load_data()
    assert got_x.shape == (10, 32, 32, 3) and got_xt.shape == (3, 32, 32, 3)
    assert got_y.shape == (10, 1) and got_yt.shape == (3, 1)
    assert {a.dtype for a in (got_x, got_y, got_xt, got_yt)} == {np.dtype(np.uint8)}
    np.testing.assert_array_equal(got_x, _channels_last(x_train))
    np.testing.assert_array_equal(got_y, l_train)
    np.testing.assert_array_equal(got_xt, _channels_last(x_test))
    np.testing.assert_array_equal(got_yt, l_test)
    assert (folder / 'cifar-10-batches-bin' / 'test_batch.bin').is_file()
    # the red channel is the first 1024 pixel bytes of a record, row-major
    raw = members['cifar-10-batches-bin/data_batch_1.bin']
    assert got_x[0, 0, 1, 0] == raw[1 + 1] and got_x[0, 0, 0, 2] == raw[1 + 2 * 1024]


def test_cifar10_channels_first_and_bare_bin_files(tmp_path, small_cifar10):
    members, (x_train, _), (x_test, l_test) = _cifar_files(small_cifar10, seed=5)
    for name, payload in members.items():
        (tmp_path / os.path.basename(name)).write_bytes(payload)
    K.set_image_data_format('channels_first')
    try:
        (got_x, _), (got_xt, got_yt) = cifar10.load_data(path=tmp_path)
    finally:
        K.set_image_data_format('channels_last')
    np.testing.assert_array_equal(got_x, x_train)
    np.testing.assert_array_equal(got_xt, x_test)
    np.testing.assert_array_equal(got_yt, l_test)


@pytest.mark.parametrize('label_mode, column', [('fine', 1), ('coarse', 0)])
def test_cifar100_label_modes(tmp_path, small_cifar100, label_mode, column):
    members, (x_train, l_train), (x_test, l_test) = _cifar_files(small_cifar100)
    (tmp_path / 'cifar-100-binary.tar.gz').write_bytes(_tar_gz(members))
    (got_x, got_y), (got_xt, got_yt) = cifar100.load_data(label_mode, path=tmp_path)
    np.testing.assert_array_equal(got_x, _channels_last(x_train))
    np.testing.assert_array_equal(got_xt, _channels_last(x_test))
    np.testing.assert_array_equal(got_y, l_train[:, column:column + 1])
    np.testing.assert_array_equal(got_yt, l_test[:, column:column + 1])
    assert got_y.shape == (4, 1) and got_y.dtype == np.uint8


def test_cifar100_rejects_unknown_label_mode():
    with pytest.raises(ValueError, match="expected label_mode 'fine' or 'coarse', "
                                         "received 'medium'"):
        cifar100.load_data('medium')


def test_cifar_truncated_file_names_it(tmp_path, small_cifar10):
    members, _, _ = _cifar_files(small_cifar10)
    for name, payload in members.items():
        (tmp_path / os.path.basename(name)).write_bytes(payload)
    (tmp_path / 'data_batch_3.bin').write_bytes(members[
        'cifar-10-batches-bin/data_batch_3.bin'][:5000])
    with pytest.raises(ValueError, match=r'CIFAR-10 file .*data_batch_3\.bin: expected 6146 '
                                         r'bytes \(2 records of 1 label byte\(s\) \+ 3072 '
                                         r'pixel bytes\), received 5000'):
        cifar10.load_data(path=tmp_path)


def test_cifar_out_of_range_label_names_record(tmp_path, small_cifar100):
    members, _, _ = _cifar_files(small_cifar100)
    payload = bytearray(members['cifar-100-binary/test.bin'])
    payload[2 * 3074 + 1] = 100   # fine label of record 2
    members['cifar-100-binary/test.bin'] = bytes(payload)
    (tmp_path / 'cifar-100-binary.tar.gz').write_bytes(_tar_gz(members))
    with pytest.raises(ValueError, match=r'test\.bin: record 2 has label 100; expected '
                                         r'labels in \[0, 100\)'):
        cifar100.load_data(path=tmp_path)


def test_cifar_corrupt_archive_names_it(tmp_path, small_cifar10):
    members, _, _ = _cifar_files(small_cifar10)
    (tmp_path / 'cifar-10-binary.tar.gz').write_bytes(_tar_gz(members)[:3000])
    with pytest.raises(ValueError, match=r'CIFAR-10 archive .*cifar-10-binary\.tar\.gz: not '
                                         r'a complete tar\.gz'):
        cifar10.load_data(path=tmp_path)
    assert os.listdir(tmp_path) == ['cifar-10-binary.tar.gz']


@pytest.mark.parametrize('evil', ['../escaped.bin', '/tmp/absolute.bin',
                                  'cifar-10-batches-bin/../../escaped.bin'])
def test_cifar_archive_member_escaping_the_folder_is_refused(tmp_path, small_cifar10, evil):
    members, _, _ = _cifar_files(small_cifar10)
    members[evil] = b'x' * 10
    folder = tmp_path / 'inside'
    folder.mkdir()
    (folder / 'cifar-10-binary.tar.gz').write_bytes(_tar_gz(members))
    with pytest.raises(ValueError, match='refusing member .*escapes the destination'):
        cifar10.load_data(path=folder)
    assert os.listdir(folder) == ['cifar-10-binary.tar.gz']  # nothing extracted
    assert not (tmp_path / 'escaped.bin').exists()


def test_cifar_archive_with_a_link_is_refused(tmp_path, small_cifar10):
    members, _, _ = _cifar_files(small_cifar10)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode='w:gz') as tar:
        link = tarfile.TarInfo('cifar-10-batches-bin/link')
        link.type, link.linkname = tarfile.SYMTYPE, '/etc/passwd'
        tar.addfile(link)
    (tmp_path / 'cifar-10-binary.tar.gz').write_bytes(buffer.getvalue())
    with pytest.raises(ValueError, match="refusing member 'cifar-10-batches-bin/link': "
                                         "expected a regular file or a folder"):
        cifar10.load_data(path=tmp_path)


def test_cifar_archive_with_a_dot_root_entry_is_fine(tmp_path, small_cifar10):
    members, (x_train, _), _ = _cifar_files(small_cifar10)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode='w:gz') as tar:
        root = tarfile.TarInfo('./')
        root.type = tarfile.DIRTYPE
        tar.addfile(root)
        for name, payload in members.items():
            info = tarfile.TarInfo('./' + name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    (tmp_path / 'cifar-10-binary.tar.gz').write_bytes(buffer.getvalue())
    (got_x, _), _ = cifar10.load_data(path=tmp_path)
    np.testing.assert_array_equal(got_x, _channels_last(x_train))


def test_cifar_download_checked_written_and_extracted(tmp_path, monkeypatch, small_cifar10):
    members, (x_train, _), _ = _cifar_files(small_cifar10)
    archive = _tar_gz(members)
    monkeypatch.setattr(cifar10, 'SPEC', small_cifar10._replace(
        md5=hashlib.md5(archive).hexdigest()))
    asked = _serve(monkeypatch, cifar10, {'cifar-10-binary.tar.gz': archive})
    (got_x, _), _ = cifar10.load_data()
    np.testing.assert_array_equal(got_x, _channels_last(x_train))
    cache = tmp_path / 'home' / '.symkeras' / 'datasets' / 'cifar10'
    assert sorted(os.listdir(cache)) == ['cifar-10-batches-bin', 'cifar-10-binary.tar.gz']
    assert asked == ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz']


def test_cifar_download_with_wrong_checksum_or_members_leaves_nothing(tmp_path, monkeypatch,
                                                                      small_cifar100):
    members, _, _ = _cifar_files(small_cifar100)
    del members['cifar-100-binary/test.bin']
    archive = _tar_gz(members)
    _serve(monkeypatch, cifar100, {'cifar-100-binary.tar.gz': archive})
    with pytest.raises(cifar100.DownloadError, match='checksum mismatch'):
        cifar100.load_data(path=tmp_path / 'a')
    monkeypatch.setattr(cifar100, 'SPEC', small_cifar100._replace(
        md5=hashlib.md5(archive).hexdigest()))
    with pytest.raises(cifar100.DownloadError, match=r'expected member cifar-100-binary/'
                                                     r'test\.bin of 9222 bytes, received none'):
        cifar100.load_data(path=tmp_path / 'a')
    assert os.listdir(tmp_path / 'a') == []


def test_real_cifar_specs_match_the_official_files():
    assert cifar10.SPEC.md5 == 'c32a1d4ab5d03f1284b67883e8d87530'
    assert sum(count for _, count in cifar10.SPEC.train) == 50000
    assert cifar100.SPEC.md5 == '03b5dce01913d631647c71ecec9e9cb8'
    assert cifar100.SPEC.train == (('train.bin', 50000),)
    assert cifar100.SPEC.test == (('test.bin', 10000),)


# ---------------------------------------------------------------- Boston housing (npz)

def _boston_npz(path, rows=10):
    rng = np.random.RandomState(3)
    x, y = rng.uniform(0, 100, size=(rows, 13)), rng.uniform(5, 50, size=rows)
    np.savez(path, x=x, y=y)
    return x, y


def _keras_split(x, y, test_split, seed):
    """Keras 2.2.4's documented recipe: seed numpy, shuffle the indices, cut."""
    state = np.random.get_state()
    np.random.seed(seed)
    indices = np.arange(len(x))
    np.random.shuffle(indices)
    np.random.set_state(state)
    cut = int(len(x) * (1 - test_split))
    return (x[indices][:cut], y[indices][:cut]), (x[indices][cut:], y[indices][cut:])


@pytest.mark.parametrize('test_split, seed', [(0.2, 113), (0.5, 7), (0.0, 113)])
def test_boston_housing_split_matches_keras(tmp_path, test_split, seed):
    x, y = _boston_npz(tmp_path / 'b.npz')
    got = boston_housing.load_data(str(tmp_path / 'b.npz'), test_split=test_split, seed=seed)
    expected = _keras_split(x, y, test_split, seed)
    for got_part, expected_part in zip(got, expected):
        for got_array, expected_array in zip(got_part, expected_part):
            np.testing.assert_array_equal(got_array, expected_array)
            assert got_array.dtype == np.float64
    assert len(got[0][0]) == int(10 * (1 - test_split))


def test_boston_housing_leaves_global_rng_alone(tmp_path):
    _boston_npz(tmp_path / 'b.npz')
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    boston_housing.load_data(str(tmp_path / 'b.npz'))
    assert np.random.random() == before


def test_boston_housing_found_by_name_in_env_folder(tmp_path):
    folder = tmp_path / 'data' / 'boston_housing'
    folder.mkdir(parents=True)
    x, y = _boston_npz(folder / 'boston_housing.npz', rows=20)
    (x_train, _), (x_test, _) = boston_housing.load_data()
    assert x_train.shape == (16, 13) and x_test.shape == (4, 13)
    assert sorted(np.concatenate([x_train, x_test])[:, 0]) == sorted(x[:, 0])


@pytest.mark.parametrize('arrays, message', [
    ({'x': np.zeros((4, 13))}, "y is not a file"),
    ({'x': np.array(['a', 'b'], dtype=object), 'y': np.zeros(2)}, 'allow_pickle=False'),
    ({'x': np.zeros((4, 13)), 'y': np.zeros(3)}, r'received x float64 \(4, 13\) and y '
                                                 r'float64 \(3,\)'),
])
def test_boston_housing_bad_npz_is_named(tmp_path, arrays, message):
    np.savez(tmp_path / 'bad.npz', **arrays)
    with pytest.raises(ValueError, match=r'Boston housing file .*bad\.npz.*' + message):
        boston_housing.load_data(str(tmp_path / 'bad.npz'))


def test_boston_housing_npy_instead_of_npz_is_named(tmp_path):
    np.save(tmp_path / 'single.npy', np.zeros((3, 13)))
    with pytest.raises(ValueError, match=r'single\.npy: expected an \.npz .*a single array'):
        boston_housing.load_data(str(tmp_path / 'single.npy'))


def test_boston_housing_truncated_npz_is_named(tmp_path):
    _boston_npz(tmp_path / 'b.npz')
    content = (tmp_path / 'b.npz').read_bytes()
    (tmp_path / 'b.npz').write_bytes(content[:len(content) // 2])
    with pytest.raises(ValueError, match=r'Boston housing file .*b\.npz: expected an \.npz'):
        boston_housing.load_data(str(tmp_path / 'b.npz'))


def test_boston_housing_rejects_bad_test_split():
    with pytest.raises(ValueError, match=r'expected 0 <= test_split < 1, received 1\.0'):
        boston_housing.load_data(test_split=1.0)


def test_boston_housing_download(tmp_path, monkeypatch):
    x, _ = _boston_npz(tmp_path / 'source.npz')
    payload = (tmp_path / 'source.npz').read_bytes()
    asked = _serve(monkeypatch, boston_housing, {'boston_housing.npz': payload})
    with pytest.raises(boston_housing.DownloadError, match='(?s)checksum mismatch.*'
                                                           'checksum mismatch'):
        boston_housing.load_data()
    assert len(asked) == 2 and asked[0] == boston_housing.URLS[0]
    cache = tmp_path / 'home' / '.symkeras' / 'datasets' / 'boston_housing'
    assert os.listdir(cache) == []
    monkeypatch.setattr(boston_housing, 'SHA256', hashlib.sha256(payload).hexdigest())
    (x_train, _), (x_test, _) = boston_housing.load_data()
    assert os.listdir(cache) == ['boston_housing.npz']
    assert x_train.shape == (8, 13) and x_test.shape == (2, 13)


def test_boston_housing_real_checksum_is_keras():
    assert boston_housing.SHA256 == \
        'f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5'


# ---------------------------------------------------------------- shared helpers

def test_write_atomically_leaves_no_temp_file_on_failure(tmp_path, monkeypatch):
    def broken_replace(source, destination):
        raise OSError('disk full')
    monkeypatch.setattr(os, 'replace', broken_replace)
    with pytest.raises(OSError, match='disk full'):
        _files.write_atomically(str(tmp_path / 'f.bin'), b'data')
    assert os.listdir(tmp_path) == []
