"""Keras 1 arguments converted as Keras 2.2.4 converts them (symkeras/legacy.py).

One row per conversion: a Keras 1 call must build the layer a Keras 2 call builds (equal
get_config) and warn with the Keras 2 form of the call.
"""
import re
import warnings

import numpy as np
import pytest

from symkeras import backend as K
from symkeras import initializers, regularizers, constraints
from symkeras.engine.input_layer import InputLayer
from symkeras.layers import (
    Input, Dense, Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D,
    GaussianNoise, GaussianDropout, PReLU, Embedding, MaxPooling1D, AveragePooling1D,
    MaxPooling2D, AveragePooling2D, MaxPooling3D, AveragePooling3D, GlobalAveragePooling2D,
    GlobalMaxPooling2D, GlobalAveragePooling3D, GlobalMaxPooling3D, UpSampling1D,
    UpSampling2D, UpSampling3D, ZeroPadding2D, ZeroPadding3D, Cropping2D, Cropping3D,
    SimpleRNN, GRU, LSTM, Conv1D, Conv2D, Convolution2D, Conv2DTranspose, Deconvolution2D,
    SeparableConv2D, Conv3D, LocallyConnected1D, LocallyConnected2D, BatchNormalization)
from symkeras.models import Model, Sequential


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def l2():
    return regularizers.l2(0.01)


def max_norm():
    return constraints.MaxNorm(2.)


WEIGHTS_1 = dict(init='he_normal', W_regularizer=l2(), b_regularizer=l2(),
                 W_constraint=max_norm(), b_constraint=max_norm())
WEIGHTS_2 = dict(kernel_initializer='he_normal', kernel_regularizer=l2(),
                 bias_regularizer=l2(), kernel_constraint=max_norm(),
                 bias_constraint=max_norm())
RECURRENT_1 = dict(output_dim=3, init='he_normal', inner_init='identity',
                   W_regularizer=l2(), U_regularizer=l2(), b_regularizer=l2(), dropout_W=0.1,
                   dropout_U=0.2)
RECURRENT_2 = dict(units=3, kernel_initializer='he_normal', recurrent_initializer='identity',
                   kernel_regularizer=l2(), recurrent_regularizer=l2(), bias_regularizer=l2(),
                   dropout=0.1, recurrent_dropout=0.2)
PADS = {'top_pad': 1, 'bottom_pad': 2, 'left_pad': 3}

