"""StackedRNNCells: equal to the cells chained as separate RNN layers, RNN(list of cells),
one dropout mask per sequence for the upper cells, config round trip (the float64 gradient
check of a stack is a row of test_layers_wrappers.py's table)."""
import json

import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import Input, RNN, SimpleRNNCell, GRUCell, LSTMCell, StackedRNNCells
from symkeras.models import Model

DATA = np.random.RandomState(0).uniform(-1, 1, size=(3, 4, 5)).astype('float32')


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield


def predict(layer, data=DATA):
    x = Input(shape=data.shape[1:])
    return Model(x, layer(x)).predict(data)


def test_stacked_cells_equal_chained_cells():
    cells = [LSTMCell(3, bias_initializer='uniform'), GRUCell(2), SimpleRNNCell(4)]
    stacked = RNN(StackedRNNCells(cells), return_sequences=True, return_state=True)
    got = predict(stacked)
    assert [g.shape for g in got] == [(3, 4, 4), (3, 3), (3, 3), (3, 2), (3, 4)]
    assert stacked.cell.state_size == (3, 3, 2, 4)
    x = Input(shape=(4, 5))
    sequence, chained, states = x, [], []
    for cell in (LSTMCell(3), GRUCell(2), SimpleRNNCell(4)):
        layer = RNN(cell, return_sequences=True, return_state=True)
        sequence, *cell_states = layer(sequence)
        chained.append(layer)
        states += cell_states
    model = Model(x, [sequence] + states)
    for layer, cell in zip(chained, cells):
        layer.set_weights(cell.get_weights())
    for have, want in zip(got, model.predict(DATA)):
        np.testing.assert_allclose(have, want, rtol=1e-5, atol=1e-6)


def test_rnn_accepts_a_list_of_cells():
    layer = RNN([SimpleRNNCell(3), SimpleRNNCell(2)], go_backwards=True)
    out = predict(layer)
    assert isinstance(layer.cell, StackedRNNCells) and out.shape == (3, 2)
    assert layer.get_config()['cell']['class_name'] == 'StackedRNNCells'
    twin = StackedRNNCells([SimpleRNNCell(3), SimpleRNNCell(2)])
    reference = RNN(twin, go_backwards=True)
    predict(reference)
    reference.set_weights(layer.get_weights())
    np.testing.assert_allclose(predict(reference), out, rtol=1e-6)
    with pytest.raises(ValueError, match=r"StackedRNNCells.*`call`.*received 3 at position 1"):
        StackedRNNCells([SimpleRNNCell(2), 3])


def test_stacked_upper_cell_draws_one_dropout_mask_per_sequence():
    lower = SimpleRNNCell(6, activation='linear', kernel_initializer='identity',
                          recurrent_initializer='zeros')
    upper = SimpleRNNCell(6, activation='linear', kernel_initializer='identity',
                          recurrent_initializer='zeros', dropout=0.5)
    x = Input(shape=(5, 6))
    y = RNN([lower, upper], return_sequences=True)(x)
    train = K.function([x, K.learning_phase()], [y])
    out = train([np.ones((4, 5, 6), 'float32'), 1])[0]
    assert set(np.unique(out)) <= {0., 2.} and len(np.unique(out)) == 2
    np.testing.assert_array_equal(out, np.repeat(out[:, :1], 5, axis=1))
    np.testing.assert_allclose(K.function([x], [y])([np.ones((4, 5, 6), 'float32')])[0], 1.)


def test_stacked_cells_config_round_trip():
    stacked = StackedRNNCells([LSTMCell(2), GRUCell(3)], name='stack')
    config = json.loads(json.dumps(stacked.get_config()))
    assert [c['class_name'] for c in config['cells']] == ['LSTMCell', 'GRUCell']
    assert config['name'] == 'stack'
    assert StackedRNNCells.from_config(config).get_config() == config
    with pytest.raises(ValueError, match=r"StackedRNNCells 'empty'.*non-empty list"):
        StackedRNNCells([], name='empty')


def test_stacked_cells_losses_reach_the_model():
    x = Input(shape=(3, 2))
    cells = [SimpleRNNCell(2, kernel_regularizer='l2'), LSTMCell(2, recurrent_regularizer='l1')]
    model = Model(x, RNN(cells)(x))
    assert len(model.losses) == 2
