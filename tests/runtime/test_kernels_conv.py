"""conv2d and its gradients against naive numpy references (and the adjoint identity)."""
import json

import numpy as np
import pytest

from runtime.kernels import conv, conv_forward, get_kernel, threads

# (x shape, filter shape, strides, padding, dilation): odd and even sizes and kernels,
# strides 1 and 2, 'same' and 'valid', dilation 2, one input channel.
CASES = [
    ((2, 5, 6, 3), (3, 3, 3, 4), (1, 1), 'same', (1, 1)),
    ((2, 7, 6, 2), (3, 3, 2, 3), (2, 2), 'same', (1, 1)),
    ((2, 9, 8, 8), (3, 3, 8, 5), (2, 1), 'valid', (1, 1)),
    ((3, 9, 9, 8), (3, 3, 8, 4), (1, 1), 'same', (2, 2)),
    ((2, 8, 7, 6), (2, 4, 6, 3), (2, 2), 'same', (1, 1)),
    ((3, 10, 9, 1), (3, 3, 1, 4), (2, 2), 'same', (2, 2)),
    ((2, 8, 8, 5), (2, 2, 5, 3), (2, 2), 'valid', (1, 2)),
    ((1, 4, 5, 16), (1, 1, 16, 2), (1, 1), 'valid', (1, 1)),
    ((2, 6, 8, 8), (3, 3, 8, 5), (1, 1), 'same', (1, 1)),        # Winograd
    ((2, 8, 6, 9), (3, 3, 9, 4), (1, 1), 'valid', (1, 1)),       # Winograd
]
IDS = [f"{x[1]}x{x[2]}c{x[3]}-k{w[0]}{w[1]}-s{s[0]}{s[1]}-{p}-d{d[0]}"
       for x, w, s, p, d in CASES]