# (Keras 1 call, Keras 2 call, the Keras 2 form the warning shows or None)
ROWS = [
    (lambda: Dense(output_dim=4, bias=False, input_dim=3, **WEIGHTS_1),
     lambda: Dense(units=4, use_bias=False, input_dim=3, **WEIGHTS_2),
     '`Dense(units=4, use_bias=False, input_dim=3, kernel_initializer="he_normal", '),
    (lambda: Dropout(p=0.3), lambda: Dropout(0.3), '`Dropout(rate=0.3)`'),
    (lambda: SpatialDropout1D(p=0.3), lambda: SpatialDropout1D(0.3),
     '`SpatialDropout1D(rate=0.3)`'),
    (lambda: SpatialDropout2D(p=0.3, dim_ordering='th'),
     lambda: SpatialDropout2D(0.3, data_format='channels_first'),
     '`SpatialDropout2D(rate=0.3, data_format="channels_first")`'),
    (lambda: SpatialDropout3D(p=0.3, dim_ordering='tf'),
     lambda: SpatialDropout3D(0.3, data_format='channels_last'),
     '`SpatialDropout3D(rate=0.3, data_format="channels_last")`'),
    (lambda: GaussianNoise(sigma=0.1), lambda: GaussianNoise(0.1),
     '`GaussianNoise(stddev=0.1)`'),
    (lambda: GaussianDropout(p=0.2), lambda: GaussianDropout(0.2),
     '`GaussianDropout(rate=0.2)`'),
    (lambda: PReLU(init='ones'), lambda: PReLU(alpha_initializer='ones'),
     '`PReLU(alpha_initializer="ones")`'),
    (lambda: Embedding(10, 4, init='normal', W_regularizer=l2(), W_constraint=max_norm()),
     lambda: Embedding(10, 4, embeddings_initializer='normal',
                       embeddings_regularizer=l2(), embeddings_constraint=max_norm()),
     '`Embedding(10, 4, embeddings_initializer="normal", '),
    (lambda: MaxPooling1D(pool_length=3, stride=1, border_mode='same'),
     lambda: MaxPooling1D(pool_size=3, strides=1, padding='same'),
     '`MaxPooling1D(pool_size=3, strides=1, padding="same")`'),
    (lambda: AveragePooling1D(pool_length=3), lambda: AveragePooling1D(3),
     '`AveragePooling1D(pool_size=3)`'),
    (lambda: MaxPooling2D((3, 3), border_mode='same', dim_ordering='th'),
     lambda: MaxPooling2D((3, 3), padding='same', data_format='channels_first'),
     '`MaxPooling2D((3, 3), padding="same", data_format="channels_first")`'),
    (lambda: AveragePooling2D(dim_ordering='tf'),
     lambda: AveragePooling2D(data_format='channels_last'), None),
    (lambda: MaxPooling3D(border_mode='same', dim_ordering='th'),
     lambda: MaxPooling3D(padding='same', data_format='channels_first'), None),
    (lambda: AveragePooling3D(dim_ordering='default'), lambda: AveragePooling3D(), None),
    (lambda: GlobalAveragePooling2D(dim_ordering='th'),
     lambda: GlobalAveragePooling2D(data_format='channels_first'), None),
    (lambda: GlobalMaxPooling2D(dim_ordering='th'),
     lambda: GlobalMaxPooling2D(data_format='channels_first'), None),
    (lambda: GlobalAveragePooling3D(dim_ordering='th'),
     lambda: GlobalAveragePooling3D(data_format='channels_first'), None),
    (lambda: GlobalMaxPooling3D(dim_ordering='th'),
     lambda: GlobalMaxPooling3D(data_format='channels_first'),
     '`GlobalMaxPooling3D(data_format="channels_first")`'),
    (lambda: UpSampling1D(length=3), lambda: UpSampling1D(size=3),
     '`UpSampling1D(size=3)`'),
    (lambda: UpSampling2D(dim_ordering='th'),
     lambda: UpSampling2D(data_format='channels_first'), None),
    (lambda: UpSampling3D(dim_ordering='th'),
     lambda: UpSampling3D(data_format='channels_first'), None),
    (lambda: ZeroPadding2D((1, 2), dim_ordering='th'),
     lambda: ZeroPadding2D((1, 2), data_format='channels_first'), None),
    (lambda: ZeroPadding3D(dim_ordering='th'),
     lambda: ZeroPadding3D(data_format='channels_first'), None),
    (lambda: Cropping2D(dim_ordering='th'),
     lambda: Cropping2D(data_format='channels_first'), None),
    (lambda: Cropping3D(dim_ordering='th'),
     lambda: Cropping3D(data_format='channels_first'), None),
    (lambda: SimpleRNN(**RECURRENT_1), lambda: SimpleRNN(**RECURRENT_2),
     '`SimpleRNN(units=3, kernel_initializer="he_normal", recurrent_initializer='),
    (lambda: GRU(inner_activation='sigmoid', consume_less='gpu', **RECURRENT_1),
     lambda: GRU(recurrent_activation='sigmoid', implementation=2, **RECURRENT_2),
     '`GRU(recurrent_activation="sigmoid", implementation=2, units=3, '),
    (lambda: LSTM(consume_less='mem', forget_bias_init='one', **RECURRENT_1),
     lambda: LSTM(implementation=1, unit_forget_bias=True, **RECURRENT_2), None),
    (lambda: Conv1D(nb_filter=4, filter_length=3, subsample_length=2, border_mode='same',
                    bias=False, input_dim=3, input_length=10, **WEIGHTS_1),
     lambda: Conv1D(4, 3, strides=2, padding='same', use_bias=False, input_shape=(10, 3),
                    **WEIGHTS_2),
     '`Conv1D(filters=4, kernel_size=3, strides=2, padding="same", use_bias=False, '),
    (lambda: Conv2D(32, 3, 3, border_mode='same'),
     lambda: Conv2D(32, (3, 3), padding='same'), '`Conv2D(32, (3, 3), padding="same")`'),
    (lambda: Convolution2D(8, 3, 2, subsample=(2, 2), dim_ordering='th', bias=False,
                           **WEIGHTS_1),
     lambda: Conv2D(8, (3, 2), strides=(2, 2), data_format='channels_first',
                    use_bias=False, **WEIGHTS_2),
     '`Conv2D(8, (3, 2), strides=(2, 2), data_format="channels_first", use_bias=False, '),
    (lambda: Conv2D(nb_filter=8, nb_row=3, nb_col=2), lambda: Conv2D(8, (3, 2)),
     '`Conv2D(filters=8, kernel_size=(3, 2))`'),
    (lambda: Conv2D(8, nb_row=3, nb_col=2), lambda: Conv2D(8, (3, 2)),
     '`Conv2D(8, (3, 2))`'),
    (lambda: Conv2D(8, 3, nb_col=2, activation='relu'),
     lambda: Conv2D(8, (3, 2), activation='relu'),
     '`Conv2D(8, (3, 2), activation="relu")`'),
    (lambda: Conv2DTranspose(8, 3, 3, (None, 14, 14, 8), subsample=(2, 2),
                             border_mode='same'),
     lambda: Conv2DTranspose(8, (3, 3), strides=(2, 2), padding='same'),
     '`Conv2DTranspose(8, (3, 3), strides=(2, 2), padding="same")`'),
    (lambda: Deconvolution2D(8, 3, 3, output_shape=(None, 14, 14, 8), dim_ordering='tf'),
     lambda: Conv2DTranspose(8, (3, 3), data_format='channels_last'),
     '`Conv2DTranspose(8, (3, 3), data_format="channels_last")`'),
    (lambda: SeparableConv2D(8, 3, 3, init='he_normal', border_mode='same', bias=False,
                             b_regularizer=l2(), b_constraint=max_norm()),
     lambda: SeparableConv2D(8, (3, 3), depthwise_initializer='he_normal',
                             pointwise_initializer='he_normal', padding='same',
                             use_bias=False, bias_regularizer=l2(),
                             bias_constraint=max_norm()),
     '`SeparableConv2D(8, (3, 3), depthwise_initializer="he_normal", pointwise_initializer'
     '="he_normal", padding="same", use_bias=False, '),
    (lambda: Conv3D(4, 3, 3, 2, border_mode='same', dim_ordering='th', **WEIGHTS_1),
     lambda: Conv3D(4, (3, 3, 2), padding='same', data_format='channels_first',
                    **WEIGHTS_2),
     '`Conv3D(4, (3, 3, 2), padding="same", data_format="channels_first", '),
    (lambda: Conv3D(4, kernel_dim1=3, kernel_dim2=3, kernel_dim3=2),
     lambda: Conv3D(4, (3, 3, 2)), '`Conv3D(4, (3, 3, 2))`'),
    (lambda: Conv3D(4, 3, 3, kernel_dim3=2), lambda: Conv3D(4, (3, 3, 2)), None),
    (lambda: LocallyConnected1D(nb_filter=4, filter_length=3, input_dim=3, input_length=10),
     lambda: LocallyConnected1D(4, 3, input_shape=(10, 3)), None),
    (lambda: LocallyConnected2D(4, 3, 3, subsample=(2, 2), **WEIGHTS_1),
     lambda: LocallyConnected2D(4, (3, 3), strides=(2, 2), **WEIGHTS_2),
     '`LocallyConnected2D(4, (3, 3), strides=(2, 2), kernel_initializer="he_normal", '),
    (lambda: BatchNormalization(mode=0, beta_init='zeros', gamma_init='ones'),
     lambda: BatchNormalization(beta_initializer='zeros', gamma_initializer='ones'),
     '`BatchNormalization(beta_initializer="zeros", gamma_initializer="ones")`'),
    (lambda: InputLayer(input_shape=(3,), input_dtype='float64'),
     lambda: InputLayer(input_shape=(3,), dtype='float64'),
     '`InputLayer(input_shape=(3,), dtype="float64")`'),
]


