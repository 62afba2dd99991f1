"""Softmax cross-entropy over the last axis, as one stable op (and its gradient op).

The stabilize pass rewrites Keras's categorical cross-entropy, -sum(y * log(p), -1) with
p = softmax(z) (through Keras's renormalisation and clip(p, eps, 1 - eps)), into
SoftmaxCrossEntropy(z, y). Per row:

    loss = sum(y * (logsumexp(z) - z))
    d loss / dz = softmax(z) * sum(y) - y          (softmax(z) - y when y sums to 1)
    d loss / dy = logsumexp(z) - z = -log_softmax(z)

y broadcasts against z (it may not enlarge it); the loss has shape z.shape[:-1].
"""
import numpy as np

from .base import Op, register_op
from .elementwise import broadcast_shapes
from .. import builders as B


def log_softmax(z):
    """Stable log(softmax(z)) over the last axis, built from primitives."""
    axis = z.ndim - 1
    shifted = z - B.stop_gradient(B.reduce_max(z, axis, keepdims=True))
    return shifted - B.log(B.reduce_sum(B.exp(shifted), axis, keepdims=True))


def _check_pair(op, z, y):
    """Raise ValueError unless z is a float tensor of rank >= 1 that y broadcasts to."""
    if z.ndim < 1 or not z.dtype.startswith('float'):
        raise ValueError(f"{op.describe()}: expected float logits of rank >= 1, received "
                         f"{z.dtype} {z.shape}")
    if y.dtype != z.dtype:
        raise ValueError(f"{op.describe()}: expected targets of dtype {z.dtype} (the "
                         f"logits'), received {y.dtype}")
    joint = broadcast_shapes(op, [z.shape, y.shape])
    if y.ndim > z.ndim or any(j != d and d is not None for j, d in zip(joint, z.shape)):
        raise ValueError(f"{op.describe()}: targets of shape {y.shape} do not broadcast "
                         f"to the logits' shape {z.shape}")


def reference_neg_log_softmax(z):
    """-log_softmax(z) over the last axis with numpy, as the kernel computes it."""
    shifted = z - z.max(axis=-1, keepdims=True)
    return np.log(np.exp(shifted).sum(axis=-1, keepdims=True)) - shifted


def _softmax(z):
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


@register_op
class SoftmaxCrossEntropy(Op):
    """Per-row -sum(y * log_softmax(z)) over the last axis of the logits z."""

    kernel = 'softmax_crossentropy'

    def infer(self, z, y):
        _check_pair(self, z, y)
        return z.shape[:-1], z.dtype

    def reference(self, z, y):
        y = np.broadcast_to(y, z.shape)
        return np.asarray((y * reference_neg_log_softmax(z)).sum(axis=-1), z.dtype)

    def grad(self, inputs, out, g):
        z, y = inputs
        return [SoftmaxCrossEntropyGrad()(z, y, g),
                B.neg(log_softmax(z)) * B.expand_dims(g, z.ndim - 1)]


@register_op
class SoftmaxCrossEntropyGrad(Op):
    """(softmax(z) * sum(y, -1) - y) * g[..., None]: the gradient of SoftmaxCrossEntropy
    with respect to z, given the gradient g of the per-row loss."""

    kernel = 'softmax_crossentropy_grad'

    def infer(self, z, y, g):
        _check_pair(self, z, y)
        expected = z.shape[:-1]
        if g.ndim != len(expected) or any(a is not None and b is not None and a != b
                                          for a, b in zip(g.shape, expected)):
            raise ValueError(f"{self.describe()}: expected a loss gradient of shape "
                             f"{expected}, received {g.shape}")
        return z.shape, z.dtype

    def reference(self, z, y, g):
        y = np.broadcast_to(y, z.shape)
        total = y.sum(axis=-1, keepdims=True)
        return np.asarray((_softmax(z) * total - y) * g[..., None], z.dtype)

    def grad(self, inputs, out, h):
        # out = (P * s - y) * G with P = softmax(z), s = sum(y), G = g[..., None].
        z, y, g = inputs
        last = z.ndim - 1
        p, big_g = B.softmax(z), B.expand_dims(g, last)
        s = B.reduce_sum(B.broadcast_like(y, z), last, keepdims=True)
        u = h * big_g * s
        dz = p * (u - B.reduce_sum(u * p, last, keepdims=True))
        dy = B.reduce_sum(h * big_g * p, last, keepdims=True) - h * big_g
        dg = B.reduce_sum(h * (p * s - y), last)
        return [dz, dy, dg]
