"""Layer.add_weight's call forms: keywords, the Keras 2.2.4 order (name, shape, dtype,
initializer, ...), API.md's (name, shape, initializer, trainable), Keras 1's (shape,
name), and a clear TypeError for anything ambiguous (symkeras/engine/weight_args.py)."""
import numpy as np
import pytest

from symkeras import backend as K, initializers
from symkeras.engine import Layer
from symkeras.layers import Input


@pytest.fixture(autouse=True)
def fresh_names():
    K.reset_uids()
    yield


class Custom(Layer):
    """One weight of shape (input features, 2), created by `make(self, shape)`."""

    def __init__(self, make, **kwargs):
        super().__init__(**kwargs)
        self.make = make

    def build(self, input_shape):
        self.w = self.make(self, (input_shape[-1], 2))
        super().build(input_shape)

    def call(self, x):
        return K.dot(K.cast(x, K.dtype(self.w)), self.w)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 2)


def built(make):
    layer = Custom(make)
    layer(Input(shape=(3,)))
    return layer


def ones_fn(shape, dtype=None):
    return np.ones(shape)


# (id, add_weight call, expected dtype, expected value of every element, trainable)
FORMS = [
    ('keywords', lambda self, s: self.add_weight(name='w', shape=s, initializer='ones'),
     'float32', 1., True),
    ('name-shape-positional', lambda self, s: self.add_weight('w', s, initializer='ones'),
     'float32', 1., True),
    ('api-md-initializer', lambda self, s: self.add_weight('w', s, 'ones'),
     'float32', 1., True),
    ('api-md-initializer-trainable',
     lambda self, s: self.add_weight('w', s, 'ones', False), 'float32', 1., False),
    ('api-md-trainable-keyword',
     lambda self, s: self.add_weight('w', s, 'ones', trainable=False), 'float32', 1., False),
    ('api-md-callable', lambda self, s: self.add_weight('w', s, ones_fn), 'float32', 1., True),
    ('api-md-instance', lambda self, s: self.add_weight('w', s, initializers.Constant(3.)),
     'float32', 3., True),
    ('api-md-config-dict',
     lambda self, s: self.add_weight('w', s, {'class_name': 'Ones', 'config': {}}),
     'float32', 1., True),
    ('api-md-with-dtype-keyword',
     lambda self, s: self.add_weight('w', s, 'ones', dtype='float64'), 'float64', 1., True),
    ('keras-dtype-string', lambda self, s: self.add_weight('w', s, 'float64', 'ones'),
     'float64', 1., True),
    ('keras-numpy-type-all-positional',
     lambda self, s: self.add_weight('w', s, np.float64, 'ones', None, False, None),
     'float64', 1., False),
    ('keras-np-dtype', lambda self, s: self.add_weight('w', s, np.dtype('float64'), 'ones'),
     'float64', 1., True),
    ('keras-none-dtype', lambda self, s: self.add_weight('w', s, None, 'ones'),
     'float32', 1., True),
    ('keras1-shape-name', lambda self, s: self.add_weight(s, 'w', initializer='ones'),
     'float32', 1., True),
    ('keras1-shape-then-name-keyword',
     lambda self, s: self.add_weight(s, name='w', initializer='ones'), 'float32', 1., True),
]


@pytest.mark.parametrize('make, dtype, value, trainable', [f[1:] for f in FORMS],
                         ids=[f[0] for f in FORMS])
def test_add_weight_forms(make, dtype, value, trainable):
    layer = built(make)
    assert layer.w.name == 'custom_1/w'
    assert K.dtype(layer.w) == dtype and K.int_shape(layer.w) == (3, 2)
    np.testing.assert_array_equal(K.get_value(layer.w), np.full((3, 2), value))
    assert (layer.trainable_weights == [layer.w]) == trainable
    assert (layer.non_trainable_weights == [layer.w]) == (not trainable)


# (id, add_weight call, words the TypeError must contain besides the layer's name)
AMBIGUOUS = [
    ('bool-third', lambda self, s: self.add_weight('w', s, True), ['True', 'dtype']),
    ('int-third', lambda self, s: self.add_weight('w', s, 3), ['3', 'initializer']),
    ('unknown-string-third', lambda self, s: self.add_weight('w', s, 'onez'),
     ["'onez'", 'dtype', 'glorot_uniform']),
    ('api-md-fourth-not-bool', lambda self, s: self.add_weight('w', s, 'ones', 'zeros'),
     ["'trainable'", "'zeros'"]),
    ('api-md-too-many', lambda self, s: self.add_weight('w', s, 'ones', True, None),
     ['too many positional', 'API.md']),
    ('keras-bool-initializer', lambda self, s: self.add_weight('w', s, 'float32', True),
     ["'initializer'", 'True', 'trainable=']),
    ('initializer-twice', lambda self, s: self.add_weight('w', s, 'ones', initializer='zeros'),
     ["'initializer'", 'multiple values']),
    ('dtype-twice', lambda self, s: self.add_weight('w', s, 'float64', dtype='float32'),
     ["'dtype'", 'multiple values']),
    ('name-twice', lambda self, s: self.add_weight('w', s, name='v'), ["'name'"]),
    ('keras1-extra', lambda self, s: self.add_weight(s, 'w', 'ones'), ['Keras 1', "'ones'"]),
    ('keras1-second-not-name', lambda self, s: self.add_weight(s, s), ['name string']),
    ('two-names', lambda self, s: self.add_weight('w', 'v'), ["'shape'", "'v'"]),
    ('name-not-string', lambda self, s: self.add_weight(5, s), ["'name'", '5']),
    ('missing-shape', lambda self, s: self.add_weight('w'), ["'shape'", 'missing']),
    ('unknown-keyword', lambda self, s: self.add_weight('w', s, initialiser='ones'),
     ['initialiser', 'valid']),
]


@pytest.mark.parametrize('make, words', [a[1:] for a in AMBIGUOUS],
                         ids=[a[0] for a in AMBIGUOUS])
def test_ambiguous_add_weight_raises_type_error_naming_layer_and_argument(make, words):
    with pytest.raises(TypeError) as info:
        built(make)
    message = str(info.value)
    assert "'custom_1'" in message and 'add_weight' in message
    for word in words:
        assert word in message


def test_add_weight_outside_a_call_names_the_layer():
    layer = Custom(None)
    with pytest.raises(TypeError, match="Layer 'custom_1' \\(Custom\\): add_weight"):
        layer.add_weight('w', (2,), True)


def test_no_initializer_name_reads_as_a_dtype():
    from symkeras.engine.weight_args import is_dtype
    names = [name for name in initializers._INITIALIZERS if is_dtype(name)]
    assert names == []
    assert all(is_dtype(d) for d in ('float32', 'float64', 'int32', np.float32, float,
                                      np.dtype('float16')))
    assert not any(is_dtype(d) for d in ('ones', ones_fn, True, 3, None))
