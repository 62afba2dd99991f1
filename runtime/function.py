"""CompiledFunction: the callable every K.function, fit and predict run.

Calls are all-or-nothing: inputs are validated before any kernel runs, and variable
updates are written only after every kernel succeeded, so a failing call changes nothing.
(A step may write a variable's new value into the variable's own buffer: the planner puts
such steps after every other step, see compiler/inplace.py. So a variable owns its buffer
alone: outputs and update values that would share one are copied.)

Calls are serialised by one process-wide lock: the kernels run Numba `prange` loops, and
Numba's default threading layer (workqueue) aborts the process when two threads enter
parallel regions at once. Threads may share compiled functions; their calls take turns.
"""
import threading

import numpy as np

from . import stable
from .executor import Executor
from .plan import roots
from .warmup import first_call

# One lock for every compiled function: two *different* functions running parallel
# kernels at once trip Numba's workqueue layer just as two calls of the same one do.
CALL_LOCK = threading.Lock()


def _shape_matches(expected, received):
    if len(expected) != len(received):
        return False
    for e, r in zip(expected, received):
        if e is not None and e != r:
            return False
    return True


def _sharing(plan):
    """(output positions, update positions) whose values must be copied so that every
    variable owns its buffer alone, for it may be updated in place by a later call: an
    output sharing a variable's or an update's buffer (else the caller would see it
    change), or a constant's (else the caller could change it); an update value that is
    (a view of) an input, a constant or a variable, or that shares its buffer with an
    earlier update (distinct 'part' results of one step do not overlap)."""
    root = roots(plan)
    leaves = {slot for _, slot in plan.inputs} | set(plan.constants) | set(plan.variables)
    part_of = {s.output: s.attrs.get('index') for s in plan.steps if s.kernel == 'part'}
    updates, seen = set(), {}
    for position, (_, slot) in enumerate(plan.updates):
        owner = root[slot]
        earlier = seen.setdefault(owner, [])
        if owner in leaves or any(part_of.get(slot) is None or part_of.get(other) is None
                                  or part_of.get(slot) == part_of.get(other)
                                  for other in earlier):
            updates.add(position)
        earlier.append(slot)
    shared = set(plan.variables) | set(plan.constants) | {root[s] for _, s in plan.updates}
    outputs = {position for position, slot in enumerate(plan.outputs)
               if root[slot] in shared}
    return outputs, updates


