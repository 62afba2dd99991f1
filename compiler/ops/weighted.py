"""Keras's sample-weighted loss as one op (and its gradient op).

Keras 2 (`weighted_masked_objective`) turns per-sample scores s and sample weights w into

    mean(s * w / mean(w != 0))  =  sum(s * w) / count_nonzero(w)

Built from primitives that is a product, a cast of a comparison, two sums, two sizes and
three divisions, and about as many steps for its gradient: a dozen tiny kernels in every
training step, each a Python call of a few microseconds. Here it is one op each way:

    WeightedMean(s, w) = sum(s * w) / count_nonzero(w)                  (a scalar)
    d/ds = ScaleByNonzeroCount(w, w, g),  d/dw = ScaleByNonzeroCount(s, w, g)
    ScaleByNonzeroCount(x, w, g) = x * g / count_nonzero(w)

(the count is piecewise constant: its derivative is 0 wherever it exists). s and w have
one shape; all weights 0 gives 0 / 0, NaN, as Keras's formula does.

With the softmax cross-entropy as the scores (categorical cross-entropy, the usual loss),
the epilogue pass joins each pair into one op: WeightedSoftmaxCrossEntropy(z, y, w) and
WeightedSoftmaxCrossEntropyGrad(z, y, x, w, g).
"""
import numpy as np

from .base import Op, register_op
from .crossentropy import SoftmaxCrossEntropy, SoftmaxCrossEntropyGrad, _check_pair
from .. import builders as B


def _check_like(op, x, w):
    """Raise ValueError unless x and w are float tensors of one shape (None: unknown)."""
    if not x.dtype.startswith('float') or w.dtype != x.dtype:
        raise ValueError(f"{op.describe()}: expected float scores and sample weights of one "
                         f"dtype, received {x.dtype} and {w.dtype}")
    if x.ndim != w.ndim or any(a is not None and b is not None and a != b
                               for a, b in zip(x.shape, w.shape)):
        raise ValueError(f"{op.describe()}: scores of shape {x.shape} and sample weights "
                         f"of shape {w.shape} differ")


def _nonzero(w):
    return np.count_nonzero(w)


@register_op
class WeightedMean(Op):
    """sum(s * w) / count_nonzero(w): Keras's weighted mean of per-sample scores."""

    kernel = 'weighted_mean'

    def infer(self, s, w):
        _check_like(self, s, w)
        return (), s.dtype

    def reference(self, s, w):
        with np.errstate(divide='ignore', invalid='ignore'):
            return np.asarray((s.astype(np.float64) * w).sum() / _nonzero(w), s.dtype)

    def grad(self, inputs, out, g):
        s, w = inputs
        return [ScaleByNonzeroCount()(w, w, g), ScaleByNonzeroCount()(s, w, g)]


@register_op
class ScaleByNonzeroCount(Op):
    """x * g / count_nonzero(w) for a scalar g: WeightedMean's gradients."""

    kernel = 'scale_by_nonzero_count'

    def infer(self, x, w, g):
        _check_like(self, x, w)
        if g.ndim != 0 or g.dtype != x.dtype:
            raise ValueError(f"{self.describe()}: expected a scalar {x.dtype} gradient, "
                             f"received {g.dtype} {g.shape}")
        return x.shape, x.dtype

    def reference(self, x, w, g):
        with np.errstate(divide='ignore', invalid='ignore'):
            return np.asarray(x * (g / _nonzero(w)), x.dtype)

    def grad(self, inputs, out, h):
        # out = x * g / c(w): d/dx = h * g / c, d/dw = 0 (c is piecewise constant),
        # d/dg = sum(h * x) / c.
        x, w, g = inputs
        count = B.reduce_sum(B.cast(B.not_equal(w, B.zeros_like(w)), x.dtype))
        return [ScaleByNonzeroCount()(h, w, g), B.zeros_like(w),
                B.reduce_sum(h * x) / count]


def _check_rows(op, z, y, x):
    """Raise ValueError unless z, y are logits and targets and x has z's row shape."""
    _check_pair(op, z, y)
    expected = z.shape[:-1]
    if x.dtype != z.dtype or x.ndim != len(expected) or any(
            a is not None and b is not None and a != b for a, b in zip(x.shape, expected)):
        raise ValueError(f"{op.describe()}: expected per-row values of shape {expected} "
                         f"and dtype {z.dtype}, received {x.dtype} {x.shape}")


@register_op
class WeightedSoftmaxCrossEntropy(Op):
    """WeightedMean(SoftmaxCrossEntropy(z, y), w): Keras's sample-weighted categorical
    cross-entropy of logits z as one op (built by the epilogue pass,
    compiler/rewrite/losses.py): one kernel call instead of two."""

    kernel = 'weighted_softmax_crossentropy'

    @property
    def fused_ops(self):
        return ['SoftmaxCrossEntropy', 'WeightedMean']

    def infer(self, z, y, w):
        _check_rows(self, z, y, w)
        return (), z.dtype

    def reference(self, z, y, w):
        return WeightedMean().reference(SoftmaxCrossEntropy().reference(z, y), w)

    def grad(self, inputs, out, g):
        z, y, w = inputs
        scores = SoftmaxCrossEntropy()(z, y)
        return (SoftmaxCrossEntropy().grad([z, y], scores, ScaleByNonzeroCount()(w, w, g)) +
                [ScaleByNonzeroCount()(scores, w, g)])


@register_op
class WeightedSoftmaxCrossEntropyGrad(Op):
    """SoftmaxCrossEntropyGrad(z, y, ScaleByNonzeroCount(x, w, g)): the gradient of the
    weighted cross-entropy with respect to the logits as one op (one kernel call instead
    of two)."""

    kernel = 'weighted_softmax_crossentropy_grad'

    @property
    def fused_ops(self):
        return ['ScaleByNonzeroCount', 'SoftmaxCrossEntropyGrad']

    def infer(self, z, y, x, w, g):
        _check_rows(self, z, y, x)
        ScaleByNonzeroCount().infer(x, w, g)
        return z.shape, z.dtype

    def reference(self, z, y, x, w, g):
        scale = ScaleByNonzeroCount().reference(x, w, g)
        return SoftmaxCrossEntropyGrad().reference(z, y, scale)

    def grad(self, inputs, out, h):
        z, y, x, w, g = inputs
        scale = ScaleByNonzeroCount()(x, w, g)
        dz, dy, dscale = SoftmaxCrossEntropyGrad().grad([z, y, scale], None, h)
        return [dz, dy] + ScaleByNonzeroCount().grad([x, w, g], scale, dscale)
