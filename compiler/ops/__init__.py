"""Primitive ops, one family per module; `OPS` maps each op class name to its class."""
from .base import OPS, Op, NotDifferentiable, register_op
from . import (elementwise, reduce, movement, linalg, nn, indexing, fused, fused_nn,
               crossentropy, stacked, weighted, debug, depthwise)

__all__ = ['OPS', 'Op', 'NotDifferentiable', 'register_op',
           'elementwise', 'reduce', 'movement', 'linalg', 'nn', 'indexing', 'fused',
           'fused_nn', 'crossentropy', 'stacked', 'weighted', 'debug',
           'depthwise']
