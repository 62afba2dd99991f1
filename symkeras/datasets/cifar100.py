"""CIFAR-100 small color images, as `keras.datasets.cifar100` (Keras 2.2.4) returns them.

Read from the official *binary* version (`cifar-100-binary.tar.gz`: `train.bin`, 50000
records, and `test.bin`, 10000 records, each of 2 label bytes, coarse then fine, + 3072
pixel bytes), never from the pickled python version, in the first folder that has them:

1. `path`, when given;
2. otherwise `$SYMKERAS_DATASETS/cifar100/`, then `~/.symkeras/datasets/cifar100/`.

In a folder, the `.bin` files may sit directly, in the archive's `cifar-100-binary/`
folder, or still in `cifar-100-binary.tar.gz` (extracted there on first use, refusing any
member that would land outside the folder). When none has them, the archive is downloaded
from the official CIFAR page into `path` or the user cache, kept only if its MD5 is the
one published for it and its members have the expected sizes, written atomically, then
extracted.
"""
from .. import backend as K
from . import _cifar, _files

SPEC = _cifar.CifarSpec(
    title='CIFAR-100', folder='cifar100', archive='cifar-100-binary.tar.gz',
    urls=('https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',),
    md5='03b5dce01913d631647c71ecec9e9cb8', subfolder='cifar-100-binary',
    label_bytes=2, classes=(20, 100),
    train=(('train.bin', 50000),), test=(('test.bin', 10000),))

LABEL_COLUMNS = {'coarse': 0, 'fine': 1}  # position of each label byte in a record

DownloadError = _files.DownloadError


def load_data(label_mode='fine', path=None):
    """Load the CIFAR-100 dataset (Keras 2 `cifar100.load_data`).

    Args:
        label_mode: 'fine' (100 classes) or 'coarse' (20 superclasses).
        path: folder holding `train.bin` and `test.bin`, their `cifar-100-binary/`
            folder or `cifar-100-binary.tar.gz`. When None, `$SYMKERAS_DATASETS/cifar100/`
            then `~/.symkeras/datasets/cifar100/` are searched. (Keras 2.2.4 has no such
            argument.)

    Returns:
        `((x_train, y_train), (x_test, y_test))`: uint8 images of shape (50000, 32, 32, 3)
        and (10000, 32, 32, 3) when `K.image_data_format()` is 'channels_last' (the
        default), (N, 3, 32, 32) when 'channels_first'; uint8 labels of shape (50000, 1)
        and (10000, 1), in [0, 100) for 'fine' and [0, 20) for 'coarse'. (Keras 2.2.4
        gives int64 labels, read from its pickles.)

    Raises:
        ValueError: `label_mode` is neither 'fine' nor 'coarse'; a file is truncated or
            holds an out-of-range label; the archive has a member escaping its folder.
        DownloadError: no local copy and the download failed (no network, bad checksum).

    Example:
        >>> from symkeras.datasets import cifar100
        >>> (x_train, y_train), _ = cifar100.load_data('coarse')  # doctest: +SKIP
        >>> x_train.shape, int(y_train.max())  # doctest: +SKIP
        ((50000, 32, 32, 3), 19)
    """
    if label_mode not in LABEL_COLUMNS:
        raise ValueError("cifar100.load_data: expected label_mode 'fine' or 'coarse', "
                         "received %r" % (label_mode,))
    ((x_train, labels_train), (x_test, labels_test)), _ = _cifar.load(SPEC, path, _fetch)
    column, data_format = LABEL_COLUMNS[label_mode], K.image_data_format()
    return (_cifar.to_keras(x_train, labels_train, column, data_format),
            _cifar.to_keras(x_test, labels_test, column, data_format))


def _fetch(url):
    """Return the bytes at `url` (the seam tests replace to stay off the network)."""
    return _files.fetch(url)
