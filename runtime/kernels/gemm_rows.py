"""Row-block helpers of the matrix-product drivers (`linalg`): each works on rows
r0..r1-1, columns c0..c1-1 of 2-D C-contiguous arrays, and is inlined into its driver.

Every loop slices one row first and indexes it from 0: the loops vectorise that way
(indexed from c0 inside a column block they stayed scalar).
"""
from numba import njit

from .conv_core import bias_act


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def scale_rows(z, beta, r0, r1, c0, c1, out):
    """out[r0:r1, c0:c1] = beta * z[r0:r1, c0:c1], elementwise (0 * inf is NaN)."""
    for r in range(r0, r1):
        # Rows sliced first, indices from 0: the loop vectorises (indexed from c0 it
        # stayed scalar: 0.52 ms instead of 0.05 for 784x512 float32).
        source, target = z[r][c0:c1], out[r][c0:c1]
        for c in range(c1 - c0):
            target[c] = beta * source[c]


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def scale_rows_in_place(beta, r0, r1, c0, c1, out):
    """out[r0:r1, c0:c1] *= beta (one array: the loop vectorises, which it does not when
    reading and writing one buffer through two arrays)."""
    for r in range(r0, r1):
        target = out[r][c0:c1]
        for c in range(c1 - c0):
            target[c] = beta * target[c]


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def add_rows_in_place(value, r0, r1, c0, c1, out):
    """out[r0:r1, c0:c1] += value there."""
    for r in range(r0, r1):
        second, target = value[r][c0:c1], out[r][c0:c1]
        for c in range(c1 - c0):
            target[c] = target[c] + second[c]


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def mask_rows(mask, r0, r1, c0, c1, out):
    """out[r0:r1, c0:c1] *= (mask > 0) there (a multiplication: inf * 0 stays NaN)."""
    zero, one = out.dtype.type(0), out.dtype.type(1)
    for r in range(r0, r1):
        keep, target = mask[r][c0:c1], out[r][c0:c1]
        for c in range(c1 - c0):
            target[c] = target[c] * (one if keep[c] > 0 else zero)


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def add_rows(addend, value, r0, r1, c0, c1, out):
    """out[r0:r1, c0:c1] = addend + value there."""
    for r in range(r0, r1):
        first, second, target = addend[r][c0:c1], value[r][c0:c1], out[r][c0:c1]
        for c in range(c1 - c0):
            target[c] = first[c] + second[c]


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def epilogue(bias, act, mask, r0, r1, c0, c1, out):
    """out[r0:r1, c0:c1] = act(out + bias) * (mask > 0) there (empty bias, mask: none)."""
    if act != 0 or bias.shape[0] > 0:
        part = bias[c0:c1] if bias.shape[0] > 0 else bias
        if c0 == 0 and c1 == out.shape[1]:
            # Whole rows: one call over the block (per row, the calls cost ~60 ns each:
            # 8 of the 30 us of a 128x512 @ 512x10 product with its bias).
            bias_act(out[r0:r1], part, act)
        else:
            for r in range(r0, r1):
                # One row as a C-contiguous (1, n) array: the epilogue's loops vectorise
                # (on a column block typed 'A' they ran ~3x slower: 70-90 us of a 0.5 ms
                # product) and share conv's compiled bias_act.
                bias_act(out[r][c0:c1].reshape((1, c1 - c0)), part, act)
    if mask.shape[0] > 0:
        mask_rows(mask, r0, r1, c0, c1, out)
