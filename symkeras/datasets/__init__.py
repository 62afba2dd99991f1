"""Datasets with the Keras 2 `load_data()` interface.

Example:
    >>> from symkeras.datasets import mnist
    >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()  # doctest: +SKIP
    >>> (x_train, y_train), (x_test, y_test) = mnist.load_sample()   # shipped: 2000 + 500
    >>> x_train.shape, y_train.dtype
    ((2000, 28, 28), dtype('uint8'))
"""
from . import mnist

__all__ = ['mnist']
