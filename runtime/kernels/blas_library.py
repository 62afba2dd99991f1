"""Which BLAS library the kernels' GEMM calls (`blas` binds its sgemm/dgemm by address),
and the OpenBLAS thread setting.

Intel's MKL where it is installed (the `mkl` wheel, a dependency on Linux x86-64) and the
CPU is Intel's, in its sequential mode (no threads of its own: the kernels split the work
on their thread pool); SciPy's OpenBLAS otherwise. Measured on an Intel Xeon (Emerald
Rapids), one thread, float32: MKL 2026.2 took 0.73-0.91 of the time of SciPy's OpenBLAS
0.3.30 on the MLP 784-512-512-10's products (128x392 @ 392x512: 302 against 410 us) and
0.88 on a 4608x288 @ 288x64 conv product; the MLP's training step 2.00 against 2.33 ms,
the MLP 784-32-10's 0.198 against 0.251, the seed CNN's 32.8 against 34.8. On other
vendors' CPUs MKL is not measured here and not chosen by default.

SYMKERAS_BLAS chooses: 'mkl' (MKL wherever it loads; an error when it does not), 'scipy'
(SciPy's BLAS), unset or 'auto' (as above).
"""
import ctypes
import ctypes.util
import os
from collections import namedtuple

from numba.extending import get_cython_function_address

# MKL's single dynamic library (mkl_rt) settings: mkl_service.h.
MKL_THREADING_SEQUENTIAL = 1
MKL_INTERFACE_LP64 = 0

# kind: 'mkl' or 'scipy'; name: for people (the library and its version).
Library = namedtuple('Library', 'kind name sgemm dgemm int_bits')

CHOICES = ('auto', 'mkl', 'scipy')
_chosen = []


def chosen():
    """`choose()`, once per process (the binding cannot change after the first GEMM)."""
    if not _chosen:
        _chosen.append(choose())
    return _chosen[0]


def choose():
    """The library to bind: a Library(kind, name, sgemm address, dgemm address, int
    bits)."""
    wanted = os.environ.get('SYMKERAS_BLAS', 'auto').strip().lower() or 'auto'
    if wanted not in CHOICES:
        raise ValueError(f"SYMKERAS_BLAS={wanted!r}: expected one of {CHOICES}")
    if wanted == 'mkl' or (wanted == 'auto' and _intel_cpu()):
        found = _mkl()
        if found is not None:
            return found
        if wanted == 'mkl':
            raise RuntimeError("SYMKERAS_BLAS=mkl, but MKL's mkl_rt library was not found, "
                               "or it is already in use with threads of its own (install "
                               "the 'mkl' package, or unset SYMKERAS_BLAS)")
    return _scipy()


def _scipy():
    return Library('scipy', f'SciPy BLAS ({_openblas_config() or "not OpenBLAS"})',
                   get_cython_function_address('scipy.linalg.cython_blas', 'sgemm'),
                   get_cython_function_address('scipy.linalg.cython_blas', 'dgemm'),
                   _scipy_int_bits())


def _scipy_int_bits():
    """32 for the usual LP64 BLAS, 64 when SciPy was built against ILP64."""
    try:
        from scipy.__config__ import CONFIG
        return 64 if CONFIG['Build Dependencies']['blas']['cython blas ilp64'] else 32
    except (ImportError, KeyError, TypeError):
        return 32


def _intel_cpu():
    try:
        with open('/proc/cpuinfo') as handle:
            for line in handle:
                if line.startswith('vendor_id'):
                    return 'GenuineIntel' in line
    except OSError:
        pass
    return False


def _mkl_paths():
    """Candidate paths of mkl_rt: the `mkl` distribution's files, then the loader's."""
    try:
        from importlib import metadata
        files = metadata.files('mkl') or []
    except Exception:       # not installed, or its metadata unreadable
        files = []
    for entry in files:
        if entry.name.startswith('libmkl_rt.so'):
            yield str(entry.locate())
    found = ctypes.util.find_library('mkl_rt')
    if found:
        yield found


def _mkl():
    """MKL set to sequential, LP64 (32-bit integers), or None when that cannot be had."""
    for path in _mkl_paths():
        try:
            library = ctypes.CDLL(path)
            set_threading = library.MKL_Set_Threading_Layer
            set_interface = library.MKL_Set_Interface_Layer
            sgemm, dgemm = library.sgemm_, library.dgemm_
        except (OSError, AttributeError):
            continue
        set_threading.restype = set_interface.restype = ctypes.c_int
        # Both return the layer in force: another user of this MKL (a numpy built on it)
        # may have fixed other ones first; then it is not ours to change.
        if set_interface(ctypes.c_int(MKL_INTERFACE_LP64)) != MKL_INTERFACE_LP64 or \
                set_threading(ctypes.c_int(MKL_THREADING_SEQUENTIAL)) != \
                MKL_THREADING_SEQUENTIAL:
            continue
        return Library('mkl', f'MKL {_mkl_version(library)} (sequential)', _address(sgemm),
                       _address(dgemm), 32)
    return None


def _address(function):
    return ctypes.cast(function, ctypes.c_void_p).value


def _mkl_version(library):
    buffer = ctypes.create_string_buffer(256)
    try:
        library.MKL_Get_Version_String(buffer, ctypes.c_int(len(buffer)))
    except AttributeError:
        return '(unknown version)'
    words = buffer.value.decode(errors='replace').split()
    # "Intel(R) oneAPI Math Kernel Library Version 2026.2-Product Build ..."
    version = next((w for w in words if w[:1].isdigit()), '')
    return version.split('-')[0] or '(unknown version)'


_SETTERS = ('scipy_openblas_set_num_threads', 'openblas_set_num_threads',
            'scipy_openblas_set_num_threads64_', 'openblas_set_num_threads64_')
_CONFIGS = ('scipy_openblas_get_config', 'openblas_get_config',
            'scipy_openblas_get_config64_', 'openblas_get_config64_')


def _loaded_openblas_paths():
    """Paths of the OpenBLAS libraries SciPy loaded (Linux: from /proc/self/maps)."""
    import scipy.linalg.cython_blas  # noqa: F401  (loads SciPy's BLAS)
    try:
        with open('/proc/self/maps') as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    paths = {line.split()[-1] for line in lines if 'openblas' in line.lower()}
    # numpy's own BLAS is a separate library the kernels never call: leave it alone.
    return sorted(p for p in paths if '/numpy' not in p)


def _openblas_functions(names):
    for path in _loaded_openblas_paths():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        function = next((getattr(library, n) for n in names if hasattr(library, n)), None)
        if function is not None:
            yield function


def _openblas_config():
    """SciPy's OpenBLAS build ('OpenBLAS 0.3.30 ...' up to the core name), or None."""
    for function in _openblas_functions(_CONFIGS):
        function.restype = ctypes.c_char_p
        words = (function() or b'').decode(errors='replace').split()
        return ' '.join(words[:2]) or None
    return None


def set_blas_threads(count):
    """Set the thread count of SciPy's OpenBLAS (the kernels' GEMM when MKL is not used).

    Args:
        count: number of BLAS threads (1 when the caller parallelises itself).

    Returns:
        True if an OpenBLAS was found and set, False otherwise (other BLAS builds).
    """
    done = False
    for setter in _openblas_functions(_SETTERS):
        setter(ctypes.c_int(int(count)))
        done = True
    return done
