"""Keras 1 argument names and forms, converted to Keras 2 with a UserWarning.

Keras 2.2.4 still accepts Keras 1 calls and says how to update them:

    Conv2D(32, 3, 3, border_mode='same')
    UserWarning: Update your `Conv2D` call to the Keras 2 API:
    `Conv2D(32, (3, 3), padding="same")`

One `Rule` per layer family or method lists the renamed keywords, the renamed values
(dim_ordering 'th' -> data_format 'channels_first') and the few converters for the
other forms (positional kernel sizes, removed arguments). RULES maps a name to its rule;
`legacy_support(name)` applies it to a layer class (its constructor) or to a method.
A Keras 2 call costs a set test when the object is built and nothing afterwards.
"""
import functools
import inspect
import warnings

import numpy as np

DIM_ORDERING = {'tf': 'channels_last', 'th': 'channels_first', 'default': None}


class Rule:
    """The Keras 1 -> Keras 2 conversions of one layer family or method.

    Args:
        renames: ((keras1_name, keras2_name), ...).
        values: {keras1_name: {keras1_value: keras2_value}}, applied before renaming.
        converters: functions `f(label, args, kwargs) -> (args, kwargs, converted)` for
            the forms a rename cannot express; run before the renames, on every call.
    """

    def __init__(self, renames=(), values=None, converters=()):
        self.renames = tuple(renames)
        self.values = values or {}
        self.converters = tuple(converters)
        self.old_names = frozenset(old for old, _ in self.renames)

    def applies(self, kwargs):
        """Whether a call with these keywords may need converting (the fast-path test)."""
        return bool(self.converters) or not self.old_names.isdisjoint(kwargs)

    def convert(self, label, args, kwargs, positional_names):
        """(args, kwargs, converted) in the Keras 2 form; TypeError on a conflict."""
        converted = False
        for converter in self.converters:
            args, kwargs, changed = converter(label, args, kwargs)
            converted = converted or changed
        taken = positional_names[:len(args)]
        for old, new in self.renames:
            if old not in kwargs:
                continue
            if new in taken:
                raise conflict_error(label, old, new, positional=True)
            value = kwargs[old]
            table = self.values.get(old, {})
            if isinstance(value, str) and value in table:
                value = table[value]
            kwargs = _swap(label, kwargs, (old,), [(new, value)])
            converted = True
        return args, kwargs, converted


def conflict_error(label, old, new, positional=False):
    """The TypeError for a call giving a Keras 1 argument and its Keras 2 name."""
    given = 'positionally' if positional else 'by keyword'
    return TypeError('%s received both the Keras 1 argument `%s` and its Keras 2 name `%s` '
                     '(given %s); pass only `%s`' % (label, old, new, given, new))


def _without(kwargs, name):
    return {key: value for key, value in kwargs.items() if key != name}


def _swap(label, kwargs, olds, news):
    """kwargs with the keys `olds` replaced by the (name, value) pairs `news`, in the place
    of the first old key (so the warning shows the call in its order)."""
    for new, _ in news:
        if new in kwargs:
            raise conflict_error(label, '/'.join(olds), new)
    swapped = {}
    for key, value in kwargs.items():
        if key == olds[0]:
            swapped.update(news)
        elif key not in olds:
            swapped[key] = value
    return swapped


# ---------------------------------------------------------------------- converters
def kernel_from_dims(dim_names):
    """Converter: Conv2D(f, rows, cols) or nb_row=/nb_col= (kernel_dim1..3 for Conv3D)
    -> kernel_size=(rows, cols).

    Positional ints after `filters` fill the dimensions in order, the keywords the rest.
    `Conv2D(f, 3, 2)` is read as Keras 2.2.4 reads it: a 3x2 kernel; with strides,
    padding or data_format also given that reading is ambiguous and raises ValueError.
    """
    rank = len(dim_names)

    def convert(label, args, kwargs):
        dims = list(args[1:])
        if len(dims) > rank or not all(_is_int(dim) for dim in dims):
            return args, kwargs, False
        missing = dim_names[len(dims):]
        if not all(name in kwargs for name in missing):
            return args, kwargs, False
        if len(dims) == rank == 2:
            _refuse_ambiguous_strides(label, kwargs)
        kernel = tuple(dims) + tuple(kwargs[name] for name in missing)
        if args:
            if 'kernel_size' in kwargs:
                raise conflict_error(label, '/'.join(dim_names), 'kernel_size')
            kwargs = {key: value for key, value in kwargs.items() if key not in missing}
            return (args[0], kernel), kwargs, True
        return args, _swap(label, kwargs, missing, [('kernel_size', kernel)]), True
    return convert


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _refuse_ambiguous_strides(label, kwargs):
    given = [name for name in ('padding', 'strides', 'data_format') if name in kwargs]
    if given:
        raise ValueError('%s received two positional integers after `filters` (read as the '
                         'Keras 1 kernel rows and cols) together with %s; pass '
                         '`kernel_size` as a tuple and `strides` by keyword instead'
                         % (label, ', '.join('`%s`' % name for name in given)))


