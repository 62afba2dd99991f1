"""symkeras.preprocessing: sequence, text and image (Keras 2.2.4 / keras_preprocessing 1.0.5).

Expected values are computed by hand from the documented behaviour.
"""
import json
import warnings

import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import Conv2D, Dense, Flatten
from symkeras.models import Sequential
from symkeras.preprocessing import image, sequence, text
from symkeras.preprocessing.image import ImageDataGenerator
from symkeras.preprocessing.sequence import (TimeseriesGenerator, make_sampling_table,
                                             pad_sequences, skipgrams)
from symkeras.preprocessing.text import Tokenizer, tokenizer_from_json
from symkeras.utils import Sequence

# ---------------------------------------------------------------- pad_sequences

SEQS = [[1], [2, 3], [4, 5, 6]]


@pytest.mark.parametrize('kwargs, expected', [
    ({}, [[0, 0, 1], [0, 2, 3], [4, 5, 6]]),
    ({'padding': 'post'}, [[1, 0, 0], [2, 3, 0], [4, 5, 6]]),
    ({'maxlen': 2}, [[0, 1], [2, 3], [5, 6]]),
    ({'maxlen': 2, 'truncating': 'post'}, [[0, 1], [2, 3], [4, 5]]),
    ({'maxlen': 2, 'truncating': 'post', 'padding': 'post'}, [[1, 0], [2, 3], [4, 5]]),
    ({'maxlen': 4, 'value': 9}, [[9, 9, 9, 1], [9, 9, 2, 3], [9, 4, 5, 6]]),
    ({'maxlen': 0}, np.zeros((3, 0))),
])
def test_pad_sequences_hand_computed(kwargs, expected):
    result = pad_sequences(SEQS, **kwargs)
    assert result.dtype == np.int32
    np.testing.assert_array_equal(result, expected)


def test_pad_sequences_float_dtype_and_value():
    result = pad_sequences([[0.5, 1.5], [2.5]], dtype='float32', value=-0.25)
    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, [[0.5, 1.5], [-0.25, 2.5]])


def test_pad_sequences_empty_items_and_item_shapes():
    np.testing.assert_array_equal(pad_sequences([[], [7]]), [[0], [7]])
    vectors = pad_sequences([np.ones((1, 2)), np.full((2, 2), 3)], dtype='float64')
    assert vectors.shape == (2, 2, 2)
    np.testing.assert_array_equal(vectors[0], [[0, 0], [1, 1]])


def test_pad_sequences_strings_need_object_dtype():
    result = pad_sequences([['a'], ['b', 'c']], dtype=object, value='<pad>')
    assert result.tolist() == [['<pad>', 'a'], ['b', 'c']]
    with pytest.raises(ValueError, match='dtype=object'):
        pad_sequences([['a']], value='<pad>')


@pytest.mark.parametrize('kwargs, message', [
    ({'padding': 'middle'}, "expected padding 'pre' or 'post', received 'middle'"),
    ({'truncating': 'both'}, "expected truncating 'pre' or 'post', received 'both'"),
])
def test_pad_sequences_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        pad_sequences(SEQS, **kwargs)


def test_pad_sequences_rejects_non_sequences():
    with pytest.raises(ValueError, match='item 1 has no length: 3'):
        pad_sequences([[1], 3])
    with pytest.raises(ValueError, match=r'sequence 1 has items of shape \(3,\), expected '
                                         r'\(2,\)'):
        pad_sequences([np.ones((1, 2)), np.ones((1, 3))])


# ---------------------------------------------------------------- sampling table, skipgrams

def test_make_sampling_table_formula_and_monotonic():
    table = make_sampling_table(1000, sampling_factor=1e-3)
    rank = np.maximum(np.arange(1000), 1).astype(float)
    frequency = 1 / (rank * (np.log(rank) + 0.577) + 0.5 - 1 / (12 * rank))
    np.testing.assert_allclose(table, np.minimum(1, np.sqrt(1e-3 / frequency)), rtol=1e-12)
    assert table[0] == table[1] and np.all(np.diff(table) >= 0) and table.max() <= 1


