"""A custom layer, Antirectifier, in an MNIST MLP; print the test accuracy.

Antirectifier centres each sample, L2-normalizes it, and concatenates its positive and
negative parts, so it returns twice as many features as it receives.

    python examples/antirectifier.py            # 40 epochs on all the training data
    python examples/antirectifier.py --quick    # 3000 training images, 1 epoch
"""
import argparse

import symkeras
from symkeras import backend as K
from symkeras.datasets import mnist
from symkeras.layers import Dense, Dropout, Layer
from symkeras.models import Sequential


class Antirectifier(Layer):
    """x - mean(x), L2-normalized, then [relu(x), relu(-x)] along the feature axis."""

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        assert len(shape) == 2  # only valid for 2D tensors
        if shape[-1] is not None:
            shape[-1] *= 2
        return tuple(shape)

    def call(self, inputs):
        x = inputs - K.mean(inputs, axis=1, keepdims=True)
        x = K.l2_normalize(x, axis=1)
        return K.concatenate([K.relu(x), K.relu(-x)], axis=1)

    def get_config(self):
        return super(Antirectifier, self).get_config()


def prepare(x, y):
    x = x.reshape(len(x), 784).astype('float32') / 255.0
    return x, symkeras.utils.to_categorical(y, 10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='3000 images, 1 epoch')
    args = parser.parse_args()
    epochs, limit = (1, 3000) if args.quick else (40, None)

    ((x_train, y_train), (x_test, y_test)), source = mnist.load_data_or_sample()
    print('MNIST from %s' % source)
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
    x_train, y_train = prepare(x_train, y_train)
    x_test, y_test = prepare(x_test, y_test)

    model = Sequential()
    model.add(Dense(256, input_shape=(784,)))
    model.add(Antirectifier())
    model.add(Dropout(0.1))
    model.add(Dense(256))
    model.add(Antirectifier())
    model.add(Dropout(0.1))
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
