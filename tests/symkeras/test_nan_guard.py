"""NaN guard: K.function(..., nan_guard=True) and the global K.set_nan_guard switch that
fit / evaluate / predict follow. The error names the first node producing a NaN or inf,
its op, its layer and the source line that built it; the failing step changes nothing."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import Dense, Input, Lambda
from symkeras.models import Model, Sequential

pytestmark = pytest.mark.filterwarnings('ignore::RuntimeWarning')


@pytest.fixture(autouse=True)
def guard_off_afterwards():
    yield
    K.set_nan_guard(False)


def log_model():
    model = Sequential([Dense(4, input_shape=(3,), name='affine', kernel_initializer='ones',
                              bias_initializer='ones'),
                        Lambda(lambda x: K.log(x), name='take_log'),   # NaN for x < 0
                        Dense(2, name='head')])
    model.compile('adam', 'mse')
    return model


def state(model):
    return model.get_weights() + model.optimizer.get_weights()


X = np.random.RandomState(1).randn(8, 3).astype('float32')
Y = np.zeros((8, 2), 'float32')


def test_global_switch_makes_fit_name_the_layer_and_change_nothing():
    model = log_model()
    model.train_on_batch(np.abs(X), Y)        # finite step: creates the optimizer state
    assert all(np.isfinite(w).all() for w in state(model))
    before = state(model)
    K.set_nan_guard(True)
    with pytest.raises(FloatingPointError) as info:
        model.fit(X - 5.0, Y, verbose=0)
    error = info.value
    assert error.layer == 'take_log' and error.op == 'Log'
    assert error.source.startswith('test_nan_guard.py:')
    assert "layer 'take_log'" in str(error) and 'NaN' in str(error)
    for old, new in zip(before, state(model)):
        np.testing.assert_array_equal(old, new)


def test_switch_off_again_lets_training_produce_nan():
    model = log_model()
    K.set_nan_guard(True)
    with pytest.raises(FloatingPointError):
        model.predict(X - 5.0)
    K.set_nan_guard(False)
    assert np.isnan(model.predict(X - 5.0)).any()  # the same compiled function, guard off


def test_guard_names_non_finite_input_data():
    model = log_model()
    K.set_nan_guard(True)
    bad = np.abs(X)
    bad[2, 1] = np.inf
    with pytest.raises(FloatingPointError, match="input 'affine_input'.*1 inf"):
        model.evaluate(bad, Y)


def test_k_function_guard_names_layer_of_functional_model():
    x = Input(shape=(2,))
    hidden = Dense(2, kernel_initializer='ones', name='sum_pair')(x)
    out = Lambda(lambda t: K.sqrt(t - 10.0) + K.log(t - 10.0), name='shifted')(hidden)
    model = Model(x, out)
    f = K.function([x], [model.output], nan_guard=True)
    with pytest.raises(FloatingPointError) as info:
        f([np.ones((1, 2), 'float32')])
    assert info.value.layer == 'shifted'
    plain = K.function([x], [model.output])
    assert not plain.nan_guard
    assert np.isnan(plain([np.ones((1, 2), 'float32')])[0]).all()


def test_guarded_training_runs_normally_on_finite_data():
    model = Sequential([Dense(3, activation='softmax', input_shape=(3,))])
    model.compile('sgd', 'categorical_crossentropy')
    K.set_nan_guard(True)
    history = model.fit(np.abs(X), np.eye(3)[np.arange(8) % 3], epochs=2, verbose=0)
    assert model.train_function.nan_guard
    assert all(np.isfinite(history.history['loss']))
