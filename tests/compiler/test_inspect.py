"""compiler.inspect text views: to_networkx attributes, debugprint, DOT syntax."""
import io
import re

import numpy as np
import pytest

from compiler import autodiff, builders as B, inspect, ir
from compiler.function import function


@pytest.fixture(scope='module')
def train_step():
    """The seed CNN's training step (loss, SGD updates), optimized: fused and stabilized."""
    from test_cnn_passes import seed_cnn_loss     # here: test_vis_utils loads this file
    x, y, params, loss = seed_cnn_loss(np.random.RandomState(0))
    grads = autodiff.gradients(loss, params)
    return function([x, y], [loss], updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)],
                    name='train_step')


class FakeLayer:
    def __init__(self, name):
        self.name, self._inbound_nodes = name, []


class FakeCall:
    def __init__(self, inputs):
        self.input_tensors = inputs


def keras_call(layer, inputs, output):
    """Tag `output` as Keras does when `layer` is called on `inputs`."""
    layer._inbound_nodes.append(FakeCall(inputs))
    output._keras_history = (layer, len(layer._inbound_nodes) - 1, 0)
    return output


def test_networkx_nodes_carry_op_shape_dtype(train_step):
    graph = train_step.to_networkx()
    assert graph.number_of_nodes() > 20
    for _, data in graph.nodes(data=True):
        assert isinstance(data['op'], str) and isinstance(data['dtype'], str)
        assert isinstance(data['shape'], tuple)
        assert all(d is None or isinstance(d, int) for d in data['shape'])
    x = next(d for _, d in graph.nodes(data=True) if d['name'] == 'x')
    assert x['op'] == 'input' and x['shape'] == (None, 28, 28, 1) and x['dtype'] == 'float64'
    for _, _, data in graph.edges(data=True):
        assert isinstance(data['shape'], tuple)


def test_networkx_fused_nodes_list_their_ops_and_rewrite(train_step):
    graph = train_step.to_networkx()
    fused = [d for _, d in graph.nodes(data=True) if d['op'] == 'FusedElemwise']
    assert fused
    for data in fused:
        assert len(data['fused']) >= 2 and all(isinstance(op, str) for op in data['fused'])
        assert data['rewrite'] == 'fuse_elementwise'
    rules = {d.get('rewrite') for _, d in graph.nodes(data=True)} - {None}
    assert rules <= {rule for _, rule, _ in train_step.graph.rewrite_log}
    assert 'stabilize_log_softmax' in {rule for _, rule, _ in train_step.graph.rewrite_log}


def test_networkx_original_view_is_the_graph_before_rewrites(train_step):
    original = inspect.to_networkx(train_step, view='original')
    optimized = inspect.to_networkx(train_step)
    ops = [d['op'] for _, d in original.nodes(data=True)]
    assert 'FusedElemwise' not in ops and 'Log' in ops
    assert original.number_of_nodes() > optimized.number_of_nodes()
    assert not any('rewrite' in d for _, d in original.nodes(data=True))


def test_networkx_layer_groups_follow_keras_history():
    x = ir.placeholder((None, 3), name='x')
    inputs = keras_call(FakeLayer('input_1'), [x], x)
    w = ir.Variable(np.ones((3, 2), 'float32'), name='w')
    b = ir.Variable(np.zeros(2, 'float32'))
    hidden = keras_call(FakeLayer('dense_1'), [inputs], B.relu(B.dot(inputs, w) + b))
    out = keras_call(FakeLayer('act_1'), [hidden], B.softmax(hidden))
    graph = inspect.to_networkx(out * 2.0)
    layer = {d['name']: d.get('layer') for _, d in graph.nodes(data=True)}
    assert layer['x'] == 'input_1'
    assert layer['w'] == layer[b.name] == layer[hidden.name] == 'dense_1'
    assert layer[out.name] == 'act_1'
    assert sum(1 for v in layer.values() if v == 'dense_1') == 5   # w, b, dot, add, relu
    assert sum(1 for v in layer.values() if v is None) == 2        # the * 2.0 and its 2.0


def test_debugprint_lines_show_op_shape_dtype_and_source(train_step):
    text = train_step.debugprint(file=io.StringIO())
    lines = text.splitlines()
    assert lines[0].startswith('Div') and "'div_" in lines[0]
    assert re.search(r"Conv2D\w*\(strides=\(1, 1\), padding='same'.*\(None, 28, 28, 32\) "
                     r"float64", text)
    node = next(n for n in ir.toposort(train_step.graph.roots) if n.source)
    assert f"at {node.source}" in text
    assert sum('-> update of' in line for line in lines) == len(train_step.graph.updates)


def test_debugprint_prints_a_shared_subgraph_once():
    x = ir.placeholder((None, 4), name='x')
    shared = B.exp(x * 3.0)
    text = inspect.debugprint(shared + B.log(shared), file=io.StringIO())
    lines = text.splitlines()
    assert sum('Exp' in line for line in lines) == 2
    assert sum('Mul' in line for line in lines) == 1
    again = next(line for line in lines if 'Exp' in line and 'seen above' in line)
    assert re.search(r'\[id [A-Z]+\]', again)


