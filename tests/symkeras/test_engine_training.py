"""Model training: compile, fit, evaluate, predict and the *_on_batch methods."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras import callbacks
from symkeras.models import Model, Sequential
from symkeras.layers import Input, Dense, Dropout


@pytest.fixture(autouse=True)
def fresh_names():
    K.reset_uids()
    np.random.seed(0)
    yield


def separable(n=64, features=4):
    """Two Gaussian blobs: class 0 around -1, class 1 around +1."""
    labels = np.random.randint(0, 2, n)
    x = (np.random.randn(n, features) * 0.3 + (labels[:, None] * 2 - 1)).astype('float32')
    return x, labels, np.eye(2, dtype='float32')[labels]


def fast_sgd():
    from symkeras.optimizers import SGD
    return SGD(lr=0.2)


def classifier(features=4, classes=2):
    return Sequential([Dense(8, input_dim=features, activation='relu'),
                       Dense(classes, activation='softmax')])


def test_fit_before_compile_raises_runtime_error():
    x, _, y = separable()
    with pytest.raises(RuntimeError) as info:
        classifier().fit(x, y)
    assert str(info.value) == ('You must compile a model before training/testing. Use '
                               '`model.compile(optimizer, loss)`.')


def test_functions_are_built_lazily_and_cached():
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy')
    assert model.train_function is None and model.test_function is None
    assert model.predict_function is None
    x, _, y = separable()
    model.fit(x, y, epochs=1, verbose=0)
    train_function = model.train_function
    assert train_function is not None
    model.fit(x, y, epochs=1, verbose=0)
    assert model.train_function is train_function
    model.evaluate(x, y)
    model.predict(x)
    assert model.test_function is not None and model.predict_function is not None
    assert hasattr(model.train_function, 'to_networkx')


def test_loss_goes_down_on_separable_problem():
    x, _, y = separable(128)
    model = classifier()
    model.compile(fast_sgd(), 'categorical_crossentropy', metrics=['accuracy'])
    history = model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    losses = history.history['loss']
    assert len(losses) == 8
    assert losses[-1] < losses[0]
    assert history.history['accuracy'][-1] > 0.9


def test_history_keys_follow_the_metric_strings():
    x, _, y = separable()
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy', metrics=['acc'])
    history = model.fit(x, y, epochs=2, verbose=0)
    assert set(history.history) == {'loss', 'acc'}
    assert history.epoch == [0, 1]
    assert model.history is history
    assert model.metrics_names == ['loss', 'acc']


def test_validation_split_adds_val_keys():
    x, _, y = separable()
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy', metrics=['accuracy'])
    history = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0)
    assert set(history.history) == {'loss', 'accuracy', 'val_loss', 'val_accuracy'}
    assert all(len(values) == 2 for values in history.history.values())


def test_validation_split_takes_the_last_samples():
    x, _, y = separable(40)
    seen = {}

    class Spy(callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen['val'] = self.validation_data
            seen['samples'] = self.params['samples']
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy')
    model.fit(x, y, epochs=1, validation_split=0.25, verbose=0, callbacks=[Spy()])
    assert seen['samples'] == 30
    np.testing.assert_array_equal(seen['val'][0], x[30:])
    np.testing.assert_array_equal(seen['val'][1], y[30:])


def test_validation_data_adds_val_keys():
    x, _, y = separable()
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy', metrics=['accuracy'])
    history = model.fit(x, y, epochs=1, validation_data=(x[:10], y[:10]), verbose=0)
    assert set(history.history) == {'loss', 'accuracy', 'val_loss', 'val_accuracy'}
    assert history.history['val_loss'][0] == pytest.approx(model.evaluate(x[:10], y[:10])[0],
                                                           rel=1e-5)


def test_evaluate_returns_scalar_or_list_weighted_by_batch_size():
    x, _, y = separable(10)
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy')
    loss = model.evaluate(x, y, batch_size=3)
    assert isinstance(loss, float)
    full = model.evaluate(x, y, batch_size=10)
    assert loss == pytest.approx(full, rel=1e-5)
    model.compile('sgd', 'categorical_crossentropy', metrics=['accuracy', 'mse'])
    results = model.evaluate(x, y)
    assert len(results) == 3 and model.metrics_names == ['loss', 'accuracy', 'mse']


def test_predict_shapes_and_partial_batches():
    model = classifier()
    out = model.predict(np.zeros((33, 4), dtype='float32'), batch_size=8)
    assert out.shape == (33, 2)
    assert model.predict_on_batch(np.zeros((3, 4))).shape == (3, 2)


# The defaults API.md writes: fit(x, y, batch_size=32, epochs=1, verbose=1, callbacks=None,
# validation_split=0.0, validation_data=None, shuffle=True, initial_epoch=0),
# evaluate(x, y, batch_size=32, verbose=0) (Keras 2.2.4: verbose=1), predict(x, batch_size=32).
API_DEFAULTS = {
    'fit': {'batch_size': 32, 'epochs': 1, 'verbose': 1, 'callbacks': None,
            'validation_split': 0.0, 'validation_data': None, 'shuffle': True,
            'initial_epoch': 0},
    'evaluate': {'batch_size': 32, 'verbose': 0},
    'predict': {'batch_size': 32},
}


@pytest.mark.parametrize('method', sorted(API_DEFAULTS))
def test_signature_defaults_are_api_mds(method):
    import inspect
    parameters = inspect.signature(getattr(Model, method)).parameters
    for name, default in API_DEFAULTS[method].items():
        found = parameters[name].default
        assert found == default and type(found) is type(default), (method, name, found)
    leading = ['self', 'x'] if method == 'predict' else ['self', 'x', 'y']
    assert list(parameters)[:len(leading)] == leading


def test_batch_size_none_still_means_32():
    x, _, y = separable(100)
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy')
    sizes = []
    record = callbacks.LambdaCallback(on_batch_end=lambda b, logs: sizes.append(logs['size']))
    for batch_size in (None, 32):
        del sizes[:]
        model.fit(x, y, batch_size=batch_size, verbose=0, shuffle=False, callbacks=[record])
        assert sizes == [32, 32, 32, 4]
    assert model.evaluate(x, y, batch_size=None) == pytest.approx(model.evaluate(x, y))
    np.testing.assert_array_equal(model.predict(x, batch_size=None), model.predict(x))


def test_steps_per_epoch_ignores_the_batch_size():
    x, _, y = separable(10)
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy')
    sizes = []
    record = callbacks.LambdaCallback(on_batch_end=lambda b, logs: sizes.append(logs['size']))
    history = model.fit(x, y, steps_per_epoch=2, verbose=0, callbacks=[record],
                        validation_data=(x, y))
    assert sizes == [1, 1] and len(history.history['val_loss']) == 1
    assert isinstance(model.evaluate(x, y, steps=2), float)
    assert model.predict(x, steps=1).shape == (10, 2)


def test_train_and_test_on_batch():
    x, _, y = separable(8)
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy', metrics=['accuracy'])
    loss, accuracy = model.train_on_batch(x, y)
    assert np.isfinite(loss) and 0 <= accuracy <= 1
    assert isinstance(model.test_on_batch(x, y), list)


def test_input_shape_error_wording():
    x = Input(shape=(784,))
    model = Model(x, Dense(2)(x))
    with pytest.raises(ValueError) as info:
        model.predict(np.zeros((2, 100)))
    assert str(info.value) == ('Error when checking input: expected input_1 to have shape '
                               '(784,) but got array with shape (100,)')


def test_x_and_y_length_mismatch():
    x, _, y = separable(10)
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy')
    with pytest.raises(ValueError, match='10 input samples and 4 target samples'):
        model.fit(x, y[:4])


def test_wrong_number_of_input_arrays():
    model = classifier()
    with pytest.raises(ValueError, match='Expected to see 1 array'):
        model.predict([np.zeros((2, 4)), np.zeros((2, 4))])


def test_sparse_labels_pick_sparse_accuracy():
    x, labels, _ = separable(64)
    model = classifier()
    model.compile(fast_sgd(), 'sparse_categorical_crossentropy', metrics=['accuracy'])
    history = model.fit(x, labels, epochs=6, batch_size=16, verbose=0)
    assert history.history['accuracy'][-1] > 0.9


def test_binary_output_picks_binary_accuracy():
    x, labels, _ = separable(64)
    model = Sequential([Dense(1, input_dim=4, activation='sigmoid')])
    model.compile(fast_sgd(), 'binary_crossentropy', metrics=['acc'])
    history = model.fit(x, labels, epochs=6, batch_size=8, verbose=0)
    assert history.history['acc'][-1] > 0.9


def test_categorical_crossentropy_with_integer_targets_explains():
    x, labels, _ = separable(8)
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy')
    with pytest.raises(ValueError, match='sparse_categorical_crossentropy'):
        model.fit(x, labels)


def test_callable_loss_and_metric():
    def my_loss(y_true, y_pred):
        return K.mean(K.square(y_true - y_pred), axis=-1)

    def my_metric(y_true, y_pred):
        return K.mean(K.abs(y_true - y_pred), axis=-1)
    x, _, y = separable()
    model = classifier()
    model.compile('sgd', my_loss, metrics=[my_metric])
    history = model.fit(x, y, epochs=1, verbose=0)
    assert set(history.history) == {'loss', 'my_metric'}


def test_sample_weights_change_the_loss():
    x, _, y = separable(8)
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy')
    weights = np.array([1, 1, 1, 1, 0, 0, 0, 0], dtype='float32')
    weighted = model.evaluate(x, y, sample_weight=weights, batch_size=8)
    first_half = model.evaluate(x[:4], y[:4], batch_size=4)
    assert weighted == pytest.approx(first_half, rel=1e-5)


def test_the_fused_weighted_loss_matches_kerass_formula(monkeypatch):
    """The loss with sample weights runs as one op (WeightedMean joined with the
    cross-entropy, and one gradient op); losses and updated weights equal those of Keras's
    formula built from primitives."""
    from symkeras.engine import training_utils
    x, _, y = separable(8)
    weights = np.array([0.5, 2, 0, 1, 3, 0, 1, 1], dtype='float32')
    fused = classifier()
    fused.compile('sgd', 'categorical_crossentropy')
    monkeypatch.setattr(training_utils, '_same_shape', lambda a, b: False)
    plain = classifier()
    plain.compile('sgd', 'categorical_crossentropy')
    plain.set_weights(fused.get_weights())
    losses = [m.train_on_batch(x, y, sample_weight=weights) for m in (fused, plain)]
    assert losses[0] == pytest.approx(losses[1], rel=1e-6)
    for a, b in zip(fused.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    kernels = [[s.kernel for s in m.train_function.plan.steps] for m in (fused, plain)]
    # The weighted mean, joined with the cross-entropy (compiler/rewrite/losses.py).
    assert 'weighted_softmax_crossentropy' in kernels[0]
    assert not {'weighted_mean', 'weighted_softmax_crossentropy'} & set(kernels[1])
    assert len(kernels[0]) < len(kernels[1]) - 6


def test_class_weight_is_accepted():
    x, _, y = separable()
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy')
    model.fit(x, y, class_weight={0: 1.0, 1: 2.0}, epochs=1, verbose=0)
    with pytest.raises(ValueError, match='class_weight'):
        model.fit(x, y, class_weight={0: 1.0}, epochs=1, verbose=0)


def test_uint8_inputs_are_accepted():
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy')
    x = np.random.randint(0, 255, (8, 4)).astype('uint8')
    y = np.eye(2, dtype='float32')[np.random.randint(0, 2, 8)]
    model.train_on_batch(x, y)
    assert model.predict(x).shape == (8, 2)


def test_multi_output_losses_weights_and_metric_names():
    a = Input(shape=(3,), name='a')
    hidden = Dense(4, activation='relu')(a)
    cls = Dense(2, activation='softmax', name='cls')(hidden)
    reg = Dense(1, name='reg')(hidden)
    model = Model(a, [cls, reg])
    model.compile('sgd', loss={'cls': 'categorical_crossentropy', 'reg': 'mse'},
                  loss_weights={'cls': 1.0, 'reg': 0.5}, metrics={'cls': ['accuracy']})
    assert model.metrics_names == ['loss', 'cls_loss', 'reg_loss', 'cls_accuracy']
    x = np.random.rand(6, 3).astype('float32')
    targets = [np.eye(2)[[0, 1, 0, 1, 0, 1]], np.random.rand(6, 1)]
    total, cls_loss, reg_loss, _ = model.evaluate(x, targets)
    assert total == pytest.approx(cls_loss + 0.5 * reg_loss, rel=1e-5)
    history = model.fit(x, {'cls': targets[0], 'reg': targets[1]}, epochs=1, verbose=0)
    assert 'cls_accuracy' in history.history


def test_regularization_losses_join_the_total_loss():
    from symkeras import regularizers
    plain = Sequential([Dense(2, input_dim=3, kernel_initializer='ones')])
    regular = Sequential([Dense(2, input_dim=3, kernel_initializer='ones',
                                kernel_regularizer=regularizers.l2(0.1))])
    for model in (plain, regular):
        model.compile('sgd', 'mse')
    x, y = np.zeros((4, 3)), np.zeros((4, 2))
    assert plain.evaluate(x, y) == pytest.approx(0.0)
    assert regular.evaluate(x, y) == pytest.approx(0.1 * 6, rel=1e-5)


def test_dropout_is_active_only_in_training():
    model = Sequential([Dropout(0.5, input_shape=(100,))])
    model.compile('sgd', 'mse')
    x = np.ones((4, 100), dtype='float32')
    np.testing.assert_allclose(model.predict(x), x)
    assert model.evaluate(x, x) == pytest.approx(0.0)
    train_loss = model.train_on_batch(x, x)
    assert train_loss > 0.1


def test_initial_epoch_and_shuffle_false():
    x, _, y = separable(16)
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy')
    history = model.fit(x, y, epochs=3, initial_epoch=1, shuffle=False, verbose=0)
    assert history.epoch == [1, 2]


def test_fit_verbose_prints_progress(capsys):
    x, _, y = separable(20)
    model = classifier()
    model.compile('sgd', 'categorical_crossentropy', metrics=['accuracy'])
    model.fit(x, y, epochs=1, batch_size=10, verbose=1, validation_split=0.5)
    out = capsys.readouterr().out
    assert 'Train on 10 samples, validate on 10 samples' in out
    assert 'Epoch 1/1' in out
    assert '10/10 [==============================]' in out
    assert 'val_accuracy:' in out


def test_trainable_false_freezes_weights():
    x, _, y = separable(16)
    model = classifier()
    model.layers[0].trainable = False
    model.compile('sgd', 'categorical_crossentropy')
    frozen = model.layers[0].get_weights()[0].copy()
    model.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], frozen)


def test_fit_profile_prints_the_kernel_table(capsys):
    import numpy as np
    from symkeras.layers import Dense
    from symkeras.models import Sequential
    model = Sequential([Dense(3, activation='relu', input_dim=4), Dense(2, activation='softmax')])
    model.compile('sgd', 'categorical_crossentropy')
    model.fit(np.random.rand(20, 4), np.eye(2)[np.random.randint(0, 2, 20)], epochs=1,
              batch_size=5, verbose=0, profile=True)
    out = capsys.readouterr().out
    assert 'kernel' in out and 'calls' in out
    rows = model.train_function.profile()
    assert max(row['calls'] for row in rows) == 4
