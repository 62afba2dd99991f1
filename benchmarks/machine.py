"""Facts about the machine and the checkout a benchmark ran on, and its fp32 GEMM speed.

`python benchmarks/machine.py --gemm` prints one `RESULT {json}` line with the float32
GEMM rates (GFLOP/s) on the benchmark's thread count of numpy's BLAS and of symkeras's own
product kernel (its BLAS, e.g. MKL, split over its threads): the faster is the ceiling
the CNN rows are compared with.
"""
import datetime
import hashlib
import os
import platform
import subprocess
import sys

import common

GEMM_SIZE = 2048
GEMM_REPEATS = 10


def cpu_model():
    """'<model name> (family F, model M)' from /proc/cpuinfo, or platform's guess."""
    fields = {}
    try:
        with open('/proc/cpuinfo') as info:
            for line in info:
                key, _, value = line.partition(':')
                fields.setdefault(key.strip(), value.strip())
    except OSError:
        return platform.processor() or 'unknown'
    name = fields.get('model name', 'unknown')
    if 'cpu family' in fields:
        name += f" (family {fields['cpu family']}, model {fields.get('model', '?')})"
    return name


def memory_gib():
    """Total memory in GiB, or None."""
    try:
        with open('/proc/meminfo') as info:
            kib = int(info.readline().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return round(kib / 2 ** 20, 1)


def git_revision(root):
    """Short commit of the checkout, '+ uncommitted changes' when dirty (read-only git)."""
    def git(*args):
        return subprocess.run(['git', *args], cwd=root, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    try:
        commit = git('rev-parse', '--short', 'HEAD')
        dirty = git('status', '--porcelain', '--untracked-files=no')
    except (OSError, subprocess.SubprocessError):
        return 'unknown'
    return (commit or 'unknown') + (' + uncommitted changes' if dirty else '')


def source_digest(root, packages=('symkeras', 'compiler', 'runtime')):
    """Short SHA-256 of the packages' .py files (names and contents), to tell whether the
    code measured changed while the benchmark ran (the checkout may be edited meanwhile)."""
    digest = hashlib.sha256()
    for package in packages:
        for folder, dirs, files in sorted(os.walk(os.path.join(root, package))):
            dirs.sort()
            for name in sorted(f for f in files if f.endswith('.py')):
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, root).encode())
                with open(path, 'rb') as source:
                    digest.update(source.read())
    return digest.hexdigest()[:12]


def describe(root):
    """Dict of machine and run facts for RESULTS.md."""
    return {
        'date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
        'cpu': cpu_model(),
        'nproc': os.cpu_count(),
        'memory_gib': memory_gib(),
        'kernel': platform.release(),
        'python': platform.python_version(),
        'commit': git_revision(root),
        'source_digest': source_digest(root),
        'loadavg': os.getloadavg(),
    }


def gemm_gflops(size=GEMM_SIZE, repeats=GEMM_REPEATS, product=None):
    """Best-of-`repeats` float32 GEMM rate of `product(a, b)` (default numpy's a @ b), in
    GFLOP/s."""
    import numpy as np
    product = product or np.matmul
    rng = np.random.default_rng(common.SEED)
    a = rng.random((size, size), dtype='float32')
    b = rng.random((size, size), dtype='float32')
    product(a, b)
    best = min(common.timed(lambda: product(a, b))[1] for _ in range(repeats))
    return 2.0 * size ** 3 / best / 1e9


def symkeras_product():
    """symkeras's matrix-product kernel (`a @ b`) and the name of the BLAS it calls."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from runtime.kernels import blas, get_kernel
    return get_kernel('matmul', {}), blas.LIBRARY.name


def main():
    common.setup_threads()
    if '--gemm' in sys.argv[1:]:
        import numpy
        product, library = symkeras_product()
        rates = {'numpy': gemm_gflops(), f'symkeras ({library})': gemm_gflops(product=product)}
        best = max(rates, key=rates.get)
        result = dict(status='ok', row='gemm', gflops=rates[best], size=GEMM_SIZE,
                      source=best, rates=rates)
        common.emit('numpy', result, {'numpy': numpy.__version__})
    else:
        print(describe(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


if __name__ == '__main__':
    main()