class CompiledFunction:
    """Runs a Plan: validates inputs, executes the steps, applies variable updates.

    Args:
        plan: the `Plan` to execute.
        variables: {variable key: holder}; a holder has a `value` attribute (numpy array)
            read before the call and replaced by the update after it.
        graph: optional inspection data (the optimized graph) kept for the user.
        inspector: optional object offering to_networkx/to_dot/debugprint for `graph`.
        profile: time every kernel (see `profile()`).
        nodes: optional {step label: {'op', 'layer', 'source'}} (plain strings) naming
            where each step comes from, for error and NaN-guard messages.
        nan_guard: check every value for NaN/inf after each kernel and raise
            `FloatingPointError` naming the first node that produced one (settable later
            through the `nan_guard` attribute).
    """

    def __init__(self, plan, variables=None, graph=None, inspector=None, profile=False,
                 nodes=None, nan_guard=False):
        self.plan = plan
        self.name = plan.name
        self.variables = dict(variables or {})
        self.graph = graph
        self._inspector = inspector
        self._executor = Executor(plan, nodes)
        self._executor.nan_guard = bool(nan_guard)
        if profile:
            self._executor.enable_profiling()
        self._template = [None] * len(plan.slots)
        for slot, value in plan.constants.items():
            self._template[slot] = value
        # Per input: (name, slot, shape, dtype); inputs that already are C-contiguous
        # arrays of that dtype and shape are taken as they are (no conversion, no copy).
        self._inputs = [(name, slot, tuple(plan.slots[slot][0]),
                         np.dtype(plan.slots[slot][1])) for name, slot in plan.inputs]
        self._called = False     # the first call may compile kernels (see warmup)
        self._copied_outputs, self._copied_updates = _sharing(plan)

    @property
    def nan_guard(self):
        """Whether each call checks every computed value for NaN/inf."""
        return self._executor.nan_guard

    @nan_guard.setter
    def nan_guard(self, enabled):
        self._executor.nan_guard = bool(enabled)

    def __call__(self, inputs):
        arrays = self._validate(inputs)
        variables = self.variables
        with CALL_LOCK:
            values = list(self._template)
            for (_, slot, _, _), array in zip(self._inputs, arrays):
                values[slot] = array
            for slot, key in self.plan.variables.items():
                values[slot] = variables[key].value
            if self._called:
                self._executor.run(values)
            else:
                with first_call(self.plan, arrays):
                    self._executor.run(values)
                self._called = True
            outputs = [values[slot] for slot in self.plan.outputs]
            for position in self._copied_outputs:
                outputs[position] = np.array(outputs[position])
            self._apply_updates(values)
        return outputs

    def _apply_updates(self, values):
        """Write every update back, after all of them converted (all or nothing)."""
        new_values = []
        for position, (key, slot) in enumerate(self.plan.updates):
            holder = self.variables[key]
            value = values[slot]
            if value is holder.value:
                continue                 # updated in place (or unchanged)
            dtype = holder.value.dtype
            if position in self._copied_updates:
                value = np.array(value, dtype=dtype, order='C')
            elif not (type(value) is np.ndarray and value.dtype == dtype  # noqa: E721
                      and value.flags.c_contiguous):
                value = np.asarray(value, dtype=dtype, order='C')
            new_values.append((holder, value))
        for holder, value in new_values:
            holder.value = value
            stable.hold(value)

    def _validate(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        expected = self._inputs
        if len(inputs) != len(expected):
            raise ValueError(f"function {self.name!r}: expected {len(expected)} input arrays "
                             f"({', '.join(e[0] for e in expected)}), received {len(inputs)}")
        arrays = []
        for (name, slot, shape, dtype), value in zip(expected, inputs):
            if not (type(value) is np.ndarray and value.dtype == dtype  # noqa: E721
                    and value.flags.c_contiguous and _shape_matches(shape, value.shape)):
                value = self._check(name, slot, value)
            arrays.append(value)
        return arrays

    def _check(self, name, slot, value):
        shape, dtype = self.plan.slots[slot]
        if value is None or callable(value) and not hasattr(value, 'shape'):
            raise TypeError(f"function {self.name!r}: input {name!r} expected an array of "
                            f"shape {tuple(shape)}, received {value!r}")
        try:
            array = np.asarray(value)
        except (TypeError, ValueError) as error:     # ragged lists, failing __array__
            raise TypeError(f"function {self.name!r}: input {name!r} could not be read as "
                            f"an array of shape {tuple(shape)}: {error}") from None
        if array.dtype.kind not in 'biuf':
            raise TypeError(f"function {self.name!r}: input {name!r} expected numeric data "
                            f"of dtype {dtype}, received dtype {array.dtype}")
        if not _shape_matches(shape, array.shape):
            raise ValueError(f"function {self.name!r}: input {name!r} expected shape "
                             f"{tuple(shape)}, received {array.shape}")
        # Numeric inputs are cast to the declared dtype (Theano's allow_input_downcast,
        # which Keras turned on): uint8 images feed a float32 model.
        return np.ascontiguousarray(array, dtype=dtype)

    # Inspection and profiling -------------------------------------------------------
    def _inspect(self, what, *args, **kwargs):
        if self._inspector is None:
            raise RuntimeError(f"function {self.name!r} carries no graph to inspect")
        return getattr(self._inspector, what)(self, *args, **kwargs)

    def to_networkx(self):
        """The optimized graph as a networkx.DiGraph (nodes carry op, shape, dtype)."""
        return self._inspect('to_networkx')

    def to_dot(self):
        """The optimized graph as Graphviz DOT text."""
        return self._inspect('to_dot')

    def to_svg(self, **kwargs):
        """The optimized graph drawn as SVG text (no Graphviz needed)."""
        return self._inspect('to_svg', **kwargs)

    def to_html(self, **kwargs):
        """A self-contained HTML page exploring the graph."""
        return self._inspect('to_html', **kwargs)

    def debugprint(self, file=None):
        """Theano-style indented text of the optimized graph (printed to `file`)."""
        return self._inspect('debugprint', file=file)

    def start_profiling(self):
        """Time every kernel from now on (resets earlier timings); see `profile()`."""
        self._executor.enable_profiling()

    def profile(self, file=None):
        """Per-kernel timings (needs profile=True at compile time), slowest first.

        Prints the table (to `file`, default stdout) and returns its rows: dicts with
        kernel, node, calls, seconds, percent.
        """
        from .profile import ProfileTable
        if self._executor.times is None:
            raise RuntimeError(f"function {self.name!r} was not compiled with profile=True")
        table = ProfileTable.from_plan(self.plan, self._executor.times)
        print(table, file=file)
        return table