def _config(layer):
    config = layer.get_config()
    config.pop('name')
    return config


@pytest.mark.parametrize('keras1, keras2, form', ROWS,
                         ids=['%d-%s' % (i, row[1]().__class__.__name__)
                              for i, row in enumerate(ROWS)])
def test_keras1_call_builds_the_keras2_layer(keras1, keras2, form):
    with pytest.warns(UserWarning) as record:
        layer = keras1()
    messages = [str(warning.message) for warning in record]
    name = type(layer).__name__
    assert any('Update your `%s` call to the Keras 2 API: `%s(' % (name, name) in text
               for text in messages), messages
    if form is not None:
        assert any(form in text for text in messages), messages
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        expected = keras2()
    assert _config(layer) == _config(expected)


def test_embedding_dropout_is_dropped_with_a_warning():
    with pytest.warns(UserWarning, match='SpatialDropout1D'):
        layer = Embedding(10, 4, dropout=0.2)
    assert _config(layer) == _config(Embedding(10, 4))


def test_zero_padding_dict_becomes_pairs():
    for make in (lambda: ZeroPadding2D(padding=PADS), lambda: ZeroPadding2D(PADS)):
        with pytest.warns(UserWarning, match='no longer accepts a dict'):
            layer = make()
        assert layer.get_config()['padding'] == ((1, 2), (3, 0))


