"""Backend neural-network functions: activations, losses, normalization,
dropout and the learning phase (random numbers live in random_ops.py)."""
import numpy as np

from compiler import builders as B
from compiler.ir import is_tensor

from .config import epsilon, learning_phase
from .random_ops import *  # noqa: F401,F403  (random_uniform for dropout)
from .random_ops import __all__ as _RANDOM_ALL


def relu(x, alpha=0., max_value=None, threshold=0.):
    """Rectified linear unit (Keras 2.2.4): x for threshold < x < max_value, max_value
    above the cap, alpha * (x - threshold) below the threshold.

    Args:
        x: tensor.
        alpha: slope below the threshold (0: a plain relu).
        max_value: saturation cap (None: none); the capped part is clipped to [0, cap].
        threshold: below it the unit is off (0 by default).

    Returns:
        Tensor of the same shape.

    Example:
        >>> K.eval(K.relu(K.constant([-1., 2., 9.]), max_value=6.))
        array([0., 2., 6.], dtype=float32)
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
    """Exponential linear unit: x if x > 0 else alpha * (exp(x) - 1).

    Args:
        x: tensor.
        alpha: scale of the negative part (default 1).

    Returns:
        Tensor of the same shape.
    """
    return B.where(B.greater(x, 0), x, B.expm1(x) * alpha)


def selu(x):
    """Scaled ELU (Klambauer et al., 2017).

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return elu(x, alpha) * scale


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    """(x - mean) / sqrt(var + epsilon) * gamma + beta.

    Args:
        x: tensor.
        mean: mean, broadcast against x.
        var: variance, broadcast against x.
        beta: offset, or None.
        gamma: scale, or None.
        axis: the normalized axis (for Keras compatibility; the statistics broadcast).
        epsilon: added to the variance.

    Returns:
        Tensor of x's shape.
    """
    out = (x - mean) / B.sqrt(var + epsilon)
    out = out if gamma is None else out * gamma
    return out if beta is None else out + beta


def in_top_k(predictions, targets, k):
    """Whether each target class is among the k largest predictions of its row.

    Args:
        predictions: tensor of shape (batch, classes).
        targets: integer class indices of shape (batch,).
        k: how many of the largest predictions count.

    Returns:
        bool tensor of shape (batch,).
    """
    targets = B.cast(B.reshape(targets, (-1,)), 'int64')
    classes = predictions.shape[-1]
    one_hot = B.equal(B.expand_dims(targets, 1),
                      B.as_tensor(np.arange(classes, dtype='int64')))
    target_score = B.reduce_sum(B.where(one_hot, predictions, B.zeros_like(predictions)),
                                1, keepdims=True)
    higher = B.reduce_sum(B.cast(B.greater(predictions, target_score), 'float32'), 1)
    return B.less(higher, float(k))


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + exp(-x)).

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.

    Example:
        >>> K.eval(K.sigmoid(K.constant([0.])))
        array([0.5], dtype=float32)
    """
    return B.sigmoid(x)


def hard_sigmoid(x):
    """Piecewise-linear sigmoid: clip(0.2 * x + 0.5, 0, 1).

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return B.clip(x * 0.2 + 0.5, 0.0, 1.0)


def tanh(x):
    """Hyperbolic tangent.

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return B.tanh(x)


def softplus(x):
    """Softplus: log(1 + exp(x)), computed stably.

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return B.softplus(x)


def softsign(x):
    """Softsign: x / (1 + abs(x)).

    Args:
        x: tensor.

    Returns:
        Tensor of the same shape.
    """
    return x / (B.abs_(x) + 1)


def softmax(x, axis=-1):
    """Softmax over `axis` (the last by default).

    Args:
        x: tensor.
        axis: the normalized axis.

    Returns:
        Tensor of the same shape; entries along `axis` are positive and sum to 1.

    Example:
        >>> K.eval(K.softmax(K.constant([[0., 0.]])))
        array([[0.5, 0.5]], dtype=float32)
    """
    if axis in (-1, x.ndim - 1):
        return B.softmax(x)
    shifted = B.exp(x - B.reduce_max(x, axis, keepdims=True))
    return shifted / B.reduce_sum(shifted, axis, keepdims=True)


