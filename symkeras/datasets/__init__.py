"""Datasets with the Keras 2 `load_data()` interface.

`mnist`, `fashion_mnist`, `cifar10`, `cifar100` and `boston_housing` return what Keras
2.2.4 returns. Each looks for its files in the `path` given, then in
`$SYMKERAS_DATASETS/<module name>/`, then in `~/.symkeras/datasets/<module name>/`, and
downloads them only when none has them. Nothing is ever loaded with pickle.

Example:
    >>> from symkeras.datasets import mnist
    >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()  # doctest: +SKIP
    >>> (x_train, y_train), (x_test, y_test) = mnist.load_sample()   # shipped: 2000 + 500
    >>> x_train.shape, y_train.dtype
    ((2000, 28, 28), dtype('uint8'))
"""
from . import boston_housing, cifar10, cifar100, fashion_mnist, mnist

__all__ = ['mnist', 'fashion_mnist', 'cifar10', 'cifar100', 'boston_housing']
