"""CIFAR-10 small color images, as `keras.datasets.cifar10` (Keras 2.2.4) returns them.

Read from the official *binary* version (`cifar-10-binary.tar.gz`: `data_batch_1.bin` ...
`data_batch_5.bin` and `test_batch.bin`, 10000 records of 1 label byte + 3072 pixel bytes
each), never from the pickled python version, in the first folder that has them:

1. `path`, when given;
2. otherwise `$SYMKERAS_DATASETS/cifar10/`, then `~/.symkeras/datasets/cifar10/`.

In a folder, the `.bin` files may sit directly, in the archive's `cifar-10-batches-bin/`
folder, or still in `cifar-10-binary.tar.gz` (extracted there on first use, refusing any
member that would land outside the folder). When none has them, the archive is downloaded
from the official CIFAR page into `path` or the user cache, kept only if its MD5 is the
one that page publishes and its members have the expected sizes, written atomically, then
extracted.
"""
from .. import backend as K
from . import _cifar, _files

SPEC = _cifar.CifarSpec(
    title='CIFAR-10', folder='cifar10', archive='cifar-10-binary.tar.gz',
    urls=('https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',),
    md5='c32a1d4ab5d03f1284b67883e8d87530', subfolder='cifar-10-batches-bin',
    label_bytes=1, classes=(10,),
    train=tuple(('data_batch_%d.bin' % index, 10000) for index in range(1, 6)),
    test=(('test_batch.bin', 10000),))

CLASS_NAMES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse',
               'ship', 'truck')

DownloadError = _files.DownloadError


def load_data(path=None):
    """Load the CIFAR-10 dataset (Keras 2 `cifar10.load_data`).

    Args:
        path: folder holding the six `.bin` files, their `cifar-10-batches-bin/` folder
            or `cifar-10-binary.tar.gz`. When None, `$SYMKERAS_DATASETS/cifar10/` then
            `~/.symkeras/datasets/cifar10/` are searched. (Keras 2.2.4 takes no
            argument.)

    Returns:
        `((x_train, y_train), (x_test, y_test))`: uint8 images of shape (50000, 32, 32, 3)
        and (10000, 32, 32, 3) when `K.image_data_format()` is 'channels_last' (the
        default), (N, 3, 32, 32) when 'channels_first'; uint8 labels 0-9 of shape
        (50000, 1) and (10000, 1), indexing `CLASS_NAMES`. (Keras 2.2.4 gives int64 test
        labels, read from its pickles; here both are uint8.)

    Raises:
        DownloadError: no local copy and the download failed (no network, bad checksum).
        ValueError: a file is truncated, holds an out-of-range label, or the archive has a
            member escaping its folder.

    Example:
        >>> from symkeras.datasets import cifar10
        >>> (x_train, y_train), (x_test, y_test) = cifar10.load_data()  # doctest: +SKIP
        >>> x_train.shape, y_train.shape  # doctest: +SKIP
        ((50000, 32, 32, 3), (50000, 1))
    """
    ((x_train, labels_train), (x_test, labels_test)), _ = _cifar.load(SPEC, path, _fetch)
    data_format = K.image_data_format()
    return (_cifar.to_keras(x_train, labels_train, 0, data_format),
            _cifar.to_keras(x_test, labels_test, 0, data_format))


def _fetch(url):
    """Return the bytes at `url` (the seam tests replace to stay off the network)."""
    return _files.fetch(url)
