"""The seed tutorial's three programs, with `symkeras` in place of `keras`.

The second program, as printed in the tutorial, passes Python's builtin `input` to a
layer; symkeras raises a clear TypeError for it. The corrected program concatenates the
two inputs first.
"""
import numpy as np

from symkeras.layers import (Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D,
                             concatenate)
from symkeras.models import Model, Sequential


def snippet_1_sequential():
    model = Sequential()
    model.add(Dense(units=32, input_dim=784))
    model.add(Dense(units=10, activation='softmax'))
    model.compile(optimizer='sgd', loss='categorical_crossentropy', metrics=['accuracy'])
    x = np.random.rand(256, 784).astype('float32')
    y = np.eye(10, dtype='float32')[np.random.randint(0, 10, 256)]
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    return model


def snippet_2_as_printed():
    input1 = Input(shape=(1000,))
    input2 = Input(shape=(100,))
    hidden = Dense(units=32, activation='relu')(input)   # noqa: F821 - as printed
    output = Dense(units=1, activation='sigmoid')(hidden)
    return Model([input1, input2], output)


def snippet_2_corrected():
    input1 = Input(shape=(1000,))
    input2 = Input(shape=(100,))
    merged = concatenate([input1, input2])
    hidden = Dense(units=32, activation='relu')(merged)
    output = Dense(units=1, activation='sigmoid')(hidden)
    model = Model([input1, input2], output)
    model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
    x1 = np.random.rand(128, 1000).astype('float32')
    x2 = np.random.rand(128, 100).astype('float32')
    y = (x1.mean(axis=1) > x2.mean(axis=1)).astype('float32')
    model.fit([x1, x2], y, epochs=1, batch_size=32, verbose=0)
    return model


def snippet_3_cnn():
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
    model.summary()
    return model


if __name__ == '__main__':
    snippet_1_sequential()
    try:
        snippet_2_as_printed()
    except TypeError as error:
        print(f"As printed, snippet 2 fails clearly: {error}")
    snippet_2_corrected()
    snippet_3_cnn()
    print("all three programs ran")
