"""Layout kernels: reshape, reshape_like, transpose, broadcast_like, concat, slice
(any step, integer indices), expand_dims."""
import numpy as np
import pytest

from runtime.kernels import get_kernel

DTYPES = ['float32', 'float64', 'int64']


@pytest.mark.parametrize('dtype', DTYPES)
def test_reshape_and_reshape_like(dtype):
    x = np.arange(24).astype(dtype).reshape(2, 3, 4)
    got = get_kernel('reshape', {'shape': [4, -1]})(x)
    assert got.shape == (4, 6) and got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, x.reshape(4, 6))
    assert get_kernel('reshape', {'shape': [None, 12]})(x).shape == (2, 12)
    like = get_kernel('reshape_like', {})(x, np.zeros((6, 2, 2)))
    np.testing.assert_array_equal(like, x.reshape(6, 2, 2))
    with pytest.raises(ValueError, match=r'reshape: .*\(2, 3, 4\).*\[5, -1\]'):
        get_kernel('reshape', {'shape': [5, -1]})(x)


@pytest.mark.parametrize('dtype', DTYPES)
def test_transpose_returns_a_contiguous_copy(dtype):
    x = np.arange(24).astype(dtype).reshape(2, 3, 4)
    got = get_kernel('transpose', {'perm': [2, 0, 1]})(x)
    np.testing.assert_array_equal(got, x.transpose(2, 0, 1))
    assert got.flags.c_contiguous and not np.shares_memory(got, x)
    same = get_kernel('transpose', {'perm': [0, 1, 2]})(x)
    assert not np.shares_memory(same, x)


@pytest.mark.parametrize('dtype', DTYPES)
def test_broadcast_like_materialises(dtype):
    x = np.arange(3).astype(dtype).reshape(3, 1)
    got = get_kernel('broadcast_like', {})(x, np.zeros((2, 3, 4)))
    np.testing.assert_array_equal(got, np.broadcast_to(x, (2, 3, 4)))
    assert got.flags.c_contiguous and got.flags.writeable and got.dtype == np.dtype(dtype)
    with pytest.raises(ValueError, match=r'broadcast_like: .*\(3, 1\) to \(2, 4\)'):
        get_kernel('broadcast_like', {})(x, np.zeros((2, 4)))


@pytest.mark.parametrize('axis', [0, 1, -1])
def test_concat_of_three_inputs(axis):
    rng = np.random.RandomState(0)
    shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]]
    for position, shape in enumerate(shapes):
        shape[axis] = position + 1
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    got = get_kernel('concat', {'axis': axis})(*arrays)
    np.testing.assert_array_equal(got, np.concatenate(arrays, axis=axis))
    assert got.dtype == np.float32


def test_concat_rejects_mixed_dtypes_and_shapes():
    kernel = get_kernel('concat', {'axis': 0})
    with pytest.raises(ValueError, match='concat: .*float32.*float64'):
        kernel(np.zeros((1, 2), np.float32), np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r'concat: .*\[\(1, 2\), \(1, 3\)\]'):
        kernel(np.zeros((1, 2)), np.zeros((1, 3)))


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('axis, start, stop', [(0, 1, 3), (1, 0, 2), (2, 2, 5), (-1, 0, 0)])
def test_slice_and_its_gradient(axis, start, stop, dtype):
    x = np.arange(60).astype(dtype).reshape(3, 4, 5)
    index = [slice(None)] * 3
    index[axis] = slice(start, stop)
    got = get_kernel('slice', {'axis': axis, 'start': start, 'stop': stop})(x)
    np.testing.assert_array_equal(got, x[tuple(index)])
    assert not np.shares_memory(got, x)
    size = x.shape[axis]
    attrs = {'axis': axis, 'start': start, 'stop': stop, 'size': size}
    back = get_kernel('slice_grad', attrs)(got)
    expected = np.zeros_like(x)
    expected[tuple(index)] = x[tuple(index)]
    np.testing.assert_array_equal(back, expected)
    assert back.dtype == np.dtype(dtype)


STRIDED = [(None, None, -1), (None, None, 2), (3, 0, -1), (-2, None, 1), (0, 10, 1),
           (-1, None, -2), (9, -9, -3), (1, 9, 1), (5, 1, 1), (-20, 2, 1)]


@pytest.mark.parametrize('size', [0, 1, 4, 7])
@pytest.mark.parametrize('start, stop, step', STRIDED)
def test_slice_follows_pythons_slice_rules(start, stop, step, size):
    """Any step, None and negative bounds, out-of-range bounds clamped, as numpy; the
    gradient puts g back where the slice took it, with the size static or from ref."""
    x = np.arange(3 * size * 2, dtype='float64').reshape(3, size, 2) + 1
    attrs = {'axis': 1, 'start': start, 'stop': stop, 'step': step, 'drop_axis': False}
    got = get_kernel('slice', attrs)(x)
    want = x[:, start:stop:step]
    assert got.shape == want.shape and got.flags.c_contiguous
    np.testing.assert_array_equal(got, want)
    expected = np.zeros_like(x)
    expected[:, start:stop:step] = want
    back = get_kernel('slice_grad', dict(attrs, size=size))(got)
    np.testing.assert_array_equal(back, expected)
    np.testing.assert_array_equal(get_kernel('slice_grad', dict(attrs, size=None))(got, x),
                                  expected)


