"""run_layer_test: the five checks every layer goes through.

1. shapes: the symbolic output shape, `compute_output_shape` and the shape of the computed
   output all equal the expected one;
2. the number of weights;
3. get_config -> JSON -> from_config gives the same config and, with the same weights,
   the same predictions;
4. one SGD step (train_on_batch) on an MSE loss to fixed random targets lowers that loss
   on the same batch and moves every trainable weight. A trainable InputGain (identity
   at first) sits before the layer, so the step needs the layer's input gradient and
   runs its backward kernels, and layers without weights have something to train;
5. in float64 (K.floatx switched for the check and restored), K.gradients of
   sum(output * probe) with respect to the float inputs and every trainable weight of a
   twin of the layer (from its config) equals central finite differences, on all entries
   of small tensors and MAX_COORDINATES random ones of larger tensors.

Steps 4 and 5 run in the training phase. Noise (Dropout, GaussianNoise, recurrent dropout)
is fixed by rewinding the random states before every evaluation, so both see one mask.

Layers with several inputs take a list of input shapes (one Input each); layers with
several outputs (`return_state=True`) take a list of expected output shapes.
"""
import json

import numpy as np

from compiler.graph import graph_variables
from symkeras import backend as K
from symkeras.engine.base_layer import Layer
from symkeras.layers import Input
from symkeras.models import Model
from symkeras.optimizers import SGD

GRADIENT_EPS = 1e-6
GRADIENT_RTOL = 1e-5
GRADIENT_ATOL = 1e-7
MAX_COORDINATES = 32  # finite differences on at most this many entries of each tensor
TRAINING_RATE = 0.05


class InputGain(Layer):
    """x * gain with one trainable gain per input entry (per last-axis entry when the
    other sizes are unknown), starting at 1.

    Placed before the layer under test in the training step: an identity on the data
    (so inputs chosen away from kinks stay there) whose gradient is the layer's input
    gradient, so the step runs the layer's backward kernels even when the layer has no
    weights of its own.
    """

    def build(self, input_shape):
        shape = tuple(input_shape[1:])
        if None in shape:
            shape = (input_shape[-1] or 1,)
        self.gain = self.add_weight('gain', shape, initializer='ones')
        self.built = True

    def call(self, inputs):
        return inputs * self.gain


def as_list(value):
    """`value` if it is a list, else [value]."""
    return list(value) if isinstance(value, list) else [value]


def _is_shape_list(shape):
    return isinstance(shape, list) and bool(shape) and isinstance(shape[0], (tuple, list))


def _is_float(dtype):
    return str(dtype).startswith('float')


def _sample(shape, dtype, seed=0):
    """Random data for a shape with the None entries set to 3."""
    concrete = tuple(3 if d is None else d for d in shape)
    rng = np.random.RandomState(seed)
    if dtype.startswith('int'):
        return rng.randint(0, 4, size=concrete).astype(dtype)
    return rng.uniform(-1., 1., size=concrete).astype(dtype)


def _inputs(shapes, dtype):
    return [Input(batch_shape=tuple(shape), dtype=dtype) for shape in shapes]


def _call(layer, tensors, multi):
    """The layer's outputs (always a list) on one tensor or, for merge layers, a list."""
    return as_list(layer(tensors if multi else tensors[0]))


def _model(inputs, outputs, multi):
    return Model(inputs if multi else inputs[0], outputs[0] if len(outputs) == 1 else outputs)


def _feed(data, multi):
    return data if multi else data[0]


def _from_config(layer_cls, config, custom_objects):
    if custom_objects is not None:
        return layer_cls.from_config(config, custom_objects=custom_objects)
    return layer_cls.from_config(config)


def _config_round_trip(layer_cls, layer, custom_objects):
    """A new layer from the JSON-encoded config; the configs must agree."""
    decoded = json.loads(json.dumps(layer.get_config()))
    clone = _from_config(layer_cls, decoded, custom_objects)
    assert json.loads(json.dumps(clone.get_config())) == decoded
    return clone


def _check_shapes(layer, input_shape, outputs, expected, predictions):
    """Symbolic, compute_output_shape and computed shapes all equal `expected`."""
    assert [K.int_shape(y) for y in outputs] == expected, 'symbolic output shape'
    computed = as_list(layer.compute_output_shape(input_shape))
    assert [tuple(s) for s in computed] == expected, 'compute_output_shape'
    assert len(predictions) == len(expected)
    for got, want in zip(predictions, expected):
        assert got.ndim == len(want), (got.shape, want)
        assert all(w is None or w == g for g, w in zip(got.shape[1:], want[1:])), (
            'computed output shape %s, expected %s' % (got.shape, want))


