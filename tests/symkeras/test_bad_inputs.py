"""A catalogue of bad inputs to the Keras surface: each one gets a clear error (its type,
and a message naming the layer / argument and the shapes or values) raised before any
state changes: the weights and the optimizer state are the same after the failed call.

One row per bad input. `mlp` and `sparse` are compiled, already trained models shared by
the rows (a failed call must leave them untouched, which every row checks); `fresh` is an
uncompiled model built per row; rows without a model build what they need themselves.
"""
import threading

import numpy as np
import pytest

from symkeras import backend as K
from symkeras import callbacks
from symkeras.layers import (Activation, Add, Concatenate, Conv2D, Dense, Dropout, Embedding,
                             Flatten, Input, Lambda, MaxPooling2D, Reshape, add)
from symkeras.models import Model, Sequential

NOT_COMPILED = ('You must compile a model before training/testing. Use '
                '`model.compile(optimizer, loss)`.')
RNG = np.random.RandomState(0)
X = RNG.rand(10, 4).astype('float32')
LABELS = np.arange(10) % 3
Y = np.eye(3, dtype='float32')[LABELS]


def make_mlp(loss='categorical_crossentropy', compile_it=True):
    model = Sequential([Dense(8, activation='relu', input_shape=(4,), name='hidden'),
                        Dense(3, activation='softmax', name='probs')])
    if compile_it:
        model.compile('adam', loss, metrics=['accuracy'])
    return model


@pytest.fixture(scope='module')
def models():
    """Compiled models with optimizer state (Adam moments, iteration count)."""
    mlp = make_mlp()
    mlp.train_on_batch(X, Y)
    sparse = make_mlp('sparse_categorical_crossentropy')
    sparse.train_on_batch(X, LABELS)
    left, right = Input(shape=(4,), name='left'), Input(shape=(2,), name='right')
    joined = Dense(3, activation='softmax', name='joined')(Concatenate()([left, right]))
    multi = Model([left, right], joined)
    multi.compile('rmsprop', 'categorical_crossentropy')
    multi.train_on_batch([X, X[:, :2]], Y)
    return {'mlp': mlp, 'sparse': sparse, 'multi': multi}


def state(model):
    """Every array a failed call must leave alone."""
    optimizer = model.optimizer.get_weights() if model.optimizer is not None else []
    return model.get_weights() + optimizer


def conv_input():
    return Input(shape=(6, 6, 2))


def reuse(layer, first, second):
    layer(first)
    return layer(second)


def set_last_weight_wrong(model):
    weights = model.get_weights()
    weights[-1] = np.zeros(5)                    # bias of 'probs' has 3 entries
    model.set_weights(weights)


class Unconvertible:
    def __array__(self, *args, **kwargs):
        raise ValueError('no array here')


