"""Serve an exported model with numpy, numba and the runtime package only.

    python serve.py model.skx inputs.npy
"""
import sys


class Refuse:
    """An import hook proving the point: symkeras and compiler are never imported."""

    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('symkeras', 'compiler'):
            raise ImportError('not needed on the serving side: ' + name)


sys.meta_path.insert(0, Refuse())

import numpy as np  # noqa: E402
import runtime  # noqa: E402

predict = runtime.load(sys.argv[1])        # checks the file, builds the kernels once
outputs = predict(np.load(sys.argv[2]))    # validates the input, runs the plan
print('outputs:', outputs.shape, outputs.dtype)
print('predicted classes:', outputs.argmax(axis=1))
