"""FusedElemwise: a connected group of elementwise ops computed in one generated kernel."""
import re

import numpy as np

from .base import register_op
from .elementwise import Elemwise, broadcast_shapes

_ARG = re.compile(r'\bx(\d+)\b')


def substitute(expr, args):
    """`expr` over x0, x1, ... with each xi replaced by the source text args[i]."""
    return _ARG.sub(lambda match: f"({args[int(match.group(1))]})", expr)


@register_op
class FusedElemwise(Elemwise):
    """Runs `program` elementwise in one pass over the broadcast inputs.

    `program` is a tuple of steps (op, argument refs, dtype); a ref below `nin` names a
    leaf input, a larger one the result of an earlier step. The last step is the output.
    """

    params = ('program', 'nin')
    differentiable = False    # fusion runs after differentiation

    def infer(self, *inputs):
        if len(inputs) != self.nin:
            raise ValueError(f"FusedElemwise: expected {self.nin} inputs, "
                             f"received {len(inputs)}")
        return broadcast_shapes(self, [x.shape for x in inputs]), self.program[-1][2]

    @property
    def fused_ops(self):
        return [type(op).__name__ for op, _, _ in self.program]

    def describe(self):
        return f"FusedElemwise[{', '.join(self.fused_ops)}]"

    def expression(self):
        texts = [f"x{i}" for i in range(self.nin)]
        for op, refs, _ in self.program:
            texts.append(substitute(op.expression(), [texts[r] for r in refs]))
        return texts[-1]

    def attrs(self):
        return {'expr': self.expression(), 'fused': self.fused_ops}

    def step_attrs(self, node):
        return {'expr': self.expression(), 'out_dtype': node.dtype}

    def reference(self, *arrays):
        values = list(arrays)
        for op, refs, dtype in self.program:
            values.append(np.asarray(op.reference(*(values[r] for r in refs))).astype(dtype))
        return values[-1]


@register_op
class FusedReduceSum(FusedElemwise):
    """sum over `axes` of an elementwise program, in one loop (nothing materialised)."""

    params = ('program', 'nin', 'axes', 'keepdims')
    kernel = 'fused_reduce_sum'

    def infer(self, *inputs):
        from .reduce import reduced_shape, count_dtype
        shape, dtype = super().infer(*inputs)
        return reduced_shape(shape, self.axes, self.keepdims), count_dtype(dtype)

    @property
    def fused_ops(self):
        return super().fused_ops + ['Sum']

    def describe(self):
        return f"FusedReduceSum[{', '.join(self.fused_ops)}](axes={self.axes})"

    def attrs(self):
        return {'expr': self.expression(), 'nin': self.nin, 'axes': list(self.axes),
                'keepdims': self.keepdims}

    def step_attrs(self, node):
        return dict(self.attrs(), out_dtype=node.dtype)

    def reference(self, *arrays):
        values = FusedElemwise.reference(self, *arrays)
        return np.asarray(np.sum(values, axis=self.axes, keepdims=self.keepdims))
