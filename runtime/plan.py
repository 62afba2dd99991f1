"""The Plan: what the runtime executes, as plain data (no compiler objects).

Slots are numbered values. Steps run in order; each names a kernel by key, its plain
attributes, the slots it reads and the slot it writes. A Plan serialises to JSON plus a
dict of numpy arrays (constants), so an exported inference artifact needs no pickle.
"""
from dataclasses import dataclass, field

from .kernels.registry import VIEW_KERNELS


@dataclass
class Step:
    kernel: str
    attrs: dict
    inputs: list
    output: int
    label: str = ''          # the graph node it computes (for errors and profiles)
    free: list = field(default_factory=list)    # slots dead after this step
    inplace: int = -1        # input position whose buffer the output may reuse
    # Input positions holding variables whose buffers the step overwrites with its results
    # (their new values): the kernel gets out=that buffer, or a tuple of them.
    destroys: list = field(default_factory=list)

    def out_positions(self):
        """The input positions whose buffers the kernel gets as out= (the destroyed
        variables', else the reusable dying input's), in order."""
        if self.destroys:
            return list(self.destroys)
        return [self.inplace] if self.inplace >= 0 else []

    def to_json(self):
        return {'kernel': self.kernel, 'attrs': self.attrs, 'inputs': self.inputs,
                'output': self.output, 'label': self.label, 'free': self.free,
                'inplace': self.inplace, 'destroys': self.destroys}


@dataclass
class Plan:
    slots: list                                   # [(shape with None, dtype)]
    inputs: list                                  # [(name, slot)]
    outputs: list                                 # [slot]
    steps: list                                   # [Step]
    constants: dict = field(default_factory=dict)   # {slot: ndarray}
    variables: dict = field(default_factory=dict)   # {slot: variable key}
    updates: list = field(default_factory=list)     # [(variable key, slot)]
    name: str = 'function'

    def to_json(self):
        """Everything but the constants' values, as JSON-ready data."""
        return {'name': self.name, 'slots': [[list(s), d] for s, d in self.slots],
                'inputs': self.inputs, 'outputs': self.outputs,
                'steps': [s.to_json() for s in self.steps],
                'constants': sorted(self.constants), 'variables': self.variables,
                'updates': self.updates}

    @classmethod
    def from_json(cls, data, constants):
        slots = [(tuple(shape), dtype) for shape, dtype in data['slots']]
        steps = [Step(**s) for s in data['steps']]
        variables = {int(k): v for k, v in data['variables'].items()}
        return cls(slots, [tuple(i) for i in data['inputs']], data['outputs'], steps,
                   {int(k): v for k, v in constants.items()}, variables,
                   [tuple(u) for u in data['updates']], data['name'])


def roots(plan):
    """root[slot]: the slot owning the buffer that `slot` may be a view of."""
    root = list(range(len(plan.slots)))
    for step in plan.steps:
        if step.kernel in VIEW_KERNELS:
            root[step.output] = root[step.inputs[0]]
    return root
