"""Graph builders: the functions that create op nodes (used by operators, autodiff, K).

Python numbers and numpy arrays mixed with tensors become constants of the tensor's
dtype when it is a float type (float32 stays float32), as Theano's autocasting does, and
so do Python integers that an integer tensor's dtype holds (int32 + 1 stays int32).
"""
import numpy as np

from .ir import constant, is_tensor


def as_tensor(value, like=None):
    """A tensor for `value`: itself if symbolic, else a constant (dtype from `like`)."""
    if is_tensor(value):
        return value
    if callable(value) and not isinstance(value, np.ndarray):
        raise TypeError(f"expected a tensor or a number, received {value!r}")
    array = np.asarray(value)
    if array.dtype == object:
        raise TypeError(f"expected a tensor or a number, received {value!r}")
    if like is not None and like.dtype.startswith('float') and array.dtype.kind in 'biuf':
        array = array.astype(like.dtype)
    elif like is not None and _fits_int(value, like.dtype):
        array = array.astype(like.dtype)     # int32 tensor + 1 stays int32 (numpy 2, Theano)
    elif array.dtype == np.float64 and like is None:
        array = array.astype('float32')
    return constant(array)


def _fits_int(value, dtype):
    """Whether `value` is a Python or numpy integer scalar that `dtype` (an integer type)
    holds."""
    if not dtype.startswith(('int', 'uint')) or isinstance(value, (bool, np.bool_)) or \
            not isinstance(value, (int, np.integer)):
        return False
    info = np.iinfo(dtype)
    return info.min <= int(value) <= info.max


def _pair(a, b):
    like = a if is_tensor(a) else b
    return as_tensor(a, like), as_tensor(b, like)


def _binary(op_name):
    def build(a, b):
        from .ops import elementwise as ew
        a, b = _pair(a, b)
        return getattr(ew, op_name)()(a, b)
    build.__name__ = op_name.lower()
    return build


def _unary(op_name):
    def build(x):
        from .ops import elementwise as ew
        return getattr(ew, op_name)()(as_tensor(x))
    build.__name__ = op_name.lower()
    return build


add, sub, mul, div, power = (_binary(n) for n in ('Add', 'Sub', 'Mul', 'Div', 'Pow'))
floordiv, mod = _binary('FloorDiv'), _binary('Mod')
maximum, minimum = _binary('Maximum'), _binary('Minimum')
greater, greater_equal = _binary('Greater'), _binary('GreaterEqual')
less, less_equal = _binary('Less'), _binary('LessEqual')
equal, not_equal = _binary('Equal'), _binary('NotEqual')
logical_and, logical_or = _binary('And'), _binary('Or')
neg, exp, log, log1p, expm1 = (_unary(n) for n in ('Neg', 'Exp', 'Log', 'Log1p', 'Expm1'))
sqrt, abs_, sign, tanh = (_unary(n) for n in ('Sqrt', 'Abs', 'Sign', 'Tanh'))
sin, cos = _unary('Sin'), _unary('Cos')
sigmoid, relu, softplus = _unary('Sigmoid'), _unary('Relu'), _unary('Softplus')
square, floor, round_, logical_not = (_unary(n) for n in ('Square', 'Floor', 'Round', 'Not'))
stop_gradient = _unary('StopGradient')


def cast(x, dtype):
    from .ops.elementwise import Cast
    from .ir import normalize_dtype
    x = as_tensor(x)
    dtype = normalize_dtype(dtype)
    return x if x.dtype == dtype else Cast(dtype=dtype)(x)


def clip(x, low, high):
    from .ops.elementwise import Clip
    return Clip(low=float(low), high=float(high))(as_tensor(x))


def where(condition, a, b):
    from .ops.elementwise import Where
    a, b = _pair(a, b)
    return Where()(as_tensor(condition), a, b)


def zeros_like(x):
    return broadcast_like(constant(np.zeros((), x.dtype)), x)


def ones_like(x):
    return broadcast_like(constant(np.ones((), x.dtype)), x)


def reduce_sum(x, axes=None, keepdims=False):
    from .ops.reduce import Sum, normalize_axes
    return Sum(axes=normalize_axes('sum', x.ndim, axes), keepdims=bool(keepdims))(x)


def reduce_max(x, axes=None, keepdims=False):
    from .ops.reduce import Max, normalize_axes
    return Max(axes=normalize_axes('max', x.ndim, axes), keepdims=bool(keepdims))(x)


def reduce_min(x, axes=None, keepdims=False):
    from .ops.reduce import Min, normalize_axes
    return Min(axes=normalize_axes('min', x.ndim, axes), keepdims=bool(keepdims))(x)


def reduce_prod(x, axes=None, keepdims=False):
    from .ops.reduce import Prod, normalize_axes
    return Prod(axes=normalize_axes('prod', x.ndim, axes), keepdims=bool(keepdims))(x)


