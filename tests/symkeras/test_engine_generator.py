"""fit_generator / evaluate_generator / predict_generator and Sequence (Keras 2.2.4)."""
import numpy as np
import pytest

from symkeras import callbacks
from symkeras.layers import Dense
from symkeras.models import Sequential
from symkeras.utils import Sequence


def _model(seed=0):
    rng = np.random.RandomState(seed)
    model = Sequential([Dense(4, activation='relu', input_dim=3),
                        Dense(2, activation='softmax')])
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape) for w in model.get_weights()])
    model.compile('sgd', 'categorical_crossentropy', metrics=['accuracy'])
    return model


def _data(samples, seed=1):
    rng = np.random.RandomState(seed)
    x = rng.rand(samples, 3).astype('float32')
    y = np.eye(2, dtype='float32')[rng.randint(0, 2, samples)]
    return x, y


class Batches(Sequence):
    """Batches of 4 of (x, y); records the indices asked for and the epoch ends."""

    def __init__(self, x, y, batch_size=4):
        self.x, self.y, self.batch_size = x, y, batch_size
        self.asked, self.epoch_ends = [], 0

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, index):
        self.asked.append(index)
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[part], self.y[part]

    def on_epoch_end(self):
        self.epoch_ends += 1


def test_fit_generator_trains_as_train_on_batch_on_the_same_batches():
    x, y = _data(12)
    batches = [(x[i:i + 4], y[i:i + 4]) for i in range(0, 12, 4)] * 2
    reference = _model()
    losses = [reference.train_on_batch(bx, by)[0] for bx, by in batches]
    model = _model()
    history = model.fit_generator(iter(batches), steps_per_epoch=3, epochs=2, verbose=0)
    for got, want in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_allclose(history.history['loss'], [np.mean(losses[:3]),
                                                         np.mean(losses[3:])], rtol=1e-6)
    assert history.history['acc'] == history.history['accuracy']     # 2.2.4's name too


def test_a_sequence_gives_the_steps_and_is_visited_whole_each_epoch():
    x, y = _data(10)
    sequence = Batches(x, y)                         # 3 batches: 4, 4, 2
    _model().fit_generator(sequence, epochs=2, verbose=0)
    assert len(sequence.asked) == 6 and sequence.epoch_ends == 2
    assert sorted(sequence.asked[:3]) == [0, 1, 2] and sorted(sequence.asked[3:]) == [0, 1, 2]
    ordered = Batches(x, y)
    _model().fit_generator(ordered, epochs=2, verbose=0, shuffle=False)
    assert ordered.asked == [0, 1, 2, 0, 1, 2]


def test_validation_from_a_tuple_and_from_a_generator_match_evaluate():
    x, y = _data(12)
    vx, vy = _data(8, seed=5)
    for validation, steps in (((vx, vy), None), (iter([(vx, vy)] * 2), 1)):
        model = _model()
        history = model.fit_generator(iter([(x, y)] * 2), steps_per_epoch=1, epochs=2,
                                      verbose=0, validation_data=validation,
                                      validation_steps=steps)
        assert len(history.history['val_loss']) == 2
        np.testing.assert_allclose(history.history['val_loss'][-1],
                                   model.evaluate(vx, vy, verbose=0)[0], rtol=1e-5)


def test_evaluate_generator_weights_batches_by_their_size():
    x, y = _data(10)
    model = _model()
    got = model.evaluate_generator(Batches(x, y))           # batches of 4, 4 and 2
    np.testing.assert_allclose(got, model.evaluate(x, y, batch_size=4, verbose=0),
                               rtol=1e-5)


def test_predict_generator_concatenates_and_takes_x_from_tuples():
    x, y = _data(10)
    model = _model()
    want = model.predict(x)
    np.testing.assert_allclose(model.predict_generator(Batches(x, y)), want, rtol=1e-6)
    only_x = iter([x[:6], x[6:]])
    np.testing.assert_allclose(model.predict_generator(only_x, steps=2), want, rtol=1e-6)


def test_early_stopping_stops_fit_generator():
    x, y = _data(8)
    stop = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: setattr(model, 'stop_training', epoch == 1))
    model = _model()
    history = model.fit_generator(iter([(x, y)] * 10), steps_per_epoch=1, epochs=10,
                                  verbose=0, callbacks=[stop])
    assert len(history.history['loss']) == 2


def test_generator_errors_are_clear():
    model = _model()
    x, y = _data(4)
    with pytest.raises(ValueError, match='give `steps_per_epoch`.*Sequence'):
        model.fit_generator(iter([(x, y)]), verbose=0)
    with pytest.raises(ValueError, match='give `steps`'):
        model.evaluate_generator(iter([(x, y)]))
    with pytest.raises(ValueError, match=r'tuple \(x, y\) or \(x, y, sample_weight\)'):
        model.fit_generator(iter([x]), steps_per_epoch=1, verbose=0)
    with pytest.raises(RuntimeError):
        Sequential([Dense(1, input_dim=3)]).fit_generator(iter([(x, y)]),
                                                          steps_per_epoch=1, verbose=0)