# (id, model, call, exception, fragments the message must contain)
DATA = [
    ('fit-x-rank', 'mlp', lambda m: m.fit(X[:, :, None], Y, verbose=0), ValueError,
     ['hidden_input', '2 dimensions', '(10, 4, 1)']),
    ('fit-x-features', 'mlp', lambda m: m.fit(X[:, :3], Y, verbose=0), ValueError,
     ['hidden_input', '(4,)', '(3,)']),
    ('predict-x-1d', 'mlp', lambda m: m.predict(np.ones(4)), ValueError,
     ['hidden_input', '(4,)', '(1,)']),
    ('predict-x-features', 'mlp', lambda m: m.predict(np.ones((2, 5))), ValueError,
     ['hidden_input', '(4,)', '(5,)']),
    ('evaluate-x-features', 'mlp', lambda m: m.evaluate(np.ones((10, 6)), Y), ValueError,
     ['hidden_input', '(6,)']),
    ('train_on_batch-x-rank', 'mlp', lambda m: m.train_on_batch(np.ones((10, 2, 2)), Y),
     ValueError, ['hidden_input', '(10, 2, 2)']),
    ('predict_on_batch-x-rank', 'mlp', lambda m: m.predict_on_batch(np.ones((2, 4, 1))),
     ValueError, ['hidden_input', '(2, 4, 1)']),
    ('fit-y-classes', 'mlp', lambda m: m.fit(X, Y[:, :2], verbose=0), ValueError,
     ['(10, 2)', '(None, 3)', 'categorical_crossentropy']),
    ('fit-y-rank', 'mlp', lambda m: m.fit(X, Y[:, :, None], verbose=0), ValueError,
     ['probs', '(10, 3, 1)']),
    ('fit-integer-y-categorical', 'mlp', lambda m: m.fit(X, LABELS, verbose=0), ValueError,
     ['categorical_crossentropy', '(10, 1)', 'to_categorical']),
    ('fit-xy-length', 'mlp', lambda m: m.fit(X, Y[:7], verbose=0), ValueError,
     ['10 input samples', '7 target samples']),
    ('train_on_batch-xy-length', 'mlp', lambda m: m.train_on_batch(X[:4], Y), ValueError,
     ['4 input samples', '10 target samples']),
    ('evaluate-xy-length', 'mlp', lambda m: m.evaluate(X, Y[:3]), ValueError,
     ['10 input samples', '3 target samples']),
    ('fit-x-strings', 'mlp', lambda m: m.fit(X.astype(str), Y, verbose=0), TypeError,
     ['hidden_input', 'numeric', '<U']),
    ('fit-x-objects', 'mlp', lambda m: m.fit(X.astype(object), Y, verbose=0), TypeError,
     ['hidden_input', 'numeric', 'object']),
    ('fit-x-complex', 'mlp', lambda m: m.fit(X + 1j, Y, verbose=0), TypeError,
     ['hidden_input', 'complex']),
    ('predict-x-datetime', 'mlp',
     lambda m: m.predict(np.zeros((2, 4), 'datetime64[s]')), TypeError,
     ['hidden_input', 'datetime64']),
    ('fit-y-strings', 'mlp', lambda m: m.fit(X, Y.astype(str), verbose=0), TypeError,
     ['probs', 'numeric']),
    ('fit-x-none', 'mlp', lambda m: m.fit(None, Y, verbose=0), TypeError,
     ['fit', 'input data x', 'None']),
    ('fit-y-none', 'mlp', lambda m: m.fit(X, None, verbose=0), TypeError,
     ['fit', 'target data y', 'probs', 'None']),
    ('evaluate-y-none', 'mlp', lambda m: m.evaluate(X), TypeError,
     ['evaluate', 'target data y']),
    ('predict-x-none', 'mlp', lambda m: m.predict(None), TypeError,
     ['predict', 'input data x', 'None']),
    ('fit-x-list-of-none', 'mlp', lambda m: m.fit([None], Y, verbose=0), TypeError,
     ['hidden_input', 'None']),
    ('fit-y-list-of-none', 'mlp', lambda m: m.fit(X, [None], verbose=0), TypeError,
     ['probs', 'None']),
    ('fit-x-string', 'mlp', lambda m: m.fit('hello', Y, verbose=0), TypeError,
     ['hidden_input', "'hello'", 'str']),
    ('fit-x-builtin-function', 'mlp', lambda m: m.fit(input, Y, verbose=0), TypeError,
     ['hidden_input', 'built-in function input']),
    ('predict-x-builtin-function', 'mlp', lambda m: m.predict(len), TypeError,
     ['hidden_input', 'built-in function len']),
    ('fit-x-dict-wrong-keys', 'mlp', lambda m: m.fit({'pixels': X}, Y, verbose=0), TypeError,
     ['hidden_input', 'pixels']),
    ('fit-y-dict-wrong-keys', 'mlp', lambda m: m.fit(X, {'labels': Y}, verbose=0),
     ValueError, ['probs', 'labels']),
    ('fit-x-set', 'mlp', lambda m: m.fit({1, 2}, Y, verbose=0), TypeError,
     ['hidden_input', 'set']),
    ('fit-x-ragged-lists', 'mlp', lambda m: m.fit([[1, 2, 3, 4], [1, 2]], Y[:2], verbose=0),
     TypeError, ['hidden_input', 'one array']),
    ('fit-x-unconvertible-object', 'mlp', lambda m: m.fit(Unconvertible(), Y, verbose=0),
     TypeError, ['hidden_input', 'no array here']),
    ('fit-two-arrays-one-input', 'mlp', lambda m: m.fit([X, X], Y, verbose=0), ValueError,
     ['Expected to see 1 array', 'got 2 array']),
    ('fit-empty', 'mlp', lambda m: m.fit(X[:0], Y[:0], verbose=0), ValueError,
     ['fit', 'hidden_input', '0 samples', '(0, 4)']),
    ('predict-empty', 'mlp', lambda m: m.predict(X[:0]), ValueError,
     ['predict', '0 samples']),
    ('evaluate-empty', 'mlp', lambda m: m.evaluate(X[:0], Y[:0]), ValueError,
     ['evaluate', '0 samples']),
    ('train_on_batch-empty', 'mlp', lambda m: m.train_on_batch(X[:0], Y[:0]), ValueError,
     ['train_on_batch', '0 samples']),
    ('fit-batch-size-zero', 'mlp', lambda m: m.fit(X, Y, batch_size=0, verbose=0),
     ValueError, ['fit', 'batch_size', 'positive', '0']),
    ('fit-batch-size-negative', 'mlp', lambda m: m.fit(X, Y, batch_size=-5, verbose=0),
     ValueError, ['batch_size', '-5']),
    ('fit-batch-size-float', 'mlp', lambda m: m.fit(X, Y, batch_size=2.5, verbose=0),
     TypeError, ['batch_size', '2.5', 'float']),
    ('fit-batch-size-string', 'mlp', lambda m: m.fit(X, Y, batch_size='32', verbose=0),
     TypeError, ['batch_size', "'32'"]),
    ('predict-batch-size-zero', 'mlp', lambda m: m.predict(X, batch_size=0), ValueError,
     ['predict', 'batch_size']),
    ('evaluate-batch-size-negative', 'mlp', lambda m: m.evaluate(X, Y, batch_size=-1),
     ValueError, ['evaluate', 'batch_size', '-1']),
    ('fit-epochs-negative', 'mlp', lambda m: m.fit(X, Y, epochs=-1, verbose=0), ValueError,
     ['fit', 'epochs', '-1']),
    ('fit-epochs-float', 'mlp', lambda m: m.fit(X, Y, epochs=1.5, verbose=0), TypeError,
     ['epochs', '1.5']),
    ('fit-initial-epoch-negative', 'mlp',
     lambda m: m.fit(X, Y, initial_epoch=-2, verbose=0), ValueError,
     ['initial_epoch', '-2']),
    ('fit-steps-per-epoch-zero', 'mlp',
     lambda m: m.fit(X, Y, steps_per_epoch=0, verbose=0), ValueError,
     ['steps_per_epoch', '0']),
    ('fit-validation-split-one', 'mlp',
     lambda m: m.fit(X, Y, validation_split=1.0, verbose=0), ValueError,
     ['validation_split', '[0, 1)', '1.0']),
    ('fit-validation-split-negative', 'mlp',
     lambda m: m.fit(X, Y, validation_split=-0.1, verbose=0), ValueError,
     ['validation_split', '-0.1']),
    ('fit-validation-split-string', 'mlp',
     lambda m: m.fit(X, Y, validation_split='0.2', verbose=0), TypeError,
     ['validation_split', "'0.2'"]),
    ('fit-validation-split-no-training-left', 'mlp',
     lambda m: m.fit(X, Y, validation_split=0.95, verbose=0), ValueError,
     ['validation_split=0.95', '0 of the 10 samples']),
    ('fit-validation-data-array', 'mlp',
     lambda m: m.fit(X, Y, validation_data=X, verbose=0), TypeError,
     ['validation_data', 'ndarray', '(10, 4)']),
    ('fit-validation-data-one-item', 'mlp',
     lambda m: m.fit(X, Y, validation_data=(X,), verbose=0), ValueError,
     ['validation_data', '1 items']),
    ('fit-validation-data-four-items', 'mlp',
     lambda m: m.fit(X, Y, validation_data=(X, Y, None, None), verbose=0), ValueError,
     ['validation_data', '4 items']),
    ('fit-validation-data-x-shape', 'mlp',
     lambda m: m.fit(X, Y, validation_data=(X[:, :2], Y), verbose=0), ValueError,
     ['hidden_input', '(2,)']),
    ('fit-validation-data-length', 'mlp',
     lambda m: m.fit(X, Y, validation_data=(X, Y[:5]), verbose=0), ValueError,
     ['10 input samples', '5 target samples']),
    ('fit-sample-weight-length', 'mlp',
     lambda m: m.fit(X, Y, sample_weight=np.ones(3), verbose=0), ValueError,
     ['sample_weight', '(3,)', 'length 10']),
    ('fit-sample-weight-2d', 'mlp',
     lambda m: m.fit(X, Y, sample_weight=np.ones((10, 2)), verbose=0), ValueError,
     ['sample_weight', '(10, 2)', '1-D']),
    ('fit-sample-weight-strings', 'mlp',
     lambda m: m.fit(X, Y, sample_weight=np.array(['a'] * 10), verbose=0), TypeError,
     ['sample_weight', 'numeric']),
    ('fit-class-weight-missing-class', 'mlp',
     lambda m: m.fit(X, Y, class_weight={0: 1.}, verbose=0), ValueError,
     ['class_weight', '{1, 2}']),
    ('fit-class-weight-list', 'mlp',
     lambda m: m.fit(X, Y, class_weight=[1., 2., 3.], verbose=0), ValueError,
     ['class_weight', '1 outputs', '3 entries']),
    ('fit-class-weight-number', 'mlp',
     lambda m: m.fit(X, Y, class_weight=3.0, verbose=0), TypeError,
     ['class_weight', 'dict', '3.0', 'float']),
    ('fit-callbacks-not-list', 'mlp', lambda m: m.fit(X, Y, callbacks=3, verbose=0),
     TypeError, ['callbacks', '3', 'int']),
    ('fit-callbacks-not-callback', 'mlp',
     lambda m: m.fit(X, Y, callbacks=[callbacks.History(), 'stop'], verbose=0), TypeError,
     ['callbacks[1]', "'stop'"]),
    ('fit-sparse-label-too-big', 'sparse',
     lambda m: m.fit(X, np.array([0, 1, 2, 3, 0, 1, 2, 0, 1, 7]), verbose=0), ValueError,
     ['sparse_categorical_crossentropy', 'probs', '[0, 3)', '[3, 7]']),
    ('train_on_batch-sparse-label-negative', 'sparse',
     lambda m: m.train_on_batch(X, np.array([0, 1, 2, -1, 0, 1, 2, 0, 1, 2])), ValueError,
     ['sparse_categorical_crossentropy', '[-1]']),
    ('evaluate-sparse-label-fraction', 'sparse',
     lambda m: m.evaluate(X, np.array([0, 1, 2, 1.5, 0, 1, 2, 0, 1, 2])), ValueError,
     ['sparse_categorical_crossentropy', 'integers', '1.5']),
    ('test_on_batch-sparse-label-nan', 'sparse',
     lambda m: m.test_on_batch(X, np.array([0, 1, 2, np.nan, 0, 1, 2, 0, 1, 2])),
     ValueError, ['sparse_categorical_crossentropy', 'nan']),
    ('fit-sparse-validation-label', 'sparse',
     lambda m: m.fit(X, LABELS, validation_data=(X, LABELS + 1), verbose=0), ValueError,
     ['sparse_categorical_crossentropy', '[3]']),
]

