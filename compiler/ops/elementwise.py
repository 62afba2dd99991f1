"""Elementwise primitives with numpy broadcasting.

Each op gives `scalar`: a Python expression over x0, x1, ... from which the runtime
generates a Numba ufunc (and, later, fused kernels), and `numpy`: its reference.
"""
import numpy as np

from .base import Op, register_op, float_dtype
from .. import builders as B


def broadcast_shapes(op, shapes):
    """Static numpy broadcasting with None for unknown dims; raises on a mismatch."""
    ndim = max(len(s) for s in shapes)
    padded = [(1,) * (ndim - len(s)) + tuple(s) for s in shapes]
    out = []
    for dims in zip(*padded):
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ValueError(f"{op.describe()}: cannot broadcast shapes "
                             f"{', '.join(str(tuple(s)) for s in shapes)}")
        if known:
            out.append(known.pop())
        elif None in dims:
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def literal(value):
    """Python source for a float constant (infinities included)."""
    value = float(value)
    if np.isinf(value):
        return 'math.inf' if value > 0 else '(-math.inf)'
    return repr(value)


class Elemwise(Op):
    """Base of elementwise ops: broadcasting shape rule, dtype rule, scalar template."""

    kernel = 'elementwise'
    nin = 2
    scalar = None          # expression over x0, x1, ... (str.format with params)
    numpy = None           # reference: function of numpy arrays
    out_dtype = None       # fixed output dtype ('bool'), else from the inputs

    def infer(self, *inputs):
        if len(inputs) != self.nin:
            raise ValueError(f"{self.describe()}: expected {self.nin} inputs, "
                             f"received {len(inputs)}")
        shape = broadcast_shapes(self, [x.shape for x in inputs])
        return shape, self.result_dtype(inputs)

    def result_dtype(self, inputs):
        if self.out_dtype:
            return self.out_dtype
        dtypes = [x.dtype for x in inputs]
        if any(d.startswith('float') for d in dtypes):
            return float_dtype(*inputs)
        return np.result_type(*dtypes).name

    def expression(self):
        return self.scalar.format(**{p: literal(getattr(self, p)) for p in self.params})

    def attrs(self):
        return {'expr': self.expression()}

    def step_attrs(self, node):
        return {'expr': self.expression(), 'out_dtype': node.dtype}

    def reference(self, *arrays):
        return np.asarray(self.numpy(*arrays))


def _unary(name, scalar, numpy, grad=None, differentiable=True):
    cls = type(name, (Elemwise,), {'nin': 1, 'scalar': scalar,
                                   'numpy': staticmethod(numpy),
                                   'differentiable': differentiable})
    if grad is not None:
        cls.grad = lambda self, inputs, out, g: [grad(inputs[0], out, g)]
    return register_op(cls)


def _binary(name, scalar, numpy, grad=None, out_dtype=None):
    cls = type(name, (Elemwise,), {'nin': 2, 'scalar': scalar,
                                   'numpy': staticmethod(numpy), 'out_dtype': out_dtype,
                                   'differentiable': grad is not None})
    if grad is not None:
        cls.grad = lambda self, inputs, out, g: grad(inputs[0], inputs[1], out, g)
    return register_op(cls)


def _mask(condition, like):
    return B.cast(condition, like.dtype)


Add = _binary('Add', 'x0 + x1', np.add, lambda a, b, out, g: [g, g])
Sub = _binary('Sub', 'x0 - x1', np.subtract, lambda a, b, out, g: [g, B.neg(g)])
Mul = _binary('Mul', 'x0 * x1', np.multiply, lambda a, b, out, g: [g * b, g * a])
Div = _binary('Div', 'x0 / x1', np.true_divide,
              lambda a, b, out, g: [g / b, B.neg(g * a / (b * b))])
# Python's // and % (numpy's floor_divide and mod: a remainder takes the divisor's sign);
# the floor has no gradient, a remainder a - b * floor(a / b) has (1, -floor(a / b)).
FloorDiv = _binary('FloorDiv', 'x0 // x1', np.floor_divide, lambda a, b, out, g: [None, None])
Mod = _binary('Mod', 'x0 % x1', np.mod,
              lambda a, b, out, g: [g, B.neg(g * B.floor(a / b))])
Pow = _binary('Pow', 'x0 ** x1', np.power,
              lambda a, b, out, g: [g * b * B.power(a, b - 1), g * out * B.log(a)])
Maximum = _binary('Maximum', 'x0 if x0 >= x1 else x1', np.maximum,
                  lambda a, b, out, g: [g * _mask(B.greater_equal(a, b), g),
                                        g * _mask(B.less(a, b), g)])
Minimum = _binary('Minimum', 'x0 if x0 <= x1 else x1', np.minimum,
                  lambda a, b, out, g: [g * _mask(B.less_equal(a, b), g),
                                        g * _mask(B.greater(a, b), g)])
