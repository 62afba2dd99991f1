"""symkeras.backend (K): Keras 2 semantics of the functions API.md lists."""
import random
import re

import numpy as np
import pytest

from symkeras import backend as K


def run(outputs, inputs=(), values=()):
    return K.function(list(inputs), outputs)(list(values))


def test_config_defaults():
    assert K.floatx() == 'float32' and K.epsilon() == 1e-7
    assert K.image_data_format() == 'channels_last'
    with pytest.raises(ValueError, match='channels_last'):
        K.set_image_data_format('nhwc')


def test_variable_values_and_shapes():
    v = K.variable(np.arange(6).reshape(2, 3), name='v')
    assert K.dtype(v) == 'float32' and K.int_shape(v) == (2, 3) and K.ndim(v) == 2
    K.set_value(v, np.ones((2, 3)))
    assert K.get_value(v).tolist() == [[1.0] * 3] * 2
    assert [a.shape for a in K.batch_get_value([v, v])] == [(2, 3), (2, 3)]
    assert K.count_params(v) == 6
    np.testing.assert_array_equal(K.eval(v * 2), 2 * np.ones((2, 3)))


def test_placeholder_shapes():
    x = K.placeholder(shape=(None, 4))
    assert K.int_shape(x) == (None, 4)
    assert K.int_shape(K.placeholder(ndim=3)) == (None, None, None)


@pytest.mark.parametrize('name,fn,ref', [
    ('sum', lambda x: K.sum(x, axis=1), lambda a: a.sum(1)),
    ('mean', lambda x: K.mean(x, axis=0, keepdims=True), lambda a: a.mean(0, keepdims=True)),
    ('max', lambda x: K.max(x, axis=-1), lambda a: a.max(-1)),
    ('min', lambda x: K.min(x), lambda a: a.min()),
    ('prod', lambda x: K.prod(x, axis=1), lambda a: a.prod(1)),
    ('argmax', lambda x: K.argmax(x), lambda a: a.argmax(-1)),
    ('square', K.square, np.square),
    ('sqrt', K.sqrt, lambda a: np.sqrt(np.clip(a, 0, None))),
    ('exp', K.exp, np.exp),
    ('abs', K.abs, np.abs),
    ('pow', lambda x: K.pow(x, 2), lambda a: a ** 2),
    ('clip', lambda x: K.clip(x, -0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5)),
    ('maximum', lambda x: K.maximum(x, 0.2), lambda a: np.maximum(a, 0.2)),
    ('minimum', lambda x: K.minimum(x, 0.2), lambda a: np.minimum(a, 0.2)),
    ('equal', lambda x: K.equal(x, x), lambda a: a == a),
    ('cast', lambda x: K.cast(K.greater(x, 0), 'float32'), lambda a: (a > 0) * 1.0),
    ('relu', K.relu, lambda a: np.maximum(a, 0)),
    ('elu', K.elu, lambda a: np.where(a > 0, a, np.expm1(a))),
    ('sigmoid', K.sigmoid, lambda a: 1 / (1 + np.exp(-a))),
    ('hard_sigmoid', K.hard_sigmoid, lambda a: np.clip(0.2 * a + 0.5, 0, 1)),
    ('tanh', K.tanh, np.tanh),
    ('softplus', K.softplus, lambda a: np.log1p(np.exp(a))),
    ('softmax', K.softmax, lambda a: np.exp(a) / np.exp(a).sum(-1, keepdims=True)),
    ('transpose', K.transpose, np.transpose),
    ('reshape', lambda x: K.reshape(x, (4, 3)), lambda a: a.reshape(4, 3)),
    ('flatten', K.flatten, lambda a: a.reshape(-1)),
    ('batch_flatten', K.batch_flatten, lambda a: a.reshape(3, -1)),
    ('expand_dims', K.expand_dims, lambda a: a[..., None]),
    ('squeeze', lambda x: K.squeeze(K.expand_dims(x, 1), 1), lambda a: a),
    ('concatenate', lambda x: K.concatenate([x, x], axis=-1),
     lambda a: np.concatenate([a, a], -1)),
    ('stack', lambda x: K.stack([x, x]), lambda a: np.stack([a, a])),
    ('zeros_like', K.zeros_like, np.zeros_like),
    ('ones_like', K.ones_like, np.ones_like),
    ('switch', lambda x: K.switch(K.greater(x, 0), x, -x), np.abs),
    ('indexing', lambda x: x[1:, 2], lambda a: a[1:, 2]),
    ('operators', lambda x: (2 - x) * x / 3 + x ** 2 - (-x), lambda a: (2 - a) * a / 3 + a ** 2 + a),
])
def test_math_matches_numpy(name, fn, ref):
    a = np.random.RandomState(0).uniform(-1, 1, (3, 4)).astype('float32')
    x = K.placeholder(shape=(3, 4))
    np.testing.assert_allclose(run([fn(x)], [x], [a])[0], ref(a), rtol=1e-5, atol=1e-6)


