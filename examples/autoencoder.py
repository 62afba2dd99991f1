"""A dense autoencoder (784-64-784) on MNIST; print the reconstruction loss before/after.

    python examples/autoencoder.py            # 20 epochs on all the training data
    python examples/autoencoder.py --quick    # 3000 training images, 2 epochs
"""
import argparse

from symkeras.datasets import mnist
from symkeras.layers import Dense, Input
from symkeras.models import Model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='3000 images, 2 epochs')
    args = parser.parse_args()
    epochs, limit = (2, 3000) if args.quick else (20, None)

    ((x_train, _), (x_test, _)), source = mnist.load_data_or_sample()
    print('MNIST from %s' % source)
    if limit:
        x_train = x_train[:limit]
    x_train = x_train.reshape(len(x_train), 784).astype('float32') / 255.0
    x_test = x_test.reshape(len(x_test), 784).astype('float32') / 255.0

    inputs = Input(shape=(784,))
    encoded = Dense(64, activation='relu')(inputs)
    decoded = Dense(784, activation='sigmoid')(encoded)
    autoencoder = Model(inputs, decoded)
    autoencoder.compile(optimizer='adam', loss='binary_crossentropy')
    autoencoder.summary()

    before = autoencoder.evaluate(x_test, x_test, verbose=0)
    autoencoder.fit(x_train, x_train, batch_size=128, epochs=epochs, shuffle=True, verbose=2)
    after = autoencoder.evaluate(x_test, x_test, verbose=0)
    print('reconstruction loss before: %.4f' % before)
    print('reconstruction loss after: %.4f' % after)
    if not after < before:
        raise SystemExit('reconstruction loss did not go down')


if __name__ == '__main__':
    main()