def test_skipgrams_positive_pairs_are_the_window():
    couples, labels = skipgrams([1, 2, 0, 3], vocabulary_size=4, window_size=2,
                                negative_samples=0, shuffle=False)
    assert couples == [[1, 2], [2, 1], [2, 3], [3, 2]]
    assert labels == [1, 1, 1, 1]


def test_skipgrams_negatives_and_shuffle_keep_labels_with_pairs():
    seq = [1, 2, 3, 4, 5, 6]
    positives, _ = skipgrams(seq, 10, window_size=1, negative_samples=0, shuffle=False)
    couples, labels = skipgrams(seq, 10, window_size=1, negative_samples=1.5, seed=3)
    assert len(labels) == len(positives) + int(1.5 * len(positives))
    assert labels.count(0) == int(1.5 * len(positives))
    for couple, label in zip(couples, labels):
        if label == 1:
            assert couple in positives
        else:
            assert couple[0] in seq and 1 <= couple[1] <= 9
    assert skipgrams(seq, 10, window_size=1, seed=3) == skipgrams(seq, 10, window_size=1,
                                                                  seed=3)


def test_skipgrams_categorical_and_sampling_table():
    couples, labels = skipgrams([1, 2], 3, negative_samples=1, categorical=True, seed=0)
    assert sorted(map(tuple, labels)) == [(0, 1), (0, 1), (1, 0), (1, 0)]
    never = np.zeros(3)
    assert skipgrams([1, 2], 3, sampling_table=never) == ([], [])


# ---------------------------------------------------------------- TimeseriesGenerator

def test_timeseries_generator_documented_example():
    data = np.array([[i] for i in range(50)])
    batches = TimeseriesGenerator(data, data, length=10, sampling_rate=2, batch_size=2)
    assert isinstance(batches, Sequence) and len(batches) == 20
    x, y = batches[0]
    np.testing.assert_array_equal(x, [[[0], [2], [4], [6], [8]], [[1], [3], [5], [7], [9]]])
    np.testing.assert_array_equal(y, [[10], [11]])
    x, y = batches[19]
    np.testing.assert_array_equal(y, [[48], [49]])


def test_timeseries_generator_stride_reverse_bounds():
    data = np.arange(20, dtype='float32')
    batches = TimeseriesGenerator(data, data * 10, length=3, stride=2, start_index=2,
                                  end_index=15, reverse=True, batch_size=3)
    # rows 5, 7, 9 | 11, 13, 15
    assert len(batches) == 2
    x, y = batches[1]
    np.testing.assert_array_equal(x, [[10, 9, 8], [12, 11, 10], [14, 13, 12]])
    np.testing.assert_array_equal(y, [110, 130, 150])
    assert x.dtype == np.float32
    with pytest.raises(IndexError):
        batches[2]


def test_timeseries_generator_shuffle_and_errors():
    data = np.arange(30)
    np.random.seed(0)
    x, y = TimeseriesGenerator(data, data, length=4, shuffle=True, batch_size=8)[0]
    assert x.shape == (8, 4)
    np.testing.assert_array_equal(x[:, -1] + 1, y)
    with pytest.raises(ValueError, match='same length; received 30 and 29'):
        TimeseriesGenerator(data, data[1:], length=4)
    with pytest.raises(ValueError, match='start_index \\+ length = 30 > end_index = 29'):
        TimeseriesGenerator(data, data, length=30)


# ---------------------------------------------------------------- text

TEXTS = ['The cat sat on the mat.', 'The dog sat!', 'A cat and a dog, and a bird?']


