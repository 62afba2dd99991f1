"""symkeras.backend (K): Keras 2 semantics of the functions API.md lists."""
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
