"""The import surface and the compiled-function surface that ../shared/API.md promises."""
import numpy as np
import pytest


def test_user_facing_imports():
    import symkeras
    from symkeras.models import Sequential, Model, load_model, model_from_json  # noqa: F401
    from symkeras.layers import (Input, InputLayer, Layer, Dense, Activation, Dropout,  # noqa
        Flatten, Reshape, Lambda, Conv2D, MaxPooling2D, AveragePooling2D,
        GlobalAveragePooling2D, BatchNormalization, Embedding, Concatenate, Add,
        Multiply, concatenate, add, multiply)
    from symkeras import backend as K  # noqa: F401
    from symkeras import (optimizers, losses, metrics, callbacks, initializers,  # noqa
                          regularizers)
    from symkeras.optimizers import SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam  # noqa
    from symkeras.callbacks import (Callback, History, EarlyStopping, ModelCheckpoint,  # noqa
        ReduceLROnPlateau, CSVLogger, LambdaCallback, ProgbarLogger)
    from symkeras.datasets import mnist  # noqa: F401
    from symkeras.utils import to_categorical, plot_model  # noqa: F401
    for name in ('layers', 'models', 'backend', 'optimizers', 'losses', 'metrics',
                 'callbacks', 'initializers', 'regularizers', 'datasets', 'utils'):
        assert hasattr(symkeras, name), name
    assert callable(symkeras.utils.to_categorical)
    assert callable(symkeras.losses.categorical_crossentropy)
    assert isinstance(symkeras.optimizers.Adadelta(), symkeras.optimizers.Optimizer)


def test_backend_names_exist():
    from symkeras import backend as K
    names = """placeholder variable constant get_value set_value batch_get_value eval
    int_shape ndim dtype floatx set_floatx epsilon image_data_format set_image_data_format
    learning_phase clear_session function gradients dot batch_dot transpose sum mean max
    min prod argmax square sqrt exp log abs pow clip maximum minimum equal cast relu elu
    sigmoid hard_sigmoid tanh softplus softmax categorical_crossentropy
    sparse_categorical_crossentropy binary_crossentropy conv2d pool2d reshape flatten
    batch_flatten expand_dims squeeze concatenate stack dropout in_train_phase zeros ones
    zeros_like ones_like switch""".split()
    missing = [n for n in names if not callable(getattr(K, n, None))]
    assert not missing


def test_unknown_strings_list_the_choices():
    from symkeras.layers import Dense
    from symkeras.models import Sequential
    model = Sequential([Dense(2, input_dim=3)])
    with pytest.raises(ValueError, match='sgd'):
        model.compile('not_an_optimizer', 'mse')
    with pytest.raises(ValueError, match='categorical_crossentropy'):
        model.compile('sgd', 'not_a_loss')
    with pytest.raises(ValueError, match='relu'):
        Dense(2, activation='not_an_activation')


def test_compiled_functions_are_inspectable_after_fit():
    import networkx as nx
    from runtime import CompiledFunction
    from symkeras.layers import Dense
    from symkeras.models import Sequential
    model = Sequential([Dense(4, activation='relu', input_dim=3),
                        Dense(2, activation='softmax')])
    model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    x, y = np.random.rand(16, 3), np.eye(2)[np.random.randint(0, 2, 16)]
    history = model.fit(x, y, epochs=2, verbose=0, validation_split=0.25)
    assert set(history.history) >= {'loss', 'accuracy', 'val_loss', 'val_accuracy'}
    model.predict(x)
    for fn in (model.train_function, model.predict_function):
        assert isinstance(fn, CompiledFunction)
        graph = fn.to_networkx()
        assert isinstance(graph, nx.DiGraph)
        for _, data in graph.nodes(data=True):
            assert isinstance(data['op'], str) and isinstance(data['shape'], tuple)
            assert isinstance(data['dtype'], str)
        assert 'digraph' in fn.to_dot()
    assert any('fused' in data for _, data in model.train_function.to_networkx().nodes(data=True))
    with open('/dev/null', 'w') as sink:
        assert 'MatMul' in model.train_function.debugprint(file=sink)


def test_pattern_fused_nodes_list_the_ops_they_contain():
    """API.md: a fused node of `.to_networkx()` carries `fused`, the op names it contains:
    the epilogue-fused ops too, not only the fused elementwise kernels."""
    from symkeras.layers import Conv2D, Dense, Flatten, MaxPooling2D
    from symkeras.models import Sequential
    from symkeras.optimizers import SGD
    cnn = Sequential([Conv2D(2, (3, 3), activation='relu', input_shape=(6, 6, 1)),
                      MaxPooling2D((2, 2)), Flatten(), Dense(3, activation='softmax')])
    cnn.predict(np.random.rand(4, 6, 6, 1).astype('float32'))
    nodes = [d for _, d in cnn.predict_function.to_networkx().nodes(data=True)]
    fused = {d['op']: d['fused'] for d in nodes if 'fused' in d}
    assert fused == {'Conv2DBiasActPool': ['Conv2D', 'Add', 'Relu', 'MaxPool2D'],
                     'MatMulBiasAct': ['MatMul', 'Add']}
    dense = Sequential([Dense(4, activation='relu', input_dim=3),
                        Dense(2, activation='softmax')])
    dense.compile(SGD(momentum=0.9), 'categorical_crossentropy')
    dense.fit(np.random.rand(16, 3), np.eye(2)[np.random.randint(0, 2, 16)], verbose=0)
    nodes = [d for _, d in dense.train_function.to_networkx().nodes(data=True)]
    fused = {}
    for data in nodes:
        if 'fused' in data:
            fused.setdefault(data['op'], []).append(data['fused'])
    assert ['MatMul', 'Add', 'Relu'] in fused['MatMulBiasAct']
    assert fused['WeightedSoftmaxCrossEntropy'] == [['SoftmaxCrossEntropy', 'WeightedMean']]
    assert fused['MatMulReluGrad'] == [['MatMul', 'Greater', 'Cast', 'Mul']]
    assert fused['GemmUpdate'] == [['MatMul', 'Mul', 'Mul', 'Sub', 'Add']] * 2
    assert 'ScaledUpdate' in fused
    assert not [d['op'] for d in nodes if 'fused' not in d and d['op'] in (
        'Conv2DBiasAct', 'MatMulBiasAct', 'Gemm', 'GemmUpdate', 'MaxPool2DReluGrad',
        'WeightedSoftmaxCrossEntropyGrad')]


def test_profile_rows():
    from symkeras import backend as K
    x = K.placeholder(shape=(None, 3))
    f = K.function([x], [K.softmax(K.dot(x, K.variable(np.ones((3, 2)))))], profile=True)
    for _ in range(3):
        f([np.ones((4, 3))])
    rows = f.profile(file=open('/dev/null', 'w'))
    assert rows and {'kernel', 'calls', 'seconds'} <= set(rows[0])
    assert rows[0]['seconds'] >= rows[-1]['seconds']
