"""Ops whose one output is several results stacked along a new first axis, and `Part`,
which reads one of them back as a view (no copy).

A node has one output; an op that produces two arrays (so that a kernel writes both
while a block is hot in cache) returns them stacked as one (2, ...) array, and `Part`
nodes give each result its own node. The runtime's `part` kernel returns x[index], a
view, so the stacked buffer is written once and read in place.

- GemmUpdate: (beta * z + alpha * op(a) @ op(b), p + that), the SGD update: the new
  velocity m' = momentum * m - lr * g and the new parameter p + m', in one GEMM pass
  (built by the epilogue pass, compiler/rewrite/pairs.py).
"""
import numpy as np

from .base import Op, register_op
from .fused_nn import Gemm
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
