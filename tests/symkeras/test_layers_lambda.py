"""Lambda functions saved by name: every public backend function resolves again (looked up
on symkeras.backend itself), the state-changing ones never do, and models with Lambdas of
backend functions round-trip through to_json / model_from_json."""
import inspect

import numpy as np
import pytest

from symkeras import activations
from symkeras import backend as K
from symkeras.layers import Dense, Flatten, Input, Lambda
from symkeras.layers.lambda_layer import STATE_CHANGING_BACKEND_FUNCTIONS
from symkeras.models import Model, load_model, model_from_json


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def public_backend_functions():
    """{name: function} of the functions defined in symkeras.backend and its modules."""
    functions = {}
    for name in dir(K):
        value = getattr(K, name)
        if not name.startswith('_') and inspect.isfunction(value) and \
                value.__module__.startswith(K.__name__):
            functions[name] = value
    return functions


def rebuilt_function(function):
    return Lambda.from_config(Lambda(function).get_config()).function


def test_every_public_backend_function_resolves_by_name():
    functions = public_backend_functions()
    # The modules split off math_ops and nn are in: one function of each.
    assert {'map_fn', 'local_conv2d', 'depthwise_conv2d', 'resize_volumes', 'cumsum',
            'truncated_normal', 'stop_gradient', 'zeros_like'} <= set(functions)
    for name, function in functions.items():
        if name in STATE_CHANGING_BACKEND_FUNCTIONS:
            continue
        # activations come first: K.relu is saved as 'relu', rebuilt as activations.relu
        expected = getattr(activations, name, function)
        assert rebuilt_function(function) is expected, name


def test_state_changing_backend_functions_are_refused():
    assert STATE_CHANGING_BACKEND_FUNCTIONS <= set(public_backend_functions())
    for name in sorted(STATE_CHANGING_BACKEND_FUNCTIONS):
        config = Lambda(getattr(K, name), name='lam').get_config()
        with pytest.raises(ValueError, match="Lambda 'lam': cannot find function '%s'" % name):
            Lambda.from_config(config)


def test_private_and_non_backend_names_are_refused():
    for name in ('_strided_patches', 'math_ops', 'np', 'py_sum', 'os'):
        with pytest.raises(ValueError, match='cannot find function'):
            Lambda.from_config({'function': name, 'function_type': 'function'})


def assert_json_round_trip(model, x):
    expected = model.predict(x)
    clone = model_from_json(model.to_json())
    assert clone.to_json() == model.to_json()
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict(x), expected)
    return clone


def test_model_with_new_backend_functions_round_trips_through_json(tmp_path):
    """K.slice (control_ops), K.stop_gradient (functions), K.resize_volumes (conv3d_ops)
    were not found again before the lookup went through symkeras.backend."""
    inputs = Input(shape=(2, 3, 2, 1))
    volume = Lambda(K.resize_volumes, arguments={
        'depth_factor': 2, 'height_factor': 1, 'width_factor': 2,
        'data_format': 'channels_last'})(inputs)
    cut = Lambda(K.slice, arguments={'start': [0, 1, 0, 1, 0], 'size': [-1, 3, 2, 3, 1]})(volume)
    hidden = Lambda(K.stop_gradient)(Flatten()(cut))
    model = Model(inputs, Dense(2)(hidden))
    x = np.random.RandomState(0).uniform(-1, 1, (3, 2, 3, 2, 1)).astype('float32')
    clone = assert_json_round_trip(model, x)
    functions = [layer.function for layer in clone.layers if isinstance(layer, Lambda)]
    assert functions == [K.resize_volumes, K.slice, K.stop_gradient]
    model.compile('sgd', 'mse')
    model.save(str(tmp_path / 'lambdas.h5'))
    loaded = load_model(str(tmp_path / 'lambdas.h5'))
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
