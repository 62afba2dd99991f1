"""The registry: every key of the architecture's table is registered; clear errors."""
import numpy as np
import pytest

from runtime.kernels import KERNELS, get_kernel, register

TABLE_KEYS = ['elementwise', 'matmul', 'sum', 'max', 'argmax', 'softmax', 'conv2d',
              'conv2d_grad_input', 'conv2d_grad_filter', 'maxpool2d', 'maxpool2d_grad',
              'concat', 'slice', 'slice_grad', 'reshape', 'reshape_like', 'transpose',
              'broadcast_like', 'random_uniform']


def test_every_kernel_key_of_the_contract_is_registered():
    missing = [key for key in TABLE_KEYS if key not in KERNELS]
    assert not missing


def test_unknown_key_raises_listing_the_known_ones():
    with pytest.raises(ValueError, match=r"no kernel registered for 'conv3d'; known: .*"):
        get_kernel('conv3d', {})
    with pytest.raises(KeyError):
        get_kernel('conv3d', {})


def test_wrong_attributes_raise_naming_the_kernel():
    with pytest.raises(ValueError, match=r"kernel 'slice': attributes \['axis'\]"):
        get_kernel('slice', {'axis': 0})
    with pytest.raises(ValueError, match="kernel 'matmul'.*'transpose'"):
        get_kernel('matmul', {'transpose': True})


def test_registering_a_key_twice_raises():
    with pytest.raises(ValueError, match="kernel 'matmul' registered twice"):
        register('matmul')(lambda: None)


def test_part_of_stacked_0d_results_is_a_0d_array_view():
    """part(i) of a stack of 0-d results (an optimizer's scalar updated in place, say) is a
    0-d array sharing memory with the stack, never a detached numpy scalar."""
    from runtime.kernels import get_kernel
    stacked = np.array([1.5, 2.5], np.float32)
    second = get_kernel('part', {'index': 1})(stacked)
    assert isinstance(second, np.ndarray) and second.shape == () and second == 2.5
    assert np.shares_memory(second, stacked)
    matrix = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(get_kernel('part', {'index': 0})(matrix), [0., 1., 2.])
    pair = (np.zeros(2), np.ones(2))
    assert get_kernel('part', {'index': 1})(pair) is pair[1]
    with pytest.raises(ValueError, match='out of range'):
        get_kernel('part', {'index': 2})(stacked)
