"""The kernel registry: one table from kernel key to kernel factory.

A factory is called once per plan step, at load time, as `factory(**attrs)` with the step's
plain (JSON) attributes, and returns `fn(*arrays) -> ndarray`.
"""
import inspect

KERNELS = {}
# Kernel traits the memory planner reads: 'view' kernels may return a view of their first
# input; 'out' kernels accept an `out=` array to write their result into.
VIEW_KERNELS = {'reshape', 'reshape_like', 'expand_dims', 'squeeze', 'part', 'print'}
OUT_KERNELS = {'elementwise'}
# Kernels with stacked results (a (k,) + shape array read back by 'part' views) that write
# them into k separate buffers given as out=(buffer 0, ..., buffer k-1) and then return
# that tuple; the value lists, per result, the input position of the same shape whose
# buffer may take it (gemm_update, scaled_update: v into z's, p + v into p's).
STACKED_OUT_KERNELS = {'gemm_update': (0, 5), 'scaled_update': (0, 4)}


class UnknownKernelError(KeyError, ValueError):
    """No kernel is registered under the requested key (a KeyError and a ValueError)."""

    def __str__(self):
        return str(self.args[0])


def register(key):
    """Decorator storing a factory under `key`; a factory is called as `factory(**attrs)`.

    Args:
        key: the kernel key that plan steps name.

    Returns:
        A decorator that registers the factory and returns it unchanged.
    """
    def store(factory):
        if key in KERNELS:
            raise ValueError(f"kernel {key!r} registered twice")
        KERNELS[key] = factory
        return factory
    return store


def _check_attrs(key, factory, attrs):
    """Raise a ValueError naming the kernel when `attrs` do not fit the factory."""
    signature = inspect.signature(factory)
    try:
        signature.bind(**attrs)
    except TypeError as error:
        raise ValueError(f"kernel {key!r}: attributes {sorted(attrs)} do not match the "
                         f"expected {list(signature.parameters)} ({error})") from None


def get_kernel(key, attrs):
    """The callable for one plan step: `KERNELS[key](**attrs)`.

    Args:
        key: a registered kernel key.
        attrs: dict of the step's plain attributes.

    Returns:
        `fn(*arrays) -> ndarray`.
    """
    try:
        factory = KERNELS[key]
    except KeyError:
        raise UnknownKernelError(f"no kernel registered for {key!r}; known: "
                                 f"{sorted(KERNELS)}") from None
    attrs = dict(attrs or {})
    _check_attrs(key, factory, attrs)
    return factory(**attrs)