def drop_output_shape(label, args, kwargs):
    """Converter: remove Deconvolution2D's Keras 1 `output_shape` (Keras 2 infers it)."""
    changed = False
    if len(args) == 4 and isinstance(args[3], tuple):
        args, changed = args[:3], True
    if 'output_shape' in kwargs:
        kwargs = _without(kwargs, 'output_shape')
        changed = True
    return args, kwargs, changed


def split_init(label, args, kwargs):
    """Converter: SeparableConv2D's `init` -> depthwise_ and pointwise_initializer."""
    if 'init' not in kwargs:
        return args, kwargs, False
    news = [(new, kwargs['init']) for new in ('depthwise_initializer', 'pointwise_initializer')]
    return args, _swap(label, kwargs, ('init',), news), True


def sequence_input_shape(label, args, kwargs):
    """Converter: input_dim= (and input_length=) -> input_shape=(input_length, input_dim)
    for layers over sequences (Conv1D, LocallyConnected1D)."""
    if 'input_dim' not in kwargs:
        return args, kwargs, False
    shape = (kwargs.get('input_length'), kwargs['input_dim'])
    news = [('input_shape', shape)]
    return args, _swap(label, kwargs, ('input_dim', 'input_length'), news), True


def recurrent_input_shape(label, args, kwargs):
    """Converter: as sequence_input_shape, with Keras 2.2.4's extra deprecation note."""
    args, kwargs, changed = sequence_input_shape(label, args, kwargs)
    if changed:
        warnings.warn('%s: `input_dim` and `input_length` are deprecated in recurrent '
                      'layers; use `input_shape=(input_length, input_dim)` instead' % label,
                      stacklevel=4)
    return args, kwargs, changed


def forget_bias_init(label, args, kwargs):
    """Converter: forget_bias_init='one' -> unit_forget_bias=True; other values are
    dropped with a warning (Keras 2 only knows a forget bias of ones or of zeros)."""
    if 'forget_bias_init' not in kwargs:
        return args, kwargs, False
    if kwargs['forget_bias_init'] == 'one':
        news = [('unit_forget_bias', True)]
        return args, _swap(label, kwargs, ('forget_bias_init',), news), True
    warnings.warn('%s: `forget_bias_init=%r` is ignored: Keras 2 starts the forget-gate '
                  'bias at ones with `unit_forget_bias=True` (the LSTM default), else at '
                  'zeros' % (label, kwargs['forget_bias_init']), stacklevel=4)
    return args, _without(kwargs, 'forget_bias_init'), False


def batchnorm_mode(label, args, kwargs):
    """Converter: BatchNormalization's `mode`: 0 (Keras 2's only mode) is dropped."""
    if 'mode' not in kwargs:
        return args, kwargs, False
    if kwargs['mode'] != 0:
        raise TypeError('%s: the Keras 1 argument `mode` no longer exists; Keras 2 only '
                        'has what Keras 1 called mode=0 (`mode=1` and `mode=2` are not '
                        'supported), received mode=%r' % (label, kwargs['mode']))
    return args, _without(kwargs, 'mode'), True


def embedding_dropout(label, args, kwargs):
    """Converter: Embedding's Keras 1 `dropout` is gone: dropped with a warning."""
    if 'dropout' not in kwargs:
        return args, kwargs, False
    warnings.warn('%s: the Keras 1 argument `dropout` is ignored; for the same effect, put '
                  'a `SpatialDropout1D(%r)` layer after the `Embedding`'
                  % (label, kwargs['dropout']), stacklevel=4)
    return args, _without(kwargs, 'dropout'), False


_PAD_KEYS = ('top_pad', 'bottom_pad', 'left_pad', 'right_pad')


def padding_from_dict(label, args, kwargs):
    """Converter: ZeroPadding2D(padding={'top_pad': 1, ...}) -> ((top, bottom),
    (left, right)), with a warning."""
    if isinstance(kwargs.get('padding'), dict) and set(kwargs['padding']) <= set(_PAD_KEYS):
        kwargs = dict(kwargs, padding=_pads(kwargs['padding']))
    elif args and isinstance(args[0], dict) and set(args[0]) <= set(_PAD_KEYS):
        args = (_pads(args[0]),) + tuple(args[1:])
    else:
        return args, kwargs, False
    warnings.warn('%s: the `padding` argument no longer accepts a dict; pass '
                  '`padding=((top_pad, bottom_pad), (left_pad, right_pad))`.' % label,
                  stacklevel=4)
    return args, kwargs, False


