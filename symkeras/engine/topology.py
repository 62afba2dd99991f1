"""Legacy module name (Keras 2.0-2.1 `keras.engine.topology`): re-exports the engine."""
from .base_layer import Layer, InputSpec, Node
from .input_layer import Input, InputLayer
from .network import Network, get_source_inputs

__all__ = ['Layer', 'InputSpec', 'Node', 'Input', 'InputLayer', 'Network',
           'get_source_inputs']