def test_dot_and_batch_dot():
    a, b = np.random.rand(2, 3, 4), np.random.rand(4, 5)
    x, w = K.placeholder(shape=(None, 3, 4)), K.placeholder(shape=(4, 5))
    np.testing.assert_allclose(run([K.dot(x, w)], [x, w], [a, b])[0], a @ b, rtol=1e-5)
    y = K.placeholder(shape=(None, 4, 2))
    c = np.random.rand(2, 4, 2)
    np.testing.assert_allclose(run([K.batch_dot(x, y)], [x, y], [a, c])[0],
                               np.einsum('bij,bjk->bik', a, c), rtol=1e-5)


def test_crossentropies_follow_keras():
    target = np.array([[0, 1, 0], [1, 0, 0]], 'float32')
    output = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]], 'float32')
    t, o = K.placeholder(shape=(None, 3)), K.placeholder(shape=(None, 3))
    cce = run([K.categorical_crossentropy(t, o)], [t, o], [target, output])[0]
    np.testing.assert_allclose(cce, -np.log([0.7, 0.5]), rtol=1e-6)
    labels = K.placeholder(shape=(None,))
    scce = run([K.sparse_categorical_crossentropy(labels, o)], [labels, o],
               [np.array([1, 0]), output])[0]
    np.testing.assert_allclose(scce, cce, rtol=1e-6)
    bce = run([K.binary_crossentropy(t, o)], [t, o], [target, output])[0]
    np.testing.assert_allclose(bce, -(target * np.log(output) +
                                      (1 - target) * np.log(1 - output)), rtol=1e-5)


def test_gradients_and_updates():
    w = K.variable(np.array([1.0, -2.0]))
    x = K.placeholder(shape=(2,))
    loss = K.sum(K.square(w * x))
    (grad,) = K.gradients(loss, [w])
    f = K.function([x], [loss, grad], updates=[K.update_sub(w, 0.1 * grad)])
    loss_value, grad_value = f([np.array([1.0, 1.0])])
    assert loss_value == pytest.approx(5.0)
    np.testing.assert_allclose(grad_value, [2.0, -4.0])
    np.testing.assert_allclose(K.get_value(w), [0.8, -1.6], rtol=1e-6)


def test_learning_phase_and_dropout():
    x = K.placeholder(shape=(None, 1000))
    out = K.in_train_phase(K.dropout(x, 0.5, seed=3), x)
    test = K.function([x], [out])([np.ones((2, 1000))])[0]
    assert np.array_equal(test, np.ones((2, 1000)))
    train = K.function([x], [out], givens={K.learning_phase(): 1})([np.ones((2, 1000))])[0]
    assert set(np.unique(train)) == {0.0, 2.0}
    assert 0.4 < (train == 0).mean() < 0.6


