"""Datasets with the Keras 2 `load_data()` interface.

Example:
    >>> from symkeras.datasets import mnist
    >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()
"""
from . import mnist

__all__ = ['mnist']
