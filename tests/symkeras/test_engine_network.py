"""Functional models: graph topology, nesting, sharing, weights, config and summary."""
import json

import numpy as np
import pytest

from symkeras import backend as K
from symkeras.models import Model, Sequential
from symkeras.layers import Input, Dense, Concatenate, concatenate


@pytest.fixture(autouse=True)
def fresh_names():
    K.reset_uids()
    yield


def two_branch_model():
    a = Input(shape=(4,), name='a')
    b = Input(shape=(3,), name='b')
    merged = concatenate([Dense(5, name='da')(a), b])
    out1 = Dense(2, activation='softmax', name='out1')(merged)
    out2 = Dense(1, name='out2')(merged)
    return Model([a, b], [out1, out2])


def test_multi_input_multi_output_topology():
    model = two_branch_model()
    assert [layer.name for layer in model.layers][:3] == ['a', 'da', 'b']
    assert model.input_names == ['a', 'b']
    assert model.output_names == ['out1', 'out2']
    assert model.input_shape == [(None, 4), (None, 3)]
    assert model.output_shape == [(None, 2), (None, 1)]
    assert len(model.inputs) == 2 and len(model.outputs) == 2
    assert model.count_params() == (4 * 5 + 5) + (8 * 2 + 2) + (8 + 1)


def test_get_layer_by_name_and_index():
    model = two_branch_model()
    assert model.get_layer('da').name == 'da'
    assert model.get_layer(index=0).name == 'a'
    with pytest.raises(ValueError, match='No such layer'):
        model.get_layer('nope')
    with pytest.raises(ValueError, match='only has'):
        model.get_layer(index=99)


def test_predict_multi_output_shapes():
    model = two_branch_model()
    out1, out2 = model.predict([np.ones((7, 4)), np.ones((7, 3))], batch_size=3)
    assert out1.shape == (7, 2) and out2.shape == (7, 1)
    np.testing.assert_allclose(out1.sum(axis=1), 1.0, rtol=1e-5)


def test_inputs_by_name_dict():
    model = two_branch_model()
    out1, _ = model.predict({'a': np.ones((2, 4)), 'b': np.ones((2, 3))})
    assert out1.shape == (2, 2)


def test_nested_model_as_layer_shares_weights():
    x = Input(shape=(3,))
    inner = Model(x, Dense(2, name='inner_dense')(x), name='inner')
    y = Input(shape=(3,))
    outer = Model(y, Dense(1)(inner(y)))
    assert inner in outer.layers
    assert outer.output_shape == (None, 1)
    assert len(outer.trainable_weights) == 4
    data = np.random.rand(5, 3).astype('float32')
    inner_before = inner.predict(data)
    nested_output = Model(y, inner(y)).predict(data)
    np.testing.assert_allclose(nested_output, inner_before, rtol=1e-6)
    inner.get_layer('inner_dense').set_weights([np.zeros((3, 2)), np.ones(2)])
    np.testing.assert_allclose(Model(y, inner(y)).predict(data), np.ones((5, 2)))


def test_shared_layer_in_model_shares_weights():
    shared = Dense(3)
    a, b = Input(shape=(4,)), Input(shape=(4,))
    model = Model([a, b], concatenate([shared(a), shared(b)]))
    assert len(model.trainable_weights) == 2
    data = np.random.rand(2, 4).astype('float32')
    left_right = model.predict([data, data])
    np.testing.assert_allclose(left_right[:, :3], left_right[:, 3:], rtol=1e-6)


def test_get_set_weights_round_trip_and_wrong_count():
    model = two_branch_model()
    weights = [np.full(w.shape, 0.5, dtype='float32') for w in model.get_weights()]
    model.set_weights(weights)
    for got, expected in zip(model.get_weights(), weights):
        np.testing.assert_allclose(got, expected)
    with pytest.raises(ValueError, match='expected a list of 6 arrays'):
        model.set_weights(weights[:-1])


def test_set_weights_count_error_lists_the_arrays_each_layer_expects():
    model = two_branch_model()      # input layers and the concatenation have no weights
    with pytest.raises(ValueError) as info:
        model.set_weights(model.get_weights()[:-1])
    message = str(info.value)
    assert 'expected a list of 6 arrays, received 5' in message
    assert 'da: 2, out1: 2, out2: 2' in message and 'concatenate' not in message
    inner = Sequential([Dense(3, input_shape=(4,), name='d1'), Dense(2, name='d2')],
                       name='inner')
    x = Input((4,))
    outer = Model(x, Dense(1, name='d3', use_bias=False)(inner(x)))
    with pytest.raises(ValueError, match=r'received 6 .*inner: 4, d3: 1\)'):
        outer.set_weights(outer.get_weights() + [np.zeros(1)])


