"""Compile time of the seed CNN training function: cold (empty caches) and warm.

    python benchmarks/compile_time.py [--systems symkeras,jax] [--out FILE]

The rows of `run.py` restricted to compiling: a cold run in a new process with empty
symkeras/Numba (and JAX) caches, then a warm run in another new process with them filled.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run  # noqa: E402

if __name__ == '__main__':
    arguments = sys.argv[1:]
    if '--systems' not in arguments:
        arguments += ['--systems', 'symkeras']
    if '--out' not in arguments:
        arguments += ['--out', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                            'COMPILE_TIME.md')]
    run.main(['--rows', 'compile_cold,compile_warm', '--rounds', '1', '--no-profile']
             + arguments)
