"""Compiled inference artifacts: a Plan and its arrays in one file that runs no code.

The file is a numpy .npz archive (a zip of .npy arrays, read with allow_pickle=False):
`__plan__` holds the plan's JSON as bytes; `c<slot>` the constants; `v<index>` the
variables' values. Writing is atomic (temporary file, fsync, rename), so a failed export
never replaces a good file with a broken one.
"""
import json
import os
import tempfile
import zipfile

import numpy as np

from . import stable
from .function import CompiledFunction
from .plan import Plan

FORMAT = 'symkeras-inference'
VERSION = 1


class ArtifactError(ValueError):
    """The file is not a readable symkeras inference artifact."""


class _Holder:
    def __init__(self, value):
        stable.hold(value)
        self.value = value


def save(path, plan, variable_values):
    """Write `plan` and {variable key: array} to `path` atomically."""
    keys = sorted(variable_values)
    header = {'format': FORMAT, 'version': VERSION, 'plan': plan.to_json(),
              'variables': keys}
    arrays = {'__plan__': np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)}
    arrays.update({f"c{slot}": np.asarray(v) for slot, v in plan.constants.items()})
    arrays.update({f"v{i}": np.asarray(variable_values[k]) for i, k in enumerate(keys)})
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix='.export-', suffix='.tmp')
    try:
        with os.fdopen(fd, 'wb') as handle:
            np.savez(handle, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _read(path):
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise ArtifactError(f"{path!r} is not a symkeras inference artifact: {error}") from None
    if '__plan__' not in arrays:
        raise ArtifactError(f"{path!r} is not a symkeras inference artifact (no plan)")
    try:
        header = json.loads(arrays['__plan__'].tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArtifactError(f"{path!r}: damaged plan ({error})") from None
    if header.get('format') != FORMAT or header.get('version') != VERSION:
        raise ArtifactError(f"{path!r}: unsupported format {header.get('format')!r} "
                            f"version {header.get('version')!r}")
    return header, arrays


def load(path):
    """Load an exported inference function: `f = runtime.load(path); y = f(x)`.

    Needs only numpy and numba. The callable validates input shapes and dtypes; with one
    input it takes an array, with several a list; it returns an array (one output) or a
    list of arrays.
    """
    header, arrays = _read(path)
    constants = {int(name[1:]): value for name, value in arrays.items()
                 if name.startswith('c') and name[1:].isdigit()}
    plan = Plan.from_json(header['plan'], constants)
    holders = {key: _Holder(arrays[f"v{i}"]) for i, key in enumerate(header['variables'])}
    missing = set(plan.variables.values()) - set(holders)
    if missing:
        raise ArtifactError(f"{path!r}: values missing for variables {sorted(missing)}")
    return InferenceFunction(CompiledFunction(plan, holders))


class InferenceFunction:
    """A loaded inference artifact: call it with the model's input array(s)."""

    def __init__(self, function):
        self.function = function
        self.plan = function.plan

    def __call__(self, *inputs):
        if len(inputs) == 1 and isinstance(inputs[0], (list, tuple)):
            inputs = tuple(inputs[0])
        outputs = self.function(list(inputs))
        return outputs[0] if len(outputs) == 1 else outputs