def geometry(size, kernel, stride, dilation, padding):
    """(output size, (pad before, pad after)) the Keras-on-TensorFlow way."""
    span = (kernel - 1) * dilation + 1
    if padding == 'valid':
        return (size - span) // stride + 1, (0, 0)
    out = -(-size // stride)
    total = max((out - 1) * stride + span - size, 0)
    return out, (total // 2, total - total // 2)


def padded_windows(x_shape, w_shape, strides, padding, dilation):
    """Out shape, pads, and a function giving the padded-input window of output (i, j)."""
    (oh, pad_h), (ow, pad_w) = (geometry(n, k, s, d, padding) for n, k, s, d in zip(
        x_shape[1:3], w_shape[:2], strides, dilation))

    def window(i, j):
        rows = slice(i * strides[0], i * strides[0] + (w_shape[0] - 1) * dilation[0] + 1,
                     dilation[0])
        cols = slice(j * strides[1], j * strides[1] + (w_shape[1] - 1) * dilation[1] + 1,
                     dilation[1])
        return (slice(None), rows, cols, slice(None))
    return (oh, ow), (pad_h, pad_w), window


def ref_conv(x, w, strides, padding, dilation):
    (oh, ow), pads, window = padded_windows(x.shape, w.shape, strides, padding, dilation)
    xp = np.pad(x.astype(np.float64), ((0, 0), pads[0], pads[1], (0, 0)))
    out = np.zeros((x.shape[0], oh, ow, w.shape[3]))
    for i in range(oh):
        for j in range(ow):
            out[:, i, j] = np.einsum('nabc,abcf->nf', xp[window(i, j)], w)
    return out


def ref_grad_input(g, w, input_hw, strides, padding, dilation):
    shape = (g.shape[0],) + tuple(input_hw) + (w.shape[2],)
    (oh, ow), pads, window = padded_windows(shape, w.shape, strides, padding, dilation)
    dxp = np.zeros((shape[0], shape[1] + sum(pads[0]), shape[2] + sum(pads[1]), shape[3]))
    for i in range(oh):
        for j in range(ow):
            dxp[window(i, j)] += np.einsum('nf,abcf->nabc', g[:, i, j], w)
    return dxp[:, pads[0][0]:pads[0][0] + shape[1], pads[1][0]:pads[1][0] + shape[2]]


def ref_grad_filter(x, g, kernel_hw, strides, padding, dilation):
    w_shape = tuple(kernel_hw) + (x.shape[3], g.shape[3])
    (oh, ow), pads, window = padded_windows(x.shape, w_shape, strides, padding, dilation)
    xp = np.pad(x.astype(np.float64), ((0, 0), pads[0], pads[1], (0, 0)))
    dw = np.zeros(w_shape)
    for i in range(oh):
        for j in range(ow):
            dw += np.einsum('nabc,nf->abcf', xp[window(i, j)], g[:, i, j])
    return dw


def kernels(w_shape, x_shape, strides, padding, dilation):
    """The three kernels, built from attrs that went through JSON (tuples become lists)."""
    common = json.loads(json.dumps(dict(strides=strides, padding=padding,
                                        dilation=dilation)))
    return (get_kernel('conv2d', common),
            get_kernel('conv2d_grad_input', dict(common, input_hw=list(x_shape[1:3]))),
            get_kernel('conv2d_grad_filter', dict(common, kernel_hw=list(w_shape[:2]))))


@pytest.fixture(params=['default', 'small-chunks', 'threads', 'winograd', 'im2col'])
def strategy(request, monkeypatch):
    """Each case with the default choices; with tiny uneven chunks (several tasks and GEMM
    sub-chunks per call); with every size forced onto the worker threads; with Winograd
    for every 3x3 unit-stride case (odd sizes, one channel); and with im2col only."""
    def patch(name, value):   # forward constants live in conv_forward, some in both
        for module in (conv, conv_forward):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, value)
    if request.param == 'small-chunks':
        patch('ROWS_PER_CHUNK', 30)
        patch('GRAD_FILTER_ROWS', 20)
        patch('TASK_IMAGES', 2)
        patch('WINOGRAD_CHUNK_BYTES', 5 * 16 * 16 * 8)
        patch('WINOGRAD_GRAD_TILES', 5)
    elif request.param == 'threads':
        patch('PARALLEL_MIN_WORK', 0)
        patch('ROWS_PER_CHUNK', 1)
        patch('TASK_IMAGES', 1)
        patch('WINOGRAD_CHUNK_BYTES', 1)
        patch('WINOGRAD_GRAD_TILES', 1)
    elif request.param == 'winograd':
        patch('WINOGRAD_MIN_CHANNELS', 1)
        patch('WINOGRAD_MAX_WASTE', 100.0)
    elif request.param == 'im2col':
        patch('WINOGRAD_MIN_CHANNELS', 10 ** 9)
    return request.param


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_conv2d_and_gradients_match_reference(case, dtype, strategy):
    x_shape, w_shape, strides, padding, dilation = case
    rng = np.random.RandomState(0)
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    forward, grad_input, grad_filter = kernels(w_shape, x_shape, strides, padding, dilation)
    out = forward(x, w)
    expected = ref_conv(x, w, strides, padding, dilation)
    g = rng.standard_normal(expected.shape).astype(dtype)
    dx, dw = grad_input(g, w), grad_filter(x, g)
    tol = 2e-5 if dtype == 'float32' else 1e-12
    for got, want in [(out, expected),
                      (dx, ref_grad_input(g, w, x_shape[1:3], strides, padding, dilation)),
                      (dw, ref_grad_filter(x, g, w_shape[:2], strides, padding, dilation))]:
        assert got.dtype == np.dtype(dtype) and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())


@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_conv2d_gradients_satisfy_adjoint_identity(case):
    """<conv(x, w), g> = <x, grad_input(g, w)> = <w, grad_filter(x, g)> in float64."""
    x_shape, w_shape, strides, padding, dilation = case
    rng = np.random.RandomState(1)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    forward, grad_input, grad_filter = kernels(w_shape, x_shape, strides, padding, dilation)
    out = forward(x, w)
    g = rng.standard_normal(out.shape)
    inner = np.vdot(out, g)
    np.testing.assert_allclose(np.vdot(x, grad_input(g, w)), inner, rtol=1e-11)
    np.testing.assert_allclose(np.vdot(w, grad_filter(x, g)), inner, rtol=1e-11)


def test_conv2d_gradient_matches_finite_differences():
    x_shape, w_shape, strides, padding, dilation = CASES[1]
    rng = np.random.RandomState(2)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    forward, grad_input, _ = kernels(w_shape, x_shape, strides, padding, dilation)
    g = rng.standard_normal(forward(x, w).shape)
    numeric = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        step = np.zeros_like(x)
        step[index] = 1e-6
        numeric[index] = (np.vdot(forward(x + step, w), g)
                          - np.vdot(forward(x - step, w), g)) / 2e-6
    np.testing.assert_allclose(grad_input(g, w), numeric, rtol=1e-6, atol=1e-7)


