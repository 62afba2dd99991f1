"""Export a compiled function (its optimized plan and current variable values)."""
from runtime import artifact
from runtime.function import CALL_LOCK


def export_function(function, path):
    """Write `function` (a runtime.CompiledFunction) to `path` as an inference artifact.

    Variables are saved at their current values; updates are not exported (an inference
    function has none).
    """
    if function.plan.updates:
        raise ValueError(f"export: function {function.name!r} updates variables; only "
                         "inference functions (no updates) can be exported")
    with CALL_LOCK:          # not half-updated by a call running in another thread
        values = {key: holder.value.copy() for key, holder in function.variables.items()
                  if key in function.plan.variables.values()}
    artifact.save(path, function.plan, values)
