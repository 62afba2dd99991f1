"""One row per layer configuration; every row goes through all five checks of
`run_layer_test` (shapes, weight count, config round trip, one training step lowering the
loss, float64 gradients against finite differences), and every layer class exported from
symkeras.layers needs a row.

Row layout: label, class, constructor kwargs, input shape(s) with the batch axis, output
shape(s), number of weights, options. RNN rows pass a cell instance (the row covers the
cell's class too).

No row skips a check. Every row trains and checks gradients in the training phase (for
BatchNormalization, through the batch statistics). Rows marked RANDOM draw new
noise on every call in training (Dropout, noise layers, recurrent dropout): the helper
checks that they do, and rewinds their random states before every evaluation, so the
training step and the finite differences see one fixed mask (the same function). Layers
with integer inputs (Embedding) get gradients with respect to their weights only. The data
are uniform(-1, 1): no input sits on a kink (relu at 0; max-pooling and Maximum/Minimum
ties: every input has its own seed), and inputs to a merge differ.
"""
import numpy as np
import pytest

from layer_test_utils import run_layer_test
from symkeras import backend as K
from symkeras import layers
from symkeras.layers import (
    Layer, InputLayer, Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector,
    Lambda, Masking, ActivityRegularization, Conv1D, Conv2D, Conv2DTranspose, MaxPooling1D,
    AveragePooling1D,
    GlobalMaxPooling1D, GlobalAveragePooling1D, MaxPooling2D, AveragePooling2D,
    GlobalMaxPooling2D, GlobalAveragePooling2D, ZeroPadding1D, ZeroPadding2D, Cropping1D,
    Cropping2D, UpSampling1D, UpSampling2D, BatchNormalization, Embedding, Add, Subtract,
    Multiply, Average, Maximum, Minimum, Concatenate, Dot, LeakyReLU, PReLU, ELU,
    ThresholdedReLU, Softmax, ReLU, GaussianNoise, GaussianDropout, AlphaDropout,
    SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, RNN, SimpleRNN, GRU, LSTM,
    SimpleRNNCell, GRUCell, LSTMCell)

RANDOM = {'random': True}

# Exported classes that cannot have a row, and why.
NO_ROW = {InputLayer: 'not called on tensors: every row builds one through Input()',
          layers.Wrapper: 'an abstract base class: its subclasses TimeDistributed and '
                          'Bidirectional have rows',
          ActivityRegularization: 'the identity plus a loss term, which the training check '
                                  "(plain mse) does not model: test_layers_masking.py tests "
                                  'the loss it adds, its output and its config'}


def double(x):
    """A named Lambda function (found again through custom_objects)."""
    return x * 2


def row(label, layer_cls, kwargs, input_shape, output_shape, weights, **options):
    return pytest.param(layer_cls, kwargs, input_shape, output_shape, weights, options,
                        id=label)


def pair(shape, other=None):
    return [(None,) + shape, (None,) + (other or shape)]


CORE = [
    row('layer-base-identity', Layer, {}, (None, 3), (None, 3), 0),
    row('dense', Dense, {'units': 3}, (None, 5), (None, 3), 2),
    row('dense-3d-softmax', Dense, {'units': 3, 'activation': 'softmax'}, (None, 2, 4),
        (None, 2, 3), 2),
    row('dense-3d-tanh-no-bias', Dense, {'units': 4, 'activation': 'tanh', 'use_bias': False},
        (None, 2, 5), (None, 2, 4), 1),
] + [row('activation-' + name, Activation, {'activation': name}, (None, 4), (None, 4), 0)
     for name in ('relu', 'tanh', 'sigmoid', 'hard_sigmoid', 'softmax', 'linear', 'elu',
                  'selu', 'softplus', 'softsign', 'exponential')] + [
    row('dropout', Dropout, {'rate': 0.5}, (None, 3, 4), (None, 3, 4), 0, **RANDOM),
    row('dropout-noise-shape', Dropout, {'rate': 0.5, 'noise_shape': (None, 1, 4), 'seed': 1},
        (None, 3, 4), (None, 3, 4), 0, **RANDOM),
    row('flatten', Flatten, {}, (None, 2, 3, 2), (None, 12), 0),
    row('flatten-channels-first', Flatten, {'data_format': 'channels_first'}, (None, 2, 3, 2),
        (None, 12), 0),
    row('reshape', Reshape, {'target_shape': (3, 4)}, (None, 12), (None, 3, 4), 0),
    row('reshape-unknown-dim', Reshape, {'target_shape': (-1, 2)}, (None, 3, 4), (None, 6, 2), 0),
    row('permute', Permute, {'dims': (2, 1)}, (None, 3, 4), (None, 4, 3), 0),
    row('repeat-vector', RepeatVector, {'n': 3}, (None, 2), (None, 3, 2), 0),
    row('masking', Masking, {'mask_value': 0.25}, (None, 3, 2), (None, 3, 2), 0),
    row('activation-softmax-3d', Activation, {'activation': 'softmax'}, (None, 2, 3),
        (None, 2, 3), 0),
    row('lambda-named-function', Lambda, {'function': double}, (None, 3), (None, 3), 0,
        custom_objects={'double': double}),
]

