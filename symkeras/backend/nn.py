"""Backend neural-network functions: activations, losses, convolution, pooling, padding,
resizing, random numbers, dropout."""
import numpy as np

from compiler import builders as B
from compiler.ir import is_tensor
from compiler.ops.movement import Pad, Crop
from compiler.ops.nn import Conv2DGradInput

from .config import epsilon, learning_phase, normalize_data_format
from .variables import variable

POOL_MODES = ('max', 'avg')
PADDINGS = ('valid', 'same')


def relu(x, alpha=0., max_value=None, threshold=0.):
    """Rectified linear unit (Keras 2.2.4): x for threshold < x < max_value, max_value
    above the cap, alpha * (x - threshold) below the threshold.

    Args:
        x: tensor.
        alpha: slope below the threshold (0: a plain relu).
        max_value: saturation cap (None: none); the capped part is clipped to [0, cap].
        threshold: below it the unit is off (0 by default).
    """
    if threshold:
        negative = B.relu(B.neg(x) + threshold) if alpha else None
        out = x * B.cast(B.greater(x, threshold), x.dtype)
    else:
        negative = B.relu(B.neg(x)) if alpha else None
        out = B.relu(x)
    if max_value is not None:
        out = B.clip(out, 0.0, max_value)
    if alpha:
        out = out - negative * alpha
    return out


def elu(x, alpha=1.):
    return B.where(B.greater(x, 0), x, B.expm1(x) * alpha)


def selu(x):
    """Scaled ELU (Klambauer et al., 2017)."""
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return elu(x, alpha) * scale


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    """(x - mean) / sqrt(var + epsilon) * gamma + beta."""
    out = (x - mean) / B.sqrt(var + epsilon)
    out = out if gamma is None else out * gamma
    return out if beta is None else out + beta


def in_top_k(predictions, targets, k):
    """Whether each target class is among the k largest predictions of its row."""
    targets = B.cast(B.reshape(targets, (-1,)), 'int64')
    classes = predictions.shape[-1]
    one_hot = B.equal(B.expand_dims(targets, 1),
                      B.as_tensor(np.arange(classes, dtype='int64')))
    target_score = B.reduce_sum(B.where(one_hot, predictions, B.zeros_like(predictions)),
                                1, keepdims=True)
    higher = B.reduce_sum(B.cast(B.greater(predictions, target_score), 'float32'), 1)
    return B.less(higher, float(k))


def sigmoid(x):
    return B.sigmoid(x)


def hard_sigmoid(x):
    return B.clip(x * 0.2 + 0.5, 0.0, 1.0)


def tanh(x):
    return B.tanh(x)


def softplus(x):
    return B.softplus(x)


def softsign(x):
    return x / (B.abs_(x) + 1)


def softmax(x, axis=-1):
    """Softmax over `axis` (the last by default)."""
    if axis in (-1, x.ndim - 1):
        return B.softmax(x)
    shifted = B.exp(x - B.reduce_max(x, axis, keepdims=True))
    return shifted / B.reduce_sum(shifted, axis, keepdims=True)


