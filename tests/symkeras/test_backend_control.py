"""Keras 2.2.4 backend loops and helpers: rnn, map_fn, foldl, foldr, slice,
normalize_batch_in_training, local_conv1d, local_conv2d, name_scope, is_sparse, to_dense,
py_*: values against numpy loops, gradients against float64 finite differences."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import BatchNormalization, Input, SimpleRNN

from test_backend_more import check_gradient

RNG = np.random.RandomState(0)
W_IN, W_REC, BIAS = RNG.randn(2, 3) * 0.5, RNG.randn(3, 3) * 0.5, RNG.randn(3) * 0.1
MASK = np.array([[1, 1, 0, 1], [0, 1, 1, 0]], 'float32')


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def evaluate(fn, *values):
    """fn(*placeholders) compiled and run on `values` (its outputs as a list)."""
    inputs = [K.placeholder(shape=v.shape, dtype=v.dtype.name) for v in values]
    outputs = fn(*inputs)
    single = K.is_tensor(outputs)
    results = K.function(inputs, [outputs] if single else list(outputs))(list(values))
    return results[0] if single else results


def step(x, states):
    """h = tanh(x W + h U + bias); output 2 h; a second state counts the steps taken."""
    h, count, bias = states
    new_h = K.tanh(K.dot(x, K.constant(W_IN, x.dtype)) + K.dot(h, K.constant(W_REC, x.dtype))
                   + bias)
    return new_h * 2, [new_h, count + 1]


def numpy_rnn(x, mask=None, go_backwards=False):
    """Keras 2.2.4's rnn on `step`: masked steps keep the previous output and states."""
    batch, steps = x.shape[:2]
    h, count, previous = np.zeros((batch, 3)), np.zeros((batch, 1)), np.zeros((batch, 3))
    outputs = []
    for t in (reversed(range(steps)) if go_backwards else range(steps)):
        new_h = np.tanh(x[:, t] @ W_IN + h @ W_REC + BIAS)
        output, new_count = new_h * 2, count + 1
        if mask is not None:
            keep = mask[:, t][:, None] != 0
            output = np.where(keep, output, previous)
            new_h, new_count = np.where(keep, new_h, h), np.where(keep, new_count, count)
        outputs.append(output)
        h, count, previous = new_h, new_count, output
    return outputs[-1], np.stack(outputs, 1), [h, count]


def run_rnn(x, mask=None, go_backwards=False):
    def build(inputs):
        states = [K.zeros_like(inputs[:, 0, :1]) + np.zeros((1, 3), 'float32'),
                  K.zeros_like(inputs[:, 0, :1])]
        last, outputs, new_states = K.rnn(
            step, inputs, states, go_backwards=go_backwards,
            mask=None if mask is None else K.constant(mask),
            constants=[K.constant(BIAS, inputs.dtype)])
        return [last, outputs] + new_states
    return evaluate(build, x)


