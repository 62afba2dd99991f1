"""Train a simple MLP (512-512-10 with dropout) on flattened MNIST; print the test accuracy.

    python examples/mnist_mlp.py            # 20 epochs on all the training data
    python examples/mnist_mlp.py --quick    # 3000 training images, 1 epoch
"""
import argparse

import symkeras
from symkeras.datasets import mnist
from symkeras.layers import Dense, Dropout
from symkeras.models import Sequential


def prepare(x, y):
    x = x.reshape(len(x), 784).astype('float32') / 255.0
    return x, symkeras.utils.to_categorical(y, 10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='3000 images, 1 epoch')
    args = parser.parse_args()
    epochs, limit = (1, 3000) if args.quick else (20, None)

    ((x_train, y_train), (x_test, y_test)), source = mnist.load_data_or_sample()
    print('MNIST from %s' % source)
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
    x_train, y_train = prepare(x_train, y_train)
    x_test, y_test = prepare(x_test, y_test)

    model = Sequential()
    model.add(Dense(512, activation='relu', input_shape=(784,)))
    model.add(Dropout(0.2))
    model.add(Dense(512, activation='relu'))
    model.add(Dropout(0.2))
    model.add(Dense(10, activation='softmax'))
    model.summary()
    model.compile(loss='categorical_crossentropy', optimizer='rmsprop', metrics=['accuracy'])
    model.fit(x_train, y_train, batch_size=128, epochs=epochs, verbose=2,
              validation_data=(x_test, y_test))
    loss, acc = model.evaluate(x_test, y_test, verbose=0)
    print('test loss: %.4f' % loss)
    print('test accuracy: %.4f' % acc)


if __name__ == '__main__':
    main()