def _check_round_trip(layer_cls, layer, custom_objects, shapes, dtype, data, predictions,
                      multi):
    """The clone (from the JSON config, with the same weights) predicts the same."""
    clone = _config_round_trip(layer_cls, layer, custom_objects)
    inputs = _inputs(shapes, dtype)
    clone_model = _model(inputs, _call(clone, inputs, multi), multi)
    clone.set_weights(layer.get_weights())
    for got, want in zip(as_list(clone_model.predict(_feed(data, multi))), predictions):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def _training_model(layer, shapes, dtype, multi):
    """(model, gains): the layer applied to InputGain(x) for every float input x."""
    inputs = _inputs(shapes, dtype)
    gains = [InputGain() for _ in inputs] if _is_float(dtype) else []
    fed = [gain(x) for gain, x in zip(gains, inputs)] if gains else inputs
    return _model(inputs, _call(layer, fed, multi), multi), gains


class RandomStates:
    """The random states (Dropout masks, noise) the outputs depend on; `rewind()` sets them
    back to their values at creation, so the next call draws the same numbers again."""

    def __init__(self, outputs):
        self.variables = [v for v in graph_variables(outputs) if v.default_update is not None]
        self.values = [np.array(K.get_value(v)) for v in self.variables]

    def rewind(self):
        for variable, value in zip(self.variables, self.values):
            K.set_value(variable, value)


def _mse(outputs, targets):
    """The loss the step minimises: the sum over outputs of their mean squared errors."""
    return sum(float(np.mean(np.square(y.astype('float64') - t)))
               for y, t in zip(outputs, targets))


def _train_once(model, data, targets, multi):
    """One train_on_batch; returns the loss it reports (computed before the update)."""
    loss = model.train_on_batch(_feed(data, multi), targets if len(targets) > 1 else targets[0])
    return float(as_list(loss)[0])


def _check_training_step(layer, shapes, dtype, data, predictions, multi):
    """One SGD step lowers the MSE to fixed random targets on the same batch, in the
    training phase and with the same noise (random states rewound); every trainable weight
    of the layer and of the input gains (i.e. the layer's input gradient) moved."""
    model, gains = _training_model(layer, shapes, dtype, multi)
    model.compile(SGD(learning_rate=TRAINING_RATE), 'mse')
    forward = K.function(model.inputs, model.outputs, givens=_phase_givens(1))
    rng = np.random.RandomState(7)
    targets = [rng.normal(size=p.shape).astype(p.dtype) for p in predictions]
    weights = layer.trainable_weights + [gain.gain for gain in gains]
    assert weights, 'training step: the layer has no trainable weights and no float input'
    before = [K.get_value(w).copy() for w in weights]
    states = RandomStates(model.outputs)
    first = _mse(forward(data), targets)
    states.rewind()
    reported = _train_once(model, data, targets, multi)
    np.testing.assert_allclose(reported, first, rtol=1e-4, err_msg='loss of train_on_batch')
    states.rewind()
    second = _mse(forward(data), targets)
    assert second < first, 'loss did not decrease: %r -> %r' % (first, second)
    moved = [np.any(K.get_value(w) != old) for w, old in zip(weights, before)]
    assert all(moved), 'did not move: %s' % [w.name for w, m in zip(weights, moved) if not m]


def numeric_gradient(cost, array, coordinates, eps=GRADIENT_EPS):
    """Central differences of cost() with respect to array.flat[coordinates] (the array
    is changed in place and restored)."""
    flat = array.reshape(-1)
    grad = np.zeros(len(coordinates))
    for position, index in enumerate(coordinates):
        saved = flat[index]
        flat[index] = saved + eps
        plus = cost()
        flat[index] = saved - eps
        minus = cost()
        flat[index] = saved
        grad[position] = (plus - minus) / (2 * eps)
    return grad


def _coordinates(size, rng):
    if size <= MAX_COORDINATES:
        return np.arange(size)
    return np.sort(rng.choice(size, MAX_COORDINATES, replace=False))


def _phase_givens(phase):
    learning_phase = K.learning_phase()
    return {} if isinstance(learning_phase, int) else {learning_phase: phase}


def _compare(got, array, cost, label, rng):
    coordinates = _coordinates(array.size, rng)
    expected = numeric_gradient(cost, array, coordinates)
    np.testing.assert_allclose(got.reshape(-1)[coordinates], expected, rtol=GRADIENT_RTOL,
                               atol=GRADIENT_ATOL, err_msg='gradient of %s' % label)


def _gradient_functions(layer, shapes, dtypes, output_shapes, phase, rng):
    """(wrt, gradient function, loss function, random states) of the loss
    sum(output * probe)."""
    multi = _is_shape_list(shapes)
    inputs = [Input(batch_shape=tuple(s), dtype=d)
              for s, d in zip(shapes if multi else [shapes], dtypes)]
    outputs = _call(layer, inputs, multi)
    loss = sum(K.sum(y * rng.uniform(0.5, 1.5, size=s)) for y, s in zip(outputs, output_shapes))
    wrt = [x for x, d in zip(inputs, dtypes) if _is_float(d)] + layer.trainable_weights
    givens = _phase_givens(phase)
    gradient_function = K.function(inputs, K.gradients(loss, wrt), givens=givens)
    loss_function = K.function(inputs, [loss], givens=givens)
    return wrt, gradient_function, loss_function, RandomStates([loss])