def test_text_to_word_sequence_filters_and_case():
    assert text.text_to_word_sequence('Hi!  Bob;\tsee\nyou') == ['hi', 'bob', 'see', 'you']
    assert text.text_to_word_sequence('A-B c', filters='', lower=False) == ['A-B', 'c']
    assert text.text_to_word_sequence('a,b,,c', split=',', filters='') == ['a', 'b', 'c']


def test_tokenizer_counts_and_indices():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(TEXTS)
    assert tokenizer.document_count == 3
    assert tokenizer.word_counts['the'] == 3 and tokenizer.word_counts['a'] == 3
    assert tokenizer.word_docs['the'] == 2 and tokenizer.word_docs['a'] == 1
    # by count (ties in order of first appearance): the 3, a 3, cat 2, sat 2, dog 2, and 2
    assert [w for w, _ in sorted(tokenizer.word_index.items(), key=lambda i: i[1])] == \
        ['the', 'a', 'cat', 'sat', 'dog', 'and', 'on', 'mat', 'bird']
    assert tokenizer.index_word[3] == 'cat'
    assert tokenizer.index_docs[tokenizer.word_index['cat']] == 2
    assert tokenizer.texts_to_sequences(['the cat and the fish']) == [[1, 3, 6, 1]]
    assert tokenizer.sequences_to_texts([[1, 3, 6, 1]]) == ['the cat and the']


def test_tokenizer_num_words_and_oov():
    tokenizer = Tokenizer(num_words=4, oov_token='<unk>')
    tokenizer.fit_on_texts(TEXTS)
    assert tokenizer.word_index['<unk>'] == 1 and tokenizer.word_index['the'] == 2
    # <unk> 1, the 2, a 3; indices >= 4 (cat, sat, ...) and unknown words become <unk>
    assert tokenizer.texts_to_sequences(['the a cat zebra']) == [[2, 3, 1, 1]]
    plain = Tokenizer(num_words=3)
    plain.fit_on_texts(TEXTS)
    assert plain.texts_to_sequences(['the cat a zebra']) == [[1, 2]]


def test_tokenizer_char_level_and_token_lists():
    tokenizer = Tokenizer(char_level=True)
    tokenizer.fit_on_texts(['abca'])
    assert tokenizer.word_index == {'a': 1, 'b': 2, 'c': 3}
    lists = Tokenizer()
    lists.fit_on_texts([['New York', 'is'], ['new york']])
    assert lists.word_index == {'new york': 1, 'is': 2}


def test_tokenizer_matrix_modes():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(TEXTS)
    texts = ['the the cat', 'zebra']
    width = len(tokenizer.word_index) + 1
    binary = tokenizer.texts_to_matrix(texts, mode='binary')
    count = tokenizer.texts_to_matrix(texts, mode='count')
    freq = tokenizer.texts_to_matrix(texts, mode='freq')
    tfidf = tokenizer.texts_to_matrix(texts, mode='tfidf')
    assert binary.shape == (2, width) and binary.dtype == np.float64
    expected = np.zeros((2, width))
    expected[0, [1, 3]] = 1
    np.testing.assert_array_equal(binary, expected)
    expected[0, 1] = 2
    np.testing.assert_array_equal(count, expected)
    np.testing.assert_allclose(freq, expected / 3)
    idf = lambda docs: np.log(1 + 3 / (1 + docs))  # noqa: E731
    expected[0, 1] = (1 + np.log(2)) * idf(2)
    expected[0, 3] = 1 * idf(2)
    np.testing.assert_allclose(tfidf, expected)


def test_tokenizer_sequences_to_matrix_errors_and_width():
    with pytest.raises(ValueError, match='give num_words, or fit'):
        Tokenizer().sequences_to_matrix([[1]])
    with pytest.raises(ValueError, match="fit on some data before using mode 'tfidf'"):
        Tokenizer(num_words=5).sequences_to_matrix([[1]], mode='tfidf')
    with pytest.raises(ValueError, match="unknown matrix mode 'onehot'"):
        Tokenizer(num_words=5).sequences_to_matrix([[1]], mode='onehot')
    matrix = Tokenizer(num_words=3).sequences_to_matrix([[1, 2, 7], []], mode='count')
    np.testing.assert_array_equal(matrix, [[0, 1, 1], [0, 0, 0]])
    tokenizer = Tokenizer(num_words=4)
    tokenizer.fit_on_sequences([[1, 2], [2, 2]])
    assert tokenizer.document_count == 2 and tokenizer.index_docs[2] == 2


