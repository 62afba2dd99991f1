"""Float64 gradient checks of layers: the symbolic gradients of sum(output * probe) with
respect to the inputs and the trainable weights equal central finite differences.

One row per layer configuration; multi-input layers give a list of input shapes.
"""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import (Input, Conv1D, Conv2DTranspose, MaxPooling1D, AveragePooling1D,
                             GlobalMaxPooling1D, GlobalAveragePooling1D, ZeroPadding1D,
                             ZeroPadding2D, Cropping1D, Cropping2D, UpSampling1D,
                             UpSampling2D, LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax,
                             ReLU, Dot, Subtract, Average, Maximum, Minimum, SimpleRNN, GRU,
                             LSTM)


def row(label, make_layer, shapes):
    return pytest.param(make_layer, shapes, id=label)


ROWS = [
    row('conv1d-valid', lambda: Conv1D(3, 2), (2, 5, 2)),
    row('conv1d-same-s2', lambda: Conv1D(2, 3, strides=2, padding='same'), (2, 7, 2)),
    row('conv1d-causal-d2', lambda: Conv1D(2, 2, padding='causal', dilation_rate=2),
        (2, 6, 3)),
    row('conv1d-channels-first', lambda: Conv1D(2, 3, data_format='channels_first'),
        (2, 3, 6)),
    row('deconv-valid', lambda: Conv2DTranspose(2, 3), (2, 3, 4, 2)),
    row('deconv-same-s2', lambda: Conv2DTranspose(2, 3, strides=2, padding='same'),
        (2, 3, 3, 2)),
    row('deconv-outpad', lambda: Conv2DTranspose(2, 2, strides=(2, 3), output_padding=(1, 2)),
        (1, 3, 2, 2)),
    row('deconv-channels-first', lambda: Conv2DTranspose(2, (2, 3), strides=2,
                                                         data_format='channels_first'),
        (2, 2, 3, 3)),
    row('maxpool1d', lambda: MaxPooling1D(2), (2, 6, 3)),
    row('avgpool1d-same', lambda: AveragePooling1D(3, 2, padding='same'), (2, 7, 2)),
    row('globalmax1d', lambda: GlobalMaxPooling1D(), (2, 5, 3)),
    row('globalavg1d', lambda: GlobalAveragePooling1D(), (2, 5, 3)),
    row('zeropad1d', lambda: ZeroPadding1D((2, 1)), (2, 4, 3)),
    row('zeropad2d', lambda: ZeroPadding2D(((1, 0), (2, 1))), (2, 3, 4, 2)),
    row('crop1d', lambda: Cropping1D((1, 2)), (2, 6, 3)),
    row('crop2d', lambda: Cropping2D(((1, 0), (1, 2)), 'channels_first'), (2, 2, 4, 5)),
    row('upsample1d', lambda: UpSampling1D(3), (2, 4, 2)),
    row('upsample2d', lambda: UpSampling2D((2, 3)), (2, 3, 2, 2)),
    row('leaky-relu', lambda: LeakyReLU(0.2), (3, 5)),
    row('prelu-shared', lambda: PReLU(alpha_initializer='uniform', shared_axes=[1]),
        (2, 3, 4)),
    row('elu', lambda: ELU(0.7), (3, 5)),
    row('thresholded-relu', lambda: ThresholdedReLU(0.3), (3, 5)),
    row('relu-all-options', lambda: ReLU(0.8, 0.1, 0.2), (3, 6)),
    row('softmax-axis1', lambda: Softmax(axis=1), (2, 4, 3)),
    row('dot-axes1', lambda: Dot(1), [(3, 4), (3, 4)]),
    row('dot-3d', lambda: Dot((2, 2)), [(2, 3, 4), (2, 5, 4)]),
    row('dot-normalize', lambda: Dot((1, 1), normalize=True), [(2, 3, 4), (2, 3, 2)]),
    row('subtract', lambda: Subtract(), [(3, 4), (3, 4)]),
    row('average', lambda: Average(), [(3, 4), (3, 4), (3, 4)]),
    row('maximum', lambda: Maximum(), [(3, 4), (3, 4)]),
    row('minimum', lambda: Minimum(), [(3, 4), (3, 4)]),
    row('simple-rnn', lambda: SimpleRNN(3), (2, 4, 2)),
    row('simple-rnn-sequences-backwards',
        lambda: SimpleRNN(2, return_sequences=True, go_backwards=True), (2, 3, 2)),
    row('gru', lambda: GRU(3, bias_initializer='uniform'), (2, 3, 2)),
    row('gru-reset-after', lambda: GRU(2, reset_after=True, bias_initializer='uniform',
                                       return_sequences=True), (2, 3, 2)),
    row('lstm', lambda: LSTM(3), (2, 3, 2)),
    row('lstm-state-dropout', lambda: LSTM(2, return_state=True, dropout=0.3,
                                           recurrent_dropout=0.3), (2, 3, 2)),
]


@pytest.fixture(autouse=True)
def float64_session():
    previous = K.floatx()
    K.clear_session()
    K.set_floatx('float64')
    yield
    K.set_floatx(previous)


def numeric_gradient(cost, array, eps=1e-6):
    """Central differences of cost() with respect to every entry of `array` (in place)."""
    grad = np.zeros_like(array)
    flat, flat_grad = array.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        plus = cost()
        flat[i] = saved - eps
        minus = cost()
        flat[i] = saved
        flat_grad[i] = (plus - minus) / (2 * eps)
    return grad


def symbolic_setup(layer, shapes, rng):
    """(inputs, data, loss): loss = sum of every output times a fixed random probe."""
    single = not isinstance(shapes, list)
    shapes = [shapes] if single else shapes
    inputs = [Input(batch_shape=(None,) + tuple(s[1:]), dtype='float64') for s in shapes]
    data = [rng.uniform(-1., 1., size=s) for s in shapes]
    outputs = layer(inputs[0] if single else inputs)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    probe_shapes = [o.shape for o in K.function(inputs, outputs)(data)]
    loss = sum(K.sum(o * rng.uniform(0.5, 1.5, size=s)) for o, s in zip(outputs, probe_shapes))
    return inputs, data, loss


@pytest.mark.parametrize('make_layer, shapes', ROWS)
def test_layer_gradients_match_finite_differences(make_layer, shapes):
    rng = np.random.RandomState(0)
    layer = make_layer()
    inputs, data, loss = symbolic_setup(layer, shapes, rng)
    weights = layer.trainable_weights
    grads = K.function(inputs, K.gradients(loss, inputs + weights))(data)
    loss_function = K.function(inputs, [loss])

    def cost():
        return float(loss_function(data)[0])

    for position, array in enumerate(data):
        expected = numeric_gradient(cost, array)
        np.testing.assert_allclose(grads[position], expected, rtol=1e-5, atol=1e-7,
                                   err_msg='gradient of input %d' % position)
    for variable, got in zip(weights, grads[len(data):]):
        value = K.get_value(variable)

        def weight_cost(variable=variable, value=value):
            K.set_value(variable, value)
            return cost()
        expected = numeric_gradient(weight_cost, value)
        K.set_value(variable, value)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7,
                                   err_msg='gradient of %s' % variable.name)