def check_gradients(layer, shapes, data, output_shapes, phase=1, random=False, seed=0):
    """K.gradients of sum(output * probe) with respect to the float inputs and the
    trainable weights of `layer` (unbuilt, made under floatx float64) equal central
    finite differences. Random states are rewound before every evaluation, so a layer
    that is random in training is checked with fixed noise.

    Args:
        layer: a new layer.
        shapes: an input batch shape, or a list of them for layers taking a list.
        data: input array, or list of them (float ones are cast to float64).
        output_shapes: the concrete shapes of the outputs for `data`.
        phase: learning phase of the check (1: training, 0: test).
        random: whether the loss is expected to depend on random states.
        seed: seed of the probes and of the coordinates checked.
    """
    rng = np.random.RandomState(seed)
    values = [a.astype('float64') if _is_float(a.dtype) else a for a in as_list(data)]
    wrt, gradient_function, loss_function, states = _gradient_functions(
        layer, shapes, [str(a.dtype) for a in values], output_shapes, phase, rng)
    assert bool(states.variables) == random, (
        'random states: expected %s, found %d' % (random, len(states.variables)))

    def cost():
        states.rewind()
        return float(loss_function(values)[0])
    first = cost()
    assert cost() == first, 'the loss changes between calls with the same noise'
    states.rewind()
    grads = gradient_function(values)
    float_data = [a for a in values if _is_float(a.dtype)]
    for position, array in enumerate(float_data):
        _compare(grads[position], array, cost, 'input %d' % position, rng)
    for variable, got in zip(wrt[len(float_data):], grads[len(float_data):]):
        _check_weight_gradient(variable, got, cost, rng)


def _check_weight_gradient(variable, got, cost, rng):
    value = np.array(K.get_value(variable))

    def weight_cost():
        K.set_value(variable, value)
        return cost()
    try:
        _compare(got, value, weight_cost, variable.name, rng)
    finally:
        K.set_value(variable, value)


def _check_gradients_float64(layer_cls, layer, custom_objects, shapes, data, predictions,
                             phase, random):
    """check_gradients on a twin of `layer` (from its config) built under floatx float64."""
    config = json.loads(json.dumps(layer.get_config()))
    config.pop('name', None)
    config.pop('dtype', None)
    previous = K.floatx()
    K.set_floatx('float64')
    try:
        twin = _from_config(layer_cls, config, custom_objects)
        check_gradients(twin, shapes, data, [p.shape for p in predictions], phase, random)
    finally:
        K.set_floatx(previous)


def run_layer_test(layer_cls, kwargs, input_shape, expected_output_shape, input_data=None,
                   input_dtype=None, expected_weights=None, custom_objects=None,
                   check_training=True, gradient_phase=1, random=False,
                   check_gradients_float64=True):
    """Build `layer_cls(**kwargs)` on inputs of `input_shape` (batch axis included) and run
    the five checks of this module.

    Args:
        layer_cls, kwargs: the layer under test.
        input_shape: a batch shape, or a list of them for layers taking several inputs.
        expected_output_shape: a shape, or a list of them for layers with several outputs.
        input_data: array (or list of arrays) fed to the model; default uniform(-1, 1)
            (integers in [0, 4) for integer `input_dtype`), batch 3.
        input_dtype: default K.floatx().
        expected_weights: number of weights, checked when given.
        custom_objects: passed to from_config (Lambda functions, user cells).
        check_training: False skips the training step (the caller says why).
        gradient_phase: learning phase of the gradient check: 1 (training, default) or 0.
        random: True for layers that draw noise in training (Dropout...): checked to
            hold, and the noise is fixed during the training step and the gradient check
            by rewinding the random states.
        check_gradients_float64: False skips the float64 gradient check.

    Returns:
        The predictions of the model (a list for several outputs), before training.
    """
    multi = _is_shape_list(input_shape)
    shapes = [tuple(s) for s in (input_shape if multi else [input_shape])]
    dtype = input_dtype or K.floatx()
    data = (as_list(input_data) if input_data is not None
            else [_sample(shape, dtype, seed) for seed, shape in enumerate(shapes)])
    expected = [tuple(s) for s in (expected_output_shape if _is_shape_list(
        expected_output_shape) else [expected_output_shape])]
    layer = layer_cls(**kwargs)
    inputs = _inputs(shapes, dtype)
    outputs = _call(layer, inputs, multi)
    predictions = as_list(_model(inputs, outputs, multi).predict(_feed(data, multi)))
    _check_shapes(layer, shapes if multi else shapes[0], outputs, expected, predictions)
    if expected_weights is not None:
        assert len(layer.weights) == expected_weights, (len(layer.weights), expected_weights)
    _check_round_trip(layer_cls, layer, custom_objects, shapes, dtype, data, predictions,
                      multi)
    if check_training:
        _check_training_step(layer, shapes, dtype, data, predictions, multi)
    if check_gradients_float64:
        _check_gradients_float64(layer_cls, layer, custom_objects,
                                 shapes if multi else shapes[0], data, predictions,
                                 gradient_phase, random)
    return predictions if len(predictions) > 1 else predictions[0]
