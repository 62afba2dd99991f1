"""Matrix product (optionally with a fused bias + activation, accumulated into a scaled
z: gemm, or masked by a relu's output: matmul_relu_grad).

The kernels call the BLAS GEMM directly (`blas.gemm`, MKL or SciPy's OpenBLAS) on blocks
of output rows; blocks run on the kernel threads (`threads`), so BLAS itself must run on
one thread: two thread pools spin-waiting against each other on two cores cost 3-4x
(PERF-NOTES). `blas` binds MKL sequential, or SciPy's OpenBLAS set to one thread. Products
below PARALLEL_MIN_WORK multiply-adds (~100 us of one core) run as one GEMM on the calling
thread: waking a worker costs more than they gain, and under load a busy second core
turns a 60 us product into milliseconds (measured: the MLP 784-32-10's 784x128x32
products, 80 us serial against 52-185 us split in two). A parallel product with fewer
output rows than columns and a long inner dimension (a batch through a dense layer) splits
that inner dimension instead, then adds the partial products (`_split_inner_driver`),
unless b is read transposed (see `_split_inner`).
"""
import numpy as np
from numba import njit

from . import threads
from .blas import gemm_scaled
from .conv_core import ACTIVATIONS
from .gemm_rows import (add_rows, add_rows_in_place, epilogue, scale_rows,
                        scale_rows_in_place)
from .registry import register
from .threads import claim_task, finish_task, wait_finished

PARALLEL_MIN_WORK = 1 << 23
K_SPLIT_MIN_INNER = 256
K_SPLIT_MAX_PARTIAL = 1 << 20
SPLIT_MORE_WORK = 1 << 27
MIN_BLOCK = 32
@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def _matmul_block(a, b, transpose_a, transpose_b, z, scales, bias, act, mask, addend, r0,
                  r1, c0, c1, out, total):
    """out[r0:r1, c0:c1] = act(beta * z + alpha * op(a) @ op(b) + bias) * (mask > 0) for
    that block of rows and columns, where (alpha, beta) = scales and an empty z or mask
    stands for none; then total[block] = addend[block] + out[block] unless addend is
    empty (while the block is in cache)."""
    left = a[:, r0:r1] if transpose_a else a[r0:r1]
    right = b[c0:c1] if transpose_b else b[:, c0:c1]
    accumulate = z.shape[0] > 0
    keep = 0.0
    if accumulate:
        keep = 1.0
        if z.ctypes.data != out.ctypes.data:
            # beta * z elementwise, then BLAS adds into it: BLAS with beta = 0 would
            # drop the NaN of 0 * inf.
            scale_rows(z, scales[1], r0, r1, c0, c1, out)
        elif scales[1] != 0:
            keep = scales[1]          # z is out (updated in place): BLAS scales it
        else:
            scale_rows_in_place(scales[1], r0, r1, c0, c1, out)
    gemm_scaled(left, right, out[r0:r1, c0:c1], transpose_a, transpose_b, scales[0], keep)
    epilogue(bias, act, mask, r0, r1, c0, c1, out)
    if addend.shape[0] > 0:
        if addend.ctypes.data != total.ctypes.data:
            add_rows(addend, out, r0, r1, c0, c1, total)
        else:
            add_rows_in_place(out, r0, r1, c0, c1, total)


