"""Runs a Plan: no op-specific branches, just kernels looked up by key."""
import time

import numpy as np

from .kernels import get_kernel


class KernelError(RuntimeError):
    """A kernel failed; the message names the step and the graph node."""


class Executor:
    """Binds each step of a plan to its kernel once, then runs the steps in order."""

    def __init__(self, plan):
        self.plan = plan
        self.bound = [(get_kernel(s.kernel, s.attrs), s.inputs, s.output, s.free, s.inplace)
                      for s in plan.steps]
        self.times = None

    def enable_profiling(self):
        self.times = np.zeros((len(self.bound), 2))

    def run(self, values):
        """Run all steps. `values` is a list of slots with inputs, constants and variables
        filled in; it is filled with every computed value."""
        for index, (kernel, inputs, output, free, inplace) in enumerate(self.bound):
            args = [values[i] for i in inputs]
            extra = {'out': args[inplace]} if inplace >= 0 else {}
            try:
                if self.times is None:
                    values[output] = kernel(*args, **extra)
                else:
                    start = time.perf_counter()
                    values[output] = kernel(*args, **extra)
                    self.times[index] += (time.perf_counter() - start, 1)
            except Exception as error:   # name the step, keep the original cause
                step = self.plan.steps[index]
                shapes = [np.shape(a) for a in args]
                raise KernelError(f"kernel {step.kernel!r} computing {step.label!r} failed "
                                  f"on inputs of shapes {shapes}: {error}") from error
            for slot in free:
                values[slot] = None
        return values
