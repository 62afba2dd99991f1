"""Matrix product of 2-D tensors (N-D products are built from it by reshapes)."""
import numpy as np

from .base import Op, register_op, check_ndim, float_dtype


@register_op
class MatMul(Op):
    """op(a) @ op(b) where op transposes when the flag is set."""

    params = ('transpose_a', 'transpose_b')
    kernel = 'matmul'

    def infer(self, a, b):
        check_ndim(self, a, 2, 'first input')
        check_ndim(self, b, 2, 'second input')
        m, k1 = reversed(a.shape) if self.transpose_a else a.shape
        k2, n = reversed(b.shape) if self.transpose_b else b.shape
        if None not in (k1, k2) and k1 != k2:
            raise ValueError(f"{self.describe()}: inner dimensions differ: {a.shape} and "
                             f"{b.shape}")
        if a.dtype != b.dtype:
            raise ValueError(f"{self.describe()}: dtypes differ: {a.dtype} and {b.dtype}")
        return (m, n), float_dtype(a, b)

    def reference(self, a, b):
        a = a.T if self.transpose_a else a
        b = b.T if self.transpose_b else b
        return np.dot(a, b)

    def grad(self, inputs, out, g):
        a, b = inputs
        ta, tb = self.transpose_a, self.transpose_b
        grad_a = MatMul(transpose_a=True, transpose_b=True)(b, g) if ta and tb else (
            MatMul(transpose_a=False, transpose_b=True)(b, g) if ta else
            MatMul(transpose_a=False, transpose_b=not tb)(g, b))
        grad_b = MatMul(transpose_a=True, transpose_b=True)(g, a) if tb and ta else (
            MatMul(transpose_a=True, transpose_b=False)(g, a) if tb else
            MatMul(transpose_a=not ta, transpose_b=False)(a, g))
        return [grad_a, grad_b]
