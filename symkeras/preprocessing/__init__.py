"""Keras 2 `keras.preprocessing`: `sequence`, `text` and `image` (numpy and scipy only).

Example:
    >>> from symkeras.preprocessing.sequence import pad_sequences
    >>> from symkeras.preprocessing.text import Tokenizer
    >>> tokenizer = Tokenizer()
    >>> tokenizer.fit_on_texts(['a b c', 'a b', 'a'])
    >>> pad_sequences(tokenizer.texts_to_sequences(['c a', 'b']), maxlen=3)
    array([[0, 3, 1],
           [0, 0, 2]], dtype=int32)
"""
from . import image, sequence, text

__all__ = ['image', 'sequence', 'text']