def test_recurrent_input_dim_becomes_input_shape():
    with pytest.warns(UserWarning) as record:
        layer = GRU(2, input_dim=3, input_length=4)
    messages = [str(warning.message) for warning in record]
    assert any('use `input_shape=(input_length, input_dim)`' in text for text in messages)
    assert any('`GRU(2, input_shape=(4, 3))`' in text for text in messages)
    assert layer.get_config()['batch_input_shape'] == (None, 4, 3)


def test_forget_bias_init_other_than_one_is_ignored():
    with pytest.warns(UserWarning, match="`forget_bias_init='zero'` is ignored"):
        layer = LSTM(3, forget_bias_init='zero')
    assert _config(layer) == _config(LSTM(3))


def test_mnist_irnn_layer_builds_and_trains():
    kwargs = dict(output_dim=8, init=initializers.RandomNormal(stddev=0.001),
                  inner_init=initializers.Identity(gain=1.0), activation='relu')
    with pytest.warns(UserWarning, match='recurrent_initializer='):
        irnn = SimpleRNN(input_shape=(784, 1), **kwargs)
    config = irnn.get_config()
    assert config['recurrent_initializer'] == {'class_name': 'Identity',
                                               'config': {'gain': 1.0}}
    assert config['batch_input_shape'] == (None, 784, 1)
    with pytest.warns(UserWarning):
        model = Sequential([SimpleRNN(input_shape=(6, 1), **kwargs), Dense(2)])
    model.compile('rmsprop', 'mse')
    x = np.random.RandomState(0).rand(4, 6, 1).astype('float32')
    with pytest.warns(UserWarning, match='epochs=2'):
        history = model.fit(x, np.zeros((4, 2), 'float32'), nb_epoch=2, verbose=0)
    assert len(history.history['loss']) == 2


def test_model_input_output():
    x = Input(shape=(3,))
    y = Dense(2, name='fc')(x)
    with pytest.warns(UserWarning, match=re.escape('Update your `Model` call to the Keras 2 '
                                                   'API: `Model(name="m", inputs=')):
        legacy = Model(name='m', input=x, output=y)
    assert legacy.get_config() == Model(inputs=x, outputs=y, name='m').get_config()


class CountingBatches:
    """An iterator of (x, y) batches with a `batch_size`, as Keras 1 generators had."""

    batch_size = 4

    def __init__(self):
        self.drawn = 0

    def __iter__(self):
        return self

    def __next__(self):
        self.drawn += 1
        return np.ones((4, 3), 'float32'), np.zeros((4, 1), 'float32')


def test_generator_methods_convert_samples_and_epochs():
    model = Sequential([Dense(1, input_dim=3)])
    model.compile('sgd', 'mse')
    batches, validation = CountingBatches(), CountingBatches()
    with pytest.warns(UserWarning) as record:
        history = model.fit_generator(batches, samples_per_epoch=12, nb_epoch=2,
                                      validation_data=validation, nb_val_samples=2,
                                      verbose=0, max_q_size=3, nb_worker=1,
                                      pickle_safe=False)
    messages = ' '.join(str(warning.message) for warning in record)
    assert 'Keras 2 counts batches where Keras 1 counted samples' in messages
    for part in ('`fit_generator(<', 'steps_per_epoch=3', 'epochs=2', 'validation_steps=2',
                 'max_queue_size=3', 'workers=1', 'use_multiprocessing=False'):
        assert part in messages
    assert len(history.history['loss']) == 2
    assert batches.drawn == 6 and validation.drawn == 4
    with pytest.warns(UserWarning) as record:
        model.evaluate_generator(CountingBatches(), val_samples=2)
        assert model.predict_generator(CountingBatches(), val_samples=2).shape == (8, 1)
    messages = ' '.join(str(warning.message) for warning in record)
    assert '`evaluate_generator(<' in messages and '`predict_generator(<' in messages


