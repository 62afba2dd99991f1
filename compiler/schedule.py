"""Turns an optimized graph into the runtime's plain `Plan`."""
from runtime.plan import Plan, Step

from .ir import toposort


def variable_key(var):
    return f"{var.name}#{var.id}"


def schedule(inputs, outputs, updates, name='function'):
    """Plan computing `outputs` and the update values, in topological order.

    Args:
        inputs: placeholders, in the order the caller passes arrays.
        outputs: tensors to return.
        updates: [(Variable, tensor)] applied after the call.
    """
    slots, slot_of = [], {}
    constants, variables, steps = {}, {}, []

    def slot(node):
        slot_of[node.id] = len(slots)
        slots.append((tuple(node.shape), node.dtype))
        return slot_of[node.id]

    for node in inputs:
        if node.id not in slot_of:
            slot(node)
    for node in toposort(list(outputs) + [value for _, value in updates]):
        if node.id in slot_of:
            continue
        index = slot(node)
        if node.kind == 'constant':
            constants[index] = node.value
        elif node.kind == 'variable':
            variables[index] = variable_key(node)
        elif node.kind == 'input':
            raise ValueError(f"function {name!r}: the outputs depend on input {node.name!r} "
                             f"of shape {node.shape}, which is not among the inputs "
                             f"{[i.name for i in inputs]}")
        else:
            steps.append(Step(node.op.kernel, node.op.step_attrs(node),
                              [slot_of[i.id] for i in node.inputs], index, node.name))
    plan_inputs = [(node.name, slot_of[node.id]) for node in inputs]
    plan_updates = [(variable_key(var), slot_of[value.id]) for var, value in updates]
    return Plan(slots, plan_inputs, [slot_of[o.id] for o in outputs], steps, constants,
                variables, plan_updates, name)
