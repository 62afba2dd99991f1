"""Differential fuzzing: random small models (random stacks of Conv2D, MaxPooling2D,
Flatten, Dense, Dropout and Activation of random sizes), compiled with the rewrite passes
and buffer planning on (what predict runs) and off, must agree on outputs and gradients.

Float64 throughout, so any difference beyond rounding is a bug in a rewrite or in the
memory plan, not float32 noise.
"""
import contextlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from compiler.function import function as compile_function
from symkeras import backend as K
from symkeras.layers import Activation, Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from symkeras.models import Sequential

ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'elu', 'softplus', 'softmax']
FAST_EXAMPLES, SLOW_EXAMPLES = 25, 150
EXAMPLES_RUN = []


@contextlib.contextmanager
def float64():
    old = K.floatx()
    K.set_floatx('float64')
    try:
        yield
    finally:
        K.set_floatx(old)


def conv_out(size, kernel, stride, padding):
    size = size if padding == 'same' else size - kernel + 1
    return (size + stride - 1) // stride


@st.composite
def image_layers(draw, height, width):
    """Conv2D / MaxPooling2D / Activation / Dropout layers that fit the image, then
    Flatten."""
    layers = []
    for position in range(draw(st.integers(1, 4))):
        kind = 'conv' if position == 0 else draw(st.sampled_from(
            ['pool', 'conv', 'pool', 'activation', 'dropout']))
        kernel, stride = draw(st.integers(1, 3)), draw(st.integers(1, 2))
        padding = draw(st.sampled_from(['valid', 'same']))
        new_h, new_w = conv_out(height, kernel, stride, padding), conv_out(width, kernel,
                                                                           stride, padding)
        if kind in ('conv', 'pool') and min(new_h, new_w) < 1:
            continue
        if kind == 'conv':
            layers.append(Conv2D(draw(st.integers(1, 4)), kernel, strides=stride,
                                 padding=padding,
                                 activation=draw(st.sampled_from(ACTIVATIONS[:-1]))))
        elif kind == 'pool':
            layers.append(MaxPooling2D(kernel, strides=stride, padding=padding))
        else:
            layers.append(_activation_or_dropout(draw, kind))
        if kind in ('conv', 'pool'):
            height, width = new_h, new_w
    return layers + [Flatten()]


def _activation_or_dropout(draw, kind):
    if kind == 'activation':
        return Activation(draw(st.sampled_from(ACTIVATIONS[1:])))
    return Dropout(draw(st.sampled_from([0.2, 0.5])))


@st.composite
def random_models(draw):
    """(model, input batch shape) for a random stack; the model is float64."""
    if draw(st.booleans()):
        height, width = draw(st.integers(3, 8)), draw(st.integers(3, 8))
        shape = (height, width, draw(st.integers(1, 3)))
        layers = draw(image_layers(height, width))
    else:
        shape, layers = (draw(st.integers(1, 8)),), []
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(['dense', 'dense', 'activation', 'dropout']))
        layers.append(Dense(draw(st.integers(1, 6)),
                            activation=draw(st.sampled_from(ACTIVATIONS)))
                      if kind == 'dense' else _activation_or_dropout(draw, kind))
    layers.append(Dense(draw(st.integers(1, 5)), activation=draw(st.sampled_from(
        ACTIVATIONS))))
    layers[0] = _with_input_shape(layers[0], shape)
    return Sequential(layers), shape


def _with_input_shape(layer, shape):
    """The same layer, rebuilt from its config with `input_shape` set."""
    config = layer.get_config()
    config.pop('name', None)
    config['input_shape'] = shape
    return type(layer).from_config(config)


def compiled_pair(model, outputs):
    """The same outputs compiled with every pass and buffer plan on, and with all off."""
    phase = K.learning_phase()
    givens = {phase: 0} if K.is_tensor(phase) else {}
    fast = compile_function(model.inputs, outputs, givens=givens)
    plain = compile_function(model.inputs, outputs, givens=givens, optimize_graph=False,
                             plan_buffers=False)
    return fast, plain


def check_model(model, shape, seed):
    rng = np.random.RandomState(seed)
    x = rng.randn(3, *shape)
    predicted = model.predict(x)
    fast, plain = compiled_pair(model, model.outputs)
    np.testing.assert_allclose(predicted, plain([x])[0], rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(fast([x])[0], plain([x])[0], rtol=1e-7, atol=1e-10)
    weights = K.constant(rng.randn(*K.int_shape(model.output)[1:]))
    loss = K.sum(model.output * weights) + K.mean(K.square(model.output))
    grads = K.gradients(loss, model.trainable_weights)
    fast, plain = compiled_pair(model, grads)
    for got, expected in zip(fast([x]), plain([x])):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)


def run_examples(examples, derandomize):
    @settings(max_examples=examples, deadline=None, database=None, derandomize=derandomize,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data):
        with float64():
            model, shape = data.draw(random_models())
            check_model(model, shape, data.draw(st.integers(0, 2 ** 31)))
        EXAMPLES_RUN.append(1)
    check()


def test_random_models_agree_with_passes_on_and_off():
    run_examples(FAST_EXAMPLES, derandomize=True)
    assert len(EXAMPLES_RUN) >= FAST_EXAMPLES


@pytest.mark.slow
def test_random_models_agree_long_run():
    run_examples(SLOW_EXAMPLES, derandomize=False)


def test_float64_fixture_restores_floatx():
    before = K.floatx()
    with float64():
        assert K.floatx() == 'float64'
    assert K.floatx() == before
