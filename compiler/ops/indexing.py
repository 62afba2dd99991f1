"""Row gather (embedding lookup) and its adjoint."""
import numpy as np

from .base import Op, register_op


@register_op
class Gather(Op):
    """table[indices] along the first axis of table (integer indices of any shape)."""

    kernel = 'gather'

    def infer(self, table, indices):
        if not indices.dtype.startswith(('int', 'uint')):
            raise ValueError(f"Gather: indices must be integers, received dtype "
                             f"{indices.dtype}")
        return tuple(indices.shape) + tuple(table.shape[1:]), table.dtype

    def reference(self, table, indices):
        return table[np.asarray(indices, dtype=np.int64)]

    def grad(self, inputs, out, g):
        table, indices = inputs
        return [GatherGrad(rows=table.shape[0])(g, indices), None]


@register_op
class GatherGrad(Op):
    """Zeros of `rows` rows with each gradient row added at its index."""

    params = ('rows',)
    kernel = 'gather_grad'
    differentiable = False

    def infer(self, g, indices):
        return (self.rows,) + tuple(g.shape[indices.ndim:]), g.dtype

    def reference(self, g, indices):
        indices = np.asarray(indices, dtype=np.int64)
        rows = g.reshape((indices.size,) + g.shape[indices.ndim:])
        out = np.zeros((self.rows,) + g.shape[indices.ndim:], g.dtype)
        np.add.at(out, indices.reshape(-1), rows)
        return out
