"""Which BLAS the kernels' GEMM calls: MKL (sequential) on Intel CPUs where installed, else
SciPy's; SYMKERAS_BLAS overrides; the Numba cache follows the library's integer width."""
import ctypes
import os
import subprocess
import sys

import numpy as np
import pytest

from runtime.kernels import blas, blas_library, cache_guard, get_kernel

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# In a fresh process: the library chosen, and one float32 and one float64 product through
# the kernels against numpy's.
SCRIPT = """
import numpy as np
from runtime.kernels import blas, get_kernel
kernel = get_kernel('matmul', {'transpose_a': True, 'transpose_b': False})
rng = np.random.RandomState(0)
for dtype in (np.float32, np.float64):
    a = rng.standard_normal((150, 70)).astype(dtype)
    b = rng.standard_normal((150, 90)).astype(dtype)
    np.testing.assert_allclose(kernel(a, b), a.T @ b, rtol=1e-4, atol=1e-4)
print(blas.LIBRARY.name)
"""


def _run(choice):
    env = dict(os.environ, SYMKERAS_BLAS=choice)
    result = subprocess.run([sys.executable, '-c', SCRIPT], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def _mkl_installed():
    return any(True for _ in blas_library._mkl_paths())


def test_scipy_s_blas_when_asked():
    assert _run('scipy').startswith('SciPy BLAS')


@pytest.mark.skipif(not _mkl_installed(), reason="the 'mkl' package is not installed "
                    "(a dependency on Linux x86-64 only)")
def test_mkl_when_asked_and_by_default_on_intel_cpus():
    assert _run('mkl').startswith('MKL 20') and 'sequential' in _run('mkl')
    if blas_library._intel_cpu():
        assert blas.LIBRARY.name.startswith('MKL')


def test_an_unknown_choice_is_an_error(monkeypatch):
    monkeypatch.setenv('SYMKERAS_BLAS', 'openblas64')
    with pytest.raises(ValueError, match=r"SYMKERAS_BLAS='openblas64': expected one of "
                       r"\('auto', 'mkl', 'scipy'\)"):
        blas_library.choose()


def test_mkl_asked_for_but_missing_is_an_error(monkeypatch):
    monkeypatch.setenv('SYMKERAS_BLAS', 'mkl')
    monkeypatch.setattr(blas_library, '_mkl_paths', lambda: iter(['/nonexistent/libmkl_rt.so']))
    with pytest.raises(RuntimeError, match="SYMKERAS_BLAS=mkl, but MKL's mkl_rt library "
                       "was not found"):
        blas_library.choose()
    monkeypatch.setenv('SYMKERAS_BLAS', 'auto')
    monkeypatch.setattr(blas_library, '_intel_cpu', lambda: True)
    assert blas_library.choose().name.startswith('SciPy BLAS')


class _FakeMkl:
    """An mkl_rt whose layers were already fixed by another user of it."""

    def __init__(self, interface, threading):
        self.MKL_Set_Interface_Layer = lambda value: interface
        self.MKL_Set_Threading_Layer = lambda value: threading
        self.sgemm_ = self.dgemm_ = None


@pytest.mark.parametrize('interface, threading', [(1, 1), (0, 0)],
                         ids=['ilp64', 'intel-threads'])
def test_an_mkl_set_up_otherwise_is_left_alone(monkeypatch, interface, threading):
    monkeypatch.setattr(blas_library, '_mkl_paths', lambda: iter(['libmkl_rt.so.3']))
    monkeypatch.setattr(ctypes, 'CDLL', lambda path: _FakeMkl(interface, threading))
    assert blas_library._mkl() is None


def test_the_bound_blas_runs_without_threads_of_its_own():
    """The kernels run their own threads: MKL must be sequential, OpenBLAS on one thread."""
    if blas.LIBRARY.name.startswith('MKL'):
        library = ctypes.CDLL(next(blas_library._mkl_paths()))
        assert library.MKL_Get_Max_Threads() == 1
    else:
        assert blas.set_blas_threads(1) in (True, False)   # False only for non-OpenBLAS


def test_the_cache_digest_follows_the_blas_integer_width(monkeypatch):
    digest = cache_guard.sources_digest()
    chosen = blas_library.chosen()
    wider = chosen._replace(int_bits=96 - chosen.int_bits)
    monkeypatch.setattr(cache_guard, '_digest', None)
    monkeypatch.setattr(blas_library, '_chosen', [wider])
    assert cache_guard.sources_digest() != digest
    monkeypatch.setattr(cache_guard, '_digest', None)
    monkeypatch.setattr(blas_library, '_chosen', [chosen])
    assert cache_guard.sources_digest() == digest


def test_the_mkl_version_is_read_from_its_version_string():
    class Library:
        @staticmethod
        def MKL_Get_Version_String(buffer, length):
            buffer.value = b'Intel(R) oneAPI Math Kernel Library Version 2026.2-Product Build'

    assert blas_library._mkl_version(Library()) == '2026.2'
    assert blas_library._mkl_version(object()) == '(unknown version)'


@pytest.mark.parametrize('m, k, n', [(128, 784, 32), (33, 1000, 17), (1, 1152, 128)])
def test_products_do_not_depend_on_the_operands_alignment(m, k, n):
    """Run-to-run reproducibility: the same values at other addresses (numpy's allocations
    are 16-byte aligned, not 64) give bitwise the same product (MKL's code paths may
    depend on alignment; this one's do not)."""
    kernel = get_kernel('matmul', {})
    rng = np.random.RandomState(0)
    a0 = rng.standard_normal((m, k)).astype(np.float32)
    b0 = rng.standard_normal((k, n)).astype(np.float32)
    results = []
    for offset in range(16):
        a = np.empty(a0.size + 16, np.float32)[offset:offset + a0.size].reshape(m, k)
        b = np.empty(b0.size + 16, np.float32)[15 - offset:15 - offset + b0.size]
        a[...], b = a0, b.reshape(k, n)
        b[...] = b0
        results.append(kernel(a, b))
    for result in results[1:]:
        np.testing.assert_array_equal(result, results[0])
