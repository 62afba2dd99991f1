"""Keras 2.2.4 layers: `from symkeras.layers import Input, Dense, Conv2D, ...`."""
from ..engine.base_layer import Layer, InputSpec
from ..engine.input_layer import Input, InputLayer
from .core import (Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector,
                   Lambda)
from .convolutional import Conv2D, Convolution2D
from .pooling import (MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D,
                      GlobalMaxPooling2D, MaxPool2D, AvgPool2D, GlobalAvgPool2D,
                      GlobalMaxPool2D)
from .merge import (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, add,
                    subtract, multiply, average, maximum, minimum, concatenate)
from .normalization import BatchNormalization
from .embeddings import Embedding

__all__ = ['Layer', 'InputSpec', 'Input', 'InputLayer', 'Dense', 'Activation', 'Dropout',
           'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Lambda', 'Conv2D',
           'Convolution2D', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D',
           'GlobalMaxPooling2D', 'MaxPool2D', 'AvgPool2D', 'GlobalAvgPool2D',
           'GlobalMaxPool2D', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum',
           'Concatenate', 'add', 'subtract', 'multiply', 'average', 'maximum', 'minimum',
           'concatenate', 'BatchNormalization', 'Embedding', 'serialize', 'deserialize']


def serialize(layer):
    """{'class_name': ..., 'config': ...} of a layer.

    Args:
        layer: a Layer.

    Returns:
        A JSON-friendly dict.
    """
    return {'class_name': type(layer).__name__, 'config': layer.get_config()}


def deserialize(config, custom_objects=None):
    """A layer (or model) from `serialize` output.

    Args:
        config: dict with 'class_name' and 'config'.
        custom_objects: {name: class} of user-defined layers, searched first.

    Returns:
        A new, unbuilt layer.

    Raises:
        ValueError: unknown class name.
    """
    from ..engine.network_config import deserialize_layer
    return deserialize_layer(config, custom_objects)