MULTI = [
    ('two-inputs-one-array', 'multi', lambda m: m.fit(X, Y, verbose=0), ValueError,
     ['Expected to see 2 array', 'got 1 array']),
    ('two-inputs-dict-missing-one', 'multi', lambda m: m.fit({'left': X}, Y, verbose=0),
     TypeError, ["'right'", "['left', 'right']"]),
    ('two-inputs-second-shape', 'multi', lambda m: m.predict([X, X]), ValueError,
     ['right', '(2,)', '(4,)']),
    ('two-inputs-lengths-differ', 'multi', lambda m: m.fit([X, X[:5, :2]], Y, verbose=0),
     ValueError, ['input arrays (x)', '(10, 4)', '(5, 2)']),
]

NOT_COMPILED_ROWS = [
    ('fit-before-compile', 'fresh', lambda m: m.fit(X, Y, verbose=0), RuntimeError,
     [NOT_COMPILED]),
    ('evaluate-before-compile', 'fresh', lambda m: m.evaluate(X, Y), RuntimeError,
     [NOT_COMPILED]),
    ('train_on_batch-before-compile', 'fresh', lambda m: m.train_on_batch(X, Y),
     RuntimeError, [NOT_COMPILED]),
    ('test_on_batch-before-compile', 'fresh', lambda m: m.test_on_batch(X, Y),
     RuntimeError, [NOT_COMPILED]),
]

