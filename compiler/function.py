"""compiler.function: graph in, compiled runtime callable out.

Pipeline: collect default updates -> substitute givens -> rewrite passes (the seam where
optimizations plug in) -> schedule into a Plan -> runtime.CompiledFunction.
"""
from runtime.function import CompiledFunction

from . import builders as B
from .graph import rebuild, graph_variables
from .provenance import layer_groups
from .ir import is_tensor, Variable, toposort
from .lowering import lower
from .memory import plan_memory
from .ops.recurrent import has_deferred
from .rewrite import optimize
from .schedule import schedule, variable_key
from .specialized import SpecializedFunction


class GraphInfo:
    """What a compiled function keeps for inspection: graphs before and after rewrites."""

    def __init__(self, inputs, outputs, updates, original, log):
        self.inputs, self.outputs, self.updates = inputs, outputs, updates
        self.original = original
        self.rewrite_log = log

    @property
    def roots(self):
        return list(self.outputs) + [value for _, value in self.updates]

    def node_counts(self):
        """(op nodes before rewrites, op nodes after rewrites)."""
        def count(roots):
            return sum(1 for node in toposort(list(roots)) if node.op is not None)
        return count(self.original), count(self.roots)


def _normalize_updates(updates, name):
    pairs = list(updates.items()) if isinstance(updates, dict) else list(updates or [])
    result = []
    for pair in pairs:
        var, value = pair
        if not isinstance(var, Variable):
            raise TypeError(f"function {name!r}: an update must target a variable, "
                            f"received {var!r}")
        value = B.as_tensor(value, var)
        if value.ndim != var.ndim or any(
                v is not None and v != s for v, s in zip(value.shape, var.shape)):
            raise ValueError(f"function {name!r}: update of variable {var.name!r} has shape "
                             f"{value.shape}, expected {var.shape}")
        result.append((var, B.cast(value, var.dtype)))
    return result


def _with_default_updates(roots, updates):
    """Add the default updates (random states) of variables that `roots` read."""
    updated = {var.id for var, _ in updates}
    pending = list(roots)
    while pending:
        fresh = []
        for var in graph_variables(pending):
            if var.default_update is not None and var.id not in updated:
                updated.add(var.id)
                updates.append((var, var.default_update))
                fresh.append(var.default_update)
        pending = fresh
    return updates


def _op_label(op):
    """'MatMul', or 'FusedElemwise[Log, Mul]' for a fused node."""
    fused = getattr(op, 'fused_ops', None)
    return f"{type(op).__name__}[{', '.join(fused)}]" if fused else type(op).__name__


class _LazyInspect:
    """`compiler.inspect`, imported on first use: networkx alone costs ~0.1 s per process."""

    def __getattr__(self, name):
        from . import inspect
        return getattr(inspect, name)


_INSPECT = _LazyInspect()


def describe_nodes(roots, original_roots=()):
    """{node name: {'op', 'layer', 'source'}} (plain strings) for the runtime's messages.

    Layers come from the Keras history of the graph the caller built (`original_roots`);
    rewritten nodes keep the name of the node they replace and inherit its layer.
    """
    original = toposort(list(original_roots))
    groups = layer_groups(original)
    layer_by_name = {node.name: groups[node.id] for node in original if node.id in groups}
    nodes = {}
    for node in toposort(list(roots)):
        if node.op is not None:
            nodes[node.name] = {'op': _op_label(node.op), 'layer': layer_by_name.get(node.name),
                                'source': node.source}
    return nodes


def function(inputs, outputs, updates=None, givens=None, name='function', profile=False,
             optimize_graph=True, plan_buffers=True, nan_guard=False):
    """Compile a graph into a `runtime.CompiledFunction` (a `SpecializedFunction`, compiled
    per input shape, when the graph loops over a time axis of unknown size).

    Args:
        inputs: list of placeholder tensors (the arrays the function takes, in order).
        outputs: list of tensors to compute.
        updates: list of (variable, new value) or dict; applied after the outputs are
            computed (outputs see the values from before the call).
        givens: {tensor: tensor or value} substituted before compiling.
        profile: time every kernel (see `CompiledFunction.profile`).
        optimize_graph: run the rewrite passes (off: for tests comparing passes).
        plan_buffers: free dead values early and compute elementwise steps in place.
        nan_guard: raise FloatingPointError naming the first node (op, layer, source
            line) whose value holds a NaN or inf (checked after every kernel).
    """
    inputs, outputs = list(inputs), list(outputs)
    for x in inputs:
        if not is_tensor(x) or x.kind != 'input':
            raise TypeError(f"function {name!r}: inputs must be placeholders, received {x!r}")
    updates = _normalize_updates(updates, name)
    replace = {t.id: B.cast(B.as_tensor(v, t), t.dtype) for t, v in (givens or {}).items()}
    roots, _ = rebuild(outputs + [value for _, value in updates], replace)
    if has_deferred(roots):
        # Loops over a time axis of unknown size: compiled per input shape, unrolled.
        def compile_one(inputs, outputs, updates):
            return function(inputs, outputs, updates, None, name, profile, optimize_graph,
                            plan_buffers, nan_guard)
        return SpecializedFunction(compile_one, lower, inputs, roots[:len(outputs)],
                                   [(var, value) for (var, _), value in
                                    zip(updates, roots[len(outputs):])], name, nan_guard)
    # Default updates (random states) only of the variables the graph still reads once
    # the givens are folded: a predict function (learning phase 0) advances no dropout.
    folded, _ = optimize(roots, ('canonicalize',))
    explicit = len(updates)
    updates = _with_default_updates(folded, updates)
    defaults, _ = rebuild([value for _, value in updates[explicit:]], replace)
    roots = roots + defaults
    user_roots = outputs + [value for _, value in updates]
    original = roots
    log = []
    if optimize_graph:
        roots, log = optimize(roots)
    new_outputs, new_values = roots[:len(outputs)], roots[len(outputs):]
    new_updates = [(var, value) for (var, _), value in zip(updates, new_values)
                   if value is not var]
    plan = schedule(inputs, new_outputs, new_updates, name)
    if plan_buffers:
        plan_memory(plan)
    variables = {variable_key(var): var for var in graph_variables(roots)}
    variables.update({variable_key(var): var for var, _ in new_updates})
    info = GraphInfo(inputs, new_outputs, new_updates, original, log)
    nodes = describe_nodes(roots, user_roots)
    return CompiledFunction(plan, variables, graph=info, inspector=_INSPECT, profile=profile,
                            nodes=nodes, nan_guard=nan_guard)
