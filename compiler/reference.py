"""The numpy reference interpreter: evaluates any graph op by op (the tests' oracle)."""
import numpy as np

from .ir import toposort


def evaluate(outputs, feed=None):
    """Values of `outputs` given `feed` ({input tensor: array}), computed with numpy.

    Variables are read at their current value; constants at theirs.
    """
    feed = feed or {}
    values = {}
    for node in toposort(list(outputs)):
        if node in feed:
            values[node.id] = np.asarray(feed[node], dtype=node.dtype)
        elif node.kind in ('variable', 'constant'):
            values[node.id] = node.value
        elif node.op is None:
            raise ValueError(f"evaluate: no value fed for input {node.name!r} "
                             f"of shape {node.shape}")
        else:
            result = node.op.reference(*(values[i.id] for i in node.inputs))
            values[node.id] = np.asarray(result).astype(node.dtype, copy=False)
    return [values[o.id] for o in outputs]
