"""Connectionist temporal classification (Graves et al., 2006): `ctc_batch_cost` and the
greedy `ctc_decode`.

The loss of each sample is -log of the total probability of the paths through the
softmax outputs that collapse to its label (repeats merged, blanks removed), computed by
the forward recursion over the time steps on the label with blanks interleaved,
l' = (blank, l_1, blank, l_2, ..., l_n, blank), in log space:

    alpha_t(s) = logsumexp(alpha_{t-1}(s), alpha_{t-1}(s-1), alpha_{t-1}(s-2) if allowed)
                 + log y_t(l'_s),

the jump over s-1 allowed where l'_s is a label that differs from l'_{s-2}. The loss is
-logsumexp(alpha_T(S-1), alpha_T(S-2)), S = 2 n + 1. The recursion runs through `K.rnn`
(so over a number of time steps known at build time or only per call), steps past a
sample's input length keep its alphas, and its gradient comes from the usual autodiff of
the unrolled steps. As in Keras 2.2.4's TensorFlow backend, the blank is
the last class and y_pred holds probabilities (the log is taken of y_pred + epsilon);
2.2.4's Theano backend smoothed them instead and returned the losses as (1, samples).
"""
import numpy as np

from compiler import builders as B

from .config import epsilon
from .control_ops import rnn
from .math_extra import cumsum

NEG = -1e30      # log(0) stand-in: finite, so 0 * (its gradient) never makes a NaN

__all__ = ['ctc_batch_cost', 'ctc_decode']


def _column(x, name):
    x = B.as_tensor(x)
    if x.ndim == 2 and x.shape[1] == 1:
        return x[:, 0]
    if x.ndim == 1:
        return x
    raise ValueError(f"ctc_batch_cost: expected {name} of shape (samples, 1), received "
                     f"{x.shape}")


def _logsumexp(*terms):
    top = terms[0]
    for term in terms[1:]:
        top = B.maximum(top, term)
    return top + B.log(sum(B.exp(term - top) for term in terms[1:]) + B.exp(terms[0] - top))


