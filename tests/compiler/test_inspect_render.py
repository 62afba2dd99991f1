"""compiler.inspect drawings: layered layout, SVG and HTML, with Graphviz absent."""
import json
import re
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pytest

from compiler import autodiff, builders as B, inspect, ir
from compiler.function import function
from compiler.inspect.layout import layered_layout
from test_cnn_passes import seed_cnn_loss

SVG = '{http://www.w3.org/2000/svg}'


@pytest.fixture(autouse=True)
def no_graphviz(monkeypatch, tmp_path):
    """Nothing on PATH: no `dot` program can be what draws these graphs."""
    monkeypatch.setenv('PATH', str(tmp_path))


@pytest.fixture(scope='module')
def train_step():
    rng = np.random.RandomState(0)
    x, y, params, loss = seed_cnn_loss(rng)
    grads = autodiff.gradients(loss, params)
    step = function([x, y], [loss], updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)],
                    name='train_step', profile=True)
    step([rng.rand(2, 28, 28, 1), np.eye(10)[[3, 7]]])
    return step


def nodes_of(svg_text):
    root = ET.fromstring(svg_text)
    assert root.tag == SVG + 'svg'
    return [g for g in root.iter(SVG + 'g') if 'node' in g.get('class', '').split()]


def test_svg_of_the_optimized_training_graph(train_step):
    svg = inspect.to_svg(train_step)
    graph = train_step.to_networkx()
    nodes = nodes_of(svg)
    assert len(nodes) == graph.number_of_nodes()
    assert {g.get('data-key') for g in nodes} == {str(key) for key in graph}
    fused = [g for g in nodes if 'fused' in g.get('class')]
    assert len(fused) == sum(1 for _, d in graph.nodes(data=True) if d.get('fused'))
    texts = [''.join(t.text for t in g.iter(SVG + 'text')) for g in fused]
    assert any('Fused: 2 ops' in t and '- Mul' in t and '- Sub' in t for t in texts)
    edge_labels = [t.text for t in ET.fromstring(svg).iter(SVG + 'text')
                   if t.get('class') == 'edge-label']
    assert '(None, 28, 28, 32)' in edge_labels and '(3, 3, 1, 32)' in edge_labels
    assert 'http://' not in svg.replace('xmlns="http://www.w3.org/2000/svg"', '')


def test_svg_of_the_graph_before_optimization(train_step):
    svg = inspect.to_svg(train_step, view='original', rankdir='LR', show_shapes=False)
    original = inspect.to_networkx(train_step, view='original')
    assert len(nodes_of(svg)) == original.number_of_nodes()
    assert 'class="edge-label"' not in svg


def test_svg_frames_the_nodes_of_each_layer():
    class Layer:
        name, _inbound_nodes = 'dense_<1>', []
    x = ir.placeholder((None, 3), name='x')
    out = B.relu(B.dot(x, ir.Variable(np.ones((3, 2), 'float32'))))
    out._keras_history = (Layer(), 0, 0)
    root = ET.fromstring(inspect.to_svg(B.softmax(out)))
    groups = [g for g in root.iter(SVG + 'g') if g.get('class') == 'group']
    assert [g.get('data-layer') for g in groups] == ['dense_<1>']
    assert 'dense_<1>' in [t.text for t in groups[0].iter(SVG + 'text')]


def random_dag(seed, count=40):
    rng = np.random.RandomState(seed)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(count))
    for target in range(1, count):
        for source in rng.choice(target, size=min(target, rng.randint(1, 4)), replace=False):
            graph.add_edge(int(source), target)
    return graph


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_layout_ranks_edges_downward_without_overlaps(seed):
    graph = random_dag(seed)
    sizes = {n: (40 + 7 * (n % 5), 30) for n in graph}
    groups = {n: f"g{n // 7}" for n in graph if n % 3 == 0}
    layout = layered_layout(graph, sizes, groups)
    pos = layout.positions
    for source, target in graph.edges:
        assert pos[target][1] > pos[source][1]
        route = layout.routes[(source, target)]
        assert route[0][1] < route[-1][1]
    boxes = sorted((x - sizes[n][0] / 2, x + sizes[n][0] / 2, y) for n, (x, y) in pos.items())
    for index, (left, right, y) in enumerate(boxes):
        for other_left, _, other_y in boxes[index + 1:]:
            if other_y == y:
                assert other_left >= right
    assert all(0 <= x and x <= layout.width and 0 <= y <= layout.height for x, y in pos.values())


def test_layout_directions_and_cycles():
    graph = nx.DiGraph([('a', 'b'), ('b', 'c'), ('c', 'a'), ('c', 'c')])
    sizes = {n: (50, 20) for n in graph}
    layout = layered_layout(graph, sizes, rankdir='LR')
    assert layout.positions['b'][0] > layout.positions['a'][0]
    assert set(layout.routes) == set(graph.edges)
    flipped = layered_layout(graph, sizes, rankdir='BT')
    assert flipped.positions['b'][1] < flipped.positions['a'][1]
    with pytest.raises(ValueError, match="'TB', 'LR', 'BT', 'RL'"):
        layered_layout(graph, sizes, rankdir='down')


def page_data(html):
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>',
                      html, re.S)
    return json.loads(match.group(1))


def test_html_is_one_self_contained_page(train_step):
    html = inspect.to_html(train_step, profile=True)
    assert html.startswith('<!DOCTYPE html>') and html.count('<svg') == 2
    without_namespace = html.replace('xmlns="http://www.w3.org/2000/svg"', '')
    external = r'https?://|<link|<script[^>]*\bsrc=|@import|url\((?!#)'
    assert not re.search(external, without_namespace)
    assert 'data-show="optimized"' in html and 'data-show="original"' in html
    assert "addEventListener('wheel'" in html and "addEventListener('mousedown'" in html
    views = page_data(html)['views']
    graph = train_step.to_networkx()
    assert set(views['optimized']['nodes']) == {str(key) for key in graph}
    details = list(views['optimized']['nodes'].values())
    assert any(d.get('rewrite') == 'fuse_elementwise' and d.get('fused') for d in details)
    assert {d.get('rewrite') for d in details} - {None, 'fuse_elementwise'}
    timed = [d for d in details if 'time' in d]
    assert len(timed) == len(train_step.plan.steps)
    assert all(set(d) >= {'op', 'shape', 'dtype', 'name'} for d in details)
    assert not any('time' in d for d in views['original']['nodes'].values())


def test_html_of_tensors_has_one_view_and_escapes_script_text():
    x = ir.placeholder((None, 2), name='</script><b>x')
    html = inspect.to_html(B.exp(x), title='t<1>')
    assert html.count('<svg') == 1 and 'data-show=' not in html
    assert '</script><b>' not in html and '<title>t&lt;1&gt;</title>' in html
    names = [d['name'] for d in page_data(html)['views']['optimized']['nodes'].values()]
    assert '</script><b>x' in names