@pytest.mark.parametrize('freeze_first', [False, True])
def test_set_weights_round_trip_through_a_nested_model(freeze_first):
    """A nested model's arrays come in its weights order (trainable first), as Keras's
    get_weights lists them: set_weights(get_weights()) changes nothing."""
    from symkeras.layers import BatchNormalization
    inner = Sequential([Dense(3, input_shape=(4,)), BatchNormalization(), Dense(2)])
    inner.layers[0].trainable = not freeze_first
    x = Input((4,))
    outer = Model(x, inner(x))
    rng = np.random.RandomState(0)
    weights = [rng.uniform(0.5, 1.5, w.shape).astype('float32') for w in outer.get_weights()]
    outer.set_weights(weights)
    for got, want in zip(outer.get_weights(), weights):
        np.testing.assert_array_equal(got, want)
    data = rng.randn(5, 4).astype('float32')
    before = outer.predict(data)
    outer.set_weights(outer.get_weights())
    np.testing.assert_array_equal(outer.predict(data), before)
    first = outer.weights[0].name.split("/")[0]
    with pytest.raises(ValueError, match="Layer .%s.*expects shape" % first):
        outer.set_weights([np.zeros((9, 9))] + weights[1:])


def test_get_config_from_config_round_trip():
    model = two_branch_model()
    config = model.get_config()
    assert [entry[0] for entry in config['input_layers']] == ['a', 'b']
    assert [entry[0] for entry in config['output_layers']] == ['out1', 'out2']
    clone = Model.from_config(config)
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    assert clone.count_params() == model.count_params()
    json.dumps(config)


def test_nested_and_shared_config_round_trip():
    x = Input(shape=(3,))
    inner = Model(x, Dense(2)(x), name='inner')
    shared = Dense(2, name='shared')
    a, b = Input(shape=(3,)), Input(shape=(3,))
    outer = Model([a, b], concatenate([shared(inner(a)), shared(inner(b))]))
    clone = Model.from_config(outer.get_config())
    assert clone.output_shape == (None, 4)
    assert len(clone.get_layer('shared')._inbound_nodes) == 2


def test_to_json_structure():
    model = two_branch_model()
    data = json.loads(model.to_json())
    assert set(data) == {'class_name', 'config', 'keras_version', 'backend'}
    assert data['class_name'] == 'Model'


def test_graph_disconnected_raises():
    a, b = Input(shape=(2,)), Input(shape=(2,))
    y = Concatenate()([a, b])
    with pytest.raises(ValueError, match='Graph disconnected'):
        Model(a, y)


def test_duplicate_layer_names_raise():
    x = Input(shape=(2,))
    y = Dense(2, name='same')(Dense(2, name='same')(x))
    with pytest.raises(ValueError, match='used 2 times'):
        Model(x, y)


def test_model_input_must_come_from_input():
    x = Input(shape=(2,))
    hidden = Dense(2)(x)
    with pytest.raises(ValueError, match='Input'):
        Model(hidden, Dense(1)(hidden))


def test_compute_output_shape():
    model = two_branch_model()
    assert model.compute_output_shape([(None, 4), (None, 3)]) == [(None, 2), (None, 1)]


def test_summary_sequential_like_table():
    x = Input(shape=(784,))
    hidden = Dense(32)(x)
    model = Model(x, Dense(10)(hidden))
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[0] == '_' * 65
    assert lines[1].rstrip() == 'Layer (type)                 Output Shape              Param #'
    assert lines[2] == '=' * 65
    assert lines[3].rstrip() == 'input_1 (InputLayer)         (None, 784)               0'
    assert lines[5].rstrip() == 'dense_1 (Dense)              (None, 32)                25120'
    assert lines[-4:] == ['Total params: 25,450', 'Trainable params: 25,450',
                          'Non-trainable params: 0', '_' * 65]


def test_summary_with_connections():
    model = two_branch_model()
    lines = []
    model.summary(print_fn=lines.append)
    assert len(lines[0]) == 98
    assert 'Connected to' in lines[1]
    concat_line = [line for line in lines if line.startswith('concatenate_1')][0]
    assert 'da[0][0]' in concat_line
    assert any(line.strip() == 'b[0][0]' for line in lines)


def test_frozen_nested_model_weights_are_non_trainable():
    x = Input(shape=(3,))
    inner = Model(x, Dense(2)(x))
    inner.trainable = False
    y = Input(shape=(3,))
    outer = Model(y, Dense(1)(inner(y)))
    assert len(outer.trainable_weights) == 2
    assert len(outer.non_trainable_weights) == 2


def test_sequential_inside_functional_model():
    stack = Sequential([Dense(4, input_shape=(3,)), Dense(2)])
    x = Input(shape=(3,))
    model = Model(x, stack(x))
    assert model.output_shape == (None, 2)
    assert model.predict(np.ones((2, 3))).shape == (2, 2)