def test_tokenizer_json_round_trip():
    tokenizer = Tokenizer(num_words=5, oov_token='?')
    tokenizer.fit_on_texts(TEXTS)
    restored = tokenizer_from_json(tokenizer.to_json())
    assert json.loads(tokenizer.to_json())['class_name'] == 'Tokenizer'
    assert restored.word_index == tokenizer.word_index
    assert restored.index_word == tokenizer.index_word
    assert restored.get_config() == tokenizer.get_config()
    texts = ['the bird sat on a dog']
    assert restored.texts_to_sequences(texts) == tokenizer.texts_to_sequences(texts)
    np.testing.assert_array_equal(restored.texts_to_matrix(texts, 'tfidf'),
                                  tokenizer.texts_to_matrix(texts, 'tfidf'))


def test_tokenizer_rejects_unknown_arguments():
    assert Tokenizer(nb_words=7).num_words == 7
    with pytest.raises(TypeError, match="unknown keyword arguments: \\['words'\\]"):
        Tokenizer(words=3)


def test_one_hot_and_hashing_trick_ranges():
    sentence = 'the quick brown fox jumps over the lazy dog ' * 3
    for n in (2, 5, 50):
        codes = text.one_hot(sentence, n)
        assert len(codes) == 27 and all(1 <= code < n for code in codes)
        assert codes[0] == codes[6]    # same word, same code
    md5 = text.hashing_trick('The fox, the FOX', 10, hash_function='md5')
    assert md5[0] == md5[2] and md5[1] == md5[3] and all(1 <= c < 10 for c in md5)
    assert text.hashing_trick('a b', 4, hash_function=len) == [2, 2]


# ---------------------------------------------------------------- image

def _images(count=6, rows=5, cols=7, channels=3, seed=0):
    return np.random.RandomState(seed).rand(count, rows, cols, channels).astype('float32')


def _all_batches(iterator):
    return [iterator[index] for index in range(len(iterator))]


def test_identity_generator_returns_the_inputs():
    x, y = _images(), np.arange(6)
    batches = ImageDataGenerator().flow(x, y, batch_size=4, shuffle=False)
    assert isinstance(batches, Sequence) and len(batches) == 2
    (x0, y0), (x1, y1) = _all_batches(batches)
    np.testing.assert_array_equal(np.concatenate([x0, x1]), x)
    np.testing.assert_array_equal(np.concatenate([y0, y1]), y)
    assert x0.dtype == np.float32


def test_flow_shuffles_each_epoch_but_keeps_pairs():
    x = np.arange(10, dtype='float32').reshape(10, 1, 1, 1) * np.ones((1, 2, 2, 1))
    batches = ImageDataGenerator().flow(x, np.arange(10), batch_size=4, seed=3)
    first = np.concatenate([y for _, y in _all_batches(batches)])
    batches.on_epoch_end()
    second = np.concatenate([y for _, y in _all_batches(batches)])
    assert sorted(first) == list(range(10)) and sorted(second) == list(range(10))
    assert list(first) != list(second)
    for batch_x, batch_y in _all_batches(batches):
        np.testing.assert_array_equal(batch_x[:, 0, 0, 0], batch_y)


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_flips_are_exact(data_format):
    image_ = _images(count=1, rows=4, cols=5)[0]
    if data_format == 'channels_first':
        image_ = image_.transpose(2, 0, 1)
    rows, cols = (0, 1) if data_format == 'channels_last' else (1, 2)
    datagen = ImageDataGenerator(horizontal_flip=True, vertical_flip=True,
                                 data_format=data_format)
    candidates = [image_, np.flip(image_, cols), np.flip(image_, rows),
                  np.flip(image_, (rows, cols))]
    params = {'flip_horizontal': True, 'flip_vertical': True}
    np.testing.assert_array_equal(datagen.apply_transform(image_, params), candidates[3])
    seen = set()
    for seed in range(20):
        out = datagen.random_transform(image_, seed=seed)
        seen.add(tuple(np.array_equal(out, candidate) for candidate in candidates))
    assert seen == {(True, False, False, False), (False, True, False, False),
                    (False, False, True, False), (False, False, False, True)}