def size(x, axes, dtype):
    from .ops.reduce import Size, normalize_axes
    return Size(axes=normalize_axes('size', x.ndim, axes), dtype=dtype)(x)


def reduce_mean(x, axes=None, keepdims=False):
    from .ops.reduce import normalize_axes
    axes = normalize_axes('mean', x.ndim, axes)
    dims = [x.shape[a] for a in axes]
    total = reduce_sum(x, axes, keepdims)
    if None not in dims:
        return total / float(np.prod(dims)) if dims else total
    return total / size(x, axes, total.dtype)


def argmax(x, axis=-1, keepdims=False):
    from .ops.reduce import ArgMax, normalize_axes
    (axis,) = normalize_axes('argmax', x.ndim, axis)
    return ArgMax(axis=axis, keepdims=bool(keepdims))(x)


def shape_of(x):
    """The run-time shape of x: a 1-D int64 tensor of x.ndim entries (Theano's x.shape)."""
    from .ops.reduce import Shape
    return Shape()(as_tensor(x))


def reshape(x, shape):
    """x reshaped to `shape`: a sequence of ints (at most one -1; None reads as -1) and 0-d
    integer tensors (sizes known at run time), or a 1-D integer tensor of static length."""
    from .ops.movement import Reshape
    if is_tensor(shape):
        shape = _shape_entries(shape)
    template, sizes, tensors = _split_shape(shape)
    return Reshape(shape=template, sizes=sizes)(x, *tensors)


def alloc_zeros(shape, dtype):
    """Zeros of `dtype` shaped by `shape`: ints >= 0 and 0-d integer tensors (sizes known
    at run time only)."""
    from .ops.reduce import Alloc
    template, sizes, tensors = _split_shape(shape)
    return Alloc(shape=template, sizes=sizes, dtype=dtype)(*tensors)


def _split_shape(shape):
    """(template, sizes, tensors): the static entries (None where a tensor gives the size),
    the axes of the tensor entries and those tensors."""
    template, sizes, tensors = [], [], []
    for axis, entry in enumerate(shape):
        value = _static_size(entry)
        template.append(value)
        if value is None:
            sizes.append(axis)
            tensors.append(entry)
    return tuple(template), tuple(sizes), tensors


def _shape_entries(vector):
    """The 0-d entries of a 1-D integer shape tensor of static length."""
    if vector.ndim != 1 or vector.shape[0] is None or \
            not vector.dtype.startswith(('int', 'uint')):
        raise ValueError(f"reshape: expected a target shape of ints and 0-d integer "
                         f"tensors, or a 1-D integer tensor of static length, received a "
                         f"tensor of shape {vector.shape} and dtype {vector.dtype}")
    return [getitem(vector, i) for i in range(vector.shape[0])]


def _static_size(entry):
    """An int for a static shape entry (None -> -1, a 0-d integer constant -> its value),
    None for a 0-d integer tensor known at run time only."""
    if entry is None:
        return -1
    if not is_tensor(entry):
        if isinstance(entry, (bool, np.bool_)) or int(entry) != entry:
            raise ValueError(f"shape: expected an integer size, received {entry!r}")
        return int(entry)
    if entry.ndim or not entry.dtype.startswith(('int', 'uint')):
        raise ValueError(f"shape: expected 0-d integer size tensors, received a tensor "
                         f"of shape {entry.shape} and dtype {entry.dtype}")
    return int(entry.value) if entry.kind == 'constant' else None


def reshape_like(x, ref):
    from .ops.movement import ReshapeLike
    return x if x.shape == ref.shape and None not in x.shape else ReshapeLike()(x, ref)


def transpose(x, perm=None):
    from .ops.movement import Transpose
    perm = tuple(reversed(range(x.ndim))) if perm is None else tuple(int(p) for p in perm)
    return Transpose(perm=perm)(x)


def broadcast_like(x, ref):
    from .ops.movement import BroadcastLike
    return BroadcastLike()(as_tensor(x, ref), ref)


def expand_dims(x, axes):
    from .ops.movement import ExpandDims
    axes = (axes,) if isinstance(axes, int) else tuple(axes)
    ndim = x.ndim + len(axes)
    return ExpandDims(axes=tuple(sorted(a % ndim for a in axes)))(x)


def squeeze(x, axes):
    from .ops.movement import Squeeze
    axes = (axes,) if isinstance(axes, int) else tuple(axes)
    return Squeeze(axes=tuple(sorted(a % x.ndim for a in axes)))(x)


def concat(tensors, axis=-1):
    from .ops.movement import Concat
    tensors = [as_tensor(t) for t in tensors]
    return Concat(axis=axis % tensors[0].ndim)(*tensors)


