"""Layer base class: naming, input validation, weights, nodes, shapes, config."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.engine import Layer, InputSpec, Node
from symkeras.layers import Input, Dense


@pytest.fixture(autouse=True)
def fresh_names():
    K.reset_uids()
    yield


class Scale(Layer):
    """A custom layer: y = x * w (one weight per feature), optional frozen offset."""

    def __init__(self, with_offset=False, **kwargs):
        super().__init__(**kwargs)
        self.with_offset = with_offset

    def build(self, input_shape):
        self.w = self.add_weight('w', (input_shape[-1],), initializer='ones')
        if self.with_offset:
            self.offset = self.add_weight('offset', (input_shape[-1],),
                                          initializer='zeros', trainable=False)
        super().build(input_shape)

    def call(self, x):
        y = x * self.w
        return y + self.offset if self.with_offset else y

    def get_config(self):
        config = super().get_config()
        config['with_offset'] = self.with_offset
        return config


class SumLastAxis(Layer):
    """Does not override compute_output_shape: the graph's static shape is used."""

    def call(self, x):
        return K.sum(x, axis=-1)


class Identity(Layer):
    def call(self, x):
        return x


def test_automatic_names_are_snake_case_with_counter():
    assert Dense(2).name == 'dense_1'
    assert Dense(2).name == 'dense_2'
    assert SumLastAxis().name == 'sum_last_axis_1'
    assert Dense(2, name='head').name == 'head'


def test_builtin_input_function_raises_clear_type_error():
    layer = Dense(units=32, activation='relu')
    with pytest.raises(TypeError) as info:
        layer(input)
    assert str(info.value) == (
        "Layer 'dense_1' (Dense) expected a symbolic tensor (e.g. from Input(...)) as input, "
        "received <built-in function input> of type builtin_function_or_method.")


@pytest.mark.parametrize('value', [np.zeros((2, 3)), [1, 2], [], 3.0, 'x'])
def test_non_tensor_inputs_raise_type_error_naming_the_layer(value):
    with pytest.raises(TypeError, match="Layer 'dense_1' \\(Dense\\) expected a symbolic"):
        Dense(4)(value)


def test_list_with_one_non_tensor_is_rejected():
    x = Input(shape=(3,))
    with pytest.raises(TypeError, match='position 1'):
        Scale()([x, np.ones(3)])


def test_unknown_keyword_argument_raises_type_error():
    with pytest.raises(TypeError, match='not understood'):
        Scale(bogus=1)


def test_input_dim_and_input_shape_become_batch_input_shape():
    assert Scale(input_dim=5).batch_input_shape == (None, 5)
    assert Scale(input_shape=(4, 2), batch_size=8).batch_input_shape == (8, 4, 2)
    assert Scale(batch_input_shape=(None, 3)).batch_input_shape == (None, 3)
    assert not hasattr(Scale(), 'batch_input_shape')
    assert Scale().dtype == K.floatx()


def test_call_builds_once_and_records_history_and_shape():
    x = Input(shape=(3,))
    layer = Scale()
    y = layer(x)
    assert layer.built
    assert y._keras_shape == (None, 3)
    assert y._keras_history == (layer, 0, 0)
    assert layer.input is x and layer.output is y
    assert layer.input_shape == (None, 3) and layer.output_shape == (None, 3)
    node = layer._inbound_nodes[0]
    assert isinstance(node, Node)
    assert node.inbound_layers == [x._keras_history[0]]
    assert layer in [n.outbound_layer for n in x._keras_history[0]._outbound_nodes]


def test_graph_shape_is_used_when_compute_output_shape_is_not_overridden():
    x = Input(shape=(3, 5))
    y = SumLastAxis()(x)
    assert y._keras_shape == (None, 3)


def test_layer_returning_its_input_gets_a_distinct_output_tensor():
    x = Input(shape=(3,))
    y = Identity()(x)
    assert y is not x
    assert x._keras_history[0].name.startswith('input')
    assert y._keras_history[0].name.startswith('identity')


def test_weights_trainable_and_frozen():
    layer = Scale(with_offset=True)
    layer(Input(shape=(4,)))
    assert [w.name for w in layer.trainable_weights] == [layer.name + '/w']
    assert [w.name for w in layer.non_trainable_weights] == [layer.name + '/offset']
    assert len(layer.weights) == 2
    assert layer.count_params() == 8
    layer.trainable = False
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 2