def test_rescale_and_preprocessing_function_are_exact():
    x = np.arange(2 * 3 * 3).reshape(2, 3, 3, 1).astype('uint8')
    datagen = ImageDataGenerator(rescale=1 / 255., preprocessing_function=lambda im: im + 1)
    batch = datagen.flow(x, batch_size=2, shuffle=False)[0]
    np.testing.assert_array_equal(batch, (x.astype('float32') + 1) * np.float32(1 / 255.))


def test_featurewise_statistics():
    x = _images(count=20, rows=4, cols=4, channels=3) * [1, 10, 100]
    datagen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    datagen.fit(x)
    assert datagen.mean.shape == (1, 1, 3) and datagen.std.shape == (1, 1, 3)
    np.testing.assert_allclose(datagen.mean[0, 0], x.mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(datagen.std[0, 0], x.std(axis=(0, 1, 2)), rtol=1e-4)
    out = np.concatenate(_all_batches(datagen.flow(x, batch_size=8, shuffle=False)))
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=(0, 1, 2)), 1, atol=1e-4)
    first = ImageDataGenerator(featurewise_center=True, data_format='channels_first')
    first.fit(x.transpose(0, 3, 1, 2))
    assert first.mean.shape == (3, 1, 1)


def test_samplewise_normalization_is_per_image():
    x = _images(count=3) * [[[[1]]], [[[5]]], [[[9]]]]
    datagen = ImageDataGenerator(samplewise_center=True, samplewise_std_normalization=True)
    out = datagen.standardize(x)
    np.testing.assert_allclose(out.mean(axis=(1, 2, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=(1, 2, 3)), 1, atol=1e-4)
    np.testing.assert_allclose(datagen.standardize(x[1]), out[1], rtol=1e-5, atol=1e-6)


def test_zca_whitening_decorrelates():
    x = np.random.RandomState(0).rand(200, 2, 2, 1).astype('float32')
    x[..., 0, 1, 0] = x[..., 0, 0, 0] * 0.9 + 0.1 * x[..., 0, 1, 0]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        datagen = ImageDataGenerator(zca_whitening=True, zca_epsilon=1e-9)
    datagen.fit(x)
    assert np.corrcoef(x.reshape(200, -1).T)[0, 1] > 0.9
    flat = datagen.standardize(x).reshape(200, -1)
    np.testing.assert_allclose(np.cov(flat.T, bias=True), np.eye(4), atol=1e-2)


def test_unfitted_featurewise_warns():
    with pytest.warns(UserWarning, match='featurewise_center.*not been fit'):
        ImageDataGenerator(featurewise_center=True).standardize(np.ones((2, 2, 1)))


@pytest.mark.parametrize('kwargs', [
    {'rotation_range': 40}, {'zoom_range': 0.3}, {'zoom_range': [0.5, 0.9]},
    {'width_shift_range': 0.3, 'height_shift_range': 2}, {'shear_range': 30},
    {'width_shift_range': [-1, 2], 'fill_mode': 'constant', 'cval': -1.},
    {'channel_shift_range': 0.5, 'fill_mode': 'wrap'},
])
@pytest.mark.parametrize('data_format, shape', [('channels_last', (3, 6, 9, 3)),
                                                ('channels_first', (3, 3, 6, 9))])
def test_random_transforms_keep_shapes(kwargs, data_format, shape):
    x = np.random.RandomState(1).rand(*shape).astype('float32')
    batches = ImageDataGenerator(data_format=data_format, **kwargs).flow(x, batch_size=3,
                                                                         seed=0)
    out = batches[0]
    assert out.shape == shape and out.dtype == np.float32
    assert not np.array_equal(np.sort(out, axis=0), np.sort(x, axis=0))


def test_transform_parameters_follow_the_ranges():
    datagen = ImageDataGenerator(rotation_range=10, width_shift_range=0.25,
                                 height_shift_range=3, zoom_range=[0.5, 0.8])
    for seed in range(30):
        params = datagen.get_random_transform((8, 12, 1), seed=seed)
        assert -10 <= params['theta'] < 10
        assert -0.25 * 12 <= params['ty'] < 0.25 * 12
        assert params['tx'] in (-2, -1, 0, 1, 2)
        assert 0.5 <= params['zx'] < 0.8 and 0.5 <= params['zy'] < 0.8


def test_rotation_by_180_flips_both_axes():
    x = _images(count=1, rows=5, cols=7)[0]
    datagen = ImageDataGenerator()
    np.testing.assert_allclose(datagen.apply_transform(x, {'theta': 180}),
                               x[::-1, ::-1], atol=1e-5)
    shifted = datagen.apply_transform(x, {'ty': 2})
    np.testing.assert_allclose(shifted[:, :-2], x[:, 2:], atol=1e-6)
    np.testing.assert_allclose(shifted[:, -2:], x[:, -1:].repeat(2, axis=1), atol=1e-6)


def test_seed_reproducibility():
    x, y = _images(count=8), np.arange(8)
    config = dict(rotation_range=30, zoom_range=0.2, horizontal_flip=True)
    one = ImageDataGenerator(**config).flow(x, y, batch_size=4, seed=7)
    two = ImageDataGenerator(**config).flow(x, y, batch_size=4, seed=7)
    for (x1, y1), (x2, y2) in zip(_all_batches(one), _all_batches(two)):
        np.testing.assert_array_equal(x1, x2)
        np.testing.assert_array_equal(y1, y2)
    other = ImageDataGenerator(**config).flow(x, y, batch_size=4, seed=8)
    assert not np.array_equal(other[0][0], one[0][0])
    state = np.random.get_state()[1].copy()
    _all_batches(one)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # global RNG untouched


def test_flow_endless_iteration_sample_weights_and_extras():
    x, y, weights = _images(count=5), np.arange(5), np.linspace(0, 1, 5)
    batches = ImageDataGenerator().flow((x, np.arange(5) * 10), y, batch_size=2,
                                        shuffle=False, sample_weight=weights)
    got = [next(batches) for _ in range(4)]
    assert [list(b[1]) for b in got] == [[0, 1], [2, 3], [4], [0, 1]]
    (inputs, labels, batch_weights) = got[2]
    assert isinstance(inputs, list) and list(inputs[1]) == [40]
    np.testing.assert_array_equal(batch_weights, weights[4:])
    assert iter(batches) is batches


def test_validation_split_subsets():
    x, y = _images(count=10), np.array([0, 1] * 5)
    datagen = ImageDataGenerator(validation_split=0.2)
    validation = datagen.flow(x, y, batch_size=10, shuffle=False, subset='validation')
    training = datagen.flow(x, y, batch_size=10, shuffle=False, subset='training')
    np.testing.assert_array_equal(validation[0][1], y[:2])
    np.testing.assert_array_equal(training[0][0], x[2:])
    with pytest.raises(ValueError, match='different sets of labels'):
        datagen.flow(x, np.sort(y), subset='training')
    with pytest.raises(ValueError, match="expected subset 'training' or 'validation'"):
        datagen.flow(x, y, subset='test')


@pytest.mark.parametrize('kwargs, error, message', [
    ({'validation_split': 1.5}, ValueError, 'strictly between 0 and 1'),
    ({'fill_mode': 'mirror'}, ValueError, "fill_mode in .*received 'mirror'"),
    ({'data_format': 'nhwc'}, ValueError, "received 'nhwc'"),
    ({'zoom_range': [1, 2, 3]}, ValueError, r'zoom_range .*received \[1, 2, 3\]'),
    ({'brightness_range': [0.5, 1.5]}, NotImplementedError, 'needs PIL'),
])
def test_generator_argument_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        ImageDataGenerator(**kwargs)


def test_flow_input_errors():
    datagen = ImageDataGenerator()
    with pytest.raises(ValueError, match=r'rank 4, received an array of shape \(3, 4, 4\)'):
        datagen.flow(np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match=r'y must hold as many samples .*\(2,\) and '
                                         r'\(3, 4, 4, 1\)'):
        datagen.flow(np.zeros((3, 4, 4, 1)), np.zeros(2))
    with pytest.raises(NotImplementedError, match='PIL'):
        datagen.flow(np.zeros((3, 4, 4, 1)), save_to_dir='out')
    with pytest.raises(NotImplementedError, match='PIL'):
        datagen.flow_from_directory('images')
    with pytest.raises(ValueError, match='asked for batch 1, but the Sequence has length 1'):
        datagen.flow(np.zeros((3, 4, 4, 1)), batch_size=5)[1]
    with pytest.warns(UserWarning, match='expected 1, 3 or 4'):
        datagen.flow(np.zeros((3, 4, 4, 5)))


def test_image_helpers():
    assert image.img_to_array(np.zeros((3, 4))).shape == (3, 4, 1)
    assert image.img_to_array(np.zeros((3, 4, 2)), 'channels_first').shape == (2, 3, 4)
    assert image.img_to_array(np.zeros((3, 4))).dtype == np.float32
    np.testing.assert_array_equal(image.flip_axis(np.array([[1, 2]]), 1), [[2, 1]])
    shifted = image.apply_channel_shift(np.array([[[0., 5.]]]), 2, channel_axis=2)
    np.testing.assert_array_equal(shifted, [[[2., 5.]]])
    np.random.seed(0)
    for function, argument in ((image.random_rotation, 20), (image.random_shear, 20),
                               (image.random_zoom, (0.8, 1.2))):
        assert function(np.ones((2, 5, 6)), argument).shape == (2, 5, 6)
    assert image.random_shift(np.ones((5, 6, 2)), 0.1, 0.1, 0, 1, 2).shape == (5, 6, 2)


def test_a_small_model_trains_with_fit_generator_on_flow():
    rng = np.random.RandomState(0)
    x = rng.rand(64, 6, 6, 1).astype('float32')
    labels = (x[:, :, :3].mean(axis=(1, 2, 3)) > x[:, :, 3:].mean(axis=(1, 2, 3)))
    y = np.eye(2, dtype='float32')[labels.astype(int)]
    K.clear_session()
    model = Sequential([Conv2D(4, 3, activation='relu', input_shape=(6, 6, 1)), Flatten(),
                        Dense(2, activation='softmax')])
    model.compile('adam', 'categorical_crossentropy')
    datagen = ImageDataGenerator(vertical_flip=True, height_shift_range=1)
    history = model.fit_generator(datagen.flow(x, y, batch_size=16, seed=0), epochs=8,
                                  verbose=0)
    losses = history.history['loss']
    assert len(losses) == 8 and losses[-1] < losses[0]


def test_module_exports():
    assert set(sequence.__dict__) >= {'pad_sequences', 'skipgrams', 'make_sampling_table',
                                      'TimeseriesGenerator'}
    assert set(text.__dict__) >= {'text_to_word_sequence', 'one_hot', 'hashing_trick',
                                  'Tokenizer', 'tokenizer_from_json'}
    for name in image.__all__:
        assert getattr(image, name).__doc__
