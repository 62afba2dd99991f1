"""Memory planning of a Plan: variables updated in place (inplace.py), liveness, freeing
dead values, in-place elementwise steps.

Each step gets `free` (slots whose last reader it is: the executor drops them after it)
and `inplace` (an input position whose buffer the step may overwrite, or -1). A buffer is
overwritten only when it was freshly allocated by an earlier step (not a user's input, a
constant, a variable, an output or an update value, nor a view of one), when no other
slot still to be read shares it (views), and when it has the output's static shape and
dtype.
"""
from runtime.kernels.registry import OUT_KERNELS
from runtime.plan import roots

from .inplace import plan_variable_updates


def _last_use(plan):
    last = {}
    for index, step in enumerate(plan.steps):
        for slot in step.inputs:
            last[slot] = index
    return last


def _protected(plan):
    protected = {slot for _, slot in plan.inputs}
    protected |= set(plan.constants) | set(plan.variables) | set(plan.outputs)
    protected |= {slot for _, slot in plan.updates}
    return protected


def plan_memory(plan):
    """Update variables in place where that is safe (see inplace.py; this may reorder the
    steps), then fill in `free` and `inplace` of every step of `plan` (in place); returns
    plan."""
    plan_variable_updates(plan)
    root = roots(plan)
    last = _last_use(plan)
    protected = _protected(plan)
    protected_roots = {root[s] for s in protected}
    root_last = {}
    for slot, index in last.items():
        root_last[root[slot]] = max(root_last.get(root[slot], -1), index)
    for slot in protected:
        root_last[root[slot]] = len(plan.steps)      # alive to the end
    frees = [[] for _ in plan.steps]
    for slot, index in last.items():
        if slot not in protected:
            frees[index].append(slot)
    for index, step in enumerate(plan.steps):
        step.free = sorted(frees[index])
        step.inplace = _inplace_input(plan, step, index, root, root_last, protected_roots)
    return plan


def _inplace_input(plan, step, index, root, root_last, protected_roots):
    if step.kernel not in OUT_KERNELS or step.destroys:
        return -1
    out_shape, out_dtype = plan.slots[step.output]
    for position, slot in enumerate(step.inputs):
        if root[slot] != slot or slot in protected_roots:
            continue
        if root_last.get(slot) != index or step.inputs.count(slot) != 1:
            continue
        if plan.slots[slot] == (out_shape, out_dtype):
            root_last[slot] = len(plan.steps) + 1        # now owned by the output
            return position
    return -1
