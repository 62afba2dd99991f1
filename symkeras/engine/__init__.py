"""The Keras engine: layers, the functional graph (Network), Model and Sequential."""
from .base_layer import Layer, InputSpec, Node
from .input_layer import Input, InputLayer
from .network import Network, get_source_inputs
from .training import Model
from .sequential import Sequential

__all__ = ['Layer', 'InputSpec', 'Node', 'Input', 'InputLayer', 'Network',
           'get_source_inputs', 'Model', 'Sequential']