CONVOLUTIONS = [
    row('conv1d-valid', Conv1D, {'filters': 3, 'kernel_size': 2}, (None, 5, 2), (None, 4, 3), 2),
    row('conv1d-same-s2', Conv1D, {'filters': 2, 'kernel_size': 3, 'strides': 2,
                                   'padding': 'same'}, (None, 7, 2), (None, 4, 2), 2),
    row('conv1d-causal-d2-no-bias', Conv1D, {'filters': 2, 'kernel_size': 3, 'use_bias': False,
                                             'padding': 'causal', 'dilation_rate': 2},
        (None, 7, 3), (None, 7, 2), 1),
    row('conv1d-channels-first', Conv1D, {'filters': 2, 'kernel_size': 3,
                                          'data_format': 'channels_first'},
        (None, 3, 6), (None, 2, 4), 2),
    row('conv2d-valid', Conv2D, {'filters': 2, 'kernel_size': (3, 3)}, (None, 5, 4, 2),
        (None, 3, 2, 2), 2),
    row('conv2d-same-s2-relu-no-bias', Conv2D, {'filters': 2, 'kernel_size': 2, 'strides': 2,
                                                'padding': 'same', 'activation': 'relu',
                                                'use_bias': False},
        (None, 5, 5, 1), (None, 3, 3, 2), 1),
    row('conv2d-same-s2-k3', Conv2D, {'filters': 2, 'kernel_size': 3, 'strides': 2,
                                      'padding': 'same'}, (None, 4, 5, 2), (None, 2, 3, 2), 2),
    row('conv2d-valid-strides23', Conv2D, {'filters': 2, 'kernel_size': 2, 'strides': (2, 3)},
        (None, 5, 7, 1), (None, 2, 2, 2), 2),
    row('conv2d-valid-dilation2', Conv2D, {'filters': 2, 'kernel_size': 2, 'dilation_rate': 2},
        (None, 5, 5, 1), (None, 3, 3, 2), 2),
    row('conv2d-same-dilation21', Conv2D, {'filters': 2, 'kernel_size': 3, 'padding': 'same',
                                           'dilation_rate': (2, 1)},
        (None, 4, 4, 2), (None, 4, 4, 2), 2),
    row('conv2d-channels-first', Conv2D, {'filters': 2, 'kernel_size': 2,
                                          'data_format': 'channels_first'},
        (None, 2, 4, 3), (None, 2, 3, 2), 2),
    row('deconv-valid', Conv2DTranspose, {'filters': 2, 'kernel_size': 3}, (None, 3, 4, 2),
        (None, 5, 6, 2), 2),
    row('deconv-valid-s2', Conv2DTranspose, {'filters': 2, 'kernel_size': 3, 'strides': 2},
        (None, 3, 4, 3), (None, 7, 9, 2), 2),
    row('deconv-same-s2', Conv2DTranspose, {'filters': 2, 'kernel_size': 3, 'strides': 2,
                                            'padding': 'same'},
        (None, 3, 3, 2), (None, 6, 6, 2), 2),
    row('deconv-same-s21-no-bias', Conv2DTranspose, {
        'filters': 3, 'kernel_size': (2, 3), 'padding': 'same', 'strides': (2, 1),
        'use_bias': False}, (None, 3, 3, 2), (None, 6, 3, 3), 1),
    row('deconv-outpad', Conv2DTranspose, {'filters': 2, 'kernel_size': 2, 'strides': (2, 3),
                                           'output_padding': (1, 2)},
        (None, 3, 2, 2), (None, 7, 7, 2), 2),
    row('deconv-channels-first', Conv2DTranspose, {
        'filters': 2, 'kernel_size': (2, 3), 'strides': 2, 'data_format': 'channels_first'},
        (None, 2, 3, 3), (None, 2, 6, 7), 2),
    row('depthwise-same-s2-m2', layers.DepthwiseConv2D, {
        'kernel_size': 3, 'strides': 2, 'padding': 'same', 'depth_multiplier': 2},
        (None, 5, 4, 2), (None, 3, 2, 4), 2),
    row('separable2d-dilation2-channels-first', layers.SeparableConv2D, {
        'filters': 2, 'kernel_size': 2, 'dilation_rate': 2, 'data_format': 'channels_first'},
        (None, 2, 5, 4), (None, 2, 3, 2), 3),
    row('separable1d-same-m2-no-bias', layers.SeparableConv1D, {
        'filters': 3, 'kernel_size': 3, 'padding': 'same', 'depth_multiplier': 2,
        'use_bias': False}, (None, 5, 2), (None, 5, 3), 2),
    row('local1d-s2', layers.LocallyConnected1D, {'filters': 2, 'kernel_size': 3,
                                                  'strides': 2}, (None, 7, 2), (None, 3, 2), 2),
    row('local2d-channels-first-no-bias', layers.LocallyConnected2D, {
        'filters': 2, 'kernel_size': (2, 3), 'data_format': 'channels_first',
        'use_bias': False}, (None, 2, 3, 4), (None, 2, 2, 2), 1),
    row('local2d-s21-relu', layers.LocallyConnected2D, {
        'filters': 3, 'kernel_size': 2, 'strides': (2, 1), 'activation': 'relu'},
        (None, 5, 3, 2), (None, 2, 2, 3), 2),
]