@njit(cache=True, nogil=True, error_model="numpy")
def _matmul_driver(state, slot, a, b, transpose_a, transpose_b, z, scales, bias, act, mask,
                   addend, row_step, col_step, out, total):
    """Tasks: blocks of row_step output rows by col_step output columns."""
    rows, cols = out.shape
    across = (cols + col_step - 1) // col_step
    ntasks = ((rows + row_step - 1) // row_step) * across
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        r0, c0 = (k // across) * row_step, (k % across) * col_step
        _matmul_block(a, b, transpose_a, transpose_b, z, scales, bias, act, mask, addend,
                      r0, min(rows, r0 + row_step), c0, min(cols, c0 + col_step), out,
                      total)
        last = finish_task(state, ntasks) or last


@njit(cache=True, nogil=True, error_model="numpy")
def _split_inner_driver(state, slot, a, b, transpose_a, transpose_b, alpha, bias, act,
                        mask, k_step, row_step, partial, out):
    """out = act(alpha * op(a) @ op(b) + bias) * (mask > 0), the inner dimension split:
    tasks 0..nk-1 are the products over k_step slices of it (the first into out, slice j
    into partial[j - 1]); the later tasks, once those have all finished, add the partials
    into blocks of row_step rows of out and apply the epilogue there."""
    rows, cols = out.shape
    inner = a.shape[0] if transpose_a else a.shape[1]
    nk = (inner + k_step - 1) // k_step
    ntasks = nk + (rows + row_step - 1) // row_step
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        if k < nk:
            k0, k1 = k * k_step, min(inner, (k + 1) * k_step)
            left = a[k0:k1] if transpose_a else a[:, k0:k1]
            right = b[:, k0:k1] if transpose_b else b[k0:k1]
            target = out if k == 0 else partial[k - 1]
            gemm_scaled(left, right, target, transpose_a, transpose_b, alpha, 0.0)
        else:
            wait_finished(state, nk)
            r0 = (k - nk) * row_step
            r1 = min(rows, r0 + row_step)
            for j in range(nk - 1):
                add_rows_in_place(partial[j], r0, r1, 0, cols, out)
            epilogue(bias, act, mask, r0, r1, 0, cols, out)
        last = finish_task(state, ntasks) or last


def _split_inner(rows, cols, inner, count, itemsize, transpose_b):
    """Whether a parallel product splits its inner dimension (see `matmul`). Not when b is
    read transposed: then column blocks of the output are row blocks of the stored b, as
    the inner slices of a product with b are; each thread keeps working on the same rows
    of a weight matrix in the forward product (inner slices), the backward one (x @ W.T:
    column blocks) and the update (row blocks), which stay in its core's cache. MLP
    784-512-512-10 step, Intel Xeon: 2.404 against 2.460 ms with dz @ W.T split inner
    (8 alternating rounds), 2.461 with every product split by columns."""
    return rows < cols and inner >= K_SPLIT_MIN_INNER and not transpose_b and \
        (count - 1) * rows * cols * itemsize <= K_SPLIT_MAX_PARTIAL


def _unit_columns(array):
    """array itself when BLAS can read it in place (contiguous rows, possibly strided
    apart: a column block of a bigger matrix), else a C-contiguous copy."""
    if array.flags.c_contiguous:
        return array
    rows, cols = array.shape
    size = array.itemsize
    row_stride, col_stride = array.strides
    if (col_stride == size or cols <= 1) and row_stride % size == 0 and (
            row_stride >= cols * size or rows <= 1):
        return array
    return np.ascontiguousarray(array)


def matmul(a, b, transpose_a, transpose_b, bias, act, z=None, alpha=1.0, beta=0.0,
           mask=None, addend=None, into=None):
    """act(beta * z + alpha * op(a) @ op(b) + bias) * (mask > 0) as a new C-contiguous
    array (bias may be empty; z and mask optional). With an addend: that result r and
    addend + r stacked, a new (2, rows, cols) array, or written into the pair of buffers
    `into` (which may be z and the addend themselves: each block is read before it is
    written), returned as given."""
    a, b = _unit_columns(a), _unit_columns(b)
    rows = a.shape[1] if transpose_a else a.shape[0]
    inner = a.shape[0] if transpose_a else a.shape[1]
    cols = b.shape[0] if transpose_b else b.shape[1]
    if addend is None:
        result = out = np.empty((rows, cols), a.dtype)
        addend = total = _no_z(a.dtype)
    elif into is not None and _fits(into, (rows, cols), a.dtype):
        result = into
        (out, total), addend = into, np.ascontiguousarray(addend)
    else:
        result = np.empty((2, rows, cols), a.dtype)
        out, total, addend = result[0], result[1], np.ascontiguousarray(addend)
    work = rows * inner * cols
    if out.size == 0:
        return result
    z = _no_z(a.dtype) if z is None else np.ascontiguousarray(z)
    mask = _no_z(a.dtype) if mask is None else np.ascontiguousarray(mask)
    scales = _unit_scales(a.dtype) if alpha == 1.0 and beta == 0.0 else \
        np.array([alpha, beta], a.dtype)
    count = threads.threads()
    if work < PARALLEL_MIN_WORK or count == 1 or max(rows, cols) < 2 * MIN_BLOCK:
        # One task on this thread, through the driver: the block is compiled only there.
        _matmul_driver(np.zeros(2, np.int64), 0, a, b, transpose_a, transpose_b, z, scales,
                       bias, act, mask, addend, rows, cols, out, total)
        return result
    if z.shape[0] == 0 and addend.shape[0] == 0 and _split_inner(
            rows, cols, inner, count, a.itemsize, transpose_b):
        # Fewer output rows than columns (a batch through a layer): each thread takes a
        # slice of the inner dimension (whole rows of b, contiguous), then the threads
        # add the partial products by rows. Against column blocks (a strided half of b
        # each), the MLP 784-512-512-10's forward products: 0.56 vs 0.60 ms and 0.37
        # vs 0.40 ms, and 0.66 vs 0.78-0.86 ms in a slow phase of the machine.
        k_step = _step(inner, count)
        partial = threads.scratch('matmul_partial', (-(-inner // k_step) - 1, rows, cols),
                                  a.dtype)
        row_step = _step(rows, count)
        tasks = partial.shape[0] + 1 + -(-rows // row_step)
        threads.run(_split_inner_driver, tasks, a, b, transpose_a, transpose_b,
                    scales[0], bias, act, mask, k_step, row_step, partial, out,
                    wait_for_worker=True)
        return result
    # Split the longer side: one block per thread (measured best for the MLPs' products),
    # two per thread for big products (balance when a thread is slowed down).
    blocks = count if work < SPLIT_MORE_WORK else 2 * count
    row_step, col_step = rows, cols
    if rows >= cols:
        row_step = _step(rows, blocks)
    else:
        col_step = _step(cols, blocks)
    tasks = -(-rows // row_step) * -(-cols // col_step)
    threads.run(_matmul_driver, tasks, a, b, transpose_a, transpose_b, z, scales, bias, act,
                mask, addend, row_step, col_step, out, total, wait_for_worker=True)
    return result


def _fits(buffers, shape, dtype):
    """Whether `buffers` is a pair of C-contiguous arrays of that shape and dtype."""
    if len(buffers) != 2:
        return False
    first, second = buffers
    return _fit(first, shape, dtype) and _fit(second, shape, dtype)


def _fit(x, shape, dtype):
    if type(x) is not np.ndarray or x.shape != shape or x.dtype != dtype:  # noqa: E721
        return False
    flags = x.flags
    return flags.c_contiguous and flags.writeable


def _step(size, blocks):
    """Block length splitting `size` into about `blocks` parts (multiples of 8)."""
    step = max(MIN_BLOCK, -(-size // blocks))
    return step + (-step % 8)


_EMPTY = {}
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _shared(key, dtype, make):
    """The array `make()` built once per (key, dtype), found by the dtype as given (a.dtype:
    no conversion on the hot path)."""
    found = _EMPTY.get((key, dtype))
    if found is None:
        found = _EMPTY[key, dtype] = _EMPTY.setdefault((key, np.dtype(dtype)), make())
    return found


def _empty(shape, dtype):
    """A shared empty array: 'no bias' (0,) or 'no z' (0, 0)."""
    return _shared(shape, dtype, lambda: np.empty(shape, dtype))


def _unit_scales(dtype):
    """(alpha, beta) = (1, 0): a plain product (shared; not flagged read-only, which
    would make Numba compile another specialization of the kernels)."""
    return _shared('scales', dtype, lambda: np.array([1.0, 0.0], dtype))


def _no_bias(dtype):
    return _empty((0,), dtype)


def _no_z(dtype):
    """No z (and no mask): an empty (0, 0) array."""
    return _empty((0, 0), dtype)


@register('matmul')
def kernel_matmul(transpose_a=False, transpose_b=False):
    """Factory: (a, b) -> op(a) @ op(b) for 2-D float arrays; op transposes when set."""
    transpose_a, transpose_b = bool(transpose_a), bool(transpose_b)

    def run(a, b):
        _check('matmul', a, b, transpose_a, transpose_b)
        return matmul(a, b, transpose_a, transpose_b, _no_bias(a.dtype), 0)
    return run


@register('matmul_bias_act')
def kernel_matmul_bias_act(transpose_a=False, transpose_b=False, act='linear'):
    """Factory: (a, b[, bias]) -> act(op(a) @ op(b) + bias); act 'linear' or 'relu'."""
    transpose_a, transpose_b = bool(transpose_a), bool(transpose_b)
    if act not in ACTIVATIONS:
        raise ValueError(f"matmul_bias_act: unknown activation {act!r}; expected one of "
                         f"{tuple(ACTIVATIONS)}")
    code = ACTIVATIONS[act]

    def run(a, b, bias=None):
        _check('matmul_bias_act', a, b, transpose_a, transpose_b)
        cols = b.shape[0] if transpose_b else b.shape[1]
        if bias is None:
            bias = _no_bias(a.dtype)
        elif bias.shape != (cols,) or bias.dtype != a.dtype:
            raise ValueError(f"matmul_bias_act: expected a {a.dtype} bias of shape "
                             f"({cols},), received {bias.dtype} {bias.shape}")
        return matmul(a, b, transpose_a, transpose_b, np.ascontiguousarray(bias), code)
    return run


@register('gemm')
def kernel_gemm(transpose_a=False, transpose_b=False, negate_alpha=False, negate_beta=False):
    """Factory: (z, a, b, alpha, beta) -> beta * z + alpha * op(a) @ op(b), z of the
    product's shape, alpha and beta 0-d; negate_alpha / negate_beta flip their signs."""
    transpose_a, transpose_b = bool(transpose_a), bool(transpose_b)
    sign_alpha, sign_beta = (-1.0 if negate_alpha else 1.0), (-1.0 if negate_beta else 1.0)

    def run(z, a, b, alpha, beta):
        return _gemm('gemm', z, a, b, alpha, beta, (sign_alpha, sign_beta), transpose_a,
                     transpose_b)
    return run


@register('gemm_update')
def kernel_gemm_update(transpose_a=False, transpose_b=False, negate_alpha=False,
                       negate_beta=False):
    """Factory: (z, a, b, alpha, beta, p) -> stacked (v, p + v), v the gemm (see there):
    one (2,) + v.shape array, both written block by block in one pass."""
    transpose_a, transpose_b = bool(transpose_a), bool(transpose_b)
    sign_alpha, sign_beta = (-1.0 if negate_alpha else 1.0), (-1.0 if negate_beta else 1.0)

    def run(z, a, b, alpha, beta, p, out=None):
        """out: optional (v buffer, p + v buffer), e.g. z and p themselves (the
        variables' update in place); the results are then written there and that pair
        returned."""
        _check_like_product('gemm_update', 'p', p, a, b, transpose_a, transpose_b)
        return _gemm('gemm_update', z, a, b, alpha, beta, (sign_alpha, sign_beta),
                     transpose_a, transpose_b, p, out)
    return run


def _gemm(op, z, a, b, alpha, beta, signs, transpose_a, transpose_b, addend=None,
          into=None):
    """beta * z + alpha * op(a) @ op(b) (signs applied to the 0-d alpha and beta), or with
    an addend that and addend + that stacked (or written into the pair `into`)."""
    _check(op, a, b, transpose_a, transpose_b)
    _check_gemm_operands(op, z, a, b, alpha, beta, transpose_a, transpose_b)
    alpha, beta = signs[0] * alpha[()], signs[1] * beta[()]
    if alpha == 0:
        # BLAS skips the product when alpha is 0; 0 * inf must still give NaN.
        product = matmul(a, b, transpose_a, transpose_b, _no_bias(a.dtype), 0)
        with np.errstate(invalid='ignore'):
            value = (beta * z + alpha * product).astype(a.dtype, copy=False)
        if addend is None:
            return value
        if into is None or not _fits(into, value.shape, value.dtype):
            return np.stack([value, addend + value])
        np.add(addend, value, out=into[1])
        np.copyto(into[0], value)
        return into
    return matmul(a, b, transpose_a, transpose_b, _no_bias(a.dtype), 0, z, alpha, beta,
                  addend=addend, into=into)


@register('matmul_relu_grad')
def kernel_matmul_relu_grad(transpose_a=False, transpose_b=False):
    """Factory: (a, b, y) -> (op(a) @ op(b)) * (y > 0), y of the product's shape."""
    transpose_a, transpose_b = bool(transpose_a), bool(transpose_b)

    def run(a, b, y):
        _check('matmul_relu_grad', a, b, transpose_a, transpose_b)
        _check_like_product('matmul_relu_grad', 'y', y, a, b, transpose_a, transpose_b)
        return matmul(a, b, transpose_a, transpose_b, _no_bias(a.dtype), 0, mask=y)
    return run


def _check_like_product(op, name, array, a, b, transpose_a, transpose_b):
    rows = a.shape[1] if transpose_a else a.shape[0]
    cols = b.shape[0] if transpose_b else b.shape[1]
    if array.shape != (rows, cols) or array.dtype != a.dtype:
        raise ValueError(f"{op}: expected {name} of the product's shape and dtype, "
                         f"{a.dtype} {(rows, cols)}, received {array.dtype} {array.shape}")


def _check_gemm_operands(op, z, a, b, alpha, beta, transpose_a, transpose_b):
    _check_like_product(op, 'z', z, a, b, transpose_a, transpose_b)
    for name, scalar in (('alpha', alpha), ('beta', beta)):
        if getattr(scalar, 'ndim', None) != 0 or scalar.dtype != a.dtype:
            raise ValueError(f"{op}: expected a 0-d {a.dtype} {name}, received "
                             f"{np.asarray(scalar).dtype} of shape {np.shape(scalar)}")


def _check(op, a, b, transpose_a, transpose_b):
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"{op}: expected two 2-D arrays, received shapes {a.shape} and "
                         f"{b.shape}")
    inner_a = a.shape[0] if transpose_a else a.shape[1]
    inner_b = b.shape[1] if transpose_b else b.shape[0]
    if inner_a != inner_b:
        raise ValueError(f"{op}: inner dimensions differ: {a.shape} and {b.shape} "
                         f"(transpose_a={transpose_a}, transpose_b={transpose_b})")
    if a.dtype != b.dtype or a.dtype not in _FLOATS:
        raise ValueError(f"{op}: expected two float32 or two float64 arrays, received "
                         f"{a.dtype} and {b.dtype}")