@pytest.mark.parametrize('index', [0, 2, -1, -3])
def test_slice_with_drop_axis_is_an_integer_index(index):
    x = np.arange(24, dtype='float32').reshape(2, 3, 4)
    attrs = {'axis': 1, 'start': index, 'stop': None, 'step': 1, 'drop_axis': True}
    got = get_kernel('slice', attrs)(x)
    np.testing.assert_array_equal(got, x[:, index])
    assert got.shape == (2, 4) and not np.shares_memory(got, x)
    expected = np.zeros_like(x)
    expected[:, index] = x[:, index]
    np.testing.assert_array_equal(get_kernel('slice_grad', dict(attrs, size=None))(got, x),
                                  expected)
    vector = get_kernel('slice', dict(attrs, axis=0))(np.arange(5.0) * 2)
    assert isinstance(vector, np.ndarray) and vector.shape == () and vector == 2 * (index % 5)


@pytest.mark.parametrize('index', [3, -4, 10])
def test_slice_index_out_of_range_raises_index_error(index):
    attrs = {'axis': 1, 'start': index, 'stop': None, 'step': 1, 'drop_axis': True}
    message = rf'slice: index {index} is out of bounds for axis 1 with size 3 .*\(2, 3, 4\)'
    with pytest.raises(IndexError, match=message):
        get_kernel('slice', attrs)(np.zeros((2, 3, 4)))
    with pytest.raises(IndexError, match=f'slice_grad: index {index} is out of bounds'):
        get_kernel('slice_grad', dict(attrs, size=3))(np.zeros((2, 4)))


def test_slice_with_an_index_input():
    """drop_axis with start None: the index is a second input (a 0-d integer array)."""
    x = np.arange(24, dtype='float64').reshape(2, 3, 4)
    attrs = {'axis': 2, 'start': None, 'stop': None, 'step': 1, 'drop_axis': True}
    kernel = get_kernel('slice', attrs)
    for index in (0, 3, -1, -4):
        got = kernel(x, np.array(index))
        np.testing.assert_array_equal(got, x[..., index])
        expected = np.zeros_like(x)
        expected[..., index] = got
        back = get_kernel('slice_grad', dict(attrs, size=4))(got, np.array(index, 'int32'))
        np.testing.assert_array_equal(back, expected)
        both = get_kernel('slice_grad', dict(attrs, size=None))(got, x, np.array(index))
        np.testing.assert_array_equal(both, expected)
    with pytest.raises(IndexError, match=r'slice: index -5 is out of bounds for axis 2'):
        kernel(x, np.array(-5))
    with pytest.raises(IndexError, match='slice: expected a 0-d integer index'):
        kernel(x, np.array(1.0))
    with pytest.raises(ValueError, match='slice_grad: expected 3 inputs, received 2'):
        get_kernel('slice_grad', dict(attrs, size=None))(x[..., 0], x)


def test_slice_rejects_a_zero_step_and_mismatched_gradients():
    with pytest.raises(ValueError, match='slice: slice step cannot be zero'):
        get_kernel('slice', {'axis': 0, 'start': None, 'stop': None, 'step': 0})(
            np.zeros(3))
    attrs = {'axis': 1, 'start': None, 'stop': None, 'step': 2, 'size': 5}
    with pytest.raises(ValueError, match=r'slice_grad: expected g of shape \(3, 3\) for '
                                         r'\[::2\] of an axis of 5, received \(3, 2\)'):
        get_kernel('slice_grad', attrs)(np.zeros((3, 2)))


@pytest.mark.parametrize('shape', [(), (3,), (2, 3), (2, 3, 4)])
@pytest.mark.parametrize('axes', [(0,), (-1,), (1,), (0, 2), (-1, 0), (0, 1, 2), (0, 0), (5,)])
def test_expand_dims_is_numpys_as_a_view(shape, axes):
    x = np.arange(int(np.prod(shape)), dtype='float32').reshape(shape)
    kernel = get_kernel('expand_dims', {'axes': list(axes)})
    try:
        want = np.expand_dims(x, axes)
    except (ValueError, np.exceptions.AxisError) as error:
        with pytest.raises(type(error)):
            kernel(x)
        return
    got = kernel(x)
    assert got.shape == want.shape and np.shares_memory(got, x)
    np.testing.assert_array_equal(got, want)