@pytest.mark.parametrize('masked', [False, True])
@pytest.mark.parametrize('go_backwards', [False, True])
def test_rnn_matches_a_numpy_loop(masked, go_backwards):
    x = RNG.randn(2, 4, 2).astype('float32')
    mask = MASK if masked else None
    last, outputs, h, count = run_rnn(x, mask, go_backwards)
    want_last, want_outputs, (want_h, want_count) = numpy_rnn(x, mask, go_backwards)
    assert outputs.shape == (2, 4, 3) and last.shape == (2, 3)
    np.testing.assert_allclose(outputs, want_outputs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(last, want_last, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h, want_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(count, want_count)


def test_rnn_masked_steps_keep_previous_output_and_zeros_before_the_first():
    x = RNG.randn(2, 4, 2).astype('float32')
    _, outputs, _, count = run_rnn(x, MASK)
    np.testing.assert_array_equal(outputs[1, 0], np.zeros(3))   # first step masked
    np.testing.assert_array_equal(outputs[0, 2], outputs[0, 1])
    np.testing.assert_array_equal(count[:, 0], MASK.sum(1))


def test_rnn_takes_a_mask_with_a_trailing_axis():
    x = RNG.randn(2, 4, 2).astype('float32')
    with_axis = evaluate(lambda t: K.rnn(step, t, [K.zeros((2, 3)), K.zeros((2, 1))],
                                         mask=K.constant(MASK[:, :, None]),
                                         constants=[K.constant(BIAS)])[1], x)
    np.testing.assert_allclose(with_axis, run_rnn(x, MASK)[1], rtol=1e-6)


def test_rnn_shares_the_unrolling_of_the_rnn_layer():
    layer = SimpleRNN(3, return_sequences=True, go_backwards=True)
    inputs = Input(shape=(4, 2))
    layer_out = layer(inputs)
    _, outputs, _ = K.rnn(lambda x, s: layer.cell.call(x, s), inputs,
                          [K.zeros_like(inputs[:, 0, :1]) + np.zeros((1, 3), 'float32')],
                          go_backwards=True)
    x = RNG.randn(5, 4, 2).astype('float32')
    got, want = K.function([inputs], [outputs, layer_out])([x])
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_rnn_takes_input_length_when_the_time_axis_is_unknown():
    x = RNG.randn(2, 4, 2).astype('float32')
    inputs = K.placeholder(shape=(None, None, 2))
    last, _, _ = K.rnn(lambda x, s: (x * 2 + s[0], [x * 2 + s[0]]), inputs,
                       [K.zeros_like(inputs[:, 0])], input_length=4, unroll=True)
    np.testing.assert_allclose(K.function([inputs], [last])([x])[0], 2 * x.sum(1), rtol=1e-6)


def test_rnn_errors_name_the_function_and_the_shape():
    identity_step = lambda x, s: (x, s)  # noqa: E731
    with pytest.raises(ValueError, match=r'rnn: .*at least 3 dimensions.*\(None, 2\)'):
        K.rnn(identity_step, K.placeholder(shape=(None, 2)), [])
    with pytest.raises(ValueError, match=r'rnn: .*mask.*\(None, 5\)'):
        K.rnn(identity_step, K.placeholder(shape=(None, 4, 2)), [],
              mask=K.placeholder(shape=(None, 5)))
    with pytest.raises(ValueError, match=r'rnn: input_length=3 differs'):
        K.rnn(identity_step, K.placeholder(shape=(None, 4, 2)), [], input_length=3)


@pytest.mark.parametrize('go_backwards', [False, True])
def test_rnn_gradient(go_backwards):
    mask = K.constant(MASK[:, :3], dtype='float64')

    def fn(x):
        states = [K.zeros((2, 3), dtype='float64'), K.zeros((2, 1), dtype='float64')]
        _, outputs, (h, _) = K.rnn(step, x, states, go_backwards=go_backwards, mask=mask,
                                   constants=[K.constant(BIAS, 'float64')])
        return K.concatenate([K.batch_flatten(outputs), h])
    check_gradient(fn, RNG.randn(2, 3, 2), rtol=1e-6, atol=1e-8)


def test_map_fn_stacks_the_results_of_each_entry():
    x = RNG.randn(4, 3, 2).astype('float32')
    got = evaluate(lambda t: K.map_fn(lambda row: K.sum(row * row, axis=1), t), x)
    np.testing.assert_allclose(got, (x * x).sum(2), rtol=1e-6)
    first, second = evaluate(lambda t: K.map_fn(lambda row: (row[0], row * 2), t), x)
    np.testing.assert_allclose(first, x[:, 0])
    np.testing.assert_allclose(second, x * 2)


def test_foldl_and_foldr_combine_in_order():
    x = np.array([1., 2., 3., 4.], 'float32')
    assert evaluate(lambda t: K.foldl(lambda acc, v: acc * 10 + v, t), x) == 1234
    assert evaluate(lambda t: K.foldr(lambda acc, v: acc * 10 + v, t), x) == 4321
    assert evaluate(lambda t: K.foldl(lambda acc, v: acc - v, t, K.constant(100.)), x) == 90
    assert evaluate(lambda t: K.foldr(lambda acc, v: acc * 10 + v, t, K.constant(5.)),
                    x) == 54321
    rows = RNG.randn(3, 2).astype('float32')
    np.testing.assert_allclose(evaluate(lambda t: K.foldl(lambda a, v: a + v * v, t), rows),
                               rows[0] + (rows[1:] ** 2).sum(0), rtol=1e-6)


@pytest.mark.parametrize('name', ['map_fn', 'foldl', 'foldr'])
def test_loops_need_an_axis(name):
    with pytest.raises(ValueError, match=name + r': .*at least one axis.*\(\)'):
        getattr(K, name)(lambda *args: args[-1], K.constant(1.0))


def test_foldl_gradient():
    check_gradient(lambda t: K.foldl(lambda acc, v: acc * v + K.sin(v), t), RNG.randn(4, 3))


@pytest.mark.parametrize('start,size', [((0, 0, 0), (2, 3, 4)), ((1, 0, 2), (1, -1, 2)),
                                        ((0, 2, 1), (2, 1, -1)), ((1, 3, 4), (0, 0, 0))])
def test_slice_matches_numpy(start, size):
    x = RNG.randn(2, 3, 4)
    want = x[tuple(slice(b, None if n == -1 else b + n) for b, n in zip(start, size))]
    got = evaluate(lambda t: K.slice(t, start, size), x)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def test_slice_errors():
    x = K.placeholder(shape=(None, 3))
    assert K.int_shape(K.slice(x, (1, 1), (-1, 2))) == (None, 2)
    with pytest.raises(ValueError, match=r'slice: axis 1 of size 3 .* from 2 taking 2'):
        K.slice(x, (0, 2), (-1, 2))
    with pytest.raises(ValueError, match=r'slice: expected start as 2 ints'):
        K.slice(x, (0,), (1, 1))
    with pytest.raises(TypeError, match='slice: expected size as a list of ints'):
        K.slice(x, (0, 0), K.constant([1, 1], dtype='int32'))


def test_compatibility_helpers():
    x = K.placeholder(shape=(2, 3))
    with K.name_scope('block'):
        y = x * 2
    assert K.int_shape(y) == (2, 3)
    assert K.is_sparse(x) is False and K.to_dense(x) is x
    assert (K.py_all, K.py_any, K.py_sum, K.py_slice) == (all, any, sum, slice)


@pytest.mark.parametrize('shape,axes', [((6, 3), [0]), ((4, 3, 5, 2), [0, 2, 3]),
                                        ((4, 5, 3), [0, 1])])
def test_normalize_batch_in_training_matches_numpy(shape, axes):
    x = RNG.randn(*shape) * 3 + 1
    kept = tuple(n for i, n in enumerate(shape) if i not in axes)
    gamma, beta = RNG.rand(*kept) + 0.5, RNG.randn(*kept)
    normed, mean, var = evaluate(
        lambda t, g, b: K.normalize_batch_in_training(t, g, b, axes, epsilon=1e-3),
        x, gamma, beta)
    want_mean, want_var = x.mean(tuple(axes)), x.var(tuple(axes))
    broadcast = tuple(1 if i in axes else n for i, n in enumerate(shape))
    want = ((x - want_mean.reshape(broadcast)) / np.sqrt(want_var.reshape(broadcast) + 1e-3)
            * gamma.reshape(broadcast) + beta.reshape(broadcast))
    np.testing.assert_allclose(mean, want_mean, rtol=1e-12)
    np.testing.assert_allclose(var, want_var, rtol=1e-12)
    np.testing.assert_allclose(normed, want, rtol=1e-10, atol=1e-12)


def test_normalize_batch_in_training_agrees_with_batch_normalization():
    layer = BatchNormalization(axis=1, gamma_initializer='uniform',
                               beta_initializer='uniform')
    inputs = Input(shape=(3, 4))
    layer_out = layer(inputs, training=True)
    normed, _, _ = K.normalize_batch_in_training(inputs, layer.gamma, layer.beta, [0, 2],
                                                 epsilon=layer.epsilon)
    x = RNG.randn(5, 3, 4).astype('float32')
    got, want = K.function([inputs], [normed, layer_out])([x])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    plain, _, _ = evaluate(lambda t: K.normalize_batch_in_training(t, None, None, [0]), x)
    np.testing.assert_allclose(plain, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3), atol=1e-5)


def numpy_local_conv1d(x, kernel, size, stride):
    out = np.zeros((x.shape[0], kernel.shape[0], kernel.shape[2]))
    for i in range(kernel.shape[0]):
        window = x[:, i * stride:i * stride + size, :].reshape(x.shape[0], -1)
        out[:, i] = window @ kernel[i]
    return out


def numpy_local_conv2d(x, kernel, size, strides, output_shape, channels_first):
    rows, cols = output_shape
    out = np.zeros((x.shape[0], rows, cols, kernel.shape[2]))
    for i in range(rows):
        for j in range(cols):
            r, c = slice(i * strides[0], i * strides[0] + size[0]), \
                slice(j * strides[1], j * strides[1] + size[1])
            window = x[:, :, r, c] if channels_first else x[:, r, c, :]
            out[:, i, j] = window.reshape(x.shape[0], -1) @ kernel[i * cols + j]
    return out.transpose(0, 3, 1, 2) if channels_first else out


@pytest.mark.parametrize('steps,size,stride', [(7, 3, 1), (8, 3, 2), (5, 2, 3), (4, 1, 1)])
def test_local_conv1d_matches_a_numpy_loop(steps, size, stride):
    length = (steps - size) // stride + 1
    x, kernel = RNG.randn(2, steps, 3), RNG.randn(length, size * 3, 4)
    got = evaluate(lambda t, k: K.local_conv1d(t, k, (size,), (stride,)), x, kernel)
    np.testing.assert_allclose(got, numpy_local_conv1d(x, kernel, size, stride), rtol=1e-10)


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
@pytest.mark.parametrize('size,strides', [((2, 3), (1, 1)), ((3, 2), (2, 3)), ((1, 1), (2, 2))])
def test_local_conv2d_matches_a_numpy_loop(data_format, size, strides):
    first = data_format == 'channels_first'
    rows, cols = (6 - size[0]) // strides[0] + 1, (7 - size[1]) // strides[1] + 1
    x = RNG.randn(2, 3, 6, 7) if first else RNG.randn(2, 6, 7, 3)
    kernel = RNG.randn(rows * cols, size[0] * size[1] * 3, 4)
    got = evaluate(lambda t, k: K.local_conv2d(t, k, size, strides, (rows, cols),
                                               data_format), x, kernel)
    want = numpy_local_conv2d(x, kernel, size, strides, (rows, cols), first)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_local_conv_gradients():
    kernel1, kernel2 = RNG.randn(3, 4, 2), RNG.randn(4, 8, 2)
    x1, x2 = RNG.randn(2, 5, 2), RNG.randn(2, 2, 3, 3)
    check_gradient(lambda t: K.local_conv1d(t, K.constant(kernel1, 'float64'), (2,), (1,)),
                   x1)
    check_gradient(lambda k: K.local_conv1d(K.constant(x1, 'float64'), k, (2,), (1,)),
                   kernel1)
    check_gradient(lambda t: K.local_conv2d(t, K.constant(kernel2, 'float64'), (2, 2),
                                            (1, 1), (2, 2), 'channels_first'), x2)
    check_gradient(lambda k: K.local_conv2d(K.constant(x2.transpose(0, 2, 3, 1), 'float64'),
                                            k, (2, 2), (1, 1), (2, 2), 'channels_last'),
                   kernel2)


def test_local_conv_errors():
    x = K.placeholder(shape=(None, 5, 2))
    with pytest.raises(ValueError, match=r'local_conv1d: expected a kernel of shape '
                                         r'\(3, 4, filters\).*received \(3, 6, 2\)'):
        K.local_conv1d(x, K.zeros((3, 6, 2)), (2,), (1,))
    with pytest.raises(ValueError, match=r'local_conv1d: expected inputs with at least 6 '
                                         r'entries along axis 1.*\(None, 5, 2\)'):
        K.local_conv1d(x, K.zeros((3, 4, 2)), (2,), (2,))
    with pytest.raises(ValueError, match=r'local_conv2d: expected 4-D inputs'):
        K.local_conv2d(x, K.zeros((4, 8, 2)), (2, 2), (1, 1), (2, 2))
