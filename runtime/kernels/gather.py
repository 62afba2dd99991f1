"""Row gather (embedding lookup) and its adjoint, a scatter-add of rows."""
import numba
import numpy as np

from .registry import register


@numba.njit(cache=True)
def _gather_rows(table, flat_indices, out):
    rows = table.shape[0]
    for i in range(flat_indices.shape[0]):
        index = flat_indices[i]
        if index < 0 or index >= rows:
            return i
        out[i] = table[index]
    return -1


@numba.njit(cache=True)
def _scatter_add_rows(g, flat_indices, out):
    rows = out.shape[0]
    for i in range(flat_indices.shape[0]):
        index = flat_indices[i]
        if index < 0 or index >= rows:
            return i
        out[index] += g[i]
    return -1


def _check(bad, flat, rows):
    if bad >= 0:
        raise IndexError(f"gather: index {flat[bad]} is out of range for a table of "
                         f"{rows} rows")


@register('gather')
def gather():
    def run(table, indices):
        flat = np.ascontiguousarray(indices, dtype=np.int64).reshape(-1)
        table2 = np.ascontiguousarray(table).reshape(table.shape[0], -1)
        out = np.empty((flat.shape[0], table2.shape[1]), table.dtype)
        _check(_gather_rows(table2, flat, out), flat, table.shape[0])
        return out.reshape(indices.shape + table.shape[1:])
    return run


@register('gather_grad')
def gather_grad(rows):
    def run(g, indices):
        flat = np.ascontiguousarray(indices, dtype=np.int64).reshape(-1)
        g2 = np.ascontiguousarray(g).reshape(flat.shape[0], -1)
        out = np.zeros((rows, g2.shape[1]), g.dtype)
        _check(_scatter_add_rows(g2, flat, out), flat, rows)
        return out.reshape((rows,) + g.shape[indices.ndim:])
    return run