def _shift(x, by, fill):
    """x moved right by `by` positions along axis 1, `fill` coming in."""
    return B.concat([B.zeros_like(x[:, :by]) + fill, x[:, :-by]], 1)


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """The CTC loss of each sample (Keras 2.2.4).

    Args:
        y_true: (samples, max_string_length) labels, integers in [0, num_categories - 1)
            (may be stored as floats); entries past a sample's label length are ignored.
        y_pred: (samples, time_steps, num_categories) probabilities (a softmax output);
            the last category is the blank. time_steps may be unknown.
        input_length: (samples, 1) the number of time steps of y_pred to use per sample.
        label_length: (samples, 1) the length of each label.

    Returns:
        A (samples, 1) tensor: -log p(label | y_pred) per sample.

    Raises:
        ValueError: arguments of the wrong rank, or a label axis of unknown size.

    Example:
        >>> y_pred = K.constant(np.full((1, 2, 2), 0.5))   # class 0 and the blank
        >>> loss = K.ctc_batch_cost(K.constant([[0.]]), y_pred, K.constant([[2]]),
        ...                         K.constant([[1]]))
        >>> round(float(K.eval(loss)[0, 0]), 4)    # -log(0.75): "0 0", "0 -", "- 0"
        0.2877
    """
    y_true, y_pred = B.as_tensor(y_true), B.as_tensor(y_pred)
    if y_pred.ndim != 3 or y_true.ndim != 2 or y_true.shape[1] is None:
        raise ValueError(f"ctc_batch_cost: expected y_true (samples, max_string_length) "
                         f"with a static length and y_pred (samples, time_steps, "
                         f"categories), received {y_true.shape} and {y_pred.shape}")
    classes = y_pred.shape[2]
    dtype = y_pred.dtype
    steps_used = B.cast(_column(input_length, 'input_length'), 'int64')
    lengths = B.cast(_column(label_length, 'label_length'), 'int64')
    labels = B.cast(y_true, 'int64')
    blank = classes - 1
    count = y_true.shape[1]
    width = 2 * count + 1
    # l' per sample: blanks at the even positions, the labels at the odd ones.
    blanks = B.zeros_like(labels[:, :1]) + blank
    extended = B.concat([blanks] + [piece for i in range(count) for piece in
                                     (labels[:, i:i + 1], blanks)], 1)
    codes = np.arange(classes)
    one_hot = B.cast(B.equal(B.expand_dims(extended, 2), codes), dtype)  # (N, S, C)
    log_probs = B.log(y_pred + np.asarray(epsilon(), dtype))
    # emissions[n, t, s] = log y_pred[n, t, l'_s]
    emissions = B.reduce_sum(B.expand_dims(log_probs, 2) * B.expand_dims(one_hot, 1), 3)
    previous_label = _shift(extended, 2, blank)
    may_skip = B.logical_and(B.not_equal(extended, blank),
                             B.not_equal(extended, previous_label))

    used = B.expand_dims(B.cast(steps_used, dtype), 1)

    def step(emission, states):
        alpha, t = states          # t: this step's index, (samples, 1)
        skip = B.where(may_skip, _shift(alpha, 2, NEG), B.zeros_like(alpha) + NEG)
        new = _logsumexp(alpha, _shift(alpha, 1, NEG), skip) + emission
        new = B.where(B.less(t, used), new, alpha)    # past the input length: kept
        return new, [new, t + 1]

    start = B.zeros_like(emissions[:, 0]) + np.where(np.arange(width) == 0, 0.0,
                                                     NEG).astype(dtype)   # log(1, 0, ...)
    _, _, (alpha, _) = rnn(step, emissions, [start, B.zeros_like(used)])
    ends = B.expand_dims(2 * lengths, 1)              # S - 1; S - 2 is the last label
    index = np.arange(width)
    chosen = B.logical_or(B.equal(index, ends), B.equal(index, ends - 1))
    final = B.where(chosen, alpha, B.zeros_like(alpha) + NEG)
    top = B.reduce_max(final, 1, keepdims=True)
    total = B.log(B.reduce_sum(B.exp(final - top), 1, keepdims=True)) + top
    return -total


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """Best-path decoding of softmax outputs (Keras 2.2.4; TensorFlow-backend semantics).

    At each of a sample's first input_length steps the most probable category is taken;
    repeats are merged and blanks (the last category) dropped.

    Args:
        y_pred: (samples, time_steps, num_categories) probabilities; time_steps static.
        input_length: (samples,) or (samples, 1) the steps to decode per sample.
        greedy: must be True (beam search is not provided).
        beam_width, top_paths: beam-search arguments (unused).

    Returns:
        ([decoded], log_prob): decoded is (samples, time_steps) int64, each sample's
        labels then -1 (TensorFlow's is only as wide as the longest decoded label: the
        extra columns here are -1 too); log_prob (samples, 1) is minus the sum over the
        steps of the best category's log(probability + epsilon), as TensorFlow's greedy
        decoder reports it.

    Raises:
        NotImplementedError: greedy=False.
        ValueError: y_pred not 3-D or its time axis not static.

    Example:
        >>> y_pred = K.constant([[[.1, .8, .1], [.1, .8, .1], [.1, .1, .8], [.8, .1, .1]]])
        >>> decoded, _ = K.ctc_decode(y_pred, K.constant([4]))
        >>> K.eval(decoded[0])
        array([[ 1,  0, -1, -1]])
    """
    if not greedy:
        raise NotImplementedError("ctc_decode: beam search (greedy=False) is not provided; "
                                  "use greedy=True (best path)")
    y_pred = B.as_tensor(y_pred)
    if y_pred.ndim != 3 or y_pred.shape[1] is None:
        raise ValueError(f"ctc_decode: expected y_pred (samples, time_steps, categories) "
                         f"with a static number of time steps, received {y_pred.shape}")
    steps, blank = y_pred.shape[1], y_pred.shape[2] - 1
    used = _column(B.reshape(B.as_tensor(input_length), (-1, 1)), 'input_length')
    best = B.argmax(y_pred, axis=2)                                    # (N, T) int64
    valid = B.less(np.arange(steps), B.expand_dims(B.cast(used, 'int64'), 1))
    changed = B.not_equal(best, _shift(best, 1, -1))
    keep = B.logical_and(B.logical_and(valid, B.not_equal(best, blank)), changed)
    position = cumsum(B.cast(keep, 'int64'), axis=1) - 1               # output column
    placed = B.logical_and(B.expand_dims(keep, 2),
                           B.equal(B.expand_dims(position, 2), np.arange(steps)))  # N,T,T
    filled = B.reduce_sum(B.cast(placed, 'int64'), 1)
    labels = B.reduce_sum(B.cast(placed, 'int64') * B.expand_dims(best, 2), 1)
    decoded = B.where(B.greater(filled, 0), labels, B.zeros_like(labels) - 1)
    top = B.reduce_max(B.log(y_pred + np.asarray(epsilon(), y_pred.dtype)), 2)
    log_prob = -B.reduce_sum(B.where(valid, top, B.zeros_like(top)), 1, keepdims=True)
    return [decoded], log_prob
