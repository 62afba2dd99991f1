"""Text preprocessing of Keras 2.2.4 (`keras.preprocessing.text`, which re-exports
keras_preprocessing 1.0.5): word splitting, hashing and the `Tokenizer`.
"""
import hashlib
import json
from collections import OrderedDict, defaultdict

import numpy as np

FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
MATRIX_MODES = ('binary', 'count', 'tfidf', 'freq')


def text_to_word_sequence(text, filters=FILTERS, lower=True, split=' '):
    """Split a text into words, dropping the `filters` characters.

    Args:
        text: a string.
        filters: characters replaced by `split` before splitting (default: punctuation
            but the apostrophe, tab and newline).
        lower: lower-case the text first.
        split: the separator.

    Returns:
        The list of non-empty words.

    Example:
        >>> text_to_word_sequence("Hello, world! It's a TEST.")
        ['hello', 'world', "it's", 'a', 'test']
    """
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans({char: split for char in filters}))
    return [word for word in text.split(split) if word]


def one_hot(text, n, filters=FILTERS, lower=True, split=' '):
    """Encode a text as word indices in [1, n) with Python's `hash` (see `hashing_trick`).

    Python salts `hash` of strings per process (PYTHONHASHSEED), so the indices change from
    one run to the next; use `hashing_trick(..., hash_function='md5')` for stable ones.

    Args:
        text: a string.
        n: size of the index space (indices are 1 to n - 1; 0 is never used).
        filters: as in `text_to_word_sequence`.
        lower: as in `text_to_word_sequence`.
        split: as in `text_to_word_sequence`.

    Returns:
        A list of ints, one per word (two words may share one).

    Example:
        >>> codes = one_hot('the cat sat on the mat', 50)
        >>> len(codes), codes[0] == codes[4], all(1 <= c < 50 for c in codes)
        (6, True, True)
    """
    return hashing_trick(text, n, hash_function=hash, filters=filters, lower=lower,
                         split=split)


def hashing_trick(text, n, hash_function=None, filters=FILTERS, lower=True, split=' '):
    """Encode a text as word indices `hash(word) % (n - 1) + 1`, in [1, n).

    Args:
        text: a string.
        n: size of the index space; 0 is reserved and never given to a word.
        hash_function: None (Python's `hash`, salted per process), 'md5' (stable across
            runs) or a function from a string to an int.
        filters: as in `text_to_word_sequence`.
        lower: as in `text_to_word_sequence`.
        split: as in `text_to_word_sequence`.

    Returns:
        A list of ints, one per word (collisions are possible).

    Example:
        >>> hashing_trick('The cat. The hat.', 1000, hash_function='md5')
        [132, 759, 132, 897]
    """
    if hash_function is None:
        hash_function = hash
    elif hash_function == 'md5':
        hash_function = _md5_int
    words = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    return [hash_function(word) % (n - 1) + 1 for word in words]


def _md5_int(word):
    """The MD5 digest of a word's UTF-8 bytes, as an int."""
    return int(hashlib.md5(word.encode()).hexdigest(), 16)