POOLING_AND_SPATIAL = [
    row('maxpool1d', MaxPooling1D, {}, (None, 6, 3), (None, 3, 3), 0),
    row('avgpool1d-same', AveragePooling1D, {'pool_size': 3, 'strides': 2, 'padding': 'same'},
        (None, 7, 2), (None, 4, 2), 0),
    row('avgpool1d-same-s1', AveragePooling1D, {'pool_size': 3, 'strides': 1,
                                                'padding': 'same'}, (None, 5, 2), (None, 5, 2), 0),
    row('globalavg1d', GlobalAveragePooling1D, {}, (None, 5, 3), (None, 3), 0),
    row('globalmax1d', GlobalMaxPooling1D, {}, (None, 5, 3), (None, 3), 0),
    row('globalavg1d-channels-first', GlobalAveragePooling1D,
        {'data_format': 'channels_first'}, (None, 5, 3), (None, 5), 0),
    row('maxpool2d', MaxPooling2D, {}, (None, 4, 5, 2), (None, 2, 2, 2), 0),
    row('maxpool2d-same-s2', MaxPooling2D, {'pool_size': 3, 'strides': 2, 'padding': 'same'},
        (None, 5, 4, 1), (None, 3, 2, 1), 0),
    row('avgpool2d-valid-s1', AveragePooling2D, {'pool_size': 3, 'strides': 1},
        (None, 4, 4, 2), (None, 2, 2, 2), 0),
    row('avgpool2d-same-channels-first', AveragePooling2D, {
        'pool_size': (3, 2), 'strides': (2, 1), 'padding': 'same',
        'data_format': 'channels_first'}, (None, 2, 5, 3), (None, 2, 3, 3), 0),
    row('maxpool2d-same-channels-first', MaxPooling2D, {
        'pool_size': 2, 'strides': 1, 'padding': 'same', 'data_format': 'channels_first'},
        (None, 2, 3, 3), (None, 2, 3, 3), 0),
    row('globalmax2d', GlobalMaxPooling2D, {}, (None, 3, 4, 2), (None, 2), 0),
    row('globalavg2d', GlobalAveragePooling2D, {}, (None, 3, 4, 2), (None, 2), 0),
    row('globalavg2d-channels-first', GlobalAveragePooling2D,
        {'data_format': 'channels_first'}, (None, 2, 3, 4), (None, 2), 0),
    row('zeropad1d', ZeroPadding1D, {'padding': (2, 1)}, (None, 4, 3), (None, 7, 3), 0),
    row('zeropad2d', ZeroPadding2D, {'padding': ((1, 0), (2, 1))}, (None, 3, 4, 2),
        (None, 4, 7, 2), 0),
    row('zeropad2d-channels-first', ZeroPadding2D, {'padding': 1,
                                                    'data_format': 'channels_first'},
        (None, 2, 2, 3), (None, 2, 4, 5), 0),
    row('crop1d', Cropping1D, {'cropping': (1, 2)}, (None, 6, 3), (None, 3, 3), 0),
    row('crop2d-channels-first', Cropping2D, {'cropping': ((1, 0), (1, 2)),
                                              'data_format': 'channels_first'},
        (None, 2, 4, 5), (None, 2, 3, 2), 0),
    row('crop2d-unknown-size', Cropping2D, {'cropping': 1}, (None, None, None, 2),
        (None, None, None, 2), 0),
    row('upsample1d', UpSampling1D, {'size': 3}, (None, 4, 2), (None, 12, 2), 0),
    row('upsample2d', UpSampling2D, {'size': (2, 3)}, (None, 3, 2, 2), (None, 6, 6, 2), 0),
    row('upsample2d-channels-first', UpSampling2D, {'data_format': 'channels_first'},
        (None, 2, 2, 3), (None, 2, 4, 6), 0),
    row('conv3d', layers.Conv3D, {'filters': 2, 'kernel_size': 2}, (None, 3, 4, 3, 2),
        (None, 2, 3, 2, 2), 2),
    row('deconv3d-s2', layers.Conv3DTranspose, {'filters': 2, 'kernel_size': 2, 'strides': 2},
        (None, 2, 2, 1, 2), (None, 4, 4, 2, 2), 2),
    row('maxpool3d', layers.MaxPooling3D, {}, (None, 4, 4, 3, 2), (None, 2, 2, 1, 2), 0),
    row('avgpool3d-same', layers.AveragePooling3D, {
        'pool_size': 3, 'strides': 2, 'padding': 'same'}, (None, 3, 4, 5, 2),
        (None, 2, 2, 3, 2), 0),
    row('globalmax3d', layers.GlobalMaxPooling3D, {}, (None, 2, 3, 2, 3), (None, 3), 0),
    row('globalavg3d-channels-first', layers.GlobalAveragePooling3D, {
        'data_format': 'channels_first'}, (None, 2, 2, 3, 2), (None, 2), 0),
    row('zeropad3d', layers.ZeroPadding3D, {'padding': (1, 0, 2)}, (None, 2, 2, 2, 1),
        (None, 4, 2, 6, 1), 0),
    row('crop3d-channels-first', layers.Cropping3D, {'data_format': 'channels_first'},
        (None, 2, 3, 4, 3), (None, 2, 1, 2, 1), 0),
    row('upsample3d', layers.UpSampling3D, {'size': (1, 2, 2)}, (None, 2, 2, 1, 2),
        (None, 2, 4, 2, 2), 0),
]

