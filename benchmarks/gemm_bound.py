"""What bounds the MLP 784-512-512-10 training step: its five big matrix products.

    python benchmarks/gemm_bound.py [--calls N] [--jax]

For each of the step's five products (shapes as the compiled step runs them), times:
- `blas 1t`: the runtime's product on one thread: one call of the BLAS the kernels call
  (`runtime.kernels.blas.LIBRARY`: MKL or SciPy's OpenBLAS, one thread), the whole product;
- `blas 1t half`: the same on half the output columns or rows: one thread's share when
  two threads split the product, so the two halves at once are the floor of a 2-thread
  product (when the two cores run as fast together as alone, which they do not quite);
- `symkeras 2t`: the runtime's own product (`runtime.kernels.linalg.matmul`: the split
  over the kernel threads, BLAS single-threaded inside each block), warm operands;
- with `--jax`, `jax 2t`: each product as its own `jax.jit` (2 CPUs), in a subprocess.

Then the sums, beside the whole step's median (`train_on_batch`, this process). Medians
over `--calls` calls (default 200). The machine is shared: compare columns of one run,
never figures across runs.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import common  # noqa: E402

common.setup_threads()

import numpy as np  # noqa: E402

# name: (transpose_a, transpose_b, rows, cols, inner): out (rows x cols) = op(a) @ op(b)
PRODUCTS = {
    'forward 1 (x @ W1)': (False, False, 128, 512, 784),
    'dW1 (x.T @ dz1)': (True, False, 784, 512, 128),
    'forward 2 (h1 @ W2)': (False, False, 128, 512, 512),
    'dh1 (dz2 @ W2.T)': (False, True, 128, 512, 512),
    'dW2 (h1.T @ dz2)': (True, False, 512, 512, 128),
}
JAX_PREFIX = 'JAXTIMES '


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--calls', type=int, default=200, help='timed calls per cell')
    parser.add_argument('--jax', action='store_true', help='also time JAX (subprocess)')
    parser.add_argument('--jax-worker', action='store_true', help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def operands(transpose_a, transpose_b, rows, cols, inner, rng):
    a = rng.random((inner, rows) if transpose_a else (rows, inner), dtype=np.float32)
    b = rng.random((cols, inner) if transpose_b else (inner, cols), dtype=np.float32)
    return a, b


def median_seconds(call, calls):
    """Median seconds of `call()` over `calls` calls after a few untimed ones."""
    return float(np.median(common.time_steps(call, calls, max(5, calls // 10))))


def half(transpose_a, transpose_b, a, b, rows, cols):
    """Operands of half the work: the longer output side halved (one thread's share of a
    2-thread product, however the runtime splits it)."""
    if rows >= cols:
        return (a[:, :rows // 2] if transpose_a else a[:rows // 2]), b
    return a, (b[:cols // 2] if transpose_b else b[:, :cols // 2])


def time_ours(calls):
    """{product: {column: seconds}} for the BLAS and symkeras columns."""
    from runtime.kernels import linalg, threads
    rng = np.random.default_rng(common.SEED)
    no_bias = np.empty(0, np.float32)
    cells = {}
    for name, (ta, tb, rows, cols, inner) in PRODUCTS.items():
        a, b = operands(ta, tb, rows, cols, inner, rng)
        ha, hb = half(ta, tb, a, b, rows, cols)
        two = threads.set_threads(1)
        try:
            one_thread = median_seconds(lambda: linalg.matmul(a, b, ta, tb, no_bias, 0),
                                        calls)
            one_half = median_seconds(lambda: linalg.matmul(ha, hb, ta, tb, no_bias, 0),
                                      calls)
        finally:
            threads.set_threads(two)
        cells[name] = {'blas 1t': one_thread, 'blas 1t half': one_half,
                       'symkeras 2t': median_seconds(
                           lambda: linalg.matmul(a, b, ta, tb, no_bias, 0), calls)}
    return cells


def time_jax(calls):
    """{product: seconds} of each product as its own jax.jit, in this process."""
    import jax
    jnp = jax.numpy
    rng = np.random.default_rng(common.SEED)
    cells = {}
    for name, (ta, tb, rows, cols, inner) in PRODUCTS.items():
        a, b = (jax.device_put(x) for x in operands(ta, tb, rows, cols, inner, rng))
        product = jax.jit(lambda a, b, ta=ta, tb=tb: jnp.matmul(a.T if ta else a,
                                                                b.T if tb else b))
        cells[name] = median_seconds(lambda: product(a, b).block_until_ready(), calls)
    return cells


def jax_in_subprocess(calls):
    command = [sys.executable, os.path.abspath(__file__), '--jax-worker', '--calls',
               str(calls)]
    done = subprocess.run(command, capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith(JAX_PREFIX):
            return json.loads(line[len(JAX_PREFIX):])
    lines = done.stderr.strip().splitlines() or ['(no output)']
    print(f'jax: not timed ({lines[-1]})')
    return None


def step_median(calls):
    """Median `train_on_batch` of the MLP 784-512-512-10 row, as the harness runs it."""
    import worker_symkeras
    model = worker_symkeras.compile_model(worker_symkeras.model_for('mlp512_train'))
    x, y = common.make_data('mlp512_train')
    return median_seconds(lambda: model.train_on_batch(x, y), calls)


def table(cells, jax_cells):
    columns = ['blas 1t', 'blas 1t half', 'symkeras 2t'] + (['jax 2t'] if jax_cells else [])
    lines = [f"{'product':<22}" + ''.join(f'{c:>22}' for c in columns)]
    sums = dict.fromkeys(columns, 0.0)
    for name, (ta, tb, rows, cols, inner) in PRODUCTS.items():
        flop = 2.0 * rows * cols * inner
        row = dict(cells[name], **({'jax 2t': jax_cells[name]} if jax_cells else {}))
        text = f'{name:<22}'
        for column in columns:
            seconds = row[column]
            share = 0.5 if column == 'blas 1t half' else 1.0
            sums[column] += seconds
            text += f'{seconds * 1e3:>9.3f} ms {share * flop / seconds / 1e9:>5.0f} GF/s'
        lines.append(text)
    lines.append(f"{'sum':<22}" + ''.join(f'{sums[c] * 1e3:>9.3f} ms{"":>11}'
                                          for c in columns))
    return '\n'.join(lines)


def main(argv=None):
    options = parse_args(argv)
    if options.jax_worker:
        print(JAX_PREFIX + json.dumps(time_jax(options.calls)))
        return
    jax_cells = jax_in_subprocess(options.calls) if options.jax else None
    cells = time_ours(options.calls)
    step = step_median(options.calls)
    print(table(cells, jax_cells))
    print(f'\nsymkeras MLP 784-512-512-10 training step (train_on_batch): {step * 1e3:.3f} ms')
    print('The 2-thread floor of the five products is the "blas 1t half" sum (both halves '
          'at once, if two busy cores kept their single-core speed).')


if __name__ == '__main__':
    main()