def test_keras2_calls_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        Conv2D(8, (3, 3), (2, 2))
        Conv2D(8, 3, strides=2, padding='same')
        Conv3D(4, 3, 2)
        ZeroPadding2D(((1, 2), (3, 0)))
        Dense(4, 'relu')
        model = Sequential([Dense(1, input_dim=3)])
        model.compile('sgd', 'mse')
        model.fit(np.ones((4, 3)), np.ones((4, 1)), epochs=1, verbose=0)


CONFLICTS = [
    (lambda: Dense(4, output_dim=4), 'output_dim', 'units'),
    (lambda: Dense(units=4, output_dim=4), 'output_dim', 'units'),
    (lambda: Dropout(0.5, p=0.5), 'p', 'rate'),
    (lambda: Conv2D(8, (3, 3), border_mode='same', padding='same'), 'border_mode', 'padding'),
    (lambda: Conv2D(8, 3, 3, kernel_size=3), 'nb_row/nb_col', 'kernel_size'),
    (lambda: Conv2D(nb_row=3, nb_col=3, kernel_size=3, filters=8), 'nb_row/nb_col',
     'kernel_size'),
    (lambda: SeparableConv2D(8, 3, init='ones', depthwise_initializer='ones'), 'init',
     'depthwise_initializer'),
    (lambda: SimpleRNN(3, inner_init='identity', recurrent_initializer='identity'),
     'inner_init', 'recurrent_initializer'),
    (lambda: MaxPooling2D(dim_ordering='th', data_format='channels_first'), 'dim_ordering',
     'data_format'),
]


@pytest.mark.parametrize('make, old, new', CONFLICTS)
def test_conflicting_names_raise(make, old, new):
    with pytest.raises(TypeError) as error:
        make()
    message = str(error.value)
    assert '`%s`' % old in message and '`%s`' % new in message
    assert re.match(r'`\w+` received both', message)


def test_conflicts_in_model_and_fit_raise():
    x = Input(shape=(3,))
    y = Dense(1)(x)
    with pytest.raises(TypeError, match='`Model` received both the Keras 1 argument `input`'):
        Model(x, y, input=x)
    model = Model(x, y)
    model.compile('sgd', 'mse')
    with pytest.raises(TypeError, match='`fit` received both .*`nb_epoch`.*`epochs`'):
        model.fit(np.ones((2, 3)), np.ones((2, 1)), epochs=1, nb_epoch=2, verbose=0)


def test_positional_ints_with_strides_are_ambiguous():
    with pytest.raises(ValueError, match='`Conv2D` received two positional integers'):
        Conv2D(8, 3, 3, strides=2)


def test_batch_normalization_modes_1_and_2_raise():
    with pytest.raises(TypeError, match='`mode` no longer exists'):
        BatchNormalization(mode=2)


def test_unknown_arguments_still_raise():
    with pytest.raises(TypeError, match='keyword argument not understood'):
        Dense(4, nb_filter=3)
    with pytest.raises(TypeError, match='keyword argument not understood'):
        Conv2D(8, 3, nb_row=3)
    x = Input(shape=(3,))
    with pytest.raises(TypeError, match='not understood'):
        Model(inputs=x, outputs=Dense(1)(x), outputz=x)


def test_conv_lstm2d_keras1_arguments_build_the_keras2_layer():
    from symkeras.layers import ConvLSTM2D
    with pytest.warns(UserWarning, match='Update your `ConvLSTM2D` call to the Keras 2 API'):
        old = ConvLSTM2D(nb_filter=4, nb_row=3, nb_col=2, border_mode='same',
                         dim_ordering='tf')
    new = ConvLSTM2D(filters=4, kernel_size=(3, 2), padding='same',
                     data_format='channels_last')
    ignored = ('name',)
    assert {k: v for k, v in old.get_config().items() if k not in ignored} == \
        {k: v for k, v in new.get_config().items() if k not in ignored}