# BatchNormalization: the gradient check runs in the training phase (the default), the
# interesting one (through the batch mean and variance).
NORMALIZATION_AND_EMBEDDING = [
    row('batchnorm', BatchNormalization, {}, (None, 4), (None, 4), 4),
    row('batchnorm-axis1-images', BatchNormalization, {'axis': 1}, (None, 2, 3, 3),
        (None, 2, 3, 3), 4),
    row('batchnorm-axis1-sequences', BatchNormalization, {'axis': 1, 'momentum': 0.5},
        (None, 3, 4), (None, 3, 4), 4),
    row('batchnorm-no-center-scale', BatchNormalization, {'center': False, 'scale': False},
        (None, 3), (None, 3), 2),
    row('embedding', Embedding, {'input_dim': 10, 'output_dim': 3}, (None, 4), (None, 4, 3), 1,
        input_dtype='int32'),
]

MERGE = [
    row('add', Add, {}, pair((3, 4)), (None, 3, 4), 0),
    row('add-broadcast', Add, {}, pair((3, 4), (1, 4)), (None, 3, 4), 0),
    row('subtract', Subtract, {}, pair((4,)), (None, 4), 0),
    row('multiply', Multiply, {}, pair((3, 4)) + [(None, 3, 4)], (None, 3, 4), 0),
    row('average', Average, {}, pair((4,)) + [(None, 4)], (None, 4), 0),
    row('maximum', Maximum, {}, pair((4,)), (None, 4), 0),
    row('minimum', Minimum, {}, pair((2, 3)), (None, 2, 3), 0),
    row('concatenate', Concatenate, {}, pair((3, 4), (3, 2)), (None, 3, 6), 0),
    row('concatenate-axis1', Concatenate, {'axis': 1}, pair((3, 2), (1, 2)), (None, 4, 2), 0),
    row('dot-axes1', Dot, {'axes': 1}, pair((4,)), (None, 1), 0),
    row('dot-3d', Dot, {'axes': (2, 2)}, pair((3, 4), (5, 4)), (None, 3, 5), 0),
    row('dot-normalize-vectors', Dot, {'axes': -1, 'normalize': True}, pair((4,)), (None, 1), 0),
    row('dot-normalize', Dot, {'axes': (1, 1), 'normalize': True}, pair((3, 4), (3, 2)),
        (None, 4, 2), 0),
]

