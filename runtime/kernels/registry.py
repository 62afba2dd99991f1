"""The kernel registry: one table from kernel key to kernel factory."""

KERNELS = {}


def register(key):
    """Decorator storing a factory under `key`; a factory is called as factory(**attrs)."""
    def store(factory):
        if key in KERNELS:
            raise ValueError(f"kernel {key!r} registered twice")
        KERNELS[key] = factory
        return factory
    return store


def get_kernel(key, attrs):
    """The callable for one plan step: `KERNELS[key](**attrs)`."""
    try:
        factory = KERNELS[key]
    except KeyError:
        raise KeyError(f"no kernel registered for {key!r}; known: {sorted(KERNELS)}") from None
    return factory(**attrs)
