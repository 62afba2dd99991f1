"""Damaged, foreign and malicious files: every one raises a clear ModelFileError (a
ValueError naming the file and the problem) and none runs code."""
import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import Dense
from symkeras.models import Sequential, load_model
from symkeras.saving import ModelFileError, UnknownObjectsError, format as file_format
from symkeras.saving.format import read_container


@pytest.fixture(autouse=True)
def fresh_session():
    """Layer-name counters start at 1 and are left clean for the next test module."""
    K.clear_session()
    yield
    K.clear_session()


def small_model():
    model = Sequential([Dense(3, input_shape=(2,), name='dense_a'),
                        Dense(1, name='dense_b')])
    model.compile('adam', 'mse')
    model.train_on_batch(np.ones((2, 2), 'float32'), np.ones((2, 1), 'float32'))
    return model


@pytest.fixture(scope='module')
def good_file(tmp_path_factory):
    path = tmp_path_factory.mktemp('good') / 'model.h5'
    small_model().save(str(path))
    return path


@pytest.fixture(scope='module')
def weights_file(tmp_path_factory):
    """A small file (about 1.7 kB) for the exhaustive damage tests."""
    path = tmp_path_factory.mktemp('weights') / 'weights.h5'
    small_model().save_weights(str(path))
    return path


@pytest.fixture
def bad_path(tmp_path):
    return tmp_path / 'bad.h5'


def entries(path):
    """[(ZipInfo, bytes)] of an archive, in order."""
    with zipfile.ZipFile(path) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def rewrite(source, destination, change):
    """Copy a zip entry by entry (valid CRCs), replacing data by change(name, data)."""
    with zipfile.ZipFile(destination, 'w') as archive:
        for info, data in entries(source):
            archive.writestr(info, change(info.filename, data))


def with_document(source, destination, edit):
    def change(name, data):
        if name != 'symkeras.json':
            return data
        document = json.loads(data)
        edit(document)
        return json.dumps(document).encode()
    rewrite(source, destination, change)