ACTIVATIONS = [
    row('leaky-relu', LeakyReLU, {'alpha': 0.2}, (None, 5), (None, 5), 0),
    row('prelu', PReLU, {}, (None, 3, 4), (None, 3, 4), 1),
    row('prelu-shared', PReLU, {'alpha_initializer': 'uniform', 'shared_axes': [1]},
        (None, 3, 4), (None, 3, 4), 1),
    row('elu', ELU, {'alpha': 0.7}, (None, 5), (None, 5), 0),
    row('thresholded-relu', ThresholdedReLU, {'theta': 0.3}, (None, 5), (None, 5), 0),
    row('relu', ReLU, {}, (None, 6), (None, 6), 0),
    row('relu-all-options', ReLU, {'max_value': 0.8, 'negative_slope': 0.1, 'threshold': 0.2},
        (None, 6), (None, 6), 0),
    row('softmax', Softmax, {}, (None, 2, 4), (None, 2, 4), 0),
    row('softmax-axis1', Softmax, {'axis': 1}, (None, 4, 3), (None, 4, 3), 0),
]

NOISE = [
    row('gaussian-noise', GaussianNoise, {'stddev': 0.5}, (None, 3, 4), (None, 3, 4), 0,
        **RANDOM),
    row('gaussian-dropout', GaussianDropout, {'rate': 0.3}, (None, 5), (None, 5), 0, **RANDOM),
    row('alpha-dropout', AlphaDropout, {'rate': 0.2, 'seed': 3}, (None, 4, 2), (None, 4, 2), 0,
        **RANDOM),
    row('spatial-dropout1d', SpatialDropout1D, {'rate': 0.5}, (None, 4, 3), (None, 4, 3), 0,
        **RANDOM),
    row('spatial-dropout2d-channels-first', SpatialDropout2D, {
        'rate': 0.5, 'data_format': 'channels_first'}, (None, 2, 3, 3), (None, 2, 3, 3), 0,
        **RANDOM),
    row('spatial-dropout3d', SpatialDropout3D, {'rate': 0.5}, (None, 2, 2, 2, 3),
        (None, 2, 2, 2, 3), 0, **RANDOM),
]

