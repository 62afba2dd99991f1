"""A loop over a time axis of unknown size, and gradients taken through one.

- `StepGraph`: a step function traced once on stand-in placeholders (one time step of the
  sequence, the states), with the outer tensors its graph reads (`captured`: weights,
  dropout masks, constants computed outside the step).
- `Recurrent`: one result of running a StepGraph over axis 1 of a sequence: all outputs
  (samples, time, ...), the last output, or final state i. Inputs: the sequence, the
  initial states, the mask (when `masked`), then the captured tensors.
- `DeferredGrad`: the gradient of a cost with respect to one tensor, taken once the
  cost's loops are unrolled.

Neither op has a kernel: a compiled function whose graph holds them is compiled for each
shape of its inputs, after `compiler.lowering` has unrolled every Recurrent node for that
shape's number of time steps and differentiated the unrolled graph (so the compiler
still fuses, schedules and differentiates ordinary static graph). Not registered in
`OPS`, whose ops all have kernels.
"""
from ..ir import placeholder, toposort
from .base import Op


class StepGraph:
    """`step_function(input, states) -> (output, new_states)` traced once.

    Before the trace the step runs once on the first time step of `sequence` and the
    initial states, its results unused: what a step function makes on its first call
    and keeps (a cell's dropout masks) is then made from outer tensors, shared by every
    time step as in the unrolled loop, instead of per step from the stand-ins.

    Attributes:
        x: the placeholder standing for one time step (samples, ...).
        states: the placeholders standing for the states.
        output, new_states: the traced results.
        captured: the outer tensors the traced graph reads (not constants).
    """

    def __init__(self, step_function, sequence, states):
        step_function(sequence[:, 0], list(states))
        self.x = placeholder(sequence.shape[:1] + sequence.shape[2:], sequence.dtype,
                             'step_input')
        self.states = [placeholder(s.shape, s.dtype, f'step_state_{i}')
                       for i, s in enumerate(states)]
        output, new_states = step_function(self.x, list(self.states))
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) \
            else [new_states]
        if len(new_states) != len(states):
            raise ValueError(f"rnn: the step function returned {len(new_states)} states for "
                             f"{len(states)} initial states")
        for i, (old, new) in enumerate(zip(self.states, new_states)):
            if new.dtype != old.dtype or new.ndim != old.ndim or any(
                    a is not None and b is not None and a != b
                    for a, b in zip(old.shape, new.shape)):
                raise ValueError(f"rnn: state {i} enters the step as {old.dtype} "
                                 f"{old.shape} and leaves it as {new.dtype} {new.shape}; "
                                 f"over a time axis of unknown size they must agree")
        self.output, self.new_states = output, new_states
        self._trace()

    def _trace(self):
        """The step's own nodes in order (those reading a stand-in) and the captured
        outer tensors."""
        roots = [self.output] + self.new_states
        stand_ins = {p.id for p in [self.x] + self.states}
        order = toposort(roots)
        inner = set(stand_ins)
        for node in order:
            if node.op is not None and any(i.id in inner for i in node.inputs):
                inner.add(node.id)
        self.inner = [n for n in order if n.id in inner and n.id not in stand_ins]
        captured, seen = [], set()
        edges = [i for n in self.inner for i in n.inputs] + roots
        for tensor in edges:
            if tensor.id not in inner and tensor.kind != 'constant' and tensor.id not in seen:
                seen.add(tensor.id)
                captured.append(tensor)
        self.captured = captured

    def apply(self, x, states, captured):
        """(output, new states) of one step on the tensors x and states, with `captured`
        (the rebuilt captured tensors, in order) in place of the traced ones."""
        mapping = {p.id: t for p, t in zip([self.x] + self.states, [x] + list(states))}
        mapping.update({c.id: t for c, t in zip(self.captured, captured)})
        for node in self.inner:
            new = node.op(*(mapping.get(i.id, i) for i in node.inputs))
            new.name, new.source = node.name, node.source
            mapping[node.id] = new
        results = [mapping.get(r.id, r) for r in [self.output] + self.new_states]
        return results[0], results[1:]

    def __repr__(self):
        return f"<step of {len(self.inner)} nodes, {len(self.states)} states>"


class Recurrent(Op):
    """One result of a StepGraph run over axis 1 of the sequence (see the module
    docstring). `result`: 'sequence', 'last', or the index of a final state."""

    params = ('step', 'result', 'go_backwards', 'masked')
    kernel = None

    def split(self, inputs):
        """(sequence, initial states, mask or None, captured) from the node's inputs."""
        count = len(self.step.states)
        mask = inputs[1 + count] if self.masked else None
        return (inputs[0], list(inputs[1:1 + count]), mask,
                list(inputs[1 + count + int(self.masked):]))

    def infer(self, *inputs):
        sequence, states, mask, _ = self.split(inputs)
        step = self.step
        if sequence.ndim < 3 or sequence.ndim != step.x.ndim + 1:
            raise ValueError(f"Recurrent: expected a sequence of shape {step.x.shape[:1]} + "
                             f"(time,) + {step.x.shape[1:]}, received {sequence.shape}")
        if mask is not None and (mask.ndim != 2 or mask.dtype != 'bool'):
            raise ValueError(f"Recurrent: expected a bool mask (samples, time), received "
                             f"{mask.dtype} {mask.shape}")
        if self.result == 'sequence':
            out = step.output
            return (out.shape[0], sequence.shape[1]) + out.shape[1:], out.dtype
        if self.result == 'last':
            return step.output.shape, step.output.dtype
        state = step.new_states[self.result]
        return state.shape, state.dtype

    def grad(self, inputs, output, g):
        raise AssertionError("Recurrent: gradients are deferred until the loop is unrolled "
                             "(compiler.autodiff.gradients)")


class DeferredGrad(Op):
    """d cost / d wrt[index] for a cost whose graph holds loops of unknown length.
    Inputs: (cost, *wrt)."""

    params = ('index', 'stabilize')
    kernel = None

    def infer(self, cost, *wrt):
        target = wrt[self.index]
        return target.shape, target.dtype

    def grad(self, inputs, output, g):
        raise AssertionError("DeferredGrad: gradients of it are deferred too")


DEFERRED = (Recurrent, DeferredGrad)


def has_deferred(roots):
    """Whether the graph of `roots` holds a Recurrent or DeferredGrad node."""
    return any(isinstance(node.op, DEFERRED) for node in toposort(list(roots)))
