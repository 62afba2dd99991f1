"""The positional forms `Layer.add_weight` accepts, resolved to keyword arguments.

Three orders meet here:

- Keras 2.2.4: `add_weight(name, shape, dtype=None, initializer=None, regularizer=None,
  trainable=True, constraint=None)`;
- API.md: `add_weight(name, shape, initializer, trainable=True)`;
- Keras 1 (accepted by Keras 2.2.4's legacy interface): `add_weight(shape, name)`.

The third positional argument decides between the first two: a dtype ('float32',
np.float64, np.dtype(...), float) keeps the Keras 2.2.4 order; an initializer (a name
that is not a dtype, a config dict, a callable, an Initializer) selects the API.md
order, where the only further positional argument is the bool `trainable`. A first
positional argument that is a tuple or list is the shape (Keras 1 order). Anything
else is ambiguous and raises TypeError naming the layer and the argument.
"""
import numpy as np

KERAS_ORDER = ('dtype', 'initializer', 'regularizer', 'trainable', 'constraint')
API_ORDER = ('initializer', 'trainable')


def resolve_add_weight_args(layer, args, kwargs):
    """{name, shape, dtype, initializer, regularizer, trainable, constraint} from the
    positional `args` (after self) and the keyword `kwargs` of an add_weight call.

    Raises:
        TypeError: an ambiguous or misplaced positional argument, or one given twice.
    """
    unknown = sorted(set(kwargs) - set(('name', 'shape') + KERAS_ORDER))
    if unknown:
        _fail(layer, 'unexpected keyword arguments %s (valid: name, shape, %s)'
              % (unknown, ', '.join(KERAS_ORDER)))
    resolved = dict(kwargs)
    named = _name_and_shape(layer, args[:2])
    rest = args[2:]
    if rest and named[0][0] == 'shape':
        _fail(layer, 'a Keras 1 call add_weight(shape, name) takes no further positional '
              'arguments, received %d more: %s' % (len(args) - 2, _reprs(args[2:])))
    positional = dict(named)
    positional.update(_extra_positional(layer, rest))
    for key, value in positional.items():
        if key in resolved:
            _fail(layer, "got multiple values for argument '%s' (positional %r and "
                  "%s=%r)" % (key, value, key, resolved[key]))
        resolved[key] = value
    for key in ('name', 'shape'):
        if resolved.get(key) is None:
            _fail(layer, "missing required argument '%s'" % key)
    return resolved


def _name_and_shape(layer, first_two):
    """[(key, value)] of the first one or two positional arguments."""
    if not first_two:
        return []
    if _is_shape(first_two[0]):             # Keras 1 order: (shape, name)
        pairs = [('shape', first_two[0])]
        if len(first_two) > 1:
            if not isinstance(first_two[1], str):
                _fail(layer, 'the first positional argument %r is a shape, so the second '
                      '(Keras 1 order: shape, name) must be a name string, received %r'
                      % (first_two[0], first_two[1]))
            pairs.append(('name', first_two[1]))
        return pairs
    if not isinstance(first_two[0], str):
        _fail(layer, "argument 'name' must be a string (or, Keras 1 order, the first "
              "positional argument a shape tuple), received %r" % (first_two[0],))
    pairs = [('name', first_two[0])]
    if len(first_two) > 1:
        if isinstance(first_two[1], str):
            _fail(layer, "argument 'shape' must be a tuple of ints, received the string "
                  "%r after the name %r" % (first_two[1], first_two[0]))
        pairs.append(('shape', first_two[1]))
    return pairs


def _extra_positional(layer, rest):
    """{key: value} of the positional arguments after (name, shape)."""
    if not rest:
        return {}
    third = rest[0]
    if third is None or is_dtype(third):
        order = KERAS_ORDER
    elif _is_initializer(layer, third):
        order = API_ORDER
    else:
        _fail(layer, 'the third positional argument %r is neither a dtype (e.g. '
              "'float32') nor an initializer (a name such as 'ones', a callable or an "
              'Initializer); pass dtype= or initializer= by keyword' % (third,))
    if len(rest) > len(order):
        _fail(layer, 'too many positional arguments: %d after (name, shape) in the %s '
              'order (%s), received %s' % (len(rest), _order_name(order),
                                          ', '.join(order), _reprs(rest)))
    pairs = dict(zip(order, rest))
    if order is API_ORDER and 'trainable' in pairs and not _is_bool(pairs['trainable']):
        _fail(layer, "argument 'trainable' (4th positional after an initializer, API.md "
              "order name, shape, initializer, trainable) must be a bool, received %r"
              % (pairs['trainable'],))
    if order is KERAS_ORDER and _is_bool(pairs.get('initializer')):
        _fail(layer, "argument 'initializer' (4th positional after the dtype %r, Keras "
              'order name, shape, dtype, initializer, ...) received the bool %r; pass '
              'trainable= by keyword' % (third, pairs['initializer']))
    return pairs


def is_dtype(value):
    """Whether `value` names a numpy dtype: 'float32', np.float64, np.dtype, float..."""
    if isinstance(value, np.dtype):
        return True
    if isinstance(value, type):
        return issubclass(value, (np.generic, float, int, bool, complex))
    if isinstance(value, str):
        try:
            np.dtype(value)
        except (TypeError, ValueError):
            return False
        return True
    return False


def _is_initializer(layer, value):
    """Whether `value` reads as an initializer (a string must be a known name)."""
    if isinstance(value, str):
        from .. import initializers
        try:
            initializers.get(value)
        except ValueError as error:
            _fail(layer, 'the third positional argument %r is not a dtype, and not an '
                  'initializer either: %s' % (value, error))
        return True
    return isinstance(value, dict) or (callable(value) and not _is_bool(value))


def _is_shape(value):
    return isinstance(value, (tuple, list))


def _is_bool(value):
    return isinstance(value, (bool, np.bool_))


def _order_name(order):
    return 'Keras 2.2.4' if order is KERAS_ORDER else 'API.md'


def _reprs(values):
    return ', '.join(repr(v) for v in values)


def _fail(layer, message):
    raise TypeError("Layer '%s' (%s): add_weight: %s"
                    % (layer.name, type(layer).__name__, message))