def test_conv2d_and_pool2d_shapes():
    x = K.placeholder(shape=(None, 28, 28, 1))
    k = K.variable(np.zeros((3, 3, 1, 32)))
    y = K.conv2d(x, k, padding='same')
    assert K.int_shape(y) == (None, 28, 28, 32)
    assert K.int_shape(K.pool2d(y, (2, 2), strides=(2, 2))) == (None, 14, 14, 32)
    with pytest.raises(ValueError, match="expected one of \\('valid', 'same'\\)"):
        K.conv2d(x, k, padding='full')


# Indexing: numpy basic indexing on axes of static and of unknown (batch) size.
DYNAMIC_INDEXING = [   # (index, K.int_shape of x[index] for x of shape (None, 4))
    (np.s_[0], (4,)), (np.s_[-1], (4,)), (np.s_[1:], (None, 4)), (np.s_[-2:], (None, 4)),
    (np.s_[0:10], (None, 4)), (np.s_[::-1], (None, 4)), (np.s_[1:3], (None, 4)),
    (np.s_[::-2, 3:0:-1], (None, 3)), (np.s_[:, 1:3], (None, 2)), (np.s_[:, ::2], (None, 2)),
    (np.s_[..., 0], (None,)), (np.s_[:, None], (None, 1, 4)), (np.s_[None, -1, ::-1], (1, 4)),
    (np.s_[-1, ..., None], (4, 1)), (np.s_[-3::-1, -1], (None,)),
]
DYNAMIC_INDEXING_3D = [   # the same for x of shape (None, 3, 4)
    (np.s_[-1, -2:, ::3], (2, 2)), (np.s_[..., ::-1], (None, 3, 4)),
    (np.s_[1:, -1, None, 1::2], (None, 1, 2)), (np.s_[:, 1, ...], (None, 4)),
    (np.s_[::2, ..., 5:1:-2], (None, 3, 1)),
]


@pytest.mark.parametrize('index, static', DYNAMIC_INDEXING + DYNAMIC_INDEXING_3D)
def test_indexing_an_axis_of_unknown_size_matches_numpy(index, static):
    shape = (None, 3, 4) if (index, static) in DYNAMIC_INDEXING_3D else (None, 4)
    x = K.placeholder(shape=shape)
    out = x[index]
    assert K.int_shape(out) == static
    f = K.function([x], [out])
    for batch in (1, 6):     # one compiled function, two batch sizes
        a = np.arange(batch * np.prod(shape[1:]), dtype='float32').reshape((batch,) + shape[1:])
        got, want = f([a])[0], a[index]
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize('index', [
    np.s_[:, ::2], np.s_[::-1], np.s_[:, 3:0:-1], np.s_[..., 0], np.s_[:, None], np.s_[5:10],
    np.s_[np.int64(1)], np.s_[1, 2], np.s_[-3], np.s_[:, -5:99], np.s_[..., None, ::-2],
    np.s_[None, ..., None], np.s_[-1, ::-1], np.s_[1:2, 3], np.s_[..., 1, :],
])
def test_indexing_static_axes_matches_numpy(index):
    a = np.arange(12.0, dtype='float32').reshape(3, 4)
    z = np.arange(24.0, dtype='float32').reshape(2, 3, 4)
    for array in (a, z[1:] * 2 + 1, z):
        try:
            array[index]
        except IndexError:      # out of range or too many indices: so for the tensor
            with pytest.raises(IndexError):
                K.constant(array)[index]
            continue
        out = K.constant(array)[index]
        assert K.int_shape(out) == array[index].shape
        np.testing.assert_array_equal(K.eval(out), array[index])


