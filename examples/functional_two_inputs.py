"""A functional model with two inputs and two outputs (sigmoid and softmax heads).

The synthetic targets are learnable functions of the inputs: the binary target says
whether the sum of the first input is positive, the 3-class target is the argmax of the
second input's first three features. Prints the losses before and after training.

    python examples/functional_two_inputs.py            # 30 epochs
    python examples/functional_two_inputs.py --quick    # 5 epochs
"""
import argparse

import numpy as np

import symkeras
from symkeras.layers import Dense, Input, concatenate
from symkeras.models import Model


def make_data(n, rng):
    a = rng.randn(n, 20).astype('float32')
    b = rng.randn(n, 5).astype('float32')
    y_bin = (a.sum(axis=1) > 0).astype('float32').reshape(-1, 1)
    y_cls = symkeras.utils.to_categorical(b[:, :3].argmax(axis=1), 3)
    return [a, b], [y_bin, y_cls]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='5 epochs')
    args = parser.parse_args()
    epochs = 5 if args.quick else 30

    rng = np.random.RandomState(0)
    x_train, y_train = make_data(2000, rng)
    x_test, y_test = make_data(500, rng)

    in_a = Input(shape=(20,), name='input_a')
    in_b = Input(shape=(5,), name='input_b')
    x = concatenate([in_a, in_b])
    x = Dense(64, activation='relu')(x)
    x = Dense(32, activation='relu')(x)
    out_bin = Dense(1, activation='sigmoid', name='positive')(x)
    out_cls = Dense(3, activation='softmax', name='argmax')(x)
    model = Model(inputs=[in_a, in_b], outputs=[out_bin, out_cls])
    model.compile(optimizer='adam',
                  loss=['binary_crossentropy', 'categorical_crossentropy'],
                  loss_weights=[1.0, 0.5])
    model.summary()

    before = model.evaluate(x_test, y_test, verbose=0)
    model.fit(x_train, y_train, batch_size=64, epochs=epochs, verbose=2)
    after = model.evaluate(x_test, y_test, verbose=0)
    names = model.metrics_names
    print('losses before: ' + ', '.join('%s=%.4f' % (n, v) for n, v in zip(names, before)))
    print('losses after: ' + ', '.join('%s=%.4f' % (n, v) for n, v in zip(names, after)))
    print('final test loss: %.4f (before training %.4f)' % (after[0], before[0]))


if __name__ == '__main__':
    main()