def slice_axis(x, axis, start, stop, step=1):
    """x[start:stop:step] along `axis` (Python's slice rules; bounds resolved now on an axis
    of static size, at run time on one of unknown size)."""
    from .ops.movement import Slice
    axis = axis % x.ndim
    start, stop = (None if bound is None else int(bound) for bound in (start, stop))
    start, stop, step = _slice_bounds(slice(start, stop, int(step)), x.shape[axis])
    return Slice(axis=axis, start=start, stop=stop, step=step)(x)


def getitem(x, index):
    """numpy basic indexing, x[index], as Theano's: ints, 0-d integer tensors, slices of
    any step, Ellipsis and None (a new axis of size 1), on axes of static or unknown size.

    An int out of range raises IndexError here on an axis of static size, at run time
    (from the kernel) on one of unknown size or for a tensor index.
    """
    from .subscript import index_items, new_axis_positions
    items = index_items(x, index)
    per_axis = [item for item in items if item is not None]
    for axis in reversed(range(x.ndim)):      # later axes first: axis numbers stay valid
        x = _index_axis(x, axis, per_axis[axis])
    positions = new_axis_positions(items)
    return expand_dims(x, positions) if positions else x


def _index_axis(x, axis, item):
    """x indexed along `axis` by one int, 0-d tensor or slice (axes before `axis`
    untouched)."""
    from .ops.movement import Slice
    size = x.shape[axis]
    if is_tensor(item):
        return Slice(axis=axis, start=None, stop=None, drop_axis=True)(x, item)
    if not isinstance(item, slice):
        start = item if size is None else item % size      # static: checked already
        return Slice(axis=axis, start=start, stop=None, drop_axis=True)(x)
    start, stop, step = _slice_bounds(item, size)
    if step == 1 and start in (0, None) and stop == size:
        return x
    return Slice(axis=axis, start=start, stop=stop, step=step)(x)


def _slice_bounds(item, size):
    """(start, stop, step) of slice `item`: on a static axis resolved and tight (empty:
    (0, 0, 1); one entry: step 1; a negative step running past 0: stop None), on an axis
    of unknown size as given (resolved at run time)."""
    if item.step == 0:
        raise ValueError("slice step cannot be zero")
    step = 1 if item.step is None else item.step
    if size is None:
        start = 0 if item.start is None and step > 0 else item.start
        return start, item.stop, step
    taken = range(*item.indices(size))
    if len(taken) <= 1:
        return (taken[0], taken[0] + 1, 1) if taken else (0, 0, 1)
    stop = taken[-1] + (1 if step > 0 else -1)
    return taken[0], (None if stop < 0 else stop), step


def matmul(a, b, transpose_a=False, transpose_b=False):
    from .ops.linalg import MatMul
    return MatMul(transpose_a=transpose_a, transpose_b=transpose_b)(a, b)


def dot(a, b):
    """Keras `dot`: N-D x 2-D contracts the last axis of a with the first of b."""
    a, b = _pair(a, b)
    if a.ndim == 2 and b.ndim == 2:
        return matmul(a, b)
    if b.ndim == 2 and a.ndim > 2:
        flat = reshape(a, (-1, a.shape[-1]))
        lead = list(a.shape[:-1])
        if lead.count(None) > 1:   # (samples, time) unknown: all but one read at run time
            dims, first = shape_of(a), lead.index(None)
            lead = [dims[i] if d is None and i != first else d for i, d in enumerate(lead)]
        return reshape(matmul(flat, b), tuple(lead) + (b.shape[1],))
    raise ValueError(f"dot: unsupported shapes {a.shape} and {b.shape}")


def softmax(x):
    from .ops.nn import Softmax
    return Softmax(axis=-1)(x)


def weighted_mean(scores, weights):
    """sum(scores * weights) / count_nonzero(weights): Keras's sample-weighted loss."""
    from .ops.weighted import WeightedMean
    return WeightedMean()(as_tensor(scores), as_tensor(weights))


def conv2d(x, w, strides=(1, 1), padding='valid', dilation=(1, 1)):
    from .ops.nn import Conv2D
    return Conv2D(strides=tuple(strides), padding=padding, dilation=tuple(dilation))(x, w)


def maxpool2d(x, pool_size, strides, padding):
    from .ops.nn import MaxPool2D
    return MaxPool2D(pool_size=tuple(pool_size), strides=tuple(strides), padding=padding)(x)


def avgpool2d(x, pool_size, strides, padding):
    from .ops.nn import AvgPool2D
    return AvgPool2D(pool_size=tuple(pool_size), strides=tuple(strides), padding=padding)(x)


def gather(table, indices):
    from .ops.indexing import Gather
    return Gather()(table, as_tensor(indices))


def random_uniform(ref, state, dtype):
    from .ops.nn import RandomUniform
    return RandomUniform(dtype=dtype)(ref, state)