STRINGS = [
    ('unknown-loss', 'fresh', lambda m: m.compile('sgd', 'cross_entropy'), ValueError,
     ["'cross_entropy'", 'categorical_crossentropy', 'mean_squared_error']),
    ('unknown-optimizer', 'fresh', lambda m: m.compile('adamw', 'mse'), ValueError,
     ["'adamw'", 'adam', 'rmsprop', 'sgd']),
    ('unknown-metric', 'fresh', lambda m: m.compile('sgd', 'mse', metrics=['f1']), ValueError,
     ["'f1'", 'binary_accuracy', 'mae']),
    ('loss-as-int', 'fresh', lambda m: m.compile('sgd', 3), ValueError,
     ['loss', '3', 'mean_squared_error']),
    ('optimizer-as-int', 'fresh', lambda m: m.compile(3, 'mse'), ValueError,
     ['optimizer', '3', 'sgd']),
    ('compile-unknown-keyword', 'fresh', lambda m: m.compile('sgd', 'mse', metric=['acc']),
     TypeError, ['compile', 'metric']),
    ('loss-dict-unknown-output', 'fresh', lambda m: m.compile('sgd', {'logits': 'mse'}),
     ValueError, ['logits', 'probs']),
    ('loss-weights-wrong-length', 'fresh',
     lambda m: m.compile('sgd', 'mse', loss_weights=[1., 2.]), ValueError,
     ['loss_weights', '1 outputs', '2 entries']),
    ('unknown-activation-dense', None, lambda: Dense(3, activation='relu6'), ValueError,
     ["'relu6'", 'relu', 'softmax', 'tanh']),
    ('unknown-activation-layer', None, lambda: Activation('swish'), ValueError,
     ["'swish'", 'sigmoid']),
    ('activation-as-int', None, lambda: Dense(3, activation=3), ValueError,
     ['activation', '3', 'relu']),
    ('unknown-initializer', None, lambda: Dense(3, kernel_initializer='xavier'), ValueError,
     ["'xavier'", 'glorot_uniform', 'he_normal']),
    ('unknown-regularizer', None, lambda: Dense(3, kernel_regularizer='l3'), ValueError,
     ["'l3'", 'l1', 'l2']),
    ('unknown-constraint', None, lambda: Dense(3, kernel_constraint='positive'), ValueError,
     ["'positive'", 'non_neg', 'max_norm']),
    ('unknown-padding-conv', None, lambda: Conv2D(2, 3, padding='full'), ValueError,
     ["Conv2D 'conv2d", "'full'", 'valid', 'same']),
    ('unknown-padding-pool', None, lambda: MaxPooling2D(padding='causal'), ValueError,
     ["MaxPooling2D 'max_pooling2d", "'causal'", 'valid, same']),
    ('unknown-data-format', None, lambda: Conv2D(2, 3, data_format='NHWC'), ValueError,
     ["'nhwc'", 'channels_last', 'channels_first']),
    ('unknown-dtype-input', None, lambda: Input(shape=(3,), dtype='float128x'), ValueError,
     ['float128x', 'float32', 'int64']),
]

