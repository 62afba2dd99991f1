"""The graph IR: symbolic tensors (nodes) with static shapes and dtypes.

A `Tensor` is either a leaf (an input placeholder, a variable holding a numpy value, or a
constant) or the output of an `Op` applied to input tensors. Shapes are tuples whose
unknown entries (in practice the batch dimension) are None.
"""
import contextlib
import itertools
import os
import sys

import numpy as np

from runtime import stable
from runtime.function import CALL_LOCK

DTYPES = ('float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64',
          'uint8', 'uint16', 'uint32', 'uint64', 'bool')
_ids = itertools.count(1)


def normalize_dtype(dtype, where='dtype'):
    """Return the canonical dtype name, or raise a ValueError listing the valid ones."""
    try:
        name = np.dtype(dtype).name
    except TypeError:
        name = None
    if name not in DTYPES:
        raise ValueError(f"{where}: unsupported dtype {dtype!r}; expected one of {DTYPES}")
    return name


_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PACKAGES = tuple(os.path.join(_ROOT, name) + os.sep for name in ('compiler', 'symkeras',
                                                                   'runtime'))
_PACKAGES += (os.path.dirname(os.path.abspath(contextlib.__file__)) + os.sep,)  # stdlib


_OURS = {}       # file name -> (inside our packages, base name): abspath is slow
_FRAME_LIMIT = 38


def _user_frame():
    """The first stack frame outside our packages: where the user built a node.

    Walks the frames directly (a node is built thousands of times per compile; formatting
    a traceback each time cost a tenth of a second for the seed CNN)."""
    frame = sys._getframe(2)        # skip this function and Tensor.__init__
    for _ in range(_FRAME_LIMIT):
        if frame is None:
            break
        filename = frame.f_code.co_filename
        known = _OURS.get(filename)
        if known is None:
            known = _OURS[filename] = (os.path.abspath(filename).startswith(_PACKAGES),
                                       os.path.basename(filename))
        if not known[0]:
            return f"{known[1]}:{frame.f_lineno}"
        frame = frame.f_back
    return None


class Tensor:
    """A node of the graph: a symbolic value with a static shape and a dtype.

    Attributes:
        op: the `Op` that computes it, or None for leaves.
        inputs: the tensors `op` is applied to.
        shape: tuple of ints, None where unknown.
        dtype: canonical numpy dtype name.
        kind: 'op', 'input', 'variable' or 'constant'.
    """

    __array_ufunc__ = None      # numpy defers to our operators: ndarray * tensor works

    def __init__(self, op, inputs, shape, dtype, name=None, kind='op'):
        self.op = op
        self.inputs = tuple(inputs)
        self.shape = tuple(shape)
        self.dtype = dtype
        self.kind = kind
        self.id = next(_ids)
        self.name = name or (f"{type(op).__name__.lower()}_{self.id}" if op else f"t{self.id}")
        self.source = _user_frame()

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        label = self.op.describe() if self.op is not None else self.kind
        return f"<Tensor {self.name!r} {label} shape={self.shape} dtype={self.dtype}>"

    def __hash__(self):
        return self.id

    def __bool__(self):
        raise TypeError(f"symbolic tensor {self.name!r} has no truth value: "
                        "use K.switch or comparisons inside the graph")

    def __len__(self):
        if self.shape and self.shape[0] is not None:
            return self.shape[0]
        raise TypeError(f"symbolic tensor {self.name!r} with shape {self.shape} has no "
                        "static length")

    def __iter__(self):
        raise TypeError(f"symbolic tensor {self.name!r} is not iterable")

    # Python operators build graph nodes; the builders live with the ops.
    def __add__(self, other): return _ops().add(self, other)
    def __radd__(self, other): return _ops().add(other, self)
    def __sub__(self, other): return _ops().sub(self, other)
    def __rsub__(self, other): return _ops().sub(other, self)
    def __mul__(self, other): return _ops().mul(self, other)
    def __rmul__(self, other): return _ops().mul(other, self)
    def __truediv__(self, other): return _ops().div(self, other)
    def __rtruediv__(self, other): return _ops().div(other, self)
    def __floordiv__(self, other): return _ops().floordiv(self, other)
    def __rfloordiv__(self, other): return _ops().floordiv(other, self)
    def __mod__(self, other): return _ops().mod(self, other)
    def __rmod__(self, other): return _ops().mod(other, self)
    def __pow__(self, other): return _ops().power(self, other)
    def __rpow__(self, other): return _ops().power(other, self)
    def __matmul__(self, other): return _ops().dot(self, other)
    def __rmatmul__(self, other): return _ops().dot(other, self)
    def __neg__(self): return _ops().neg(self)
    def __pos__(self): return self
    def __abs__(self): return _ops().abs_(self)
    def __lt__(self, other): return _ops().less(self, other)
    def __le__(self, other): return _ops().less_equal(self, other)
    def __gt__(self, other): return _ops().greater(self, other)
    def __ge__(self, other): return _ops().greater_equal(self, other)
    def __getitem__(self, index): return _ops().getitem(self, index)

    @property
    def T(self):
        return _ops().transpose(self, tuple(reversed(range(self.ndim))))


def _ops():
    from . import builders
    return builders


class Variable(Tensor):
    """A leaf holding a mutable numpy value (Theano's shared variable).

    `default_update`, when set, is a tensor computing the variable's next value; every
    compiled function that reads the variable applies it (how random states advance).
    """

    def __init__(self, value, dtype=None, name=None):
        value = np.array(value, dtype=normalize_dtype(dtype) if dtype else None)
        if value.dtype == np.float64 and dtype is None:
            value = value.astype(np.float64)
        super().__init__(None, (), value.shape, normalize_dtype(value.dtype), name, 'variable')
        self.value = np.array(value, order='C')   # (ascontiguousarray makes 0-d 1-d)
        stable.hold(self.value)
        self.default_update = None

    def get_value(self):
        """A copy of the current value (a numpy array). Taken between compiled calls
        (which may update the value in place), so it is never half-updated."""
        with CALL_LOCK:
            return self.value.copy()

    def set_value(self, value):
        """Replace the value; raises ValueError unless it has the variable's shape."""
        value = np.asarray(value)
        if value.shape != self.shape:
            raise ValueError(f"variable {self.name!r}: expected a value of shape "
                             f"{self.shape}, received {value.shape}")
        self.value = np.array(value, dtype=self.dtype, order='C')
        stable.hold(self.value)


def placeholder(shape, dtype='float32', name=None):
    """A graph input: its value is given at every call of a compiled function."""
    shape = tuple(None if d is None else int(d) for d in shape)
    return Tensor(None, (), shape, normalize_dtype(dtype), name, 'input')


def constant(value, dtype=None, name=None):
    """A leaf with a fixed value, folded into the compiled plan."""
    value = np.array(value, dtype=normalize_dtype(dtype) if dtype else None)
    tensor = Tensor(None, (), value.shape, normalize_dtype(value.dtype), name, 'constant')
    tensor.value = value
    return tensor


def is_tensor(x):
    return isinstance(x, Tensor)


def toposort(outputs):
    """All tensors the outputs depend on, each after its inputs (iterative DFS)."""
    order, seen = [], set()
    for root in outputs:
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if node.id in seen:
                continue
            seen.add(node.id)
            stack.append((node, True))
            stack.extend((inp, False) for inp in reversed(node.inputs) if inp.id not in seen)
    return order
