"""model.save / load_model, save_weights / load_weights, to_json / model_from_json: round
trips of architecture, weights, compile arguments and optimizer state (training resumes
exactly), custom objects, and weight-shape errors."""
import json
import warnings

import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import (BatchNormalization, Concatenate, Conv2D, Dense, Dropout, Flatten,
                             Input, Lambda, Layer, MaxPooling2D)
from symkeras.initializers import Initializer
from symkeras.models import Model, Sequential, load_model, model_from_json
from symkeras.optimizers import SGD, Adam, Nadam
from symkeras.saving import UnknownObjectsError, model_from_config


@pytest.fixture(autouse=True)
def fresh_session():
    """Layer-name counters start at 1 and are left clean for the next test module."""
    K.clear_session()
    yield
    K.clear_session()


def mlp(optimizer=None, dropout=True):
    layers = [Dense(8, input_shape=(5,), activation='relu', name='hidden')]
    if dropout:
        layers.append(Dropout(0.3, seed=3))
    layers.append(Dense(3, activation='softmax', name='probs'))
    model = Sequential(layers)
    model.compile(optimizer or Adam(learning_rate=0.01), 'categorical_crossentropy',
                  metrics=['accuracy'])
    return model


def cnn():
    model = Sequential([
        Conv2D(3, (3, 3), padding='same', activation='relu', input_shape=(6, 6, 1)),
        BatchNormalization(),
        MaxPooling2D((2, 2)),
        Flatten(),
        Dropout(0.25, seed=1),
        Dense(2, activation='softmax')])
    model.compile(SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
                  'categorical_crossentropy', metrics=['accuracy'])
    return model


def two_tower():
    """Two inputs, a shared layer, a nested model used twice, two weighted outputs."""
    inner = Sequential([Dense(4, input_shape=(3,), activation='tanh')], name='inner')
    a, b = Input(shape=(3,), name='a'), Input(shape=(3,), name='b')
    shared = Dense(3, name='shared')
    joined = Concatenate(name='joined')([inner(shared(a)), inner(shared(b))])
    out1 = Dense(2, activation='softmax', name='out1')(joined)
    out2 = Dense(1, name='out2')(joined)
    model = Model([a, b], [out1, out2], name='two_tower')
    model.compile(Nadam(learning_rate=0.01),
                  loss={'out1': 'categorical_crossentropy', 'out2': 'mse'},
                  loss_weights={'out1': 1.0, 'out2': 0.5}, metrics={'out1': ['accuracy']})
    return model


def batches(shapes, count, seed=0):
    """`count` batches of (inputs, targets) with the given (input shapes, target shapes)."""
    rng = np.random.RandomState(seed)
    inputs, targets = shapes
    result = []
    for _ in range(count):
        x = [rng.rand(6, *s).astype('float32') for s in inputs]
        y = [np.eye(t)[rng.randint(0, t, 6)].astype('float32') if t > 1
             else rng.rand(6, 1).astype('float32') for t in targets]
        result.append((x if len(x) > 1 else x[0], y if len(y) > 1 else y[0]))
    return result


CASES = {'mlp_adam_dropout': (mlp, ([(5,)], [3])),
         'cnn_sgd_nesterov_batchnorm': (cnn, ([(6, 6, 1)], [2])),
         'functional_shared_nested_nadam': (two_tower, ([(3,), (3,)], [2, 1]))}


def assert_same_arrays(first, second):
    assert len(first) == len(second)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize('case', sorted(CASES))
def test_training_resumes_exactly_after_save_and_load(tmp_path, case):
    build, shapes = CASES[case]
    data = batches(shapes, 6)
    model = build()
    for x, y in data[:3]:
        model.train_on_batch(x, y)
    path = tmp_path / 'checkpoint.h5'
    model.save(str(path))
    loaded = load_model(str(path))
    assert loaded.get_config() == model.get_config()
    assert_same_arrays(loaded.get_weights(), model.get_weights())
    assert_same_arrays(loaded.optimizer.get_weights(), model.optimizer.get_weights())
    for x, y in data[3:]:
        assert loaded.train_on_batch(x, y) == model.train_on_batch(x, y)
    assert_same_arrays(loaded.get_weights(), model.get_weights())
    assert_same_arrays(loaded.optimizer.get_weights(), model.optimizer.get_weights())