LAYERS = [
    ('dense-units-zero', None, lambda: Dense(0), ValueError, ["Dense 'dense", 'units', '0']),
    ('conv-filters-zero', None, lambda: Conv2D(0, 3), ValueError, ['filters', '0']),
    ('conv-kernel-zero', None, lambda: Conv2D(2, 0), ValueError,
     ["Conv2D 'conv2d", 'kernel_size', '>= 1', '0']),
    ('conv-strides-zero', None, lambda: Conv2D(2, 3, strides=(1, 0)), ValueError,
     ['strides', '(1, 0)']),
    ('conv-kernel-three-numbers', None, lambda: Conv2D(2, (3, 3, 3)), ValueError,
     ['kernel_size', 'tuple of 2 integers', '(3, 3, 3)']),
    ('pool-size-zero', None, lambda: MaxPooling2D(0), ValueError,
     ["MaxPooling2D 'max_pooling2d", 'pool_size', '0']),
    ('dropout-rate-string', None, lambda: Dropout('half'), TypeError,
     ["Dropout 'dropout", 'rate', "'half'"]),
    ('embedding-input-dim-zero', None, lambda: Embedding(0, 4), ValueError,
     ["Embedding 'embedding", 'input_dim', '0']),
    ('lambda-not-callable', None, lambda: Lambda('x * 2'), TypeError,
     ["Lambda 'lambda", 'callable', "'x * 2'"]),
    ('layer-keyword-typo', None, lambda: Dense(3, unit=4), TypeError,
     ['Dense', "'unit'", 'input_shape']),
    ('input-shape-negative', None, lambda: Input(shape=(-3,)), ValueError,
     ['InputLayer', '>= 0', '(None, -3)']),
    ('input-shape-string', None, lambda: Input(shape='28x28'), TypeError,
     ['shape', "'28x28'"]),
    ('first-layer-shape-negative', None, lambda: Sequential([Dense(2, input_shape=(0, -1))]),
     ValueError, ['(None, 0, -1)']),
    ('conv-on-2d-input', None, lambda: Conv2D(2, 3)(Input(shape=(4,))), ValueError,
     ["'conv2d", 'ndim=4', 'ndim=2', '(None, 4)']),
    ('conv-window-too-big', None, lambda: Conv2D(2, 9)(conv_input()), ValueError,
     ["Conv2D 'conv2d", '(9, 9)', '(None, 6, 6, 2)']),
    ('pool-window-too-big', None, lambda: MaxPooling2D(7)(conv_input()), ValueError,
     ["MaxPooling2D 'max_pooling2d", '(7, 7)', '(None, 6, 6, 2)']),
    ('flatten-undefined-shape', None, lambda: Flatten()(Input(shape=(None, 3))), ValueError,
     ["Flatten 'flatten", '(None, None, 3)']),
    ('reshape-size-mismatch', None, lambda: Reshape((5,))(Input(shape=(4,))), ValueError,
     ["Reshape 'reshape", '(4,)', '(5,)']),
    ('dense-reused-incompatible', None,
     lambda: reuse(Dense(3, name='shared'), Input(shape=(4,)), Input(shape=(5,))), ValueError,
     ["'shared'", 'last dimension 4', '(None, 5)']),
    ('conv-reused-other-channels', None,
     lambda: reuse(Conv2D(2, 3, name='shared_conv'), conv_input(), Input(shape=(6, 6, 3))),
     ValueError, ["'shared_conv'", '3']),
    ('concatenate-mismatch', None,
     lambda: Concatenate()([Input(shape=(4, 3)), Input(shape=(5, 3))]), ValueError,
     ["Concatenate 'concatenate", '(None, 4, 3)', '(None, 5, 3)']),
    ('add-mismatch', None, lambda: add([Input(shape=(4,)), Input(shape=(5,))]), ValueError,
     ["Add 'add", '(4,)', '(5,)']),
    ('add-one-tensor', None, lambda: Add()(Input(shape=(4,))), ValueError,
     ["Add 'add", 'at least 2 inputs']),
    ('dense-list-of-two', None, lambda: Dense(3)([Input(shape=(4,)), Input(shape=(4,))]),
     ValueError, ["'dense", '1 input', '2 input']),
    ('dense-on-numpy-array', None, lambda: Dense(3)(X), TypeError,
     ["'dense", 'symbolic tensor', 'ndarray']),
    ('dense-on-builtin-input', None, lambda: Dense(3)(input), TypeError,
     ["'dense", 'symbolic tensor', 'built-in function input']),
    ('dense-on-integer-input', None, lambda: Dense(3)(Input(shape=(4,), dtype='int32')),
     ValueError, ["Layer 'dense", 'int32', 'float32']),
    ('nested-model-wrong-shape', None,
     lambda: one_dense_model('inner')(Input(shape=(5,))), ValueError,
     ["'inner'", '(None, 5)', '(4, 2)']),
    ('model-disconnected', None, lambda: Model(Input(shape=(4,)), Dense(2)(Input(shape=(4,)))),
     ValueError, ['Graph disconnected']),
    ('model-output-not-tensor', None, lambda: Model(Input(shape=(4,)), 3), ValueError,
     ['output 0', '3']),
    ('sequential-add-non-layer', None, lambda: Sequential().add('dense'), TypeError,
     ['Layer', "'dense'", 'str']),
]


