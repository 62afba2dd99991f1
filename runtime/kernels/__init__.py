"""Runtime kernels. Every kernel module is imported here, explicitly, to register."""
from .registry import KERNELS, get_kernel, register
from . import elementwise, dims

__all__ = ['KERNELS', 'get_kernel', 'register']