def test_compile_arguments_round_trip(tmp_path):
    model = two_tower()
    model.save(str(tmp_path / 'm'))
    loaded = load_model(str(tmp_path / 'm'))
    assert loaded.loss == model.loss
    assert loaded.loss_weights == model.loss_weights
    assert loaded.metrics == model.metrics
    assert loaded.metrics_names == model.metrics_names
    assert type(loaded.optimizer) is Nadam
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.input_names == ['a', 'b'] and loaded.output_names == ['out1', 'out2']
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]


def test_shared_layer_and_nested_model_stay_shared_after_loading(tmp_path):
    model = two_tower()
    model.save(str(tmp_path / 'm.skm'))
    loaded = load_model(str(tmp_path / 'm.skm'))
    assert len(loaded.get_layer('shared')._inbound_nodes) == 2
    assert isinstance(loaded.get_layer('inner'), Sequential)
    assert loaded.count_params() == model.count_params()
    x = [np.ones((2, 3), 'float32'), np.zeros((2, 3), 'float32')]
    assert_same_arrays(loaded.predict(x), model.predict(x))


@pytest.mark.parametrize('name', ['model.h5', 'model.skm', 'model', 'model.json', 'm.tar.gz'])
def test_any_file_name_works(tmp_path, name):
    model = mlp(dropout=False)
    model.save(str(tmp_path / name))
    (tmp_path / name).rename(tmp_path / ('renamed-' + name))
    loaded = load_model(tmp_path / ('renamed-' + name))      # a pathlib.Path works too
    assert_same_arrays(loaded.get_weights(), model.get_weights())


def test_uncompiled_model_and_include_optimizer_false(tmp_path):
    model = Sequential([Dense(2, input_shape=(4,))])
    model.save(str(tmp_path / 'plain'))
    with pytest.warns(UserWarning, match='not\\* compiled'):
        loaded = load_model(str(tmp_path / 'plain'))
    assert loaded.optimizer is None
    trained = mlp()
    trained.save(str(tmp_path / 'no_opt'), include_optimizer=False)
    with pytest.warns(UserWarning, match='not\\* compiled'):
        assert load_model(str(tmp_path / 'no_opt')).optimizer is None
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert load_model(str(tmp_path / 'no_opt'), compile=False).optimizer is None


def test_overwrite_false_refuses_to_replace_a_file(tmp_path):
    path = tmp_path / 'm.h5'
    path.write_bytes(b'keep me')
    with pytest.raises(FileExistsError, match='overwrite=False'):
        mlp().save(str(path), overwrite=False)
    with pytest.raises(FileExistsError):
        mlp().save_weights(str(path), overwrite=False)
    assert path.read_bytes() == b'keep me'


# ---------------------------------------------------------------- weights only
def test_save_weights_and_load_weights_by_position(tmp_path):
    source, target = mlp(), mlp()
    source.save_weights(str(tmp_path / 'w'))
    target.load_weights(str(tmp_path / 'w'))
    assert_same_arrays(target.get_weights(), source.get_weights())
    again = cnn()
    again.save(str(tmp_path / 'full.h5'))       # load_weights also reads full model files
    fresh = cnn()
    fresh.load_weights(str(tmp_path / 'full.h5'))
    assert_same_arrays(fresh.get_weights(), again.get_weights())


def test_load_weights_by_name_skips_absent_layers(tmp_path):
    source = mlp()
    source.save_weights(str(tmp_path / 'w.h5'))
    target = Sequential([Dense(8, input_shape=(5,), name='hidden'),
                         Dense(4, name='other')])
    before = target.get_layer('other').get_weights()
    target.load_weights(str(tmp_path / 'w.h5'), by_name=True)
    assert_same_arrays(target.get_layer('hidden').get_weights(),
                       source.get_layer('hidden').get_weights())
    assert_same_arrays(target.get_layer('other').get_weights(), before)