def one_dense_model(name):
    x = Input(shape=(4,))
    return Model(x, Dense(2)(x), name=name)


WEIGHTS = [
    ('model-set-weights-count', 'mlp', lambda m: m.set_weights(m.get_weights()[:1]),
     ValueError, ['set_weights', '4 arrays', 'received 1']),
    ('model-set-weights-last-shape', 'mlp', set_last_weight_wrong, ValueError,
     ["'probs'", 'bias', '(3,)', '(5,)']),
    ('model-set-weights-none', 'mlp', lambda m: m.set_weights(None), TypeError,
     ['set_weights', 'NoneType']),
    ('layer-set-weights-count', 'mlp', lambda m: m.get_layer('hidden').set_weights([]),
     ValueError, ["'hidden'", '2 arrays', 'received 0']),
    ('layer-set-weights-shape', 'mlp',
     lambda m: m.get_layer('hidden').set_weights([np.ones((4, 9)), np.ones(8)]), ValueError,
     ["'hidden'", 'kernel', '(4, 8)', '(4, 9)']),
    ('layer-set-weights-strings', 'mlp',
     lambda m: m.get_layer('hidden').set_weights([np.full((4, 8), 'a'), np.ones(8)]),
     TypeError, ["'hidden'", 'kernel', '<U1']),
]

