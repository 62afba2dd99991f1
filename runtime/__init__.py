"""symkeras runtime: executes plans with Numba kernels. Imports neither symkeras nor
compiler, so an exported inference artifact runs with numpy and numba alone."""
from .artifact import load, ArtifactError
from .function import CompiledFunction
from .plan import Plan, Step

__all__ = ['load', 'ArtifactError', 'CompiledFunction', 'Plan', 'Step']