@pytest.mark.parametrize('shape, index, message', [
    ((3, 4), np.s_[5], 'index 5 is out of bounds for axis 0 with size 3'),
    ((3, 4), np.s_[-4], 'index -4 is out of bounds for axis 0 with size 3'),
    ((3, 4), np.s_[:, -5], 'index -5 is out of bounds for axis 1 with size 4'),
    ((2, 3, 4), np.s_[1, 7], 'index 7 is out of bounds for axis 1 with size 3'),
    ((2, 3, 4), np.s_[None, ..., 4], 'index 4 is out of bounds for axis 2 with size 4'),
    ((None, 4), np.s_[:, 4], 'index 4 is out of bounds for axis 1 with size 4'),
])
def test_index_out_of_range_on_a_static_axis_raises_when_built(shape, index, message):
    x = K.placeholder(shape=shape)
    where = re.escape(f"(tensor of shape {shape})")
    with pytest.raises(IndexError, match=f"{message} {where}"):
        x[index]


@pytest.mark.parametrize('index', [3, -4])
def test_index_out_of_range_on_an_unknown_axis_raises_when_called(index):
    from runtime.executor import KernelError
    x = K.placeholder(shape=(None, 2), dtype='float64')
    out = x[index]
    f = K.function([x], [out, K.gradients(K.sum(out * out), [x])[0]])
    a = np.arange(8.0).reshape(4, 2)
    np.testing.assert_array_equal(f([a])[0], a[index])
    for rows in (3, 0):
        with pytest.raises(KernelError, match=f'slice: index {index} is out of bounds for '
                                              f'axis 0 with size {rows}') as caught:
            f([a[:rows]])
        assert isinstance(caught.value.__cause__, IndexError)
    value, grad = f([a[:1].repeat(5, 0)])      # the function still works afterwards
    np.testing.assert_array_equal(value, a[0])
    np.testing.assert_array_equal(grad[index], 2 * a[0])
    assert np.count_nonzero(grad) == np.count_nonzero(a[0])


@pytest.mark.parametrize('index, error, message', [
    ([0, 2], IndexError, 'unsupported index \\[0, 2\\].*supported indices: ints, 0-d '
     'integer tensors, slices'),
    (np.array([0, 1]), IndexError, 'unsupported index.*supported indices'),
    (True, IndexError, 'unsupported index True.*supported indices'),
    (1.5, IndexError, 'unsupported index 1.5.*supported indices'),
    (np.s_[1:2.5], IndexError, 'bounds and step must be ints or None; supported'),
    (np.s_[..., 0, ...], IndexError, 'single ellipsis'),
    (np.s_[0, 0, 0], IndexError, 'too many indices .*2-dimensional, but 3 were indexed'),
    (np.s_[::0], ValueError, 'slice step cannot be zero'),
    (K.placeholder(shape=()), IndexError, 'unsupported index.*supported indices'),
    (K.placeholder(shape=(2,), dtype='int64'), IndexError, 'advanced indexing'),
])
def test_unsupported_indices_say_what_is_supported(index, error, message):
    with pytest.raises(error, match=message):
        K.placeholder(shape=(None, 4))[index]


@pytest.mark.parametrize('index', [
    np.s_[::-2], np.s_[1:], np.s_[-1], np.s_[0], np.s_[..., None, 3:0:-1],
    np.s_[None, :, -1], np.s_[-2:, ::2], np.s_[-1:0:-1, 1],
])
def test_indexing_gradients_match_finite_differences(index):
    x = K.placeholder(shape=(None, 4), dtype='float64')
    cost = K.sum(x[index] ** 3)
    f = K.function([x], [cost, K.gradients(cost, [x])[0]])
    rng = np.random.RandomState(0)
    for batch in (3, 6):
        a = rng.uniform(-1, 1, (batch, 4))
        expected = np.zeros_like(a)
        for cell in np.ndindex(a.shape):
            step = np.zeros_like(a)
            step[cell] = 1e-6
            expected[cell] = (f([a + step])[0] - f([a - step])[0]) / 2e-6
        np.testing.assert_allclose(f([a])[1], expected, rtol=1e-6, atol=1e-8)
        assert np.count_nonzero(expected) == a[index].size


