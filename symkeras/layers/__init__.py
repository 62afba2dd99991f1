"""Keras 2.2.4 layers: `from symkeras.layers import Input, Dense, Conv2D, ...`."""
from ..engine.base_layer import Layer, InputSpec
from ..engine.input_layer import Input, InputLayer
from .core import (Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector,
                   Lambda)
from .masking import Masking, ActivityRegularization
from .convolutional import (Conv1D, Conv2D, Conv2DTranspose, Convolution1D, Convolution2D,
                            Convolution2DTranspose, Deconvolution2D, Deconv2D)
from .separable import (DepthwiseConv2D, SeparableConv1D, SeparableConv2D,
                        SeparableConvolution1D, SeparableConvolution2D)
from .local import LocallyConnected1D, LocallyConnected2D
from .spatial import (ZeroPadding1D, ZeroPadding2D, Cropping1D, Cropping2D, UpSampling1D,
                      UpSampling2D)
from .pooling import (MaxPooling1D, AveragePooling1D, GlobalMaxPooling1D,
                      GlobalAveragePooling1D, MaxPool1D, AvgPool1D, GlobalMaxPool1D,
                      GlobalAvgPool1D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D,
                      GlobalMaxPooling2D, MaxPool2D, AvgPool2D, GlobalAvgPool2D,
                      GlobalMaxPool2D)
from .convolutional3d import (Conv3D, Conv3DTranspose, Convolution3D, Deconvolution3D,
                              Deconv3D)
from .pooling3d import (MaxPooling3D, AveragePooling3D, GlobalMaxPooling3D,
                        GlobalAveragePooling3D, MaxPool3D, AvgPool3D, GlobalMaxPool3D,
                        GlobalAvgPool3D)
from .spatial3d import ZeroPadding3D, Cropping3D, UpSampling3D
from .merge import (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot,
                    add, subtract, multiply, average, maximum, minimum, concatenate, dot)
from .normalization import BatchNormalization
from .embeddings import Embedding
from .advanced_activations import LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax, ReLU
from .noise import (GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D,
                    SpatialDropout2D, SpatialDropout3D)
from .recurrent import RNN, SimpleRNN, GRU, LSTM
from .recurrent_cells import SimpleRNNCell, GRUCell, LSTMCell
from .recurrent_stacked import StackedRNNCells
from .convolutional_recurrent import ConvRNN2D, ConvLSTM2DCell, ConvLSTM2D
from .wrappers import Wrapper, TimeDistributed, Bidirectional

__all__ = ['Layer', 'InputSpec', 'Input', 'InputLayer', 'Dense', 'Activation', 'Dropout',
           'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Lambda', 'Masking',
           'ActivityRegularization',
           'Conv1D', 'Conv2D', 'Conv2DTranspose', 'Convolution1D', 'Convolution2D',
           'Convolution2DTranspose', 'Deconvolution2D', 'Deconv2D',
           'DepthwiseConv2D', 'SeparableConv1D', 'SeparableConv2D',
           'SeparableConvolution1D', 'SeparableConvolution2D',
           'LocallyConnected1D', 'LocallyConnected2D',
           'ZeroPadding1D', 'ZeroPadding2D', 'Cropping1D', 'Cropping2D', 'UpSampling1D',
           'UpSampling2D',
           'MaxPooling1D', 'AveragePooling1D', 'GlobalMaxPooling1D', 'GlobalAveragePooling1D',
           'MaxPool1D', 'AvgPool1D', 'GlobalMaxPool1D', 'GlobalAvgPool1D',
           'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D',
           'GlobalMaxPooling2D', 'MaxPool2D', 'AvgPool2D', 'GlobalAvgPool2D',
           'GlobalMaxPool2D',
           'Conv3D', 'Conv3DTranspose', 'Convolution3D', 'Deconvolution3D', 'Deconv3D',
           'MaxPooling3D', 'AveragePooling3D', 'GlobalMaxPooling3D', 'GlobalAveragePooling3D',
           'MaxPool3D', 'AvgPool3D', 'GlobalMaxPool3D', 'GlobalAvgPool3D',
           'ZeroPadding3D', 'Cropping3D', 'UpSampling3D',
           'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum',
           'Concatenate', 'Dot', 'add', 'subtract', 'multiply', 'average', 'maximum',
           'minimum', 'concatenate', 'dot', 'BatchNormalization', 'Embedding',
           'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax', 'ReLU',
           'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'SpatialDropout1D',
           'SpatialDropout2D', 'SpatialDropout3D',
           'RNN', 'SimpleRNN', 'GRU', 'LSTM', 'SimpleRNNCell', 'GRUCell', 'LSTMCell',
           'StackedRNNCells', 'ConvRNN2D', 'ConvLSTM2DCell', 'ConvLSTM2D',
           'Wrapper', 'TimeDistributed', 'Bidirectional',
           'serialize', 'deserialize']


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
