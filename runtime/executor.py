"""Runs a Plan: no op-specific branches, just kernels looked up by key."""
import time

import numpy as np

from . import stable
from .kernels import get_kernel


class KernelError(RuntimeError):
    """A kernel failed; the message names the step, the graph node and its layer."""


class NanGuardError(FloatingPointError):
    """A NaN or inf appeared. Attributes: `node`, `op`, `layer`, `source` (op, layer and
    source are None when the value came in through an input or a variable: `node` then
    names that input or variable)."""

    def __init__(self, message, node, op=None, layer=None, source=None):
        super().__init__(message)
        self.node, self.op, self.layer, self.source = node, op, layer, source


def _non_finite(value):
    """(NaN count, inf count) of a float array, or None when it is finite or not float."""
    if not isinstance(value, np.ndarray) or value.dtype.kind not in 'fc':
        return None
    if np.isfinite(value).all():
        return None
    nans = int(np.isnan(value).sum())
    return nans, int(value.size - nans - np.isfinite(value).sum())


def _leaf_names(plan):
    """{slot: description} of the values a call brings in: inputs and variables. (Constants
    are part of the program and may hold inf on purpose, e.g. an unbounded clip.)"""
    names = {slot: f"input {name!r}" for name, slot in plan.inputs}
    names.update({slot: f"variable {key.split('#')[0]!r}" for slot, key in
                  plan.variables.items()})
    return names


def _into(step):
    """The slots whose buffers `step`'s kernel gets as out=, in order."""
    return tuple(step.inputs[p] for p in step.out_positions())


def _updates_variable(step, plan):
    """Whether `step` writes into a variable's buffer: runtime.stable's epoch is advanced
    before it runs (kept transforms of that variable are then stale)."""
    return any(slot in plan.variables for slot in _into(step))


def _straight_line(bound, name):
    """The plain loop over `bound` as one generated Python function, run(values) ->
    (index, None), or (the failing step's index, its exception): a line per step calling
    its kernel with the slots as constants (no loop, no tuple unpacking, no argument
    list built per step), then the frees. 0.12 instead of 0.41 us per step with empty
    kernels (the MLP 784-512-512-10 step: 3.1 against 10.6 us of its 26 steps; an
    unrolled LSTM runs ~900)."""
    lines = ['def run(values):', '    index = 0', '    try:', '        pass']
    names = {'advance': stable.advance}
    for index, (kernel, inputs, output, free, into, updating) in enumerate(bound):
        names[f'k{index}'] = kernel
        args = [f'values[{slot}]' for slot in inputs]
        if len(into) == 1:
            args.append(f'out=values[{into[0]}]')
        elif into:
            args.append('out=(' + ''.join(f'values[{slot}], ' for slot in into) + ')')
        lines.append(f'        index = {index}')
        if updating:
            lines.append('        advance()')
        lines.append(f'        values[{output}] = k{index}({", ".join(args)})')
        lines.extend(f'        values[{slot}] = None' for slot in free)
    lines += ['    except Exception as error:', '        return index, error',
              '    return len(values), None']
    code = compile('\n'.join(lines) + '\n', f'<plan {name!r}>', 'exec')
    exec(code, names)
    return names['run']


def out_argument(buffers):
    """The out= a kernel takes: one buffer, or a tuple of them."""
    return buffers[0] if len(buffers) == 1 else tuple(buffers)


