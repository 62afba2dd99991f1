"""Layout kernels: reshape, reshape_like, transpose, broadcast_like, concat, slice."""
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


def test_slice_rejects_out_of_range_bounds():
    with pytest.raises(ValueError, match=r'slice: bounds \[1:9\] .*\(3, 4\)'):
        get_kernel('slice', {'axis': 1, 'start': 1, 'stop': 9})(np.zeros((3, 4)))


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
