"""The *_on_batch fast path: plain arrays of the compiled shapes skip the data checks.

It must give exactly what the checked path gives, and anything that is not plain (other
layouts, dtypes, lists, weights, wrong shapes) must still reach the checked path with its
errors.
"""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.engine.training_utils import ones_weights, plain_arrays
from symkeras.layers import Dense
from symkeras.models import Sequential


def make_model(seed=0):
    K.reset_uids()
    np.random.seed(seed)
    model = Sequential([Dense(8, input_dim=4, activation='relu'),
                        Dense(3, activation='softmax')])
    model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    return model


def data(n=16):
    rng = np.random.RandomState(1)
    x = rng.rand(n, 4).astype('float32')
    y = np.eye(3, dtype='float32')[rng.randint(0, 3, n)]
    return x, y


def test_fast_path_trains_exactly_like_the_checked_path():
    x, y = data()
    fast, checked = make_model(), make_model()
    checked.set_weights(fast.get_weights())
    for _ in range(3):
        a = fast.train_on_batch(x, y)                                   # plain: fast path
        b = checked.train_on_batch(x, y, sample_weight=np.ones(len(x)))  # checked path
        assert a == b
    for left, right in zip(fast.get_weights(), checked.get_weights()):
        np.testing.assert_array_equal(left, right)
    for left, right in zip(fast.optimizer.get_weights(), checked.optimizer.get_weights()):
        np.testing.assert_array_equal(left, right)
    assert fast.test_on_batch(x, y) == checked.test_on_batch(x, y, np.ones(len(x)))
    np.testing.assert_array_equal(fast.predict_on_batch(x), checked.predict(x, batch_size=16))


@pytest.mark.parametrize('convert', [
    lambda a: a.astype('float64'), lambda a: np.asfortranarray(a), lambda a: a.tolist(),
    lambda a: [a], lambda a: a[:, ::1].copy(order='F')])
def test_other_layouts_and_types_give_the_same_result(convert):
    x, y = data()
    reference, other = make_model(), make_model()
    other.set_weights(reference.get_weights())
    expected = reference.train_on_batch(x, y)
    assert other.train_on_batch(convert(x), convert(y)) == pytest.approx(expected, rel=1e-6)
    np.testing.assert_allclose(other.predict_on_batch(convert(x)),
                               reference.predict_on_batch(x), rtol=1e-6)


def test_bad_batches_still_raise_the_checked_errors_and_change_nothing():
    x, y = data()
    model = make_model()
    model.train_on_batch(x, y)
    before = model.get_weights() + model.optimizer.get_weights()
    with pytest.raises(ValueError, match='to have shape'):
        model.train_on_batch(x[:, :3].copy(), y)
    with pytest.raises(ValueError, match='same number of samples'):
        model.train_on_batch(x, y[:8].copy())
    with pytest.raises(ValueError, match='0 samples'):
        model.train_on_batch(x[:0].copy(), y[:0].copy())
    with pytest.raises(ValueError, match='to have shape'):
        model.predict_on_batch(x[:, :3].copy())
    for old, new in zip(before, model.get_weights() + model.optimizer.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_sparse_labels_are_checked_on_the_fast_path():
    K.reset_uids()
    model = Sequential([Dense(3, input_dim=4, activation='softmax')])
    model.compile('sgd', 'sparse_categorical_crossentropy')
    x, _ = data()
    model.train_on_batch(x, np.zeros((16, 1), 'float32'))
    with pytest.raises(ValueError, match='labels must be integers'):
        model.train_on_batch(x, np.full((16, 1), 3, 'float32'))


def test_plain_arrays_accepts_only_arrays_of_the_expected_shapes():
    x = np.zeros((5, 4), 'float32')
    assert plain_arrays(x, [(None, 4)])[0] is x
    assert plain_arrays([x, x], [(None, 4), (None, 4)]) == [x, x]
    assert plain_arrays(x, [(None, 3)]) is None               # wrong feature size
    assert plain_arrays(x, [None]) is None                    # shape unknown
    assert plain_arrays(x[:, 0], [(None,)]) is None           # 1-D: Keras makes a column
    assert plain_arrays([x, x[:3]], [(None, 4), (None, 4)]) is None     # sample counts
    assert plain_arrays(x[:0], [(None, 4)]) is None           # no samples
    assert plain_arrays(np.ma.masked_array(x), [(None, 4)]) is None     # subclass
    assert plain_arrays(x.astype(object), [(None, 4)]) is None
    assert plain_arrays({'a': x}, [(None, 4)]) is None
    assert plain_arrays(x, [(None, 4), (None, 4)]) is None    # one array for two inputs


def test_default_weights_are_shared_read_only_ones():
    cache = {}
    first = ones_weights(7, 2, cache)
    assert first[0] is first[1] and first[0].shape == (7,) and not first[0].flags.writeable
    np.testing.assert_array_equal(first[0], 1)
    assert ones_weights(7, 1, cache)[0] is first[0]
    assert ones_weights(3, 1, cache)[0].shape == (3,)