def test_conv2d_accepts_non_contiguous_inputs_and_gives_contiguous_output():
    rng = np.random.RandomState(3)
    x = rng.standard_normal((4, 6, 6, 3))[:, :, ::-1]
    w = np.asfortranarray(rng.standard_normal((3, 3, 3, 2)))
    out = get_kernel('conv2d', {'strides': [1, 1], 'padding': 'same'})(x, w)
    assert out.flags.c_contiguous
    np.testing.assert_allclose(out, ref_conv(x, w, (1, 1), 'same', (1, 1)), rtol=1e-12)


def test_conv2d_rejects_bad_attrs_and_inputs():
    with pytest.raises(ValueError, match="padding 'full'.*'valid', 'same'"):
        get_kernel('conv2d', {'strides': [1, 1], 'padding': 'full'})
    forward = get_kernel('conv2d', {'strides': [1, 1], 'padding': 'valid'})
    with pytest.raises(ValueError, match=r'conv2d: .*3 channels.*\(3, 3, 4, 2\)'):
        forward(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 4, 2)))
    with pytest.raises(ValueError, match='conv2d: .*float32 and float64'):
        forward(np.zeros((1, 5, 5, 3), np.float32), np.zeros((3, 3, 3, 2)))


def ref_pool(y, size, strides, padding):
    """Max pooling with windows clipped to the input (padded cells never win)."""
    outs, befores = [], []
    for n, k, s in zip(y.shape[1:3], size, strides):
        out = -(-n // s) if padding == 'same' else (n - k) // s + 1
        outs.append(out)
        befores.append(max((out - 1) * s + k - n, 0) // 2 if padding == 'same' else 0)
    out = np.empty((y.shape[0], outs[0], outs[1], y.shape[3]))
    for i in range(outs[0]):
        r0 = i * strides[0] - befores[0]
        for j in range(outs[1]):
            c0 = j * strides[1] - befores[1]
            out[:, i, j] = y[:, max(r0, 0):r0 + size[0], max(c0, 0):c0 + size[1]].max(
                axis=(1, 2))
    return out


FUSED = [  # (conv case, activation, bias?, pool (size, strides, padding) or None)
    (CASES[0], 'relu', True, None),
    (CASES[2], 'linear', True, None),
    (CASES[0], 'relu', True, ((2, 2), (2, 2), 'valid')),     # 5x6 -> reads 4x6 only
    (CASES[3], 'relu', False, ((3, 3), (2, 2), 'same')),
    (CASES[4], 'linear', True, ((2, 3), (1, 2), 'valid')),
    (CASES[8], 'relu', True, ((2, 2), (2, 2), 'valid')),
    (CASES[9], 'relu', False, ((3, 3), (2, 2), 'same')),
    # Winograd tiles as the 2x2 windows: odd edges, 'same' and 'valid' pooling, batch 1.
    (((2, 7, 5, 8), (3, 3, 8, 4), (1, 1), 'same', (1, 1)), 'relu', True,
     ((2, 2), (2, 2), 'same')),
    (((3, 7, 7, 6), (3, 3, 6, 5), (1, 1), 'same', (1, 1)), 'linear', True,
     ((2, 2), (2, 2), 'valid')),
    (((1, 6, 9, 4), (3, 3, 4, 3), (1, 1), 'valid', (1, 1)), 'relu', False,
     ((2, 2), (2, 2), 'same')),
    # One input channel (im2col_narrow; relu: pooled before bias and relu).
    (((3, 9, 8, 1), (3, 3, 1, 5), (1, 1), 'same', (1, 1)), 'relu', True,
     ((2, 2), (2, 2), 'valid')),
    (((1, 9, 7, 1), (3, 3, 1, 4), (2, 1), 'same', (2, 1)), 'relu', True,
     ((3, 3), (2, 2), 'same')),
    (((2, 8, 9, 2), (2, 3, 2, 3), (1, 2), 'valid', (1, 1)), 'linear', True,
     ((2, 2), (1, 1), 'valid')),
    # A few channels pooled 2x2 over the whole region: conv_cells (strides, dilation).
    (((2, 11, 10, 2), (3, 2, 2, 3), (2, 1), 'same', (1, 2)), 'linear', True,
     ((2, 2), (2, 2), 'valid')),
    (((1, 12, 12, 1), (3, 3, 1, 4), (2, 2), 'valid', (2, 2)), 'relu', False,
     ((2, 2), (2, 2), 'valid')),
]


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('fused', FUSED, ids=[f"{i}" for i in range(len(FUSED))])
def test_fused_conv_bias_act_pool_matches_unfused_reference(fused, dtype, strategy):
    (x_shape, w_shape, strides, padding, dilation), act, has_bias, pool = fused
    rng = np.random.RandomState(4)
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    b = rng.standard_normal(w_shape[3]).astype(dtype)
    want = ref_conv(x, w, strides, padding, dilation) + (b if has_bias else 0)
    want = np.maximum(want, 0) if act == 'relu' else want
    attrs = json.loads(json.dumps(dict(strides=strides, padding=padding, dilation=dilation,
                                       act=act)))
    if pool is None:
        kernel = get_kernel('conv2d_bias_act', attrs)
    else:
        attrs.update(pool_size=list(pool[0]), pool_strides=list(pool[1]),
                     pool_padding=pool[2])
        kernel = get_kernel('conv2d_bias_act_pool', attrs)
        want = ref_pool(want, *pool)
    got = kernel(x, w, b) if has_bias else kernel(x, w)
    assert got.dtype == np.dtype(dtype) and got.shape == want.shape
    tol = 2e-5 if dtype == 'float32' else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('act', ['relu', 'linear'])
@pytest.mark.parametrize('channels', [1, 6])
def test_fused_pool_equals_separate_kernels_with_nans_and_ties(channels, act, dtype,
                                                              strategy):
    """NaNs, ties and zeros: the fused kernel equals conv2d_bias_act then maxpool2d (relu
    maps NaN to 0; a linear NaN wins its window)."""
    rng = np.random.RandomState(5)
    x = rng.standard_normal((3, 9, 8, channels)).astype(dtype)
    x[0, 2, 3] = np.nan
    x[1, :4, :4] = 0.0
    x[2, 5, 1:3] = np.inf
    w = rng.standard_normal((3, 3, channels, 4)).astype(dtype)
    b = rng.standard_normal(4).astype(dtype)
    conv_attrs = {'strides': [1, 1], 'padding': 'same', 'act': act}
    for pool in (((2, 2), (2, 2), 'valid'), ((2, 2), (2, 2), 'same'),
                 ((3, 3), (2, 2), 'same')):
        pool_attrs = {'pool_size': list(pool[0]), 'strides': list(pool[1]),
                      'padding': pool[2]}
        want = get_kernel('maxpool2d', pool_attrs)(
            get_kernel('conv2d_bias_act', conv_attrs)(x, w, b))
        fused = get_kernel('conv2d_bias_act_pool', dict(
            conv_attrs, pool_size=pool_attrs['pool_size'],
            pool_strides=pool_attrs['strides'], pool_padding=pool[2]))
        got = fused(x, w, b)
        tol = 2e-5 if dtype == 'float32' else 1e-12
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.nanmax(np.abs(
            np.where(np.isinf(want), 0, want))))


def test_fused_conv_rejects_bad_bias_and_activation():
    attrs = {'strides': [1, 1], 'padding': 'same', 'act': 'relu'}
    with pytest.raises(ValueError, match=r"unknown activation 'tanh'.*'linear', 'relu'"):
        get_kernel('conv2d_bias_act', dict(attrs, act='tanh'))
    kernel = get_kernel('conv2d_bias_act', attrs)
    with pytest.raises(ValueError, match=r'conv2d_bias_act: expected a bias of shape \(2,\)'):
        kernel(np.zeros((1, 4, 4, 3)), np.zeros((3, 3, 3, 2)), np.zeros(3))
    # After good calls (their shapes' checks are remembered), bad ones are still caught.
    x, w = np.zeros((1, 4, 4, 3)), np.zeros((3, 3, 3, 2))
    kernel(x, w, np.zeros(2))
    kernel(x, w)
    with pytest.raises(ValueError, match=r'expected a bias of shape \(2,\)'):
        kernel(x, w, np.zeros(3))
    with pytest.raises(ValueError, match='float64 and float64 and float32'):
        kernel(x, w, np.zeros(2, np.float32))
    with pytest.raises(ValueError, match=r'3 channels, the filter .* expects 4'):
        kernel(x, np.zeros((3, 3, 4, 2)), np.zeros(2))


@pytest.mark.parametrize('case', [CASES[0], CASES[8], CASES[9]], ids=['5x6c3', '6x8c8', '8x6c9'])
def test_region_variants_compute_only_the_top_left_part(case, strategy):
    """conv2d_bias_act(region): zero outside it; the gradients take g as zero outside it."""
    x_shape, w_shape, strides, padding, dilation = case
    rng = np.random.RandomState(5)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    full = ref_conv(x, w, strides, padding, dilation)
    region = (full.shape[1] - 1, full.shape[2] - 2)
    inside = np.zeros(full.shape, bool)
    inside[:, :region[0], :region[1]] = True
    common = dict(strides=list(strides), padding=padding, dilation=list(dilation),
                  region=list(region))
    forward = get_kernel('conv2d_bias_act', dict(common, act='linear'))
    np.testing.assert_allclose(forward(x, w), np.where(inside, full, 0), rtol=1e-12,
                               atol=1e-12)
    g = rng.standard_normal(full.shape)
    masked = np.where(inside, g, 0)
    grad_input = get_kernel('conv2d_grad_input', dict(common, input_hw=list(x_shape[1:3])))
    grad_filter = get_kernel('conv2d_grad_filter', dict(common, kernel_hw=list(w_shape[:2])))
    np.testing.assert_allclose(grad_input(masked, w), ref_grad_input(
        masked, w, x_shape[1:3], strides, padding, dilation), rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(grad_filter(x, g), ref_grad_filter(
        x, masked, w_shape[:2], strides, padding, dilation), rtol=1e-11, atol=1e-11)


def test_winograd_filter_memo_follows_in_place_changes():
    """The transformed filter is reused only while the very same, unchanged array comes
    back: a new array, or the same one modified in place, is transformed again."""
    rng = np.random.RandomState(6)
    x, w = rng.standard_normal((2, 6, 8, 8)), rng.standard_normal((3, 3, 8, 5))
    kernel = get_kernel('conv2d_bias_act', {'strides': [1, 1], 'padding': 'same'})
    np.testing.assert_allclose(kernel(x, w), ref_conv(x, w, (1, 1), 'same', (1, 1)),
                               rtol=1e-12, atol=1e-12)
    w *= -0.5                      # same object, new values
    np.testing.assert_allclose(kernel(x, w), ref_conv(x, w, (1, 1), 'same', (1, 1)),
                               rtol=1e-12, atol=1e-12)
    other = rng.standard_normal(w.shape)
    np.testing.assert_allclose(kernel(x, other), ref_conv(x, other, (1, 1), 'same', (1, 1)),
                               rtol=1e-12, atol=1e-12)


def test_winograd_filter_memo_of_a_variable_follows_update_steps():
    """A variable's array (runtime.stable) is not compared with a copy while no update step
    ran: the memo must still see every in-place update a compiled function makes, within
    the same call too (an update step followed by a convolution of the updated filter)."""
    from runtime import stable
    from runtime.executor import Executor
    from runtime.plan import Plan, Step
    rng = np.random.RandomState(7)
    x, w = rng.standard_normal((1, 6, 6, 8)), rng.standard_normal((3, 3, 8, 4))
    stable.hold(w)
    conv = {'strides': [1, 1], 'padding': 'same', 'dilation': [1, 1], 'act': 'linear'}
    slots = [((1, 6, 6, 8), 'float64'), ((3, 3, 8, 4), 'float64'),
             ((1, 6, 6, 4), 'float64'), ((3, 3, 8, 4), 'float64'),
             ((1, 6, 6, 4), 'float64'), ((), 'float64')]
    steps = [Step('conv2d_bias_act', conv, [0, 1], 2, 'before'),
             Step('elementwise', {'expr': 'x0 * x1', 'out_dtype': 'float64'}, [1, 5], 3,
                  'scale', inplace=0),
             Step('conv2d_bias_act', conv, [0, 3], 4, 'after')]
    plan = Plan(slots, [('x', 0)], [2, 4], steps, {5: np.array(-0.5)}, {1: 'w'},
                [('w', 3)], 'update_between')
    executor = Executor(plan)
    for call in range(3):
        values = [None] * len(slots)
        values[0], values[1], values[5] = x, w, np.array(-0.5)
        before = ref_conv(x, w, (1, 1), 'same', (1, 1))
        executor.run(values)
        assert values[3] is w, "the update was expected to be in place"
        np.testing.assert_allclose(values[2], before, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(values[4], ref_conv(x, w, (1, 1), 'same', (1, 1)),
                                   rtol=1e-12, atol=1e-12)
    assert stable.holds(w) and not stable.holds(w.copy())


def test_predictions_follow_training_steps_and_set_weights():
    """Batch-1 predictions (whose Winograd filters are kept between calls) after training
    steps (in-place updates) and set_weights equal a fresh model's with the same
    weights."""
    from symkeras.layers import Conv2D, Flatten, Dense, MaxPooling2D
    from symkeras.models import Sequential

    def build():
        model = Sequential([Conv2D(8, (3, 3), padding='same', activation='relu',
                                   input_shape=(8, 8, 4)), MaxPooling2D((2, 2)),
                            Conv2D(8, (3, 3), padding='same'), Flatten(), Dense(3)])
        model.compile('sgd', 'mse')
        return model
    rng = np.random.RandomState(8)
    x = rng.standard_normal((1, 8, 8, 4)).astype('float32')
    model, fresh = build(), build()
    for change in range(3):
        first = model.predict_on_batch(x)
        if change == 2:
            model.set_weights([w * 1.5 for w in model.get_weights()])
        else:
            model.train_on_batch(rng.standard_normal((4, 8, 8, 4)).astype('float32'),
                                 rng.standard_normal((4, 3)).astype('float32'))
        fresh.set_weights(model.get_weights())
        np.testing.assert_allclose(model.predict_on_batch(x), fresh.predict_on_batch(x),
                                   rtol=1e-5, atol=1e-6)
        assert not np.allclose(model.predict_on_batch(x), first)


@pytest.mark.parametrize('pool', [None, ((2, 2), (2, 2), 'valid')])
def test_one_kernel_alternating_shapes_and_dtypes(pool, monkeypatch):
    """A kernel keeps a prepared launch per input shape, dtype and thread count: calls
    alternating between shapes (Winograd, im2col and few-channel paths), dtypes and thread
    counts (the launch holds per-thread scratch buffers) still compute each call's own
    convolution."""
    monkeypatch.setattr(conv_forward, 'PARALLEL_MIN_WORK', 0)
    monkeypatch.setattr(conv_forward, 'ROWS_PER_CHUNK', 1)
    monkeypatch.setattr(conv_forward, 'WINOGRAD_CHUNK_BYTES', 1)
    rng = np.random.RandomState(9)
    attrs = {'strides': [1, 1], 'padding': 'same', 'dilation': [1, 1], 'act': 'relu'}
    if pool is None:
        kernel = get_kernel('conv2d_bias_act', attrs)
    else:
        kernel = get_kernel('conv2d_bias_act_pool', dict(
            attrs, pool_size=list(pool[0]), pool_strides=list(pool[1]),
            pool_padding=pool[2]))
    cases = [((1, 8, 8, 6), 5), ((3, 8, 8, 6), 5), ((2, 6, 10, 1), 4), ((1, 7, 7, 6), 5)]
    previous = threads.threads()
    for round_, count in enumerate((1, 3, 1, 3)):      # scratch per thread count
        threads.set_threads(count)
        for dtype in ('float64', 'float32'):
            for x_shape, filters in cases:
                x = rng.standard_normal(x_shape).astype(dtype)
                w = rng.standard_normal((3, 3, x_shape[3], filters)).astype(dtype)
                b = rng.standard_normal(filters).astype(dtype)
                expected = np.maximum(ref_conv(x.astype('float64'), w.astype('float64'),
                                               (1, 1), 'same', (1, 1)) + b, 0)
                if pool is not None:
                    rows, cols = expected.shape[1] // 2, expected.shape[2] // 2
                    expected = expected[:, :2 * rows, :2 * cols].reshape(
                        x_shape[0], rows, 2, cols, 2, filters).max(axis=(2, 4))
                got = kernel(x, w, b)
                assert got.dtype == np.dtype(dtype)
                tolerance = 1e-10 if dtype == 'float64' else 1e-4
                np.testing.assert_allclose(got, expected, rtol=tolerance, atol=tolerance)
    threads.set_threads(previous)
    # Launches prepared under one thread count are not reused under another (their
    # scratch buffers have one slot per thread; a missing slot is not bounds-checked).
    memo = next(cell.cell_contents for cell in kernel.__closure__
                if isinstance(cell.cell_contents, dict) and 'launches' in cell.cell_contents)
    for key, launch in memo['launches'].items():
        for value in launch.middle:
            if isinstance(value, np.ndarray) and value.ndim >= 3 and value.size:
                assert value.shape[0] == key[-1], (key, value.shape)