class Bomb:
    """Unpickling this would create a marker file: it must never happen."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, 'w'))


# ---------------------------------------------------------------- foreign content
FOREIGN = {
    'empty': (b'', 'empty'),
    'html': (b'<!DOCTYPE html>\n<html><body>404 Not Found</body></html>', 'HTML'),
    'hdf5': (b'\x89HDF\r\n\x1a\n' + bytes(600), 'HDF5'),
    'random': (np.random.RandomState(0).bytes(4096), 'not a symkeras model file'),
    'pickle': (pickle.dumps({'weights': [1, 2]}), 'pickle'),
    'json': (b'{"class_name": "Sequential", "config": {}}', 'model_from_json'),
    'npy': (b'\x93NUMPY\x01\x00' + bytes(100), 'npy'),
}


@pytest.mark.parametrize('kind', sorted(FOREIGN))
def test_foreign_content_raises_a_clear_error(bad_path, kind):
    content, phrase = FOREIGN[kind]
    bad_path.write_bytes(content)
    with pytest.raises(ModelFileError, match=phrase) as info:
        load_model(str(bad_path))
    assert str(bad_path) in str(info.value)
    model = Sequential([Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match=phrase):
        model.load_weights(str(bad_path))


def test_zip_with_a_pickle_is_refused_and_never_unpickled(tmp_path, bad_path):
    marker = tmp_path / 'pwned'
    with zipfile.ZipFile(bad_path, 'w') as archive:
        archive.writestr('archive/data.pkl', pickle.dumps(Bomb(marker)))
        archive.writestr('archive/version', '3')
    with pytest.raises(ModelFileError, match='pickled data.*never loads') as info:
        load_model(str(bad_path))
    assert 'data.pkl' in str(info.value)
    assert not marker.exists()


def test_object_array_inside_a_valid_container_is_never_unpickled(tmp_path, good_file,
                                                                  bad_path):
    marker = tmp_path / 'pwned'
    payload = io.BytesIO()
    np.save(payload, np.array([Bomb(marker)], dtype=object), allow_pickle=True)

    def change(name, data):
        return payload.getvalue() if name == 'arrays/00000.npy' else data
    rewrite(good_file, bad_path, change)
    with pytest.raises(ModelFileError, match=r"array 'dense_a/kernel'.*header.*object"):
        load_model(str(bad_path))
    assert not marker.exists()


def test_file_named_like_keras_but_holding_a_symkeras_inference_artifact(tmp_path, bad_path):
    np.savez(bad_path.open('wb'), __plan__=np.zeros(3, np.uint8))
    with pytest.raises(ModelFileError, match='runtime.load'):
        load_model(str(bad_path))


def test_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_model(str(tmp_path / 'nope.h5'))


# ---------------------------------------------------------------- damaged files
def test_every_truncation_raises(weights_file, good_file, bad_path):
    content = weights_file.read_bytes()
    for length in range(len(content)):
        bad_path.write_bytes(content[:length])
        with pytest.raises(ModelFileError, match='bad.h5'):
            read_container(str(bad_path))
    bad_path.write_bytes(good_file.read_bytes()[:len(content) // 2])
    with pytest.raises(ModelFileError, match='truncated or damaged'):
        load_model(str(bad_path))


def test_every_flipped_byte_is_detected_or_harmless(weights_file, bad_path):
    """A flip either raises ModelFileError or hits bytes that carry no data (zip
    timestamps, the local copy of a CRC...): the content read is then exactly right."""
    content = weights_file.read_bytes()
    reference = read_container(str(weights_file))
    detected = 0
    for position in range(len(content)):
        damaged = bytearray(content)
        damaged[position] ^= 0xFF
        bad_path.write_bytes(bytes(damaged))
        try:
            result = read_container(str(bad_path))
        except ModelFileError:
            detected += 1
            continue
        assert result.document == reference.document, position
        for got, expected in zip(result.arrays, reference.arrays):
            np.testing.assert_array_equal(got, expected)
    assert detected > 0.7 * len(content)   # the rest: zip metadata that carries no data


def test_sampled_bit_flips_through_load_model(good_file, bad_path):
    content = good_file.read_bytes()
    rng = np.random.RandomState(1)
    for position in rng.choice(len(content), 200, replace=False):
        damaged = bytearray(content)
        damaged[position] ^= 1 << rng.randint(8)
        bad_path.write_bytes(bytes(damaged))
        try:
            load_model(str(bad_path), compile=False)
        except ModelFileError as error:
            assert 'bad.h5' in str(error)


def test_random_bytes_after_a_valid_marker(good_file, bad_path):
    head = good_file.read_bytes()[:66]
    for seed in range(20):
        bad_path.write_bytes(head + np.random.RandomState(seed).bytes(50 * seed))
        with pytest.raises(ModelFileError):
            load_model(str(bad_path))


def test_array_data_changed_with_a_valid_zip_crc_fails_the_checksum(good_file, bad_path):
    def change(name, data):
        if name != 'arrays/00001.npy':
            return data
        return data[:-1] + bytes([data[-1] ^ 1])
    rewrite(good_file, bad_path, change)
    with pytest.raises(ModelFileError, match=r"'dense_a/bias'.*SHA-256"):
        load_model(str(bad_path))


def test_architecture_that_does_not_fit_the_arrays(good_file, bad_path):
    def edit(document):
        document['model_config']['config']['layers'][0]['config']['units'] = 4
    with_document(good_file, bad_path, edit)
    with pytest.raises(ModelFileError) as info:
        load_model(str(bad_path))
    message = str(info.value)
    assert "layer 'dense_a' (Dense)" in message
    assert '(2, 4)' in message and '(2, 3)' in message and 'bad.h5' in message


def test_manifest_that_does_not_match_the_npy_header(good_file, bad_path):
    def edit(document):
        document['arrays'][0]['shape'] = [3, 2]
    with_document(good_file, bad_path, edit)
    with pytest.raises(ModelFileError, match=r'header says shape \(2, 3\).*manifest.*\(3, 2\)'):
        load_model(str(bad_path))


@pytest.mark.parametrize('edit, phrase', [
    (lambda d: d.update(format_version=99), 'newer symkeras'),
    (lambda d: d.update(format='other'), 'not a symkeras document'),
    (lambda d: d['arrays'][0].update(dtype='object'), 'dtype'),
    (lambda d: d['arrays'][0].update(shape=[-1]), 'invalid shape'),
    (lambda d: d['arrays'][0].update(sha256='0' * 63), 'invalid sha256'),
    (lambda d: d['layers'][0]['weights'][0].update(array=1000), "'layers' section"),
    (lambda d: d.update(random_states='x'), "'random_states'"),
    (lambda d: d.update(kind='weights'), 'only weights'),
    (lambda d: d.pop('model_config'), 'describes no model'),
])
def test_tampered_documents(good_file, bad_path, edit, phrase):
    with_document(good_file, bad_path, edit)
    with pytest.raises(ModelFileError, match=phrase):
        load_model(str(bad_path))


@pytest.mark.parametrize('class_name', ['serialize', 'core', 'InputSpec', '__class__',
                                        'os.system'])
def test_architecture_naming_non_layer_objects_is_refused(good_file, bad_path, class_name):
    def edit(document):
        document['model_config']['config']['layers'][0]['class_name'] = class_name
    with_document(good_file, bad_path, edit)
    with pytest.raises(UnknownObjectsError, match='layer class'):
        load_model(str(bad_path))


@pytest.mark.filterwarnings('ignore:Duplicate name')
def test_duplicate_entries_are_refused(good_file, bad_path):
    items = entries(good_file)
    with zipfile.ZipFile(bad_path, 'w') as archive:
        for info, data in items + [items[-1]]:
            archive.writestr(info, data)
    with pytest.raises(ModelFileError, match='duplicate'):
        load_model(str(bad_path))


def test_oversized_document_is_refused(good_file, monkeypatch):
    monkeypatch.setattr(file_format, 'DOCUMENT_LIMIT', 64)
    with pytest.raises(ModelFileError, match='limit 64'):
        load_model(str(good_file))


def test_errors_are_value_errors(good_file, bad_path):
    bad_path.write_bytes(b'')
    with pytest.raises(ValueError):
        load_model(str(bad_path))
    assert issubclass(ModelFileError, ValueError) and issubclass(UnknownObjectsError,
                                                                 ValueError)
    assert os.path.exists(good_file)
