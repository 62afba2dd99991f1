"""K.print_tensor: Theano's Print op (prints when computed, value and gradient unchanged)."""
import numpy as np
import pytest

from symkeras import backend as K
from symkeras.layers import Dense, Input, Lambda
from symkeras.models import Model


def test_print_tensor_prints_message_and_value_each_call(capsys):
    x = K.placeholder((None, 3))
    f = K.function([x], [K.sum(K.print_tensor(x * 2, message='doubled:'))])
    result = f([np.ones((2, 3), np.float32)])[0]
    assert result == 12
    f([np.zeros((1, 3), np.float32)])
    assert capsys.readouterr().out.splitlines() == [
        'doubled: __str__ = [[2. 2. 2.]', ' [2. 2. 2.]]', 'doubled: __str__ = [[0. 0. 0.]]']


def test_print_tensor_of_a_constant_is_not_folded_away(capsys):
    value = K.eval(K.print_tensor(K.constant([1., 2.]) * 3, message='c'))
    np.testing.assert_array_equal(value, [3., 6.])
    assert capsys.readouterr().out == 'c __str__ = [3. 6.]\n'


def test_print_tensor_gradient_passes_through_and_sees_the_old_variable(capsys):
    v = K.variable([1., 2.])
    shown = K.print_tensor(v, message='v')
    f = K.function([], [shown, K.gradients(K.sum(shown * shown), [v])[0]],
                   updates=[(v, v + 1)])
    first, grad = f([])
    np.testing.assert_array_equal(first, [1., 2.])     # the value before the update
    np.testing.assert_array_equal(grad, [2., 4.])
    np.testing.assert_array_equal(K.get_value(v), [2., 3.])
    assert capsys.readouterr().out == 'v __str__ = [1. 2.]\n'


def test_print_tensor_inside_a_model_prints_during_training(capsys):
    inputs = Input(shape=(2,))
    hidden = Lambda(lambda t: K.print_tensor(t, message='hidden'))(Dense(3)(inputs))
    model = Model(inputs, Dense(1)(hidden))
    model.compile('sgd', 'mse')
    model.train_on_batch(np.ones((4, 2), np.float32), np.ones((4, 1), np.float32))
    lines = [line for line in capsys.readouterr().out.splitlines() if 'hidden' in line]
    assert len(lines) == 1 and lines[0].startswith('hidden __str__ = [[')


def test_print_tensor_rejects_a_non_string_message():
    with pytest.raises(TypeError, match='print_tensor: expected a string message'):
        K.print_tensor(K.constant([1.]), message=3)