Greater = _binary('Greater', 'x0 > x1', np.greater, out_dtype='bool')
GreaterEqual = _binary('GreaterEqual', 'x0 >= x1', np.greater_equal, out_dtype='bool')
Less = _binary('Less', 'x0 < x1', np.less, out_dtype='bool')
LessEqual = _binary('LessEqual', 'x0 <= x1', np.less_equal, out_dtype='bool')
Equal = _binary('Equal', 'x0 == x1', np.equal, out_dtype='bool')
NotEqual = _binary('NotEqual', 'x0 != x1', np.not_equal, out_dtype='bool')
And = _binary('And', 'x0 and x1', np.logical_and, out_dtype='bool')
Or = _binary('Or', 'x0 or x1', np.logical_or, out_dtype='bool')

Neg = _unary('Neg', '-x0', np.negative, lambda x, out, g: B.neg(g))
Exp = _unary('Exp', 'vm.exp(x0)', np.exp, lambda x, out, g: g * out)
Log = _unary('Log', 'math.log(x0)', np.log, lambda x, out, g: g / x)
Log1p = _unary('Log1p', 'math.log1p(x0)', np.log1p, lambda x, out, g: g / (x + 1))
Expm1 = _unary('Expm1', 'math.expm1(x0)', np.expm1, lambda x, out, g: g * (out + 1))
Sqrt = _unary('Sqrt', 'math.sqrt(x0)', np.sqrt, lambda x, out, g: g / (out * 2))
Abs = _unary('Abs', 'abs(x0)', np.abs, lambda x, out, g: g * B.sign(x))
Sign = _unary('Sign', '(1 if x0 > 0 else (-1 if x0 < 0 else 0))', np.sign,
              lambda x, out, g: None)
Tanh = _unary('Tanh', 'vm.tanh(x0)', np.tanh, lambda x, out, g: g * (1 - out * out))
Sin = _unary('Sin', 'math.sin(x0)', np.sin, lambda x, out, g: g * B.cos(x))
Cos = _unary('Cos', 'math.cos(x0)', np.cos, lambda x, out, g: -(g * B.sin(x)))
Sigmoid = _unary('Sigmoid', 'vm.sigmoid(x0)',
                 lambda x: np.exp(-np.logaddexp(0, -x)),
                 lambda x, out, g: g * out * (1 - out))
Relu = _unary('Relu', '(x0 if x0 > 0 else 0)', lambda x: np.maximum(x, 0),
              lambda x, out, g: g * _mask(B.greater(x, 0), g))
Softplus = _unary('Softplus', '(max(x0, 0.0) + math.log1p(math.exp(-abs(x0))))',
                  lambda x: np.logaddexp(0, x),
                  lambda x, out, g: g * B.sigmoid(x))
Square = _unary('Square', 'x0 * x0', np.square, lambda x, out, g: g * x * 2)
# np.floor / np.round, not math.floor / round: those return ints, and inf or NaN became
# -2**63 in compiled code.
Floor = _unary('Floor', 'np.floor(x0)', np.floor, lambda x, out, g: None)
Round = _unary('Round', 'np.round(x0)', np.round, lambda x, out, g: None)
StopGradient = _unary('StopGradient', 'x0', lambda x: np.array(x, copy=True),
                     lambda x, out, g: None)
Not = _unary('Not', 'not x0', np.logical_not, differentiable=False)
Not.out_dtype = 'bool'


def _true_div_dtype(self, inputs):
    """Python 3 `/` (numpy's true_divide, Theano's true_div): ints and bools divide to
    float64; with a float input the widest float input wins (float32 / int is float32)."""
    if any(x.dtype.startswith('float') for x in inputs):
        return float_dtype(*inputs)
    return 'float64'


Div.result_dtype = _true_div_dtype


@register_op
class Clip(Elemwise):
    """clip(x, low, high) with constant bounds; the gradient passes inside [low, high]."""

    nin = 1
    params = ('low', 'high')
    scalar = '(({low}) if x0 < ({low}) else (({high}) if x0 > ({high}) else x0))'

    def reference(self, x):
        return np.clip(x, self.low, self.high)

    def grad(self, inputs, out, g):
        (x,) = inputs
        inside = B.logical_and(B.greater_equal(x, self.low), B.less_equal(x, self.high))
        return [g * _mask(inside, g)]


@register_op
class Cast(Elemwise):
    """Conversion to another dtype; differentiable between float types."""

    nin = 1
    params = ('dtype',)
    scalar = 'x0'

    def result_dtype(self, inputs):
        return self.dtype

    def expression(self):
        # An explicit conversion, so that inside a fused expression the value is rounded
        # or truncated exactly as a separate cast would.
        return f"np.{'bool_' if self.dtype == 'bool' else self.dtype}(x0)"

    def reference(self, x):
        return np.asarray(x).astype(self.dtype)

    def grad(self, inputs, out, g):
        (x,) = inputs
        return [B.cast(g, x.dtype) if x.dtype.startswith('float') else None]


@register_op
class Where(Elemwise):
    """where(condition, a, b), elementwise with broadcasting."""

    nin = 3
    scalar = '(x1 if x0 else x2)'

    def result_dtype(self, inputs):
        return super().result_dtype(inputs[1:])

    def reference(self, c, a, b):
        return np.where(c, a, b)

    def grad(self, inputs, out, g):
        cond, a, b = inputs
        zero = B.zeros_like(g)
        return [None, B.where(cond, g, zero), B.where(cond, zero, g)]