@pytest.mark.parametrize('build, reference', [
    (lambda x, i: x[i], lambda a, i: a[i]),
    (lambda x, i: x[:, i], lambda a, i: a[:, i]),
    (lambda x, i: x[i, ::-1, None], lambda a, i: a[i, ::-1, None]),
])
def test_indexing_with_a_0d_integer_tensor(build, reference):
    from runtime.executor import KernelError
    x = K.placeholder(shape=(None, 4), dtype='float64')
    i = K.placeholder(shape=(), dtype='int64')
    out = build(x, i)
    cost = K.sum(out ** 3)
    f = K.function([x, i], [out, K.gradients(cost, [x])[0], cost])
    rng = np.random.RandomState(2)
    for batch, index in [(4, 1), (6, -2), (4, 3), (5, -4)]:
        a = rng.uniform(-1, 1, (batch, 4))
        value, grad, _ = f([a, np.array(index)])
        np.testing.assert_array_equal(value, reference(a, index))
        expected = np.zeros_like(a)
        for cell in np.ndindex(a.shape):
            step = np.zeros_like(a)
            step[cell] = 1e-6
            expected[cell] = (f([a + step, np.array(index)])[2] -
                              f([a - step, np.array(index)])[2]) / 2e-6
        np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-8)
    for index in (4, -5):
        with pytest.raises(KernelError, match=f'index {index} is out of bounds for axis '
                                              f'[01] with size 4') as caught:
            f([np.zeros((4, 4)), np.array(index)])
        assert isinstance(caught.value.__cause__, IndexError)


def _random_index(rng, ndim):
    """A random basic index: ints, slices of any step, None, maybe one Ellipsis."""
    def bound():
        return rng.choice([None, rng.randint(-7, 7)])
    items = []
    for _ in range(rng.randint(0, ndim + 1)):
        kind = rng.random()
        items.append(rng.randint(-6, 5) if kind < 0.25 else None if kind < 0.35 else
                     slice(bound(), bound(), rng.choice([None, 1, 2, 3, -1, -2, -3])))
    if rng.random() < 0.3:
        items.insert(rng.randint(0, len(items)), Ellipsis)
    return tuple(items)


def test_random_indices_match_numpy_values_shapes_and_errors():
    from runtime.executor import KernelError
    rng = random.Random(0)
    for _ in range(300):
        shape = tuple(rng.randint(0, 4) for _ in range(rng.randint(1, 3)))
        known = tuple(None if axis == 0 and rng.random() < 0.7 else size
                      for axis, size in enumerate(shape))
        index, a = _random_index(rng, len(shape)), np.random.rand(*shape)
        x = K.placeholder(shape=known, dtype='float64')
        try:
            want = a[index]
        except IndexError:
            want = None
        try:
            out = x[index]
            got = K.function([x], [out])([a])[0]
        except (IndexError, KernelError) as error:
            assert want is None, (known, index, error)
            if isinstance(error, KernelError):     # only an axis of unknown size
                assert isinstance(error.__cause__, IndexError) and known[0] is None
            continue
        assert want is not None and got.shape == want.shape, (known, index)
        np.testing.assert_array_equal(got, want)
        static = K.int_shape(out)
        assert len(static) == want.ndim and all(
            s in (None, w) for s, w in zip(static, want.shape)), (known, index, static)


def test_indexing_gradient_of_a_variable_with_static_axes():
    z = np.random.RandomState(1).uniform(-1, 1, (2, 3, 4))
    v = K.variable(z, dtype='float64')
    w = np.arange(6.0).reshape(2, 3, 1) + 1
    cost = K.sum(v[-1, -2:, ::-3] ** 3) + K.sum(v[..., None, 1] * K.constant(w, 'float64'))
    grad = K.eval(K.gradients(cost, [v])[0])
    expected = np.zeros_like(z)
    expected[-1, -2:, ::-3] += 3 * z[-1, -2:, ::-3] ** 2
    expected[..., 1] += w[..., 0]
    np.testing.assert_allclose(grad, expected, rtol=1e-12)