def _pads(pad):
    top, bottom, left, right = (pad.get(key, 0) for key in _PAD_KEYS)
    return ((top, bottom), (left, right))


_GENERATOR_KERAS1 = ('samples_per_epoch', 'val_samples', 'nb_epoch', 'nb_val_samples',
                     'nb_worker')


def samples_to_steps(label, args, kwargs):
    """Converter: fit_generator's samples_per_epoch -> steps_per_epoch (divided by the
    generator's `batch_size` when it has one), and Keras 2.2.4's note on the meaning of
    steps (nb_val_samples and val_samples are renamed without dividing)."""
    changed = False
    if 'samples_per_epoch' in kwargs and len(args) < 2:
        samples = kwargs['samples_per_epoch']
        generator = args[0] if args else kwargs.get('generator')
        batch_size = getattr(generator, 'batch_size', None)
        steps = samples // batch_size if batch_size else samples
        news = [('steps_per_epoch', steps)]
        kwargs = _swap(label, kwargs, ('samples_per_epoch',), news)
        changed = True
    if changed or any(name in kwargs for name in _GENERATOR_KERAS1):
        warnings.warn('%s: Keras 2 counts batches where Keras 1 counted samples: '
                      '`steps_per_epoch` (Keras 1 `samples_per_epoch`), `validation_steps` '
                      '(`nb_val_samples`) and `steps` (`val_samples`) are numbers of batches '
                      'drawn from the generator, i.e. samples / batch_size; update the values '
                      'in your call accordingly' % label, stacklevel=4)
    return args, kwargs, changed


# ---------------------------------------------------------------------- the tables
_WEIGHT_RENAMES = (('init', 'kernel_initializer'), ('W_regularizer', 'kernel_regularizer'),
                   ('b_regularizer', 'bias_regularizer'),
                   ('W_constraint', 'kernel_constraint'),
                   ('b_constraint', 'bias_constraint'), ('bias', 'use_bias'))
_DIM_ORDERING = (('dim_ordering', 'data_format'),)
_DIM_VALUES = {'dim_ordering': DIM_ORDERING}
_CONV_RENAMES = (('nb_filter', 'filters'), ('subsample', 'strides'),
                 ('border_mode', 'padding')) + _DIM_ORDERING
_RECURRENT_RENAMES = (('output_dim', 'units'), ('init', 'kernel_initializer'),
                      ('inner_init', 'recurrent_initializer'),
                      ('inner_activation', 'recurrent_activation'),
                      ('W_regularizer', 'kernel_regularizer'),
                      ('b_regularizer', 'bias_regularizer'),
                      ('U_regularizer', 'recurrent_regularizer'),
                      ('dropout_W', 'dropout'), ('dropout_U', 'recurrent_dropout'))
_CONV2D_KERNEL = kernel_from_dims(('nb_row', 'nb_col'))