class Executor:
    """Binds each step of a plan to its kernel once, then runs the steps in order (the
    plain run: one generated function, see `_straight_line`).

    Args:
        plan: the `Plan`.
        nodes: optional {step label: {'op', 'layer', 'source'}} (plain strings) used to
            say where a failing or non-finite step comes from.
    """

    def __init__(self, plan, nodes=None):
        self.plan = plan
        self.nodes = dict(nodes or {})
        # (kernel, inputs, output, free, into, updating); into: the slots whose buffers
        # the kernel gets as out= (a dying input's, or the variables' a step updates in
        # place); updating: whether one of them is a variable's (see _updates_variable).
        self.bound = [(get_kernel(s.kernel, s.attrs), tuple(s.inputs), s.output,
                       tuple(s.free), _into(s), _updates_variable(s, plan))
                      for s in plan.steps]
        self.times = None
        self.nan_guard = False
        self._leaves = _leaf_names(plan)
        self._straight = _straight_line(self.bound, plan.name)

    def set_kernel(self, index, kernel):
        """Run `kernel` for step `index` from now on (tests: a failing kernel)."""
        self.bound[index] = (kernel,) + tuple(self.bound[index][1:])
        self._straight = _straight_line(self.bound, self.plan.name)

    def enable_profiling(self):
        self.times = np.zeros((len(self.bound), 2))

    def run(self, values):
        """Run all steps. `values` is a list of slots with inputs, constants and variables
        filled in; it is filled with every computed value. Under the NaN guard (which may
        still refuse the call) steps that would update variables in place (`destroys`)
        write new buffers instead.

        Raises:
            KernelError: a kernel failed (nothing is written back to variables).
            NanGuardError: (nan_guard on) a leaf or a step's output holds NaN or inf.
        """
        if self.nan_guard or self.times is not None:
            return self._run_checked(values)
        index, error = self._straight(values)
        if error is not None:        # name the step, keep the original cause
            raise self._kernel_error(index, values, error) from error
        return values

    def _run_checked(self, values):
        """The same loop, timing every kernel and/or checking every value (nan_guard)."""
        guard = self.nan_guard
        if guard:
            self._check_leaves(values)
        for index, (kernel, inputs, output, free, into, updating) in enumerate(self.bound):
            if updating:
                stable.advance()
            args = [values[i] for i in inputs]
            extra = {}
            if into and not (guard and self.plan.steps[index].destroys):
                extra = {'out': out_argument([values[i] for i in into])}
            try:
                if self.times is None:
                    values[output] = kernel(*args, **extra)
                else:
                    start = time.perf_counter()
                    values[output] = kernel(*args, **extra)
                    self.times[index] += (time.perf_counter() - start, 1)
            except Exception as error:   # name the step, keep the original cause
                raise self._kernel_error(index, values, error) from error
            if guard:
                self._check_step(index, values[output])
            for slot in free:
                values[slot] = None
        return values

    def _kernel_error(self, index, values, error):
        shapes = [np.shape(values[i]) for i in self.bound[index][1]]
        return KernelError(f"kernel {self.plan.steps[index].kernel!r} computing "
                           f"{self.where(index)} failed on inputs of shapes {shapes}: {error}")

    def where(self, index):
        """'node' (op X, layer 'l', built at file.py:LINE) for step `index`."""
        label = self.plan.steps[index].label
        info = self.nodes.get(label, {})
        parts = [f"op {info['op']}"] if info.get('op') else []
        if info.get('layer'):
            parts.append(f"layer {info['layer']!r}")
        if info.get('source'):
            parts.append(f"built at {info['source']}")
        return f"{label!r}" + (f" ({', '.join(parts)})" if parts else '')

    def _check_step(self, index, value):
        counts = _non_finite(value)
        if counts is None:
            return
        label = self.plan.steps[index].label
        info = self.nodes.get(label, {})
        raise NanGuardError(
            f"NaN guard: node {self.where(index)} produced {counts[0]} NaN and {counts[1]} "
            f"inf values in an output of shape {np.shape(value)}, from finite inputs",
            label, info.get('op'), info.get('layer'), info.get('source'))

    def _check_leaves(self, values):
        for slot, name in self._leaves.items():
            counts = _non_finite(values[slot])
            if counts is not None:
                raise NanGuardError(f"NaN guard: {name} holds {counts[0]} NaN and {counts[1]} "
                                    f"inf values (shape {np.shape(values[slot])})", name)
