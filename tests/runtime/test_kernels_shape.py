"""The shape kernel and reshape with sizes read at run time (extra 0-d size inputs); plans
and artifacts holding such reshapes."""
import numpy as np
import pytest

import runtime
from compiler import builders as B, ir
from compiler.export import export_function
from compiler.function import function
from runtime.kernels import get_kernel

DTYPES = ['float32', 'float64', 'int64']


@pytest.mark.parametrize('shape', [(), (0,), (3,), (2, 3, 4), (1, 0, 5)])
def test_shape_kernel_returns_a_new_int64_vector(shape):
    x = np.zeros(shape, 'float32')
    got = get_kernel('shape', {})(x)
    assert got.dtype == np.int64 and got.shape == (len(shape),)
    np.testing.assert_array_equal(got, shape)


@pytest.mark.parametrize('dtype', DTYPES)
def test_reshape_kernel_fills_sizes_from_inputs(dtype):
    x = np.arange(24).astype(dtype).reshape(2, 3, 4)
    kernel = get_kernel('reshape', {'shape': [None, -1], 'sizes': [0]})
    got = kernel(x, np.array(4, 'int64'))
    assert got.shape == (4, 6) and got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, x.reshape(4, 6))
    both = get_kernel('reshape', {'shape': [None, 2, None], 'sizes': [0, 2]})
    np.testing.assert_array_equal(both(x, np.array(3), np.array(-1, 'int32')),
                                  x.reshape(3, 2, 4))


def test_reshape_kernel_without_sizes_reads_old_attributes():
    x = np.arange(12.0).reshape(3, 4)
    assert get_kernel('reshape', {'shape': [-1, 6]})(x).shape == (2, 6)
    assert get_kernel('reshape', {'shape': [None, 2]})(x).shape == (6, 2)


@pytest.mark.parametrize('sizes,message', [
    ([5], r'cannot reshape an input of shape \(3, 4\) \(12 elements\) into \[5, -1\]'),
    ([-1], r'at most one -1.*\[-1, -1\]'),
    ([-3], r'sizes >= 0.*\[-3, -1\]'),
])
def test_reshape_kernel_bad_run_time_sizes_raise_clearly(sizes, message):
    kernel = get_kernel('reshape', {'shape': [None, -1], 'sizes': [0]})
    with pytest.raises(ValueError, match=message):
        kernel(np.zeros((3, 4)), *[np.array(s) for s in sizes])


def test_reshape_kernel_counts_its_size_inputs():
    kernel = get_kernel('reshape', {'shape': [None, -1], 'sizes': [0]})
    with pytest.raises(ValueError, match='expected 1 size inputs, received 0'):
        kernel(np.zeros((3, 4)))


def test_reshape_kernel_returns_a_view_when_it_can():
    x = np.arange(12.0).reshape(3, 4)
    got = get_kernel('reshape', {'shape': [None, -1], 'sizes': [1]})(x, np.array(2))
    assert np.shares_memory(got, x)


def _dynamic_function():
    x = ir.placeholder((None, 4), name='x')
    doubled = B.reshape(x, (-1, B.shape_of(x)[1] * 2))
    flat = B.reshape(x * 2.0, (B.shape_of(x)[0] * 4,))
    return function([x], [doubled, flat, B.shape_of(x)])


def test_artifact_with_run_time_reshape_round_trips(tmp_path):
    f = _dynamic_function()
    path = str(tmp_path / 'model.skm')
    export_function(f, path)
    loaded = runtime.load(path)
    for batch in (2, 6):
        x = np.random.RandomState(batch).rand(batch, 4).astype('float32')
        expected = f([x])
        got = loaded(x)
        for a, b in zip(got, expected):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(expected[0], x.reshape(-1, 8))
        np.testing.assert_array_equal(expected[1], (x * 2.0).reshape(-1))
        np.testing.assert_array_equal(expected[2], [batch, 4])


@pytest.mark.parametrize('dtype', ['float32', 'float64', 'uint8'])
def test_alloc_kernel_makes_zeros_of_a_run_time_shape(dtype):
    kernel = get_kernel('alloc', {'shape': [None, 3, None], 'sizes': [0, 2], 'dtype': dtype})
    got = kernel(np.array(2), np.array(0, 'int32'))
    assert got.shape == (2, 3, 0) and got.dtype == np.dtype(dtype)
    got = kernel(np.array(4), np.array(5))
    np.testing.assert_array_equal(got, np.zeros((4, 3, 5)))
    assert get_kernel('alloc', {'shape': [2], 'sizes': [], 'dtype': dtype})().shape == (2,)


def test_alloc_kernel_rejects_negative_sizes_and_missing_inputs():
    kernel = get_kernel('alloc', {'shape': [None, 3], 'sizes': [0], 'dtype': 'float32'})
    with pytest.raises(ValueError, match=r'sizes >= 0.*\[-1, 3\]'):
        kernel(np.array(-1))
    with pytest.raises(ValueError, match='expected 1 size inputs'):
        kernel()
