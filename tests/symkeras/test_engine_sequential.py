"""Sequential: add, pop, lazy building, config round trip."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.models import Sequential
from symkeras.layers import Dense, InputLayer, Dropout


@pytest.fixture(autouse=True)
def fresh_names():
    K.reset_uids()
    yield


def test_add_with_input_dim_builds_immediately():
    model = Sequential()
    model.add(Dense(32, input_dim=784))
    model.add(Dense(10, activation='softmax'))
    assert model.built
    assert [layer.name for layer in model.layers] == ['dense_1', 'dense_2']
    assert model.input_shape == (None, 784)
    assert model.output_shape == (None, 10)
    assert model.inputs[0]._keras_history[0].name == 'dense_1_input'
    assert model.count_params() == 784 * 32 + 32 + 330


def test_constructor_list_and_name():
    model = Sequential([Dense(3, input_shape=(2,)), Dense(1)], name='stack')
    assert model.name == 'stack'
    assert len(model.layers) == 2


def test_automatic_name():
    assert Sequential().name == 'sequential_1'


def test_input_layer_first():
    model = Sequential([InputLayer(input_shape=(5,)), Dense(2)])
    assert model.input_shape == (None, 5)
    assert [layer.name for layer in model.layers] == ['dense_1']


def test_adding_a_non_layer_raises_type_error():
    with pytest.raises(TypeError, match='instance of class Layer'):
        Sequential().add('dense')


def test_first_layer_without_shape_builds_lazily_from_data():
    model = Sequential([Dense(4), Dense(2)])
    assert not model.built
    with pytest.raises(ValueError, match='not yet been built'):
        model.summary()
    model.compile('sgd', 'mse')
    out = model.predict(np.ones((3, 6), dtype='float32'))
    assert out.shape == (3, 2)
    assert model.built and model.input_shape == (None, 6)
    model.fit(np.ones((4, 6)), np.zeros((4, 2)), epochs=1, verbose=0)


def test_explicit_build():
    model = Sequential([Dense(4), Dense(2)])
    model.build((None, 7))
    assert model.output_shape == (None, 2)
    assert model.count_params() == 7 * 4 + 4 + 10


def test_pop_removes_last_layer():
    model = Sequential([Dense(4, input_dim=3), Dense(2), Dense(1)])
    model.pop()
    assert [layer.name for layer in model.layers] == ['dense_1', 'dense_2']
    assert model.output_shape == (None, 2)
    assert model.predict(np.ones((2, 3))).shape == (2, 2)
    model.pop()
    model.pop()
    assert model.layers == []
    with pytest.raises(TypeError, match='no layers'):
        model.pop()


def test_multiple_output_layer_rejected():
    from symkeras.engine import Layer

    class Split(Layer):
        def call(self, x):
            return [x * 1, x * 2]

        def compute_output_shape(self, input_shape):
            return [input_shape, input_shape]
    with pytest.raises(TypeError, match='single output'):
        Sequential([Split(input_shape=(2,))])


def test_config_round_trip():
    model = Sequential([Dense(4, input_dim=3, activation='relu'), Dropout(0.5), Dense(2)])
    config = model.get_config()
    assert config['name'] == model.name
    assert [entry['class_name'] for entry in config['layers']] == ['Dense', 'Dropout', 'Dense']
    clone = Sequential.from_config(config)
    assert clone.output_shape == (None, 2)
    assert clone.count_params() == model.count_params()


def test_summary_of_sequential_hides_input_layer():
    model = Sequential([Dense(32, input_dim=784), Dense(10)])
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[3].startswith('dense_1 (Dense)')
    assert 'Total params: 25,450' in lines


def test_predict_classes_argmax_or_threshold_as_keras_2_2_4():
    softmax = Sequential([Dense(3, input_dim=2, activation='softmax', use_bias=False,
                                kernel_initializer='zeros')])
    softmax.layers[0].set_weights([np.array([[1., 0., -1.], [0., 2., 0.]])])
    x = np.array([[1., 0.], [0., 1.], [-1., -1.]], dtype='float32')
    np.testing.assert_array_equal(softmax.predict_classes(x), [0, 1, 2])
    np.testing.assert_array_equal(softmax.predict_classes(x, batch_size=1, verbose=0),
                                  softmax.predict(x).argmax(axis=-1))
    sigmoid = Sequential([Dense(1, input_dim=2, activation='sigmoid',
                                kernel_initializer='ones')])
    classes = sigmoid.predict_classes(x)
    assert classes.dtype == np.int32 and classes.shape == (3, 1)
    np.testing.assert_array_equal(classes[:, 0], [1, 1, 0])


def test_predict_proba_returns_predict_and_warns_outside_0_1():
    import warnings
    model = Sequential([Dense(2, input_dim=2, activation='softmax')])
    x = np.random.RandomState(0).rand(5, 2).astype('float32')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        np.testing.assert_array_equal(model.predict_proba(x, batch_size=2), model.predict(x))
    linear = Sequential([Dense(1, input_dim=2, kernel_initializer='ones',
                               bias_initializer='ones')])
    with pytest.warns(UserWarning, match=r'outside \[0, 1\]'):
        linear.predict_proba(x)


def test_predict_classes_and_proba_signatures_are_keras_2_2_4s():
    import inspect
    for method in (Sequential.predict_classes, Sequential.predict_proba):
        parameters = inspect.signature(method).parameters
        assert list(parameters) == ['self', 'x', 'batch_size', 'verbose']
        assert parameters['batch_size'].default == 32 and parameters['verbose'].default == 0
