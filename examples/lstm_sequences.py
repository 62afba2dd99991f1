"""An LSTM classifies whether the sum of a sequence of 10 numbers is positive.

    python examples/lstm_sequences.py            # 20 epochs
    python examples/lstm_sequences.py --quick    # 4 epochs on fewer sequences
"""
import argparse

import numpy as np

from symkeras.layers import LSTM, Dense
from symkeras.models import Sequential

TIMESTEPS = 10


def make_data(n, rng):
    x = rng.randn(n, TIMESTEPS, 1).astype('float32')
    y = (x.sum(axis=(1, 2)) > 0).astype('float32').reshape(-1, 1)
    return x, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='fewer sequences, 4 epochs')
    args = parser.parse_args()
    epochs, n_train = (4, 2000) if args.quick else (20, 10000)

    rng = np.random.RandomState(0)
    x_train, y_train = make_data(n_train, rng)
    x_test, y_test = make_data(500, rng)

    model = Sequential()
    model.add(LSTM(16, input_shape=(TIMESTEPS, 1)))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
    model.summary()
    model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=2)
    loss, acc = model.evaluate(x_test, y_test, verbose=0)
    print('test loss: %.4f' % loss)
    print('test accuracy: %.4f' % acc)


if __name__ == '__main__':
    main()
