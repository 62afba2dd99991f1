"""Ops whose one output is several results stacked along a new first axis, and `Part`,
which reads one of them back as a view (no copy).

A node has one output; an op that produces two arrays (so that a kernel writes both
while a block is hot in cache) returns them stacked as one (2, ...) array, and `Part`
nodes give each result its own node. The runtime's `part` kernel returns x[index], a
view, so the stacked buffer is written once and read in place.

- GemmUpdate: (beta * z + alpha * op(a) @ op(b), p + that), the SGD update: the new
  velocity m' = momentum * m - lr * g and the new parameter p + m', in one GEMM pass
  (built by the epilogue pass, compiler/rewrite/pairs.py).
- ScaledUpdate: (beta * z + alpha * s, p + that), the same update when the gradient s is
  not a product: a bias's (s the sum of g over its leading axes, the batch) or any
  other gradient of the variable's shape (s = g), in one pass and one kernel call.
"""
import numpy as np

from .base import Op, register_op
from .fused_nn import Gemm, scale_ops
from .movement import SliceGrad
from .. import builders as B


@register_op
class Part(Op):
    """x[index] along the first axis, which has a static size: one result of a stacked
    output."""

    params = ('index',)
    kernel = 'part'

    def infer(self, x):
        if x.ndim < 1 or x.shape[0] is None or not 0 <= self.index < x.shape[0]:
            raise ValueError(f"{self.describe()}: expected an input with a static first "
                             f"axis longer than {self.index}, received shape {x.shape}")
        return tuple(x.shape[1:]), x.dtype

    def reference(self, x):
        return x[self.index]

    def grad(self, inputs, out, g):
        size = inputs[0].shape[0]
        return [SliceGrad(axis=0, start=self.index, stop=self.index + 1, size=size)(
            B.expand_dims(g, 0))]


@register_op
class GemmUpdate(Gemm):
    """Stacked (v, p + v) where v = beta * z + alpha * (op(a) @ op(b)) is the Gemm (see
    `Gemm` for the parameters); p has v's shape and dtype. Output shape (2,) + v.shape."""

    kernel = 'gemm_update'

    def fused_ops_of(self, inputs):
        """The Gemm's ops (see `Gemm.fused_ops_of`), then the Add p + v."""
        return super().fused_ops_of(inputs) + ['Add']

    def infer(self, z, a, b, alpha, beta, p):
        shape, dtype = super().infer(z, a, b, alpha, beta)
        if p.shape != shape or p.dtype != dtype:
            raise ValueError(f"{self.describe()}: expected p of the product's shape and "
                             f"dtype, {dtype} {shape}, received {p.dtype} {p.shape}")
        return (2,) + tuple(shape), dtype

    def reference(self, z, a, b, alpha, beta, p):
        v = super().reference(z, a, b, alpha, beta)
        return np.stack([v, p + v]).astype(v.dtype, copy=False)

    def grad(self, inputs, out, g):
        g_v, g_sum = Part(index=0)(g), Part(index=1)(g)
        return super().grad(inputs[:5], None, g_v + g_sum) + [g_sum]


@register_op
class ScaledUpdate(Op):
    """Stacked (v, p + v) where v = beta * z + alpha * s: s is g summed over its first
    `summed` axes (g itself when summed is 0) and has z's shape; p has z's shape and
    dtype; alpha and beta are 0-d, and `negate_alpha` / `negate_beta` flip their signs.
    Output shape (2,) + z.shape."""

    params = ('summed', 'negate_alpha', 'negate_beta')
    kernel = 'scaled_update'

    def fused_ops_of(self, inputs):
        """[Sum,] the scale Muls present (alpha's, beta's), the Add or Sub, the Add p + v."""
        alpha, beta = (None, None) if inputs is None else inputs[2:4]
        combine = 'Sub' if self.negate_alpha or self.negate_beta else 'Add'
        return (['Sum'] * bool(self.summed) + scale_ops(alpha) + scale_ops(beta) +
                [combine, 'Add'])

    def infer(self, z, g, alpha, beta, p):
        dtype, summed = z.dtype, self.summed
        if not (isinstance(summed, int) and 0 <= summed <= g.ndim) or \
                tuple(g.shape[summed:]) != tuple(z.shape) or g.dtype != dtype:
            raise ValueError(f"{self.describe()}: expected g of shape (...) + z's shape "
                             f"{z.shape} with {summed} leading axes summed, and z's dtype "
                             f"{dtype}, received {g.dtype} {g.shape}")
        for name, scalar in (('alpha', alpha), ('beta', beta)):
            if scalar.shape != () or scalar.dtype != dtype:
                raise ValueError(f"{self.describe()}: expected a 0-d {dtype} {name}, "
                                 f"received {scalar.dtype} {scalar.shape}")
        if p.shape != z.shape or p.dtype != dtype:
            raise ValueError(f"{self.describe()}: expected p of z's shape and dtype, "
                             f"{dtype} {z.shape}, received {p.dtype} {p.shape}")
        return (2,) + tuple(z.shape), dtype

    def signed(self, alpha, beta):
        """The scalars with their signs applied (tensors or arrays)."""
        return (-alpha if self.negate_alpha else alpha, -beta if self.negate_beta else beta)

    def reference(self, z, g, alpha, beta, p):
        alpha, beta = self.signed(alpha, beta)
        s = np.sum(g, axis=tuple(range(self.summed)), dtype=g.dtype) if self.summed else g
        v = (beta * z + alpha * s).astype(z.dtype, copy=False)
        return np.stack([v, p + v]).astype(v.dtype, copy=False)

    def grad(self, inputs, out, g_out):
        z, g, alpha, beta, _ = inputs
        signed_alpha, signed_beta = self.signed(alpha, beta)
        g_sum = Part(index=1)(g_out)
        g_v = Part(index=0)(g_out) + g_sum
        s = B.reduce_sum(g, axes=tuple(range(self.summed))) if self.summed else g
        grad_g = signed_alpha * g_v
        if self.summed:
            grad_g = B.broadcast_like(grad_g, g)
        grad_alpha, grad_beta = B.reduce_sum(g_v * s), B.reduce_sum(g_v * z)
        if self.negate_alpha:
            grad_alpha = B.neg(grad_alpha)
        if self.negate_beta:
            grad_beta = B.neg(grad_beta)
        return [signed_beta * g_v, grad_g, grad_alpha, grad_beta, g_sum]