def test_get_and_set_weights_round_trip():
    layer = Scale()
    layer(Input(shape=(3,)))
    np.testing.assert_allclose(layer.get_weights()[0], np.ones(3))
    layer.set_weights([np.array([1., 2., 3.])])
    np.testing.assert_allclose(layer.get_weights()[0], [1., 2., 3.])


def test_set_weights_wrong_shape_names_layer_and_both_shapes():
    layer = Scale()
    layer(Input(shape=(3,)))
    with pytest.raises(ValueError) as info:
        layer.set_weights([np.ones(4)])
    message = str(info.value)
    assert 'scale_1' in message and '(3,)' in message and '(4,)' in message


def test_set_weights_wrong_count_names_layer():
    layer = Scale()
    layer(Input(shape=(3,)))
    with pytest.raises(ValueError, match="scale_1.*1 arrays, received 2"):
        layer.set_weights([np.ones(3), np.ones(3)])


def test_initial_weights_argument_is_applied_at_build():
    layer = Scale(weights=[np.array([2., 3.])])
    layer(Input(shape=(2,)))
    np.testing.assert_allclose(layer.get_weights()[0], [2., 3.])


def test_count_params_before_build_raises():
    with pytest.raises(ValueError, match="isn't built"):
        Scale().count_params()


def test_regularizer_adds_a_loss():
    class Regularized(Layer):
        def build(self, input_shape):
            self.add_weight('w', (2,), initializer='ones', regularizer=lambda w: K.sum(w))

        def call(self, x):
            return x
    layer = Regularized()
    layer(Input(shape=(2,)))
    assert len(layer.losses) == 1
    assert float(K.eval(layer.losses[0])) == pytest.approx(2.0)


def test_add_update_and_add_loss_conditional_on_inputs():
    layer = Scale()
    x = Input(shape=(2,))
    layer(x)
    variable = K.variable(np.zeros(2))
    layer.add_update([(variable, variable + 1)], inputs=x)
    layer.add_loss(K.sum(variable), inputs=None)
    assert len(layer.get_updates_for(x)) == 1
    assert layer.get_updates_for(None) == []
    assert len(layer.get_losses_for(None)) == 1
    assert len(layer.updates) == 1


def test_shared_layer_has_two_nodes_and_one_set_of_weights():
    layer = Dense(4)
    a, b = Input(shape=(3,)), Input(shape=(3,))
    ya, yb = layer(a), layer(b)
    assert len(layer._inbound_nodes) == 2
    assert len(layer.weights) == 2
    assert ya._keras_history[1] == 0 and yb._keras_history[1] == 1
    assert layer.get_output_at(1) is yb
    assert layer.get_input_shape_at(0) == (None, 3)
    assert layer.output_shape == (None, 4)
    with pytest.raises(AttributeError, match='multiple inbound nodes'):
        layer.output


def test_unconnected_layer_has_no_output():
    with pytest.raises(AttributeError, match='not connected'):
        Dense(2).output
    with pytest.raises(AttributeError, match='never been called'):
        Dense(2).output_shape


def test_input_spec_mismatch_names_layer_and_shape():
    dense = Dense(4)
    dense(Input(shape=(8,)))
    with pytest.raises(ValueError) as info:
        dense(Input(shape=(5,)))
    message = str(info.value)
    assert 'dense_1' in message and '(None, 5)' in message and '8' in message


def test_input_spec_ndim_checks():
    spec = InputSpec(ndim=4)
    assert 'ndim=4' in spec.mismatch((None, 28, 28))
    assert spec.mismatch((None, 28, 28, 1)) is None
    assert InputSpec(min_ndim=2).mismatch((None,)) is not None
    assert InputSpec(axes={-1: 3}).mismatch((None, 4)) is not None
    assert InputSpec(shape=(None, 3)).mismatch((None, 3)) is None


def test_get_config_from_config_round_trip():
    layer = Scale(with_offset=True, input_shape=(3,), name='s')
    config = layer.get_config()
    assert config == {'name': 's', 'trainable': True, 'batch_input_shape': (None, 3),
                      'dtype': K.floatx(), 'with_offset': True}
    clone = Scale.from_config(config)
    assert clone.name == 's' and clone.with_offset and clone.batch_input_shape == (None, 3)


def test_build_time_errors_quote_the_users_source_line():
    import pytest
    from symkeras.layers import Dense, Input, Concatenate
    x = Input(shape=(64,))
    with pytest.raises(ValueError, match=r"'concatenate_\d+' at test_engine_layer\.py:\d+"):
        Concatenate()([Dense(4)(x), Input(shape=(3, 4))])