class Tokenizer:
    """Build a vocabulary from texts and turn texts into index sequences or matrices.

    Words are indexed by decreasing count in the texts it was fit on (ties in order of
    first appearance), from 1; 0 is never a word. With `oov_token`, that token gets index
    1 and stands for every unknown word.

    Args:
        num_words: keep only the words of index < num_words when encoding (None: all).
        filters: characters removed from the texts (as in `text_to_word_sequence`).
        lower: lower-case the texts.
        split: the word separator.
        char_level: every character is a token.
        oov_token: token that replaces out-of-vocabulary words (None: they are dropped).
        document_count: number of documents already seen (used by `tokenizer_from_json`).

    Attributes:
        word_counts: OrderedDict word -> number of occurrences.
        word_docs: dict word -> number of documents containing it.
        word_index: dict word -> index; index_word: its inverse.
        index_docs: dict index -> number of documents containing it.
        document_count: number of documents fit on.

    Example:
        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_texts(['the cat sat', 'the cat ran', 'a dog'])
        >>> tokenizer.word_index['the'], tokenizer.word_index['cat']
        (1, 2)
        >>> tokenizer.texts_to_sequences(['the dog sat'])
        [[1, 6, 3]]
        >>> tokenizer.texts_to_matrix(['the the dog'], mode='count')
        array([[0., 2., 0., 0., 0., 0., 1.]])
    """

    def __init__(self, num_words=None, filters=FILTERS, lower=True, split=' ',
                 char_level=False, oov_token=None, document_count=0, **kwargs):
        if 'nb_words' in kwargs:   # Keras 1 name
            num_words = kwargs.pop('nb_words')
        if kwargs:
            raise TypeError('Tokenizer: unknown keyword arguments: %s' % sorted(kwargs))
        self.num_words, self.filters, self.lower, self.split = num_words, filters, lower, split
        self.char_level, self.oov_token = char_level, oov_token
        self.document_count = document_count
        self.word_counts = OrderedDict()
        self.word_docs = defaultdict(int)
        self.index_docs = defaultdict(int)
        self.word_index, self.index_word = {}, {}

    def _tokens(self, text):
        """The tokens of one text: a list of tokens is kept as is (lower-cased)."""
        if self.char_level or isinstance(text, list):
            if self.lower:
                return [token.lower() for token in text] if isinstance(text, list) \
                    else text.lower()
            return text
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts):
        """Count the words of `texts` and rebuild `word_index`.

        Args:
            texts: strings, or lists of tokens (a generator works).
        """
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            for token in tokens:
                self.word_counts[token] = self.word_counts.get(token, 0) + 1
            for token in set(tokens):
                self.word_docs[token] += 1
        by_count = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = [] if self.oov_token is None else [self.oov_token]
        vocabulary += [word for word, _ in by_count if word != self.oov_token]
        self.word_index = {word: index for index, word in enumerate(vocabulary, 1)}
        self.index_word = {index: word for word, index in self.word_index.items()}
        for word, count in self.word_docs.items():
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences):
        """Count in how many documents each index occurs (needed by mode 'tfidf').

        Args:
            sequences: lists of word indices.
        """
        self.document_count += len(sequences)
        for sequence in sequences:
            for index in set(sequence):
                self.index_docs[index] += 1

    def texts_to_sequences(self, texts):
        """Encode texts as lists of word indices.

        Unknown words and words of index >= `num_words` are dropped, or become the index
        of `oov_token` when there is one.

        Args:
            texts: strings, or lists of tokens.

        Returns:
            A list of lists of ints.
        """
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        """Yield the sequence of each text in turn (as `texts_to_sequences`)."""
        oov_index = self.word_index.get(self.oov_token)
        for text in texts:
            sequence = []
            for token in self._tokens(text):
                index = self.word_index.get(token)
                if index is None or (self.num_words and index >= self.num_words):
                    index = oov_index
                if index is not None:
                    sequence.append(index)
            yield sequence

    def sequences_to_texts(self, sequences):
        """Decode lists of word indices into space-separated texts (inverse of encoding).

        Args:
            sequences: lists of ints.

        Returns:
            A list of strings.
        """
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        """Yield the text of each sequence in turn (as `sequences_to_texts`)."""
        oov_word = self.index_word.get(self.word_index.get(self.oov_token))
        for sequence in sequences:
            words = []
            for index in sequence:
                word = self.index_word.get(index)
                if word is None or (self.num_words and index >= self.num_words):
                    word = oov_word
                if word is not None:
                    words.append(word)
            yield ' '.join(words)

    def texts_to_matrix(self, texts, mode='binary'):
        """Encode texts as a matrix of one row per text (see `sequences_to_matrix`).

        Args:
            texts: strings, or lists of tokens.
            mode: 'binary', 'count', 'tfidf' or 'freq'.

        Returns:
            A float64 array of shape (len(texts), num_words or len(word_index) + 1).
        """
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode='binary'):
        """Encode sequences of word indices as a matrix of one row per sequence.

        Column `j` of a row holds, for index `j` of the sequence: 1 ('binary'), its count
        ('count'), its count over the sequence length ('freq') or `(1 + log(count)) *
        log(1 + document_count / (1 + documents containing j))` ('tfidf'). Indices beyond
        the matrix width are ignored.

        Args:
            sequences: lists of word indices.
            mode: 'binary', 'count', 'tfidf' or 'freq'.

        Returns:
            A float64 array of shape (len(sequences), num_words or len(word_index) + 1).

        Raises:
            ValueError: unknown mode; no `num_words` and nothing fit yet; 'tfidf' before
                any fit.
        """
        if mode not in MATRIX_MODES:
            raise ValueError('Tokenizer: unknown matrix mode %r; expected one of %s'
                             % (mode, ', '.join(MATRIX_MODES)))
        width = self.num_words or (len(self.word_index) + 1 if self.word_index else None)
        if width is None:
            raise ValueError('Tokenizer: give num_words, or fit on some texts first, to '
                             'set the width of the matrix')
        if mode == 'tfidf' and not self.document_count:
            raise ValueError("Tokenizer: fit on some data before using mode 'tfidf'")
        matrix = np.zeros((len(sequences), width))
        for row, sequence in enumerate(sequences):
            kept = np.array([j for j in sequence if j < width], dtype=np.int64)
            if kept.size:
                indices, counts = np.unique(kept, return_counts=True)
                matrix[row, indices] = self._weights(indices, counts, len(sequence), mode)
        return matrix

    def _weights(self, indices, counts, length, mode):
        """The values of one row's non-zero columns for `mode`."""
        if mode == 'binary':
            return 1.0
        if mode == 'count':
            return counts
        if mode == 'freq':
            return counts / length
        documents = np.array([self.index_docs.get(j, 0) for j in indices], dtype=float)
        return (1 + np.log(counts)) * np.log(1 + self.document_count / (1 + documents))

    def get_config(self):
        """The tokenizer's settings and vocabulary; the dicts as JSON strings.

        Returns:
            A dict of JSON-compatible values (read back by `tokenizer_from_json`).
        """
        return {
            'num_words': self.num_words, 'filters': self.filters, 'lower': self.lower,
            'split': self.split, 'char_level': self.char_level, 'oov_token': self.oov_token,
            'document_count': self.document_count,
            'word_counts': json.dumps(self.word_counts),
            'word_docs': json.dumps(self.word_docs),
            'index_docs': json.dumps(self.index_docs),
            'index_word': json.dumps(self.index_word),
            'word_index': json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """The tokenizer as a JSON string (read it back with `tokenizer_from_json`).

        Args:
            **kwargs: passed to `json.dumps` (e.g. `indent=2`).

        Returns:
            A string.
        """
        return json.dumps({'class_name': type(self).__name__, 'config': self.get_config()},
                          **kwargs)


def tokenizer_from_json(json_string):
    """Rebuild a `Tokenizer` from `Tokenizer.to_json()` (plain JSON, no code).

    Args:
        json_string: the string `to_json` returned.

    Returns:
        A Tokenizer with the same settings and vocabulary.

    Example:
        >>> tokenizer = Tokenizer(num_words=10)
        >>> tokenizer.fit_on_texts(['a b b'])
        >>> copy = tokenizer_from_json(tokenizer.to_json())
        >>> copy.word_index, copy.texts_to_sequences(['b a c'])
        ({'b': 1, 'a': 2}, [[1, 2]])
    """
    config = dict(json.loads(json_string)['config'])
    word_counts = OrderedDict(json.loads(config.pop('word_counts')))
    word_docs = json.loads(config.pop('word_docs'))
    index_docs = {int(k): v for k, v in json.loads(config.pop('index_docs')).items()}
    index_word = {int(k): v for k, v in json.loads(config.pop('index_word')).items()}
    word_index = json.loads(config.pop('word_index'))
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = word_counts
    tokenizer.word_docs = defaultdict(int, word_docs)
    tokenizer.index_docs = defaultdict(int, index_docs)
    tokenizer.index_word, tokenizer.word_index = index_word, word_index
    return tokenizer
