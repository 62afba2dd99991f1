"""Backend shape manipulation: reshape, transpose, concatenate, gather (Keras 2 names)."""
import numpy as np

from compiler import builders as B


def gather(reference, indices):
    """Rows of `reference` at integer `indices` (any shape): the embedding lookup.

    Args:
        reference: tensor (table, ...).
        indices: integer tensor.

    Returns:
        Tensor of shape indices.shape + reference.shape[1:].

    Example:
        >>> table = K.constant([[0., 0.], [1., 1.], [2., 2.]])
        >>> K.eval(K.gather(table, K.constant([2, 0], dtype='int64')))
        array([[2., 2.],
               [0., 0.]], dtype=float32)
    """
    return B.gather(reference, B.cast(indices, 'int64'))


def transpose(x):
    """Reverse the axes of `x` (the matrix transpose for 2-D).

    Args:
        x: tensor.

    Returns:
        Tensor with the axes reversed.

    Example:
        >>> K.int_shape(K.transpose(K.zeros((2, 3))))
        (3, 2)
    """
    return B.transpose(x)


def permute_dimensions(x, pattern):
    """Reorder the axes of `x`.

    Args:
        x: tensor.
        pattern: tuple giving, for each output axis, the input axis.

    Returns:
        A tensor.

    Example:
        >>> K.int_shape(K.permute_dimensions(K.zeros((2, 3, 4)), (0, 2, 1)))
        (2, 4, 3)
    """
    return B.transpose(x, tuple(pattern))


def shape(x):
    """The run-time shape of `x` as a symbolic 1-D int64 tensor (Theano's `x.shape`).

    Indexing it gives 0-d int64 tensors (`K.shape(x)[0]`: the batch size) that
    `K.reshape` accepts as target sizes; `K.int_shape` gives the static shape instead.

    Args:
        x: tensor or variable.

    Returns:
        A 1-D int64 tensor of `K.ndim(x)` entries.

    Example:
        >>> K.eval(K.shape(K.zeros((2, 3))))
        array([2, 3])
    """
    return B.shape_of(x)


def reshape(x, shape):
    """`x` with a new shape (one entry may be -1).

    Args:
        x: tensor.
        shape: tuple or list of ints (at most one -1) and 0-d integer tensors such as
            `K.shape(x)[0]` (sizes known at run time), or a 1-D integer tensor of static
            length. Run-time sizes that do not fit x's size raise an error (a
            `runtime.executor.KernelError` naming the reshape) when the function runs.

    Returns:
        A tensor (static sizes where known, None for run-time ones).

    Example:
        >>> K.int_shape(K.reshape(K.placeholder(shape=(None, 28, 28)), (-1, 784)))
        (None, 784)
        >>> x = K.placeholder(shape=(None, 4))
        >>> y = K.reshape(x, (K.shape(x)[0] * 2, -1))
        >>> K.function([x], [y])([np.zeros((3, 4))])[0].shape
        (6, 2)
    """
    if not B.is_tensor(shape):
        shape = tuple(shape)
    return B.reshape(x, shape)


def flatten(x):
    """`x` as a 1-D tensor.

    Args:
        x: tensor.

    Returns:
        A 1-D tensor.
    """
    return B.reshape(x, (-1,))


def batch_flatten(x):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...).

    Args:
        x: tensor whose non-batch dimensions are static.

    Returns:
        A 2-D tensor.

    Raises:
        ValueError: a non-batch dimension is unknown.

    Example:
        >>> K.int_shape(K.batch_flatten(K.placeholder(shape=(None, 7, 7, 64))))
        (None, 3136)
    """
    rest = x.shape[1:]
    if None in rest:
        raise ValueError(f"batch_flatten: needs static non-batch dimensions, received "
                         f"shape {x.shape}")
    return B.reshape(x, (-1, int(np.prod(rest))))


def expand_dims(x, axis=-1):
    """`x` with a new axis of size 1 at `axis`.

    Args:
        x: tensor.
        axis: position of the new axis (default -1: last).

    Returns:
        A tensor of one more dimension.

    Example:
        >>> K.int_shape(K.expand_dims(K.zeros((2, 3)), 1))
        (2, 1, 3)
    """
    return B.expand_dims(x, axis if axis >= 0 else x.ndim + 1 + axis)


def squeeze(x, axis):
    """`x` without its axis `axis` (of size 1).

    Args:
        x: tensor.
        axis: the axis to remove.

    Returns:
        A tensor of one fewer dimension.
    """
    return B.squeeze(x, axis)


def concatenate(tensors, axis=-1):
    """Join tensors along an existing axis.

    Args:
        tensors: list of tensors whose other dimensions agree.
        axis: the axis (default -1).

    Returns:
        A tensor.

    Example:
        >>> K.int_shape(K.concatenate([K.zeros((2, 3)), K.ones((2, 1))]))
        (2, 4)
    """
    return B.concat(list(tensors), axis)


def stack(x, axis=0):
    """Stack tensors of the same shape along a new axis.

    Args:
        x: list of tensors.
        axis: position of the new axis (default 0).

    Returns:
        A tensor of one more dimension.

    Example:
        >>> K.int_shape(K.stack([K.zeros((3,)), K.ones((3,))]))
        (2, 3)
    """
    tensors = list(x)
    axis = axis if axis >= 0 else tensors[0].ndim + 1 + axis
    return B.concat([B.expand_dims(t, axis) for t in tensors], axis)


def repeat(x, n):
    """Repeat a 2-D tensor along a new axis: (batch, dim) -> (batch, n, dim).

    Args:
        x: tensor of shape (batch, dim).
        n: number of repetitions.

    Returns:
        A 3-D tensor.
    """
    return B.concat([B.expand_dims(x, 1)] * n, 1)


def repeat_elements(x, rep, axis):
    """Repeat each slice of x `rep` times along `axis` (static size).

    Args:
        x: tensor.
        rep: number of repetitions.
        axis: the axis (of static size).

    Returns:
        A tensor, `rep` times longer along `axis`.
    """
    axis = axis % x.ndim
    pieces = [B.slice_axis(x, axis, i, i + 1) for i in range(x.shape[axis])]
    return B.concat([p for p in pieces for _ in range(rep)], axis)


__all__ = ['gather', 'transpose', 'permute_dimensions', 'shape', 'reshape', 'flatten',
           'batch_flatten', 'expand_dims', 'squeeze', 'concatenate', 'stack', 'repeat',
           'repeat_elements']