def test_load_weights_by_name_with_skip_mismatch(tmp_path):
    source = mlp()
    source.save_weights(str(tmp_path / 'w.h5'))
    target = Sequential([Dense(8, input_shape=(5,), name='hidden'),
                         Dense(7, name='probs')])
    original = target.get_layer('probs').get_weights()
    with pytest.raises(ValueError, match=r"layer 'probs' \(Dense\).*\(8, 7\).*\(8, 3\)"):
        target.load_weights(str(tmp_path / 'w.h5'), by_name=True)
    with pytest.warns(UserWarning, match="Skipping loading of weights for layer 'probs'"):
        target.load_weights(str(tmp_path / 'w.h5'), by_name=True, skip_mismatch=True)
    assert_same_arrays(target.get_layer('hidden').get_weights(),
                       source.get_layer('hidden').get_weights())
    assert_same_arrays(target.get_layer('probs').get_weights(), original)


def test_load_weights_checks_every_shape_before_assigning_anything(tmp_path):
    source = Sequential([Dense(4, input_shape=(3,), name='d1'), Dense(2, name='d2')])
    source.save_weights(str(tmp_path / 'w'))
    target = Sequential([Dense(4, input_shape=(3,), name='x1'), Dense(5, name='x2')])
    before = target.get_weights()
    with pytest.raises(ValueError) as info:
        target.load_weights(str(tmp_path / 'w'))
    message = str(info.value)
    assert "layer 'x2' (Dense)" in message and '(4, 5)' in message and '(4, 2)' in message
    assert str(tmp_path / 'w') in message
    assert_same_arrays(target.get_weights(), before)     # x1 fitted but was not assigned


def test_load_weights_layer_count_mismatch(tmp_path):
    Sequential([Dense(4, input_shape=(3,)), Dense(2)]).save_weights(str(tmp_path / 'w'))
    target = Sequential([Dense(4, input_shape=(3,))])
    with pytest.raises(ValueError, match='weights for 2 layers.*has 1 layers with weights'):
        target.load_weights(str(tmp_path / 'w'))


def test_load_model_of_a_weights_file_says_what_to_do(tmp_path):
    mlp().save_weights(str(tmp_path / 'w.h5'))
    with pytest.raises(ValueError, match='only weights.*load_weights'):
        load_model(str(tmp_path / 'w.h5'))


# ---------------------------------------------------------------- set_weights
def test_set_weights_with_wrong_shapes_names_the_layer_and_both_shapes():
    model = Sequential([Dense(4, input_shape=(3,), name='dense_a')])
    with pytest.raises(ValueError, match=r"dense_a.*\(3, 4\).*\(3, 5\)"):
        model.set_weights([np.zeros((3, 5)), np.zeros(4)])
    with pytest.raises(ValueError, match=r"dense_a.*\(3, 4\).*\(4, 3\)"):
        model.get_layer('dense_a').set_weights([np.zeros((4, 3)), np.zeros(4)])
    with pytest.raises(ValueError, match='expected a list of 2 arrays, received 1'):
        model.set_weights([np.zeros((3, 4))])


# ---------------------------------------------------------------- JSON and config
def test_to_json_model_from_json_round_trip():
    for model in (mlp(), cnn(), two_tower()):
        text = model.to_json()
        clone = model_from_json(text)
        assert type(clone) is type(model)
        assert clone.get_config() == model.get_config()
        assert json.loads(text)['keras_version'] == '2.2.4'
        config = {'class_name': type(model).__name__, 'config': model.get_config()}
        assert model_from_config(config).get_config() == model.get_config()


def test_model_from_json_and_config_errors():
    with pytest.raises(ValueError, match='not valid JSON'):
        model_from_json('{"class_name": "Sequential", ')
    with pytest.raises(TypeError, match='Sequential.from_config'):
        model_from_config([{'class_name': 'Dense', 'config': {'units': 1}}])
    with pytest.raises(UnknownObjectsError, match="layer class 'NoSuchLayer'"):
        model_from_json('{"class_name": "Sequential", "config": {"name": "s", "layers": '
                        '[{"class_name": "NoSuchLayer", "config": {}}]}}')