def _log_softmax(z, axis):
    shifted = z - B.stop_gradient(B.reduce_max(z, axis, keepdims=True))
    return shifted - B.log(B.reduce_sum(B.exp(shifted), axis, keepdims=True))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(target * log(output)) over `axis`; output rescaled to sum to 1 and clipped to
    [eps, 1 - eps] (Keras 2.2.4); with from_logits, a stable log-softmax."""
    target = B.as_tensor(target, output)
    if from_logits:
        return B.neg(B.reduce_sum(target * _log_softmax(output, axis), axis))
    output = output / B.reduce_sum(output, axis, keepdims=True)
    output = B.clip(output, epsilon(), 1.0 - epsilon())
    return B.neg(B.reduce_sum(target * B.log(output), axis))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy with integer class targets of shape (batch,) or (batch, 1)."""
    classes = output.shape[axis]
    if classes is None:
        raise ValueError(f"sparse_categorical_crossentropy: the number of classes (axis "
                         f"{axis} of output shape {output.shape}) must be known")
    labels = B.cast(B.reshape(target, (-1,)), 'int64')
    one_hot = B.cast(B.equal(B.expand_dims(labels, 1),
                             B.as_tensor(np.arange(classes, dtype='int64'))), output.dtype)
    if output.ndim != 2:
        one_hot = B.reshape_like(one_hot, output)
    return categorical_crossentropy(one_hot, output, from_logits, axis)


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise -(t log p + (1 - t) log(1 - p)), p clipped to [eps, 1 - eps]."""
    target = B.as_tensor(target, output)
    if from_logits:
        return B.relu(output) - output * target + B.softplus(B.neg(B.abs_(output)))
    output = B.clip(output, epsilon(), 1.0 - epsilon())
    return B.neg(target * B.log(output) + (1 - target) * B.log(1 - output))


def bias_add(x, bias, data_format=None):
    data_format = normalize_data_format(data_format)
    if data_format == 'channels_first' and x.ndim > 2:
        shape = (1, bias.shape[0]) + (1,) * (x.ndim - 2)
        return x + B.reshape(bias, shape)
    return x + bias


def _to_nhwc(x, data_format):
    return B.transpose(x, (0, 2, 3, 1)) if data_format == 'channels_first' else x


def _from_nhwc(x, data_format):
    return B.transpose(x, (0, 3, 1, 2)) if data_format == 'channels_first' else x


def _check_padding(where, padding):
    if padding not in PADDINGS:
        raise ValueError(f"{where}: unknown padding {padding!r}; expected one of {PADDINGS}")


def conv2d(x, kernel, strides=(1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1)):
    """2-D convolution; kernel of shape (rows, cols, in_channels, filters)."""
    data_format = normalize_data_format(data_format)
    _check_padding('conv2d', padding)
    out = B.conv2d(_to_nhwc(x, data_format), kernel, tuple(strides), padding,
                   tuple(dilation_rate))
    return _from_nhwc(out, data_format)


def pool2d(x, pool_size, strides=(1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    """2-D pooling ('max' or 'avg')."""
    data_format = normalize_data_format(data_format)
    _check_padding('pool2d', padding)
    if pool_mode not in POOL_MODES:
        raise ValueError(f"pool2d: invalid pool_mode {pool_mode!r}; expected one of "
                         f"{POOL_MODES}")
    x = _to_nhwc(x, data_format)
    if pool_mode == 'max':
        out = B.maxpool2d(x, tuple(pool_size), tuple(strides), padding)
    else:
        out = B.avgpool2d(x, tuple(pool_size), tuple(strides), padding)
    return _from_nhwc(out, data_format)


def conv1d(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    """1-D convolution of (batch, steps, channels) with a (width, in, filters) kernel.

    Runs as a 2-D convolution on (batch, steps, 1, channels). 'causal' padding pads
    dilation_rate * (width - 1) zeros on the left, so no output sees a later step.
    """
    data_format = normalize_data_format(data_format)
    if padding not in PADDINGS + ('causal',):
        raise ValueError(f"conv1d: unknown padding {padding!r}; expected one of "
                         f"{PADDINGS + ('causal',)}")
    if data_format == 'channels_first':
        x = B.transpose(x, (0, 2, 1))
    if padding == 'causal':
        x = temporal_padding(x, (dilation_rate * (kernel.shape[0] - 1), 0))
        padding = 'valid'
    kernel_2d = B.reshape(kernel, (kernel.shape[0], 1) + tuple(kernel.shape[1:]))
    out = B.conv2d(B.expand_dims(x, 2), kernel_2d, (strides, 1), padding,
                   (dilation_rate, 1))
    out = B.squeeze(out, 2)
    return B.transpose(out, (0, 2, 1)) if data_format == 'channels_first' else out


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    """Transposed 2-D convolution (the gradient of conv2d with respect to its input).

    Args:
        x: (batch, rows, cols, in_channels) (channels_last).
        kernel: (rows, cols, out_channels, in_channels).
        output_shape: the output shape, batch first (its batch entry may be None), in
            the order of data_format.
    """
    data_format = normalize_data_format(data_format)
    _check_padding('conv2d_transpose', padding)
    shape = tuple(output_shape)
    out_hw = shape[2:4] if data_format == 'channels_first' else shape[1:3]
    x = _to_nhwc(x, data_format)
    expected = [None if n is None else -(-n // s) if padding == 'same'
                else (n - (k - 1) * d - 1) // s + 1
                for n, k, s, d in zip(out_hw, kernel.shape[:2], strides, dilation_rate)]
    if None in out_hw or any(e is not None and n is not None and e != n
                             for e, n in zip(expected, x.shape[1:3])):
        raise ValueError(f"conv2d_transpose: output_shape {shape} does not match an input "
                         f"of shape {x.shape} with kernel {kernel.shape}, strides "
                         f"{tuple(strides)} and padding {padding!r}")
    op = Conv2DGradInput(input_hw=tuple(out_hw), strides=tuple(strides), padding=padding,
                         dilation=tuple(dilation_rate))
    return _from_nhwc(op(x, kernel), data_format)


def temporal_padding(x, padding=(1, 1)):
    """Pad the steps axis of a (batch, steps, features) tensor with zeros."""
    return Pad(pads=((0, 0), tuple(padding), (0, 0)), value=0.0)(x)


def _spatial_pairs(x, pairs, data_format):
    """One (before, after) pair per axis of a 4-D tensor, `pairs` on rows and cols."""
    rows, cols = (tuple(int(v) for v in p) for p in pairs)
    if normalize_data_format(data_format) == 'channels_first':
        return ((0, 0), (0, 0), rows, cols)
    return ((0, 0), rows, cols, (0, 0))


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    """Pad rows and cols of a 4-D tensor with zeros: ((top, bottom), (left, right))."""
    return Pad(pads=_spatial_pairs(x, padding, data_format), value=0.0)(x)


def spatial_2d_cropping(x, cropping=((1, 1), (1, 1)), data_format=None):
    """Remove ((top, bottom), (left, right)) cells from the rows and cols of a 4-D tensor
    (spatial_2d_padding's adjoint; works for rows and cols of unknown size)."""
    return Crop(crops=_spatial_pairs(x, cropping, data_format))(x)


def resize_images(x, height_factor, width_factor, data_format=None,
                  interpolation='nearest'):
    """Nearest-neighbour upsampling of rows and cols by integer factors.

    Built as reshape -> broadcast (a product with ones) -> reshape, so it fuses and its
    gradient is the sum over each block.
    """
    if interpolation != 'nearest':
        raise ValueError(f"resize_images: unknown interpolation {interpolation!r}; valid "
                         "choices: 'nearest'")
    data_format = normalize_data_format(data_format)
    x = _to_nhwc(x, data_format)
    _, rows, cols, channels = x.shape
    if None in (rows, cols, channels):
        raise ValueError(f"resize_images: needs static rows, cols and channels, received "
                         f"shape {x.shape} (channels_last)")
    grid = B.reshape(x, (-1, rows, 1, cols, 1, channels))
    ones = np.ones((1, 1, height_factor, 1, width_factor, 1), x.dtype)
    spread = grid * B.as_tensor(ones)
    out = B.reshape(spread, (-1, rows * height_factor, cols * width_factor, channels))
    return _from_nhwc(out, data_format)


def _random_state(seed):
    """A [seed, counter] variable whose counter advances at every call of a function."""
    if seed is None:
        seed = np.random.randint(10_000_000)
    state = variable(np.array([seed, 0]), dtype='int64', name='rng_state')
    state.default_update = state + B.as_tensor(np.array([0, 1], dtype='int64'))
    return state


def random_uniform(shape_like, seed=None, dtype=None):
    """Uniform [0, 1) numbers shaped like the tensor `shape_like`, new at every call."""
    return B.random_uniform(shape_like, _random_state(seed), dtype or shape_like.dtype)


def random_normal(shape_like, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal numbers shaped like the tensor `shape_like`, new at every call.

    A Box-Muller transform of two uniform draws: sqrt(-2 log(1 - u1)) * cos(2 pi u2).
    """
    dtype = dtype or (shape_like.dtype if shape_like.dtype.startswith('float') else 'float32')
    pair = B.concat([B.expand_dims(shape_like, 0)] * 2, 0)
    uniform = random_uniform(pair, seed, dtype)
    u1, u2 = (B.squeeze(B.slice_axis(uniform, 0, i, i + 1), 0) for i in (0, 1))
    radius = B.sqrt(B.neg(B.log(1.0 - u1)) * 2.0)
    return radius * _cos_2pi(u2) * stddev + mean


def _cos_2pi(u):
    """cos(2 pi u) for u in [0, 1) from elementwise arithmetic (the graph has no cosine).

    With a = 2 pi u - pi in [-pi, pi): cos(2 pi u) = -cos(a); cos(a / 8) is a short Taylor
    series (|a / 8| <= pi / 8, error below 1e-13) and three doublings
    cos(2t) = 2 cos(t)^2 - 1 recover cos(a).
    """
    t = (u * (2 * np.pi) - np.pi) * 0.125
    t2 = t * t
    cos = 1.0 + t2 * (-1 / 2 + t2 * (1 / 24 + t2 * (-1 / 720 + t2 * (1 / 40320
                                                                     - t2 / 3628800))))
    for _ in range(3):
        cos = cos * cos * 2.0 - 1.0
    return B.neg(cos)


def dropout(x, level, noise_shape=None, seed=None):
    """Zero each element with probability `level`, scale the rest by 1 / (1 - level)."""
    if not 0 <= level < 1:
        raise ValueError(f"dropout: level must be in [0, 1), received {level}")
    ref = x
    if noise_shape is not None:
        for axis, size in enumerate(noise_shape):
            if size == 1 and x.shape[axis] != 1:
                ref = B.slice_axis(ref, axis, 0, 1)
    keep = B.cast(B.greater_equal(random_uniform(ref, seed), level), x.dtype)
    return x * keep * (1.0 / (1.0 - level))


def in_train_phase(x, alt, training=None):
    """x in the training phase, alt otherwise (callables are called)."""
    training = learning_phase() if training is None else training
    if not is_tensor(training):
        chosen = x if training in (1, True) else alt
        return chosen() if callable(chosen) else chosen
    x = x() if callable(x) else x
    alt = alt() if callable(alt) else alt
    out = B.where(training, x, alt)
    out._uses_learning_phase = True
    return out


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training)


__all__ = [n for n in dir() if not n.startswith('_') and n not in (
    'np', 'B', 'is_tensor', 'epsilon', 'learning_phase', 'normalize_data_format',
    'variable', 'POOL_MODES', 'PADDINGS', 'Pad', 'Crop', 'Conv2DGradInput')]