ROWS = DATA + MULTI + NOT_COMPILED_ROWS + STRINGS + LAYERS + WEIGHTS


def test_catalogue_has_at_least_60_distinct_bad_inputs():
    ids = [row[0] for row in ROWS]
    assert len(set(ids)) == len(ids) >= 60


@pytest.mark.parametrize('name, kind, call, error, fragments', ROWS,
                         ids=[row[0] for row in ROWS])
def test_bad_input_raises_clear_error_and_changes_nothing(models, name, kind, call, error,
                                                          fragments):
    model = models.get(kind) if kind in models else make_mlp(compile_it=False)
    before = state(model) if kind else []
    with pytest.raises(error) as info:
        call(model) if kind else call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    if kind:
        after = state(model)
        assert len(after) == len(before)
        for old, new in zip(before, after):
            np.testing.assert_array_equal(old, new)


def test_dict_with_wrong_keys_is_both_type_and_value_error(models):
    with pytest.raises(ValueError):             # Keras code catching ValueError still works
        models['mlp'].predict({'pixels': X})


def test_lists_of_lists_are_accepted_as_keras_does(models):
    model = make_mlp()
    history = model.fit(X.tolist(), Y.tolist(), epochs=1, verbose=0)
    assert np.isfinite(history.history['loss'][0])
    np.testing.assert_allclose(model.predict(X.tolist()), model.predict(X), rtol=1e-6)


def test_model_compiled_twice_recompiles_with_the_new_loss():
    model = make_mlp()
    model.fit(X, Y, epochs=1, verbose=0)
    first = model.train_function
    model.compile('sgd', 'mse')
    assert model.train_function is None
    mse = model.evaluate(X, Y)
    predictions = model.predict(X)
    np.testing.assert_allclose(mse, np.mean((predictions - Y) ** 2), rtol=1e-5)
    model.fit(X, Y, epochs=1, verbose=0)
    assert model.train_function is not first
    assert model.metrics_names == ['loss']


QUIET = pytest.mark.filterwarnings('ignore::RuntimeWarning')   # numpy's "invalid value"


