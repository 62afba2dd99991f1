"""The seed CNN learns real MNIST: 6,000 training images, >= 90% on 2,000 test images."""
import os

import numpy as np
import pytest

from symkeras.datasets import mnist
from symkeras.utils import to_categorical

pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def data():
    if not os.environ.get('SYMKERAS_DATASETS'):
        pytest.skip('set SYMKERAS_DATASETS to the folder holding mnist/ (../shared/data)')
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    prepare = lambda x: x.reshape(-1, 28, 28, 1).astype('float32') / 255.0  # noqa: E731
    return (prepare(x_train[:6000]), to_categorical(y_train[:6000], 10),
            prepare(x_test[:2000]), to_categorical(y_test[:2000], 10))


def test_seed_cnn_reaches_90_percent(data):
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'examples'))
    from mnist_cnn import build_model
    x_train, y_train, x_test, y_test = data
    np.random.seed(0)
    model = build_model()
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    history = model.fit(x_train, y_train, batch_size=128, epochs=2, verbose=0)
    assert history.history['loss'][1] < history.history['loss'][0]
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=500, verbose=0)
    assert accuracy >= 0.90, f"test accuracy {accuracy:.4f}"