# ---------------------------------------------------------------- custom objects
class Scale(Layer):
    """A custom layer: x * a learned per-feature scale."""

    def __init__(self, initial=1.0, **kwargs):
        super().__init__(**kwargs)
        self.initial = initial

    def build(self, input_shape):
        self.scale = self.add_weight('scale', (input_shape[-1],), initializer='ones')
        super().build(input_shape)

    def call(self, x):
        return x * self.scale * self.initial

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return dict(super().get_config(), initial=self.initial)


def doubled(x):
    return 2.0 * x


class Quarter(Initializer):
    """A custom initializer class (Keras, like symkeras, rebuilds initializers from their
    config, so a plain function cannot be one in a saved model)."""

    def __call__(self, shape, dtype=None):
        return np.full(shape, 0.25, dtype=dtype or 'float32')


def my_loss(y_true, y_pred):
    return K.mean(K.square(y_true - y_pred), axis=-1)


def my_metric(y_true, y_pred):
    return K.mean(K.abs(y_true - y_pred), axis=-1)


def custom_model():
    model = Sequential([Dense(3, input_shape=(4,), kernel_initializer=Quarter()), Scale(0.5),
                        Lambda(doubled)])
    model.compile('sgd', loss=my_loss, metrics=[my_metric])
    return model


CUSTOM = {'Scale': Scale, 'doubled': doubled, 'my_loss': my_loss, 'my_metric': my_metric,
          'Quarter': Quarter}


def test_custom_objects_round_trip(tmp_path):
    model = custom_model()
    x, y = np.ones((2, 4), 'float32'), np.zeros((2, 3), 'float32')
    model.train_on_batch(x, y)
    model.save(str(tmp_path / 'custom.h5'))
    loaded = load_model(str(tmp_path / 'custom.h5'), custom_objects=CUSTOM)
    assert loaded.metrics_names == model.metrics_names == ['loss', 'my_metric']
    assert loaded.train_on_batch(x, y) == model.train_on_batch(x, y)
    assert_same_arrays(loaded.get_weights(), model.get_weights())


def test_missing_custom_objects_are_all_listed(tmp_path):
    custom_model().save(str(tmp_path / 'custom.h5'))
    with pytest.raises(UnknownObjectsError) as info:
        load_model(str(tmp_path / 'custom.h5'))
    message = str(info.value)
    for expected in ("layer class 'Scale'", "Lambda function 'doubled'", "loss 'my_loss'",
                     "metric 'my_metric'", "initializer 'Quarter'", 'custom_objects=',
                     'custom.h5'):
        assert expected in message
    assert isinstance(info.value, ValueError)
    only_layer = {'Scale': Scale, 'doubled': doubled, 'Quarter': Quarter}
    load_model(str(tmp_path / 'custom.h5'), custom_objects=only_layer, compile=False)


def test_anonymous_lambda_is_saved_by_name_and_needs_custom_objects(tmp_path):
    square = lambda x: x * x  # noqa: E731  (the point of the test)
    model = Sequential([Dense(2, input_shape=(3,)), Lambda(square)])
    with pytest.warns(UserWarning, match='anonymous lambda'):
        model.save(str(tmp_path / 'lambda.h5'))
    raw = (tmp_path / 'lambda.h5').read_bytes()
    assert b'marshal' not in raw and square.__code__.co_code not in raw
    with pytest.raises(UnknownObjectsError, match="Lambda function '<lambda>'.*def"):
        load_model(str(tmp_path / 'lambda.h5'))
    loaded = load_model(str(tmp_path / 'lambda.h5'), custom_objects={'<lambda>': square},
                        compile=False)
    x = np.arange(6, dtype='float32').reshape(2, 3)
    assert_same_arrays([loaded.predict(x)], [model.predict(x)])


def test_export_model_writes_an_inference_artifact(tmp_path):
    import runtime
    model = cnn()
    model.export(str(tmp_path / 'cnn.skx'))
    x = np.random.RandomState(0).rand(3, 6, 6, 1).astype('float32')
    np.testing.assert_allclose(runtime.load(str(tmp_path / 'cnn.skx'))(x), model.predict(x),
                               rtol=1e-6)
