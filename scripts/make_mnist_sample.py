"""Build the small MNIST sample shipped inside the package.

Writes `symkeras/datasets/data/mnist_sample.npz` holding the first 2000 training and the
first 500 test images/labels of the real MNIST, read from the IDX files of a full copy.

Usage (from the repository root):

    python scripts/make_mnist_sample.py [MNIST_FOLDER]

MNIST_FOLDER defaults to `$SYMKERAS_DATASETS/mnist`, else `../shared/data/mnist`.
"""
import argparse
import importlib.util
import os

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MNIST_MODULE = os.path.join(REPO, 'symkeras', 'datasets', 'mnist.py')

N_TRAIN = 2000
N_TEST = 500
OUTPUT = os.path.join(REPO, 'symkeras', 'datasets', 'data', 'mnist_sample.npz')


def default_folder():
    """Return the MNIST folder used when none is given on the command line."""
    root = os.environ.get('SYMKERAS_DATASETS') or os.path.join(REPO, '..', 'shared', 'data')
    return os.path.join(root, 'mnist')


def load_mnist_module():
    """Import symkeras/datasets/mnist.py alone (it needs only numpy), not all of symkeras."""
    spec = importlib.util.spec_from_file_location('_symkeras_mnist', MNIST_MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None):
    """Read the full MNIST, slice the sample and write it compressed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('folder', nargs='?', default=default_folder())
    parser.add_argument('--output', default=OUTPUT)
    args = parser.parse_args(argv)
    mnist = load_mnist_module()
    (x_train, y_train), (x_test, y_test) = mnist.load_data(path=args.folder)
    np.savez_compressed(args.output,
                        x_train=x_train[:N_TRAIN], y_train=y_train[:N_TRAIN],
                        x_test=x_test[:N_TEST], y_test=y_test[:N_TEST])
    size_kb = os.path.getsize(args.output) / 1024
    print('wrote %s (%.0f KiB)' % (os.path.relpath(args.output), size_kb))


if __name__ == '__main__':
    main()
