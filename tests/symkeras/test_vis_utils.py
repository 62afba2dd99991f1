"""plot_model and the seed CNN's graphs drawn without Graphviz (.dot, .svg, .html)."""
import importlib.util
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

import pytest

from compiler import inspect
from symkeras.layers import (Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D,
                             concatenate)
from symkeras.models import Model, Sequential
from symkeras.utils import plot_model
from symkeras.utils.vis_utils import model_to_dot, model_to_graph

SVG = '{http://www.w3.org/2000/svg}'
_COMPILER_TESTS = pathlib.Path(__file__).parents[1] / 'compiler'


def _sibling_test_module(name):
    """tests/compiler/<name>.py, imported under its own name (as pytest does)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _COMPILER_TESTS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


browser = _sibling_test_module('test_inspect_browser')   # Chromium and PNG helpers


@pytest.fixture(autouse=True)
def no_graphviz(monkeypatch, tmp_path):
    """An empty PATH: no Graphviz `dot` program is there to help; fresh layer names."""
    from symkeras import backend as K
    K.clear_session()
    monkeypatch.setenv('PATH', str(tmp_path / 'empty'))


def seed_cnn():
    model = Sequential()
    model.add(Conv2D(32, (3, 3), padding='same', activation='relu', input_shape=(28, 28, 1)))
    model.add(MaxPooling2D((2, 2)))
    model.add(Conv2D(64, (3, 3), padding='same', activation='relu'))
    model.add(MaxPooling2D((2, 2)))
    model.add(Conv2D(128, (3, 3), padding='same', activation='relu'))
    model.add(MaxPooling2D((2, 2)))
    model.add(Flatten())
    model.add(Dense(128, activation='relu'))
    model.add(Dropout(0.5))
    model.add(Dense(10, activation='softmax'))
    return model


@pytest.fixture(scope='module')
def compiled_cnn():
    model = seed_cnn()
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    model._make_train_function()    # what fit does first (Keras 2 has the same method)
    return model


def svg_nodes(path):
    root = ET.parse(path).getroot()
    return [g for g in root.iter(SVG + 'g') if 'node' in g.get('class', '').split()]


def node_text(group):
    return [t.text for t in group.iter(SVG + 'text')]


def check_dot(text):
    return _sibling_test_module('test_inspect').check_dot(text)


def test_plot_model_writes_svg_with_one_box_per_layer(tmp_path):
    model = seed_cnn()
    plot_model(model, to_file=str(tmp_path / 'model.svg'), show_shapes=True)
    nodes = svg_nodes(tmp_path / 'model.svg')
    assert len(nodes) == len(model.layers) + 1         # the InputLayer is drawn too
    texts = [node_text(g) for g in nodes]
    assert ['conv2d_1_input: InputLayer', 'input: (None, 28, 28, 1)',
            'output: (None, 28, 28, 1)'] in [t for t in texts if 'InputLayer' in t[0]]
    first_conv = model.layers[0].name
    assert [f"{first_conv}: Conv2D", 'input: (None, 28, 28, 1)',
            'output: (None, 28, 28, 32)'] in texts
    assert len(ET.parse(tmp_path / 'model.svg').getroot().findall(
        f".//{SVG}path[@class='edge']")) == len(model.layers)


def test_plot_model_dot_is_valid_and_follows_options(tmp_path):
    model = seed_cnn()
    plot_model(model, to_file=tmp_path / 'model.dot', show_layer_names=False, rankdir='LR')
    text = (tmp_path / 'model.dot').read_text()
    assert len(check_dot(text)) == len(model.layers) + 1
    assert 'rankdir=LR;' in text and 'label="Conv2D"' in text
    assert 'conv2d' not in text.split('{', 1)[1] and 'output:' not in text
    assert model_to_dot(model).startswith(f'digraph "{model.name}"')


def test_plot_model_html_is_self_contained(tmp_path):
    model = seed_cnn()
    plot_model(model, to_file=str(tmp_path / 'model.html'), show_shapes=True)
    html = (tmp_path / 'model.html').read_text()
    assert html.count('<svg') == 1 and html.count('class="node"') == len(model.layers) + 1
    without_namespace = html.replace('xmlns="http://www.w3.org/2000/svg"', '')
    assert not re.search(r'https?://|<link|<script[^>]*\bsrc=', without_namespace)
    assert '"params": 320' in html        # conv2d_1: 3 * 3 * 1 * 32 + 32


def test_functional_model_edges_follow_the_layer_graph():
    a, b = Input((4,), name='a'), Input((3,), name='b')
    merged = concatenate([Dense(2, name='left')(a), Dense(2, name='right')(b)], name='join')
    model = Model([a, b], Dense(1, name='out')(merged))
    graph = model_to_graph(model)
    assert set(graph.edges) == {('a', 'left'), ('b', 'right'), ('left', 'join'),
                                ('right', 'join'), ('join', 'out')}


def test_shared_layer_drawn_once_with_both_inbound_edges():
    shared = Dense(3, name='shared')
    a, b = Input((3,), name='a'), Input((3,), name='b')
    model = Model([a, b], concatenate([shared(a), shared(b)], name='join'))
    graph = model_to_graph(model, show_shapes=True)
    assert {('a', 'shared'), ('b', 'shared'), ('shared', 'join')} <= set(graph.edges)
    assert graph.nodes['shared']['lines'][1:] == ['input: (None, 3)', 'output: (None, 3)']


def test_png_without_graphviz_says_to_use_svg_or_html(tmp_path):
    with pytest.raises(OSError, match=r"\.svg or \.html"):
        plot_model(seed_cnn(), to_file=str(tmp_path / 'model.png'))
    assert not (tmp_path / 'model.png').exists()


def test_png_with_graphviz_on_path_runs_dot(tmp_path, monkeypatch):
    tools = tmp_path / 'bin'
    tools.mkdir()
    fake_dot = tools / 'dot'
    fake_dot.write_text('#!/bin/sh\n# fake Graphviz: keep the DOT text as the "image"\n'
                        '/bin/cat > "$3"\n')
    fake_dot.chmod(0o755)
    monkeypatch.setenv('PATH', str(tools))
    plot_model(seed_cnn(), to_file=str(tmp_path / 'model.png'))
    assert (tmp_path / 'model.png').read_text().startswith('digraph')


def test_bad_extension_and_rankdir_list_the_choices(tmp_path):
    with pytest.raises(ValueError, match="'svg', 'html'"):
        plot_model(seed_cnn(), to_file=str(tmp_path / 'model.bmp'))
    with pytest.raises(ValueError, match="'TB', 'LR'"):
        plot_model(seed_cnn(), to_file=str(tmp_path / 'model.svg'), rankdir='top')


def test_training_graph_of_the_cnn_to_svg_and_html(compiled_cnn, tmp_path):
    step = compiled_cnn.train_function
    graph = step.to_networkx()
    svg = inspect.to_svg(step)
    assert len([g for g in ET.fromstring(svg).iter(SVG + 'g')
                if 'node' in g.get('class', '').split()]) == graph.number_of_nodes()
    layers = {d.get('layer') for _, d in graph.nodes(data=True)}
    assert {compiled_cnn.layers[0].name, compiled_cnn.layers[-3].name} <= layers
    assert 'class="group"' in svg
    html = inspect.to_html(step)
    assert 'data-show="original"' in html and html.count('<svg') == 2


@browser.needs_chromium
def test_model_and_training_pages_render_in_chromium(compiled_cnn, tmp_path):
    plot_model(compiled_cnn, to_file=str(tmp_path / 'model.html'), show_shapes=True)
    browser.assert_drawn(browser.screenshot(tmp_path, tmp_path / 'model.html'), ['input'])
    page = tmp_path / 'train.html'
    page.write_text(inspect.to_html(compiled_cnn.train_function), encoding='utf-8')
    browser.assert_drawn(browser.screenshot(tmp_path, page), ['input', 'variable'])