def fit_in_thread(model, x, y, **kwargs):
    """Run fit in a thread; a hang fails the test instead of blocking the suite."""
    result = {}
    thread = threading.Thread(target=lambda: result.update(history=model.fit(
        x, y, verbose=0, **kwargs)), daemon=True)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), 'fit hung on non-finite data'
    return result['history'].history


@QUIET
@pytest.mark.parametrize('bad', [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_train_on_without_hanging(bad):
    model = Sequential([Dense(3, activation='softmax', input_shape=(4,))])
    model.compile('sgd', 'categorical_crossentropy')
    x = X.copy()
    x[3, 1] = bad
    history = fit_in_thread(model, x, Y, epochs=2, batch_size=5)
    assert len(history['loss']) == 2 and not np.isfinite(history['loss'][0])


@QUIET
def test_terminate_on_nan_stops_training_at_the_first_bad_batch():
    model = Sequential([Dense(3, activation='softmax', input_shape=(4,))])
    model.compile('sgd', 'categorical_crossentropy')
    x = X.copy()
    x[0, 0] = np.nan
    seen = []
    counter = callbacks.LambdaCallback(on_batch_end=lambda batch, logs: seen.append(batch))
    history = fit_in_thread(model, x, Y, epochs=5, batch_size=5, shuffle=False,
                            callbacks=[callbacks.TerminateOnNaN(), counter])
    assert seen == [0]
    assert len(history['loss']) == 1


@QUIET
def test_nan_input_conv_net_does_not_hang():
    model = Sequential([Conv2D(2, 3, input_shape=(6, 6, 1)), MaxPooling2D(), Flatten(),
                        Dense(2, activation='softmax')])
    model.compile('sgd', 'categorical_crossentropy')
    x = np.full((4, 6, 6, 1), np.nan, 'float32')
    history = fit_in_thread(model, x, np.eye(2)[[0, 1, 0, 1]], epochs=1)
    assert len(history['loss']) == 1


def test_failing_training_step_leaves_weights_and_optimizer_state_untouched():
    """A kernel failing in the middle of the step (an index out of range in the gather of
    the Embedding, found only at run time) leaves no partial update behind."""
    model = Sequential([Embedding(5, 3, input_length=2, name='embed'), Flatten(),
                        Dense(2, activation='softmax')])
    model.compile('adam', 'categorical_crossentropy')
    x = np.array([[0, 1], [2, 4]])
    y = np.eye(2, dtype='float32')
    model.train_on_batch(x, y)
    before = state(model)
    with pytest.raises(RuntimeError) as info:
        model.train_on_batch(np.array([[0, 1], [2, 9]]), y)
    message = str(info.value)
    assert 'gather' in message and "'embed'" in message and 'index 9' in message
    for old, new in zip(before, state(model)):
        np.testing.assert_array_equal(old, new)
    model.train_on_batch(x, y)              # and the model still trains afterwards
    assert not np.array_equal(before[0], model.get_weights()[0])


def test_failed_add_leaves_the_sequential_model_as_it_was():
    model = Sequential([Dense(2, input_shape=(4,), name='only')])
    with pytest.raises(ValueError, match="'conv2d"):
        model.add(Conv2D(2, 3))
    assert [layer.name for layer in model.layers] == ['only']
    assert model.built and model.output_shape == (None, 2)
    assert model.predict(X).shape == (10, 2)


def test_failed_first_call_leaves_the_layer_unbuilt_and_usable():
    layer = Dense(3, name='late')
    spec = layer.input_spec
    with pytest.raises(ValueError, match="'late'"):
        layer(Input(shape=(4,), dtype='int32'))      # builds, then the call fails
    assert not layer.built and layer.weights == [] and layer.input_spec is spec
    out = layer(Input(shape=(6,)))                   # builds afresh for the new shape
    assert K.int_shape(out) == (None, 3) and K.int_shape(layer.kernel) == (6, 3)


def test_failed_reuse_adds_no_node_and_keeps_the_weights():
    layer = Dense(3, name='shared')
    layer(Input(shape=(4,)))
    weights = layer.get_weights()
    with pytest.raises(ValueError):
        layer(Input(shape=(5,)))
    assert len(layer._inbound_nodes) == 1
    for old, new in zip(weights, layer.get_weights()):
        np.testing.assert_array_equal(old, new)