# Keras 2.2.4's keras/legacy/interfaces.py, one row per decorator it defines.
RULES = {
    'dense': Rule((('output_dim', 'units'),) + _WEIGHT_RENAMES),
    'dropout': Rule([('p', 'rate')]),
    'spatial_dropout': Rule((('p', 'rate'),) + _DIM_ORDERING, _DIM_VALUES),
    'gaussian_noise': Rule([('sigma', 'stddev')]),
    'prelu': Rule([('init', 'alpha_initializer')]),
    'embedding': Rule([('init', 'embeddings_initializer'),
                       ('W_regularizer', 'embeddings_regularizer'),
                       ('W_constraint', 'embeddings_constraint')],
                      converters=[embedding_dropout]),
    'pooling1d': Rule([('pool_length', 'pool_size'), ('stride', 'strides'),
                       ('border_mode', 'padding')]),
    'pooling': Rule((('border_mode', 'padding'),) + _DIM_ORDERING, _DIM_VALUES),
    'data_format': Rule(_DIM_ORDERING, _DIM_VALUES),
    'upsampling1d': Rule([('length', 'size')]),
    'zero_padding2d': Rule(_DIM_ORDERING, _DIM_VALUES, converters=[padding_from_dict]),
    'recurrent': Rule(_RECURRENT_RENAMES + (('consume_less', 'implementation'),),
                      {'consume_less': {'cpu': 0, 'mem': 1, 'gpu': 2}},
                      converters=[forget_bias_init, recurrent_input_shape]),
    'conv1d': Rule((('nb_filter', 'filters'), ('filter_length', 'kernel_size'),
                    ('subsample_length', 'strides'), ('border_mode', 'padding'))
                   + _WEIGHT_RENAMES, converters=[sequence_input_shape]),
    'conv2d': Rule(_CONV_RENAMES + _WEIGHT_RENAMES, _DIM_VALUES,
                   converters=[_CONV2D_KERNEL]),
    'conv2d_transpose': Rule(_CONV_RENAMES + _WEIGHT_RENAMES, _DIM_VALUES,
                             converters=[drop_output_shape, _CONV2D_KERNEL]),
    'separable_conv2d': Rule(_CONV_RENAMES + (('b_regularizer', 'bias_regularizer'),
                                              ('b_constraint', 'bias_constraint'),
                                              ('bias', 'use_bias')), _DIM_VALUES,
                             converters=[split_init, _CONV2D_KERNEL]),
    'conv3d': Rule(_CONV_RENAMES + _WEIGHT_RENAMES, _DIM_VALUES,
                   converters=[kernel_from_dims(('kernel_dim1', 'kernel_dim2',
                                                 'kernel_dim3'))]),
    'conv_lstm2d': Rule(_CONV_RENAMES + _RECURRENT_RENAMES[1:] + (('bias', 'use_bias'),),
                        _DIM_VALUES, converters=[forget_bias_init, _CONV2D_KERNEL]),
    'batch_normalization': Rule([('beta_init', 'beta_initializer'),
                                 ('gamma_init', 'gamma_initializer')],
                                converters=[batchnorm_mode]),
    'input_layer': Rule([('input_dtype', 'dtype')]),
    'model': Rule([('input', 'inputs'), ('output', 'outputs')]),
    'fit': Rule([('nb_epoch', 'epochs')]),
    'generator_methods': Rule([('samples_per_epoch', 'steps_per_epoch'),
                               ('val_samples', 'steps'), ('nb_epoch', 'epochs'),
                               ('nb_val_samples', 'validation_steps'),
                               ('nb_worker', 'workers'),
                               ('pickle_safe', 'use_multiprocessing'),
                               ('max_q_size', 'max_queue_size')],
                              converters=[samples_to_steps]),
}


# ---------------------------------------------------------------------- applying them
def legacy_support(rule_name):
    """Decorator: accept the Keras 1 arguments of RULES[rule_name], with a UserWarning.

    On a class it wraps the constructor (its own or the inherited one), and the warning
    names the class of the object being built; on a method it names the method.

    Args:
        rule_name: a key of RULES.

    Returns:
        The decorator.

    Example:
        >>> from symkeras.layers import Conv2D     # decorated with legacy_support('conv2d')
        >>> Conv2D(32, 3, 3, border_mode='same').kernel_size  # warns: `Conv2D(32, (3, 3), ...`
        (3, 3)
    """
    rule = RULES[rule_name]

    def decorate(target):
        if isinstance(target, type):
            target.__init__ = _wrap(target.__init__, rule)
            return target
        return _wrap(target, rule)
    return decorate


def _wrap(func, rule):
    """`func` (a method taking self) converting Keras 1 calls first."""
    is_constructor = func.__name__ == '__init__'

    @functools.wraps(func)
    def wrapper(self, *args, **kwargs):
        if rule.applies(kwargs):
            label = '`%s`' % (type(self).__name__ if is_constructor else func.__name__)
            args, kwargs, converted = rule.convert(label, args, kwargs,
                                                   _positional_names(func))
            if converted:
                warnings.warn('Update your %s call to the Keras 2 API: %s'
                              % (label, keras2_call(label, args, kwargs)), stacklevel=2)
        return func(self, *args, **kwargs)
    return wrapper


@functools.lru_cache(maxsize=None)
def _positional_names(func):
    """Names of the parameters of `func` (after self) that can be given positionally."""
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return tuple(name for name, parameter in inspect.signature(func).parameters.items()
                 if parameter.kind in kinds)[1:]


def keras2_call(label, args, kwargs):
    """'`Conv2D(32, (3, 3), padding="same")`': the call in the Keras 2 form."""
    parts = [_short(value) for value in args]
    parts += ['%s=%s' % (name, _short(value)) for name, value in kwargs.items()]
    return '%s(%s)`' % (label[:-1], ', '.join(parts))


def _short(value):
    """A value as the warning shows it: strings quoted, long values cut."""
    if isinstance(value, str):
        return '"%s"' % value
    text = 'array' if isinstance(value, np.ndarray) else str(value)
    return text if len(text) <= 20 else text[:20] + '...'
