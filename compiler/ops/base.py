"""The `Op` base class and the op registry.

Each primitive is one small subclass: its parameters (equality, hashing, merging), its
shape/dtype rule (`infer`), its gradient rule (`grad`), a numpy reference (`reference`,
the test oracle) and the runtime kernel key it maps to (`kernel`, `attrs`).
"""
from ..ir import Tensor

OPS = {}


def register_op(cls):
    """Record an op class in the registry (used by the completeness test)."""
    OPS[cls.__name__] = cls
    return cls


class NotDifferentiable(Exception):
    """Raised when a gradient is requested through an op that has none."""


class Op:
    """A primitive operation. Subclasses set `params`, `kernel` and the rules."""

    params = ()           # names of the attributes that define this op
    kernel = None         # runtime kernel key
    differentiable = True
    constant_folding = True   # False: never replaced by its value (side effects: Print)

    def __init__(self, **kwargs):
        for name in self.params:
            setattr(self, name, _freeze(kwargs.pop(name)))
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected parameters {sorted(kwargs)}")

    def key(self):
        return (type(self).__name__,) + tuple(getattr(self, p) for p in self.params)

    def __eq__(self, other):
        return isinstance(other, Op) and self.key() == other.key()

    def __hash__(self):
        return hash(self.key())

    @property
    def fused_ops(self):
        """The ops a fusion replaced (None for an op no fusion built). An op a pattern
        fusion builds with optional inputs defines `fused_ops_of(inputs)`; this is its list
        with every optional input present."""
        of = getattr(self, 'fused_ops_of', None)
        return None if of is None else of(None)

    def describe(self):
        args = ', '.join(f"{p}={getattr(self, p)!r}" for p in self.params)
        return f"{type(self).__name__}({args})" if args else type(self).__name__

    def attrs(self):
        """Plain attributes handed to the runtime kernel factory."""
        return {p: _thaw(getattr(self, p)) for p in self.params}

    def step_attrs(self, node):
        """Attributes of the runtime step computing `node` (default: the op's attrs)."""
        return self.attrs()

    def infer(self, *inputs):
        """Return (shape, dtype) of the output; raise ValueError on bad inputs."""
        raise NotImplementedError

    def grad(self, inputs, output, g):
        """Return one gradient (Tensor or None) per input, given the output gradient g."""
        raise NotDifferentiable(f"{self.describe()} has no gradient")

    def reference(self, *arrays):
        """Compute the output with numpy: the oracle tests compare kernels to."""
        raise NotImplementedError

    def __call__(self, *inputs):
        shape, dtype = self.infer(*inputs)
        return Tensor(self, inputs, shape, dtype)


def _freeze(value):
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value):
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def check_ndim(op, x, ndim, what='input'):
    if x.ndim != ndim:
        raise ValueError(f"{op.describe()}: expected a {ndim}-D {what}, received shape "
                         f"{x.shape}")


def float_dtype(*tensors):
    """The float dtype of a result: the widest float among inputs, else float32."""
    floats = [t.dtype for t in tensors if t.dtype.startswith('float')]
    if not floats:
        return 'float32'
    return max(floats, key=lambda d: int(d[5:]))
