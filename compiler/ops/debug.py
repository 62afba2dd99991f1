"""Print: Theano's debugging op behind `K.print_tensor`.

Its value is its input; running the step prints the message and the value (as Theano's
`Print(message)` does: `message __str__ = <value>`). The gradient passes through unchanged.
The runtime step returns its input (a view kernel), so printing costs no copy.
"""
import numpy as np

from .base import Op, register_op


@register_op
class Print(Op):
    """x unchanged; the kernel prints `message` and the value each time it runs."""

    params = ('message',)
    kernel = 'print'
    constant_folding = False     # printing is the point: run it even on constants

    def infer(self, x):
        return x.shape, x.dtype

    def reference(self, x):
        return np.array(x, copy=True)

    def grad(self, inputs, out, g):
        return [g]