def _log_softmax(z, axis):
    shifted = z - B.stop_gradient(B.reduce_max(z, axis, keepdims=True))
    return shifted - B.log(B.reduce_sum(B.exp(shifted), axis, keepdims=True))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(target * log(output)) over `axis`; output rescaled to sum to 1 and clipped to
    [eps, 1 - eps] (Keras 2.2.4); with from_logits, a stable log-softmax.

    Args:
        target: one-hot targets, shape (batch, classes) (target first, as Keras 2.2.4).
        output: probabilities (or logits with from_logits=True), same shape.
        from_logits: whether `output` holds logits.
        axis: the class axis.

    Returns:
        Tensor of shape (batch,).

    Example:
        >>> loss = K.categorical_crossentropy(K.constant([[0., 1.]]), K.constant([[0.5, 0.5]]))
        >>> np.round(K.eval(loss), 4)
        array([0.6931], dtype=float32)
    """
    target = B.as_tensor(target, output)
    if from_logits:
        return B.neg(B.reduce_sum(target * _log_softmax(output, axis), axis))
    output = output / B.reduce_sum(output, axis, keepdims=True)
    output = B.clip(output, epsilon(), 1.0 - epsilon())
    return B.neg(B.reduce_sum(target * B.log(output), axis))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy with integer class targets of shape (batch,) or (batch, 1).

    Args:
        target: integer class indices, shape (batch,) or (batch, 1).
        output: probabilities (or logits with from_logits=True), shape (batch, classes).
        from_logits: whether `output` holds logits.
        axis: the class axis.

    Returns:
        Tensor of shape (batch,).

    Raises:
        ValueError: the number of classes is unknown.
    """
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
    """Elementwise -(t log p + (1 - t) log(1 - p)), p clipped to [eps, 1 - eps].

    Args:
        target: targets in [0, 1].
        output: probabilities (or logits with from_logits=True), same shape.
        from_logits: whether `output` holds logits.

    Returns:
        Tensor of the same shape (not reduced).

    Example:
        >>> loss = K.binary_crossentropy(K.constant([1.]), K.constant([0.5]))
        >>> np.round(K.eval(loss), 4)
        array([0.6931], dtype=float32)
    """
    target = B.as_tensor(target, output)
    if from_logits:
        return B.relu(output) - output * target + B.softplus(B.neg(B.abs_(output)))
    output = B.clip(output, epsilon(), 1.0 - epsilon())
    return B.neg(target * B.log(output) + (1 - target) * B.log(1 - output))


def dropout(x, level, noise_shape=None, seed=None):
    """Zero each element with probability `level`, scale the rest by 1 / (1 - level).

    Args:
        x: tensor.
        level: probability of dropping an element, in [0, 1).
        noise_shape: optional shape of the mask (1 where the mask is shared).
        seed: integer seed.

    Returns:
        Tensor of x's shape. Use it inside `in_train_phase` to drop only while training.

    Raises:
        ValueError: `level` outside [0, 1).
    """
    if not 0 <= level < 1:
        raise ValueError(f"dropout: level must be in [0, 1), received {level}")
    ref = x
    if noise_shape is not None:
        for axis, size in enumerate(noise_shape):
            if size == 1 and x.shape[axis] != 1:
                ref = B.slice_axis(ref, axis, 0, 1)
    keep = B.cast(B.greater_equal(random_uniform(ref, seed=seed), level), x.dtype)
    return x * keep * (1.0 / (1.0 - level))


def in_train_phase(x, alt, training=None):
    """x in the training phase, alt otherwise (callables are called).

    Args:
        x: tensor (or callable returning one) used while training.
        alt: tensor (or callable returning one) used otherwise.
        training: optional phase (0, 1 or a tensor) overriding `learning_phase()`.

    Returns:
        A tensor (or `x` / `alt` itself when the phase is a Python constant).

    Example:
        >>> x = K.placeholder(shape=(2,))
        >>> y = K.in_train_phase(x * 0., x)
        >>> K.function([x], [y])([np.ones(2, 'float32')])   # the phase is 0 by default
        [array([1., 1.], dtype=float32)]
    """
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
    """`x` at test time, `alt` while training (the opposite of `in_train_phase`).

    Args:
        x: tensor (or callable returning one) used when the learning phase is 0.
        alt: tensor (or callable returning one) used when it is 1.
        training: optional phase overriding `learning_phase()`.

    Returns:
        A tensor.
    """
    return in_train_phase(alt, x, training)


# Convolution, pooling and padding live in conv_ops.py (file size); this module's __all__
# still names them: symkeras.backend gets random_ops' functions through it
# (`from .nn import *`).
from .conv_ops import *  # noqa: E402,F401,F403
from .conv_ops import __all__ as _CONV_ALL  # noqa: E402

_NN = ['relu', 'elu', 'selu', 'batch_normalization', 'in_top_k', 'sigmoid', 'hard_sigmoid', 'tanh',
       'softplus', 'softsign', 'softmax', 'categorical_crossentropy',
       'sparse_categorical_crossentropy', 'binary_crossentropy', 'dropout', 'in_train_phase',
       'in_test_phase']
__all__ = _NN + _RANDOM_ALL + _CONV_ALL
