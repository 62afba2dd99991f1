"""Train the seed CNN on MNIST and print the test accuracy and seconds per epoch.

    python examples/mnist_cnn.py --epochs 1 --batch-size 128

With no dataset cached and no network, it falls back to the small MNIST sample shipped
in the package, and says so.
"""
import argparse
import time

import numpy as np

import symkeras
from symkeras.datasets import mnist
from symkeras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from symkeras.models import Sequential


def build_model():
    model = Sequential()
    model.add(Conv2D(32, (3, 3), padding="same", activation="relu", input_shape=(28, 28, 1)))
    model.add(MaxPooling2D((2, 2)))
    model.add(Conv2D(64, (3, 3), padding="same", activation="relu"))
    model.add(MaxPooling2D((2, 2)))
    model.add(Conv2D(128, (3, 3), padding="same", activation="relu"))
    model.add(MaxPooling2D((2, 2)))
    model.add(Flatten())
    model.add(Dense(128, activation="relu"))
    model.add(Dropout(0.5))
    model.add(Dense(10, activation="softmax"))
    return model


def prepare(x, y):
    x = x.reshape(-1, 28, 28, 1).astype("float32") / 255.0
    return x, symkeras.utils.to_categorical(y, 10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--train-samples", type=int, default=None,
                        help="use only the first N training images")
    parser.add_argument("--verbose", type=int, default=1)
    parser.add_argument("--profile", action="store_true",
                        help="print the per-kernel time table of the training step")
    args = parser.parse_args()

    ((x_train, y_train), (x_test, y_test)), source = mnist.load_data_or_sample()
    print(f"MNIST from {source}: {len(x_train)} training, {len(x_test)} test images")
    if args.train_samples:
        x_train, y_train = x_train[:args.train_samples], y_train[:args.train_samples]
    x_train, y_train = prepare(x_train, y_train)
    x_test, y_test = prepare(x_test, y_test)

    model = build_model()
    model.summary()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs,
              verbose=args.verbose, profile=args.profile)
    seconds = (time.perf_counter() - start) / max(args.epochs, 1)
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=512, verbose=0)
    print(f"seconds per epoch: {seconds:.1f}")
    print(f"test loss: {loss:.4f}")
    print(f"test accuracy: {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    np.random.seed(0)
    main()
