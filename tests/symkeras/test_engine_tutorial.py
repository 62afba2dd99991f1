"""The seed tutorial's three programs, with `symkeras` in place of `keras`."""
import numpy as np
import pytest

from symkeras import backend as K


@pytest.fixture(autouse=True)
def fresh_names():
    K.reset_uids()
    np.random.seed(1)
    yield


def test_program_1_sequential_mlp():
    from symkeras.models import Sequential
    from symkeras.layers import Dense

    model = Sequential()
    model.add(Dense(32, input_dim=784))
    model.add(Dense(10, activation='softmax'))
    model.compile(optimizer='sgd', loss='categorical_crossentropy', metrics=['accuracy'])
    data = np.random.random((256, 784))
    labels = np.eye(10)[np.random.randint(10, size=256)]
    history = model.fit(data, labels, epochs=1, batch_size=32, verbose=0)
    assert set(history.history) == {'loss', 'accuracy'}
    assert np.isfinite(history.history['loss'][0])


def test_program_2_builtin_input_is_a_clear_type_error():
    from symkeras.layers import Input, Dense

    input1 = Input(shape=(1000,))  # noqa: F841 (as in the tutorial)
    input2 = Input(shape=(100,))  # noqa: F841
    with pytest.raises(TypeError) as info:
        Dense(units=32, activation='relu')(input)
    message = str(info.value)
    assert "Layer 'dense_1' (Dense)" in message
    assert 'expected a symbolic tensor' in message
    assert 'builtin_function_or_method' in message


def test_program_2_corrected_two_inputs():
    from symkeras.models import Model
    from symkeras.layers import Input, Dense, concatenate

    input1 = Input(shape=(1000,))
    input2 = Input(shape=(100,))
    merged = concatenate([input1, input2])
    hidden = Dense(units=32, activation='relu')(merged)
    output = Dense(units=1, activation='sigmoid')(hidden)
    model = Model(inputs=[input1, input2], outputs=output)
    model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
    x1, x2 = np.random.random((64, 1000)), np.random.random((64, 100))
    y = np.random.randint(2, size=(64, 1))
    history = model.fit([x1, x2], y, epochs=1, batch_size=16, verbose=0)
    assert np.isfinite(history.history['loss'][0])
    assert model.predict([x1, x2]).shape == (64, 1)


def seed_cnn():
    from symkeras.models import Sequential
    from symkeras.layers import Conv2D, MaxPooling2D, Flatten, Dense, Dropout

    model = Sequential()
    model.add(Conv2D(32, (3, 3), padding='same', activation='relu', input_shape=(28, 28, 1)))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Conv2D(64, (3, 3), padding='same', activation='relu'))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Conv2D(128, (3, 3), padding='same', activation='relu'))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Flatten())
    model.add(Dense(128, activation='relu'))
    model.add(Dropout(0.5))
    model.add(Dense(10, activation='softmax'))
    return model


def test_program_3_seed_cnn_summary():
    model = seed_cnn()
    lines = []
    model.summary(print_fn=lines.append)
    text = '\n'.join(lines)
    rows = {line.split()[0]: line for line in lines if line.split() and '(' in line
            and not line.startswith('Layer')}
    assert rows['conv2d_1'].split()[-1] == '320'
    assert rows['conv2d_2'].split()[-1] == '18496'
    assert rows['conv2d_3'].split()[-1] == '73856'
    assert rows['dense_1'].split()[-1] == '147584'
    assert rows['dense_2'].split()[-1] == '1290'
    assert '(None, 3, 3, 128)' in rows['max_pooling2d_3']
    assert '(None, 1152)' in rows['flatten_1']
    assert 'Total params: 241,546' in text
    assert 'Trainable params: 241,546' in text
    assert 'Non-trainable params: 0' in text
    assert model.count_params() == 241546


def test_program_3_seed_cnn_train_on_batch():
    model = seed_cnn()
    model.compile(optimizer='adadelta', loss='categorical_crossentropy', metrics=['accuracy'])
    images = np.random.random((8, 28, 28, 1)).astype('float32')
    labels = np.eye(10, dtype='float32')[np.random.randint(10, size=8)]
    loss, accuracy = model.train_on_batch(images, labels)
    assert np.isfinite(loss) and 0.0 <= accuracy <= 1.0
