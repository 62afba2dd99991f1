"""A compiled function whose graph loops over a time axis of unknown size: compiled once
per distinct shape of its inputs (less the batch axis), each time with every loop
unrolled for that shape (compiler/lowering.py), and cached. A loop over the batch axis
itself (`K.map_fn` over the samples) makes it compile per batch size too.

Training on sequences of one length compiles once; a new length costs one more compile
(the kernels come from the disk cache: 0.2-0.6 s for an LSTM model here). Everything but
the call is read from the function compiled for the latest call's shapes. At most
MAX_SHAPES compiled functions are kept (the oldest goes first), and a warning says when
a function has been compiled for WARN_SHAPES shapes: sequences padded to a few lengths
(buckets) compile a few times, sequences of every length compile at every new length.
"""
import warnings

import numpy as np

from .ir import placeholder
from .lowering import UnknownSteps

MAX_SHAPES = 64
WARN_SHAPES = 16


class SpecializedFunction:
    """Callable like `runtime.CompiledFunction` (a list of arrays in, a list of arrays
    out).

    Args:
        compile: `compile(inputs, outputs, updates)` -> CompiledFunction, for graphs with
            no loop of unknown length left.
        lower: `lower(roots, replace)` -> (roots, mapping) (compiler.lowering.lower).
        inputs, outputs, updates: the graph as `compiler.function` received it (updates
            a list of (variable, value) pairs; givens already substituted).
        name: the function's name, for messages.
    """

    def __init__(self, compile, lower, inputs, outputs, updates, name, nan_guard=False):
        self._compile_fn, self._lower = compile, lower
        self.inputs, self.outputs, self.updates = inputs, outputs, updates
        self.name = name
        self._compiled = {}
        self._last = None
        self._nan_guard = bool(nan_guard)
        self._profiling = False
        self._batch_too = False    # a loop runs over a batch axis: key on it as well
        self._specializations = 0  # compiles so far (some may have been dropped)

    @property
    def compiled_shapes(self):
        """The input shapes compiled so far, one tuple per input (None: the input's shape
        is static; None entries: the axes left open, the batch)."""
        return list(self._compiled)

    @property
    def nan_guard(self):
        """Whether each call checks every computed value for NaN/inf."""
        return self._nan_guard

    @nan_guard.setter
    def nan_guard(self, enabled):
        self._nan_guard = bool(enabled)
        for function in self._compiled.values():
            function.nan_guard = self._nan_guard

    def start_profiling(self):
        """Time every kernel of this and every later specialization."""
        self._profiling = True
        for function in self._compiled.values():
            function.start_profiling()

    def __call__(self, inputs):
        arrays = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(arrays) != len(self.inputs):
            raise ValueError(f"function {self.name!r}: expected {len(self.inputs)} input "
                             f"arrays ({', '.join(x.name for x in self.inputs)}), received "
                             f"{len(arrays)}")
        key = self._key(arrays)
        function = self._compiled.get(key)
        if function is None:
            try:
                function = self._specialize(key)
            except UnknownSteps:
                if self._batch_too:
                    raise
                self._batch_too = True      # a loop over the batch axis: key on it too
                key = self._key(arrays)
                function = self._specialize(key)
            self._keep(key, function)
        self._last = function
        return function(arrays)

    def _keep(self, key, function):
        if len(self._compiled) >= MAX_SHAPES:
            del self._compiled[next(iter(self._compiled))]
        self._compiled[key] = function
        self._specializations += 1
        if self._specializations == WARN_SHAPES:
            warnings.warn(f"function {self.name!r} has now been compiled for "
                          f"{WARN_SHAPES} input shapes (its graph loops over an axis of "
                          f"unknown size, unrolled per shape): pad the sequences to a few "
                          f"lengths to compile less", stacklevel=3)

    def _key(self, arrays):
        """Per input: None (its placeholder's shape is static after the batch axis), else
        the array's shape, its batch axis as None unless loops run over batch axes."""
        if self._batch_too:
            return tuple(tuple(np.shape(a)) if _open(x, True) else None
                         for x, a in zip(self.inputs, arrays))
        return tuple(x.shape[:1] + tuple(np.shape(a)[1:]) if _open(x) else None
                     for x, a in zip(self.inputs, arrays))

    def _specialize(self, key):
        replace, inputs = {}, []
        for x, shape in zip(self.inputs, key):
            if shape is None:
                inputs.append(x)
                continue
            if len(shape) != x.ndim or any(
                    d is not None and s is not None and d != s
                    for d, s in zip(x.shape, shape)):
                raise ValueError(f"function {self.name!r}: input {x.name!r} expected shape "
                                 f"{x.shape}, received {(None,) + tuple(shape[1:])}")
            fixed = placeholder(shape, x.dtype, x.name)
            replace[x.id] = fixed
            inputs.append(fixed)
        roots, _ = self._lower(list(self.outputs) + [v for _, v in self.updates], replace)
        outputs, values = roots[:len(self.outputs)], roots[len(self.outputs):]
        function = self._compile_fn(inputs, outputs,
                                    [(var, v) for (var, _), v in zip(self.updates, values)])
        function.nan_guard = self._nan_guard
        if self._profiling:
            function.start_profiling()
        return function

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        if self._last is None:
            raise AttributeError(
                f"function {self.name!r} has no {name!r} before its first call: its graph "
                f"loops over a time axis of unknown size, and it is compiled for the shapes "
                f"of the inputs of each call")
        return getattr(self._last, name)


def _open(x, batch_too=False):
    """Whether placeholder x has an axis of unknown size (after the batch axis, unless
    `batch_too`)."""
    return any(d is None for d in x.shape[0 if batch_too else 1:])
