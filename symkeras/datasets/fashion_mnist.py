"""Fashion-MNIST (Zalando's article images), as `keras.datasets.fashion_mnist` returns it.

Same IDX files and layout as MNIST (60000 + 10000 grayscale 28x28 images, labels 0-9:
T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot), read
by the code `mnist` uses, never with pickle, from the first folder holding all four files:

1. `path`, when given;
2. otherwise `$SYMKERAS_DATASETS/fashion_mnist/`, then `~/.symkeras/datasets/fashion_mnist/`.

Missing files are downloaded (the URL Keras 2.2.4 uses first, then the project's GitHub
repository) into `path` or the user cache. A download is kept only when its MD5 is the one
the Fashion-MNIST README publishes for that `.gz` file *and* it parses as an IDX file of
the expected shape; it is then written atomically.
"""
from . import _files, _idx

# (split, what) -> IDX file name (without `.gz`) and the shape Keras returns.
IDX_FILES = {
    ('train', 'images'): ('train-images-idx3-ubyte', (60000, 28, 28)),
    ('train', 'labels'): ('train-labels-idx1-ubyte', (60000,)),
    ('test', 'images'): ('t10k-images-idx3-ubyte', (10000, 28, 28)),
    ('test', 'labels'): ('t10k-labels-idx1-ubyte', (10000,)),
}

# MD5 of the *gzipped* files, as published in the Fashion-MNIST README.
MD5 = {
    'train-images-idx3-ubyte': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
    'train-labels-idx1-ubyte': '25c81989df183df01b3e8a0aad5dffbe',
    't10k-images-idx3-ubyte': 'bef4ecab320f06d8554ea6380940ec79',
    't10k-labels-idx1-ubyte': 'bb300cfdad3c16e7a12a480ee83cd310',
}

MIRRORS = (
    'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    'https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/',
)

CLASS_NAMES = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt',
               'Sneaker', 'Bag', 'Ankle boot')

DownloadError = _files.DownloadError


def load_data(path=None):
    """Load the Fashion-MNIST dataset (Keras 2 `fashion_mnist.load_data`).

    Args:
        path: folder holding the four IDX files (`train-images-idx3-ubyte`,
            `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`,
            each optionally `.gz`). When None, `$SYMKERAS_DATASETS/fashion_mnist/` then
            `~/.symkeras/datasets/fashion_mnist/` are searched. (Keras 2.2.4 takes no
            argument.)

    Returns:
        `((x_train, y_train), (x_test, y_test))`: uint8 arrays of shapes (60000, 28, 28),
        (60000,), (10000, 28, 28) and (10000,); labels index `CLASS_NAMES`.

    Raises:
        DownloadError: no local copy and the download failed (no network, bad checksum).
        ValueError: a file is truncated or is not the expected IDX file.

    Example:
        >>> from symkeras.datasets import fashion_mnist
        >>> (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()  # doctest: +SKIP
        >>> x_train.shape, fashion_mnist.CLASS_NAMES[y_train[0]]  # doctest: +SKIP
        ((60000, 28, 28), 'Ankle boot')
    """
    data, _ = _idx.load(_dataset(), path, _fetch)
    return data


def _check_download(name, payload):
    """Raise ValueError unless `payload` is the published `name.gz` and parses as IDX."""
    _files.check_digest(name + '.gz', payload, 'md5', MD5[name])
    shape = dict(IDX_FILES.values())[name]
    _idx.parse_idx_bytes(_files.gunzip(payload), name + '.gz', shape, 'Fashion-MNIST')


def _urls(name):
    """The URLs of `name.gz`, one per mirror, in order."""
    return [mirror + name + '.gz' for mirror in MIRRORS]


def _dataset():
    """The IDX description of Fashion-MNIST (built on call: tests may shrink IDX_FILES)."""
    return _idx.IdxDataset(title='Fashion-MNIST', folder='fashion_mnist', files=IDX_FILES,
                           urls=_urls, check=_check_download)


def _fetch(url):
    """Return the bytes at `url` (the seam tests replace to stay off the network)."""
    return _files.fetch(url)