def test_debugprint_of_a_5000_node_chain():
    y = ir.placeholder((None, 2), name='x')
    for index in range(5000):
        y = B.relu(y) if index % 2 else B.neg(y)
    out = io.StringIO()
    text = inspect.debugprint(y, file=out)
    lines = text.splitlines()
    assert len(lines) == 5001 and out.getvalue().rstrip('\n') == text
    assert lines[-1].lstrip(' |(0123456789)').startswith('input')
    assert max(len(line) for line in lines) < 400     # deep levels print their depth


DOT_TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"|->|[{}\[\];=,]'
                       r'|[A-Za-z_][A-Za-z0-9_]*|-?[0-9.]+)')


def dot_tokens(text):
    """Tokens of DOT text (quoted strings whole); fails on anything else; braces balance."""
    tokens, at, depth = [], 0, 0
    while text[at:].strip():
        match = DOT_TOKEN.match(text, at)
        assert match, f"DOT syntax error near {text[at:at + 40]!r}"
        tokens.append(match.group(1))
        at = match.end()
        depth += {'{': 1, '}': -1}.get(tokens[-1], 0)
        assert depth >= 0
    assert depth == 0
    return tokens


def check_dot(text):
    """Declared node ids and edge endpoints; every endpoint must be declared."""
    tokens = dot_tokens(text)
    assert tokens[0] == 'digraph' and tokens[2] == '{'
    declared, ends = set(), set()
    for index, token in enumerate(tokens):
        if token == '->':
            ends |= {tokens[index - 1], tokens[index + 1]}
        elif token == '[' and tokens[index - 1].startswith('"n') and \
                tokens[index - 2] in (';', '{') and tokens[index + 1] == 'label':
            declared.add(tokens[index - 1])
    assert ends and ends <= declared
    return declared


def test_dot_text_parses(train_step):
    declared = check_dot(train_step.to_dot())
    assert len(declared) == train_step.to_networkx().number_of_nodes()
    assert 'subgraph' not in train_step.to_dot()   # no Keras layers here


def test_dot_escapes_quotes_backslashes_and_braces():
    x = ir.placeholder((None, 2), name='we"ird\\name {x}')
    text = inspect.to_dot(B.exp(x), rankdir='LR')
    assert 'we\\"ird\\\\name {x}' in text and 'rankdir=LR;' in text
    assert len(check_dot(text)) == 2


def test_dot_clusters_for_layers():
    x = ir.placeholder((None, 3), name='x')
    out = keras_call(FakeLayer('dense "1"'), [x], B.relu(x))
    text = inspect.to_dot(out)
    assert 'subgraph "cluster_' in text and 'label="dense \\"1\\""' in text
    check_dot(text)


def test_unknown_view_and_rankdir_list_the_choices():
    x = ir.placeholder((None, 2), name='x')
    with pytest.raises(ValueError, match="'optimized', 'original'"):
        inspect.to_networkx(x, view='before')
    with pytest.raises(ValueError, match="'TB', 'LR'"):
        inspect.to_dot(x, rankdir='XY')
    with pytest.raises(TypeError, match='received int'):
        inspect.to_networkx(3)


# ------------------------------------------------------------------ pattern-fused nodes
def fused_attrs(outputs, inputs=()):
    """{op name: [fused lists]} of the nodes of the optimized graph that carry `fused`."""
    graph = inspect.to_networkx(function(list(inputs), outputs))
    found = {}
    for _, data in graph.nodes(data=True):
        if 'fused' in data:
            found.setdefault(data['op'], []).append(data['fused'])
    return found


def dense_weights(rng, *shape):
    return ir.Variable(rng.normal(size=shape))


def test_conv_bias_relu_pool_node_lists_the_four_ops_it_replaced():
    rng = np.random.RandomState(0)
    x = ir.placeholder((None, 6, 6, 1), 'float64')
    w, b = dense_weights(rng, 3, 3, 1, 2), dense_weights(rng, 2)
    out = B.maxpool2d(B.relu(B.conv2d(x, w) + b), (2, 2), (2, 2), 'valid')
    assert fused_attrs([out], [x]) == {
        'Conv2DBiasActPool': [['Conv2D', 'Add', 'Relu', 'MaxPool2D']]}
    unbiased = B.maxpool2d(B.conv2d(x, w), (2, 2), (2, 2), 'valid')
    assert fused_attrs([unbiased], [x]) == {'Conv2DBiasActPool': [['Conv2D', 'MaxPool2D']]}