RECURRENT = [
    row('simple-rnn', SimpleRNN, {'units': 3}, (None, 4, 2), (None, 3), 3),
    row('simple-rnn-sequences-backwards', SimpleRNN, {
        'units': 2, 'return_sequences': True, 'go_backwards': True},
        (None, 3, 2), (None, 3, 2), 3),
    row('gru', GRU, {'units': 3, 'bias_initializer': 'uniform'}, (None, 3, 2), (None, 3), 3),
    row('gru-reset-after-sequences', GRU, {
        'units': 2, 'reset_after': True, 'bias_initializer': 'uniform',
        'return_sequences': True}, (None, 3, 2), (None, 3, 2), 3),
    row('lstm', LSTM, {'units': 3}, (None, 3, 2), (None, 3), 3),
    row('gru-sequences-backwards', GRU, {'units': 2, 'return_sequences': True,
                                         'go_backwards': True}, (None, 3, 2), (None, 3, 2), 3),
    row('lstm-sequences', LSTM, {'units': 2, 'return_sequences': True}, (None, 3, 2),
        (None, 3, 2), 3),
    row('lstm-sequences-backwards', LSTM, {'units': 2, 'return_sequences': True,
                                           'go_backwards': True}, (None, 3, 2), (None, 3, 2), 3),
    row('simple-rnn-dropout', SimpleRNN, {'units': 2, 'dropout': 0.4,
                                          'recurrent_dropout': 0.4}, (None, 3, 2), (None, 2), 3,
        **RANDOM),
    row('gru-dropout-reset-after', GRU, {'units': 2, 'dropout': 0.3, 'recurrent_dropout': 0.3,
                                         'reset_after': True}, (None, 3, 2), (None, 2), 3,
        **RANDOM),
    row('lstm-state-dropout', LSTM, {'units': 2, 'return_state': True, 'dropout': 0.3,
                                     'recurrent_dropout': 0.3}, (None, 3, 2),
        [(None, 2)] * 3, 3, **RANDOM),
    row('rnn-simple-cell', RNN, {'cell': SimpleRNNCell(2)}, (None, 3, 2), (None, 2), 3),
    row('rnn-gru-cell-sequences', RNN, {'cell': GRUCell(2), 'return_sequences': True},
        (None, 3, 2), (None, 3, 2), 3),
    row('rnn-lstm-cell-state', RNN, {'cell': LSTMCell(2), 'return_state': True},
        (None, 3, 2), [(None, 2)] * 3, 3),
    row('rnn-stacked-cells', RNN, {'cell': layers.StackedRNNCells(
        [GRUCell(2), LSTMCell(2)]), 'return_sequences': True}, (None, 3, 2), (None, 3, 2), 6),
    row('conv-lstm2d', layers.ConvLSTM2D, {'filters': 2, 'kernel_size': 2},
        (None, 3, 3, 4, 2), (None, 2, 3, 2), 3),
    row('conv-lstm2d-same-channels-first-sequences-backwards', layers.ConvLSTM2D, {
        'filters': 2, 'kernel_size': 2, 'padding': 'same', 'data_format': 'channels_first',
        'return_sequences': True, 'go_backwards': True, 'bias_initializer': 'uniform'},
        (None, 2, 2, 3, 3), (None, 2, 2, 3, 3), 3),
    row('conv-lstm2d-s2-state-dropout', layers.ConvLSTM2D, {
        'filters': 2, 'kernel_size': 2, 'strides': 2, 'return_state': True, 'dropout': 0.3,
        'recurrent_dropout': 0.3}, (None, 2, 4, 5, 1), [(None, 2, 2, 2)] * 3, 3, **RANDOM),
    row('conv-rnn2d-conv-lstm2d-cell', layers.ConvRNN2D, {
        'cell': layers.ConvLSTM2DCell(2, 2), 'return_sequences': True},
        (None, 2, 3, 3, 2), (None, 2, 2, 2, 2), 3),
    row('time-distributed-dense', layers.TimeDistributed, {'layer': Dense(3)},
        (None, 4, 2), (None, 4, 3), 2),
    row('bidirectional-lstm-sequences', layers.Bidirectional, {
        'layer': LSTM(2, return_sequences=True)}, (None, 3, 2), (None, 3, 4), 6),
]

ROWS = (CORE + CONVOLUTIONS + POOLING_AND_SPATIAL + NORMALIZATION_AND_EMBEDDING + MERGE
        + ACTIVATIONS + NOISE + RECURRENT)


@pytest.fixture(autouse=True)
def fresh_session():
    # Random layers draw their seeds from numpy's global generator: a fixed start makes
    # each row independent of the tests before it (SpatialDropout2D at rate 0.5 on 2
    # channels drops both for ~2 in 340 start states, and its loss then cannot fall).
    K.clear_session()
    state = np.random.get_state()
    np.random.seed(0)
    yield
    np.random.set_state(state)


@pytest.mark.parametrize('layer_cls, kwargs, input_shape, output_shape, weights, options',
                         ROWS)
def test_layer(layer_cls, kwargs, input_shape, output_shape, weights, options):
    run_layer_test(layer_cls, kwargs, input_shape, output_shape, expected_weights=weights,
                   **options)


def covered_classes():
    """Classes with a row: the layer's and those of layers passed in (RNN cells)."""
    covered = set()
    for param in ROWS:
        layer_cls, kwargs = param.values[:2]
        covered.add(layer_cls)
        covered.update(type(value) for value in kwargs.values() if isinstance(value, Layer))
    return covered


def exported_layer_classes():
    """Every Layer subclass exported by symkeras.layers (aliases give the same class)."""
    exported = (getattr(layers, name) for name in dir(layers))
    return {obj for obj in exported if isinstance(obj, type) and issubclass(obj, Layer)}


def test_every_exported_layer_class_has_a_row():
    missing = exported_layer_classes() - covered_classes() - set(NO_ROW)
    assert not missing, 'layer classes without a row: %s' % sorted(c.__name__ for c in missing)
    assert set(NO_ROW) <= exported_layer_classes()
