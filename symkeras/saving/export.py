"""model.export(path): the optimized inference graph and weights, runnable with runtime.load
(numpy and numba only)."""
import dataclasses

from compiler.ir import Variable
from compiler.specialized import SpecializedFunction
from runtime import artifact
from runtime.function import CALL_LOCK


def _without_random_state_updates(function):
    """The plan of `function` minus the updates of random states.

    The compiler collects the default updates of random states (Dropout's rng_state) before
    the learning phase is fixed to 0, so a predict function advances them although its
    outputs never use them; an inference artifact has no business doing so. Any other
    update (a stateful layer) is kept, and export then refuses the function.
    """
    plan = function.plan
    kept = [(key, slot) for key, slot in plan.updates
            if not _is_random_state(function.variables.get(key))]
    return dataclasses.replace(plan, updates=kept)


def _is_random_state(holder):
    return isinstance(holder, Variable) and holder.default_update is not None


def export_model(model, path):
    """Write the model's compiled predict function as an inference artifact.

    Args:
        model: a built Model.
        path: destination file (written atomically).

    Raises:
        ValueError: the model has stateful layers (their updates cannot be exported), or
            loops over a time axis of unknown size (an artifact holds one plan, for one
            input shape).

    Example:
        >>> model.export('mnist.skx')
        >>> import runtime; f = runtime.load('mnist.skx'); y = f(x)
    """
    model._make_predict_function()
    function = model.predict_function
    if isinstance(function, SpecializedFunction):
        raise ValueError("export: model '%s' loops over a time axis of unknown size "
                         "(input shapes %s), and its predict function is compiled per input "
                         "shape; an artifact holds one compiled plan: build the model on "
                         "inputs with a static number of time steps (same layers, "
                         "set_weights) and export that"
                         % (model.name, ', '.join(str(x.shape) for x in model.inputs)))
    plan = _without_random_state_updates(function)
    if plan.updates:
        raise ValueError("export: model '%s' has stateful layers whose state the predict "
                         "function updates (%s); only stateless models can be exported"
                         % (model.name, ', '.join(key for key, _ in plan.updates)))
    with CALL_LOCK:          # not half-updated by a call running in another thread
        values = {key: holder.value.copy() for key, holder in function.variables.items()
                  if key in plan.variables.values()}
    artifact.save(path, plan, values)