def test_epilogue_nodes_list_only_the_bias_and_activation_they_absorbed():
    rng = np.random.RandomState(1)
    x = ir.placeholder((None, 5, 5, 2), 'float64')
    w, b = dense_weights(rng, 3, 3, 2, 3), dense_weights(rng, 3)
    found = fused_attrs([B.conv2d(x, w) + b, B.relu(B.conv2d(x, w, strides=(2, 2)))], [x])
    assert sorted(found['Conv2DBiasAct']) == [['Conv2D', 'Add'], ['Conv2D', 'Relu']]
    a = ir.placeholder((None, 5), 'float64')
    v, c = dense_weights(rng, 5, 4), dense_weights(rng, 4)
    found = fused_attrs([B.relu(B.dot(a, v) + c), B.relu(B.dot(a, v * 2.0))], [a])
    assert sorted(found['MatMulBiasAct']) == [['MatMul', 'Add', 'Relu'], ['MatMul', 'Relu']]


def test_gemm_lists_the_scales_it_absorbed():
    rng = np.random.RandomState(2)
    a = ir.placeholder((3, 4), 'float64')
    w, z = dense_weights(rng, 4, 2), dense_weights(rng, 3, 2)
    s = ir.placeholder((), 'float64')
    found = fused_attrs([z - s * B.dot(a, w)], [a, s])
    assert found == {'Gemm': [['MatMul', 'Mul', 'Sub']]}


def test_every_fused_node_of_a_training_step_lists_known_op_names(train_step):
    from compiler.ops.base import OPS
    graph = train_step.to_networkx()
    pattern_fused = {'Conv2DBiasAct', 'Conv2DBiasActPool', 'MatMulBiasAct', 'MatMulReluGrad',
                     'Gemm', 'GemmUpdate', 'ScaledUpdate', 'MaxPool2DReluGrad',
                     'WeightedSoftmaxCrossEntropy', 'WeightedSoftmaxCrossEntropyGrad',
                     'FusedElemwise', 'FusedReduceSum'}
    ops = {d['op'] for _, d in graph.nodes(data=True)}
    assert {'Conv2DBiasAct', 'MaxPool2DReluGrad'} <= ops
    for _, data in graph.nodes(data=True):
        assert ('fused' in data) == (data['op'] in pattern_fused), data['op']
        if 'fused' in data:
            assert len(data['fused']) >= 2 and set(data['fused']) <= set(OPS), data
    relu_pool = [d['fused'] for _, d in graph.nodes(data=True) if d['op'] == 'MaxPool2DReluGrad']
    assert relu_pool and all(f == ['MaxPool2DGrad', 'Greater', 'Cast', 'Mul'] for f in relu_pool)


# Every op a fusion rewrite (compiler/rewrite/epilogue.py, pairs.py, losses.py) builds, with
# parameters, and the ops it stands for at most (all optional inputs present).
FUSION_OPS = [
    ('Conv2DBiasAct', dict(strides=(1, 1), padding='valid', dilation=(1, 1), act='relu'),
     ['Conv2D', 'Add', 'Relu']),
    ('Conv2DBiasActPool', dict(strides=(1, 1), padding='valid', dilation=(1, 1), act='relu',
                               pool_size=(2, 2), pool_strides=(2, 2), pool_padding='valid'),
     ['Conv2D', 'Add', 'Relu', 'MaxPool2D']),
    ('MatMulBiasAct', dict(transpose_a=False, transpose_b=False, act='linear'),
     ['MatMul', 'Add']),
    ('MatMulReluGrad', dict(transpose_a=False, transpose_b=True),
     ['MatMul', 'Greater', 'Cast', 'Mul']),
    ('Gemm', dict(transpose_a=False, transpose_b=False, negate_alpha=False, negate_beta=False),
     ['MatMul', 'Mul', 'Mul', 'Add']),
    ('GemmUpdate', dict(transpose_a=True, transpose_b=False, negate_alpha=True,
                        negate_beta=False), ['MatMul', 'Mul', 'Mul', 'Sub', 'Add']),
    ('ScaledUpdate', dict(summed=1, negate_alpha=True, negate_beta=False),
     ['Sum', 'Mul', 'Mul', 'Sub', 'Add']),
    ('MaxPool2DReluGrad', dict(pool_size=(2, 2), strides=(2, 2), padding='valid'),
     ['MaxPool2DGrad', 'Greater', 'Cast', 'Mul']),
    ('WeightedSoftmaxCrossEntropy', {}, ['SoftmaxCrossEntropy', 'WeightedMean']),
    ('WeightedSoftmaxCrossEntropyGrad', {}, ['ScaleByNonzeroCount', 'SoftmaxCrossEntropyGrad']),
]


@pytest.mark.parametrize('name, params, expected', FUSION_OPS, ids=[f[0] for f in FUSION_OPS])
def test_fusion_ops_name_the_ops_they_replace(name, params, expected):
    from compiler.ops.base import OPS
    op = OPS[name](**params)
    assert op.fused_ops == expected
    assert op == OPS[name](**params) and hash(op) == hash(OPS[name](**params))
