"""symkeras.utils: to_categorical, normalize (Keras 2.2.4 np_utils) and Progbar output."""
import importlib.util

import numpy as np
import pytest

from symkeras.utils import Progbar, normalize, to_categorical
from symkeras.utils import generic_utils


def test_to_categorical_vector():
    result = to_categorical([0, 2, 1])
    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, np.eye(3)[[0, 2, 1]])


def test_to_categorical_num_classes_and_dtype():
    result = to_categorical(np.array([3, 0]), num_classes=5, dtype='int64')
    assert result.shape == (2, 5) and result.dtype == np.int64
    np.testing.assert_array_equal(result, [[0, 0, 0, 1, 0], [1, 0, 0, 0, 0]])


def test_to_categorical_column_input_drops_trailing_one():
    labels = np.array([[1], [0], [1], [2]])
    result = to_categorical(labels, 3)
    assert result.shape == (4, 3)
    np.testing.assert_array_equal(result.argmax(axis=-1), [1, 0, 1, 2])


def test_to_categorical_keeps_leading_dimensions():
    labels = np.array([[0, 1, 2], [2, 1, 0]])
    result = to_categorical(labels, 4)
    assert result.shape == (2, 3, 4)
    np.testing.assert_array_equal(result.argmax(axis=-1), labels)
    assert to_categorical(np.array([[1]]), 2).shape == (1, 2)


def test_to_categorical_label_out_of_range_is_clear():
    with pytest.raises(IndexError, match='num_classes=3, received label 3'):
        to_categorical([0, 3], 3)


def test_normalize_unit_rows_and_zero_rows():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(normalize(x), [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_allclose(normalize(x, axis=0, order=1), [[1.0, 1.0], [0.0, 0.0]])


class FakeClock:
    """Replaces generic_utils._now so that the printed timings are deterministic."""

    def __init__(self):
        self.time = 1000.0

    def __call__(self):
        return self.time


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(generic_utils, '_now', fake)
    monkeypatch.setattr(generic_utils, '_stdout_is_dynamic', lambda: False)
    return fake


def test_progbar_keras_format_newline_mode(clock, capsys):
    bar = Progbar(60000)
    clock.time += 0.1326
    bar.update(128, [('loss', 2.3012), ('acc', 0.1016)])
    clock.time += 41.4 - 0.1326
    bar.update(60000, [('loss', 2.3012), ('acc', 0.1016)])
    assert capsys.readouterr().out == (
        '\n  128/60000 [..............................] - ETA: 1:02'
        ' - loss: 2.3012 - acc: 0.1016'
        '\n60000/60000 [==============================] - 41s 690us/step'
        ' - loss: 2.3012 - acc: 0.1016\n')


def test_progbar_weighted_averages_and_stateful(clock, capsys):
    bar = Progbar(10, width=10, interval=0, stateful_metrics=['val'])
    clock.time += 1
    bar.add(2, [('loss', 1.0), ('val', 7.0)])
    clock.time += 4
    bar.add(8, [('loss', 0.5), ('val', 3.0)])
    lines = capsys.readouterr().out.split('\n')
    assert lines[1] == ' 2/10 [=>........] - ETA: 4s - loss: 1.0000 - val: 7.0000'
    assert lines[2] == '10/10 [==========] - 5s 500ms/step - loss: 0.6000 - val: 3.0000'


def test_progbar_throttles_by_interval_and_small_values(clock, capsys):
    bar = Progbar(100, width=4, interval=10)
    bar.update(50, [('loss', 0.0001)])  # the first update is always drawn
    clock.time += 1
    bar.update(75, [('loss', 0.0001)])  # within the interval: not drawn
    clock.time += 299
    bar.update(100, [('loss', 0.0001)])
    assert capsys.readouterr().out == (
        '\n 50/100 [=>..] - ETA: 0s - loss: 1.0000e-04'
        '\n100/100 [====] - 300s 3s/step - loss: 1.0000e-04\n')


def test_progbar_dynamic_display_redraws_in_place(clock, capsys, monkeypatch):
    monkeypatch.setattr(generic_utils, '_stdout_is_dynamic', lambda: True)
    bar = Progbar(None, interval=0)
    clock.time += 3
    bar.update(128, [('loss', 2.0)])
    first = '    128/Unknown - 3s 23ms/step - loss: 2.0000'
    bar.update(256)
    out = capsys.readouterr().out
    assert out == '\r' + first + '\b' * len(first) + '\r' + (
        '    256/Unknown - 3s 12ms/step - loss: 2.0000')


def test_progbar_verbose_2_prints_once_at_the_end(clock, capsys):
    bar = Progbar(4, verbose=2)
    bar.update(2, [('acc', 0.5)])
    clock.time += 2
    bar.update(4, [('acc', 1.0)])
    assert capsys.readouterr().out == ' - 2s - acc: 0.7500\n'


def test_plot_model_is_importable():
    from symkeras.utils import plot_model
    assert callable(plot_model)
    if importlib.util.find_spec('symkeras.utils.vis_utils') is None:
        with pytest.raises(NotImplementedError, match='vis_utils'):
            plot_model(object())
