"""JAX jit worker: the benchmark rows as pure JAX functions, one `jax.jit` per step.

NHWC layout as symkeras; the training step (forward, dropout with a key carried in the
state, softmax crossentropy, gradients, SGD update) is one jitted function. Compile rows
time the first call of that function (trace + XLA compile + one step) less one steady
step; when JAX_COMPILATION_CACHE_DIR is set (the harness does for compile rows), JAX's
persistent cache is on, so 'warm' is a new process reading that cache.
"""
import os

import common

common.setup_threads()


def probe():
    """Import jax (ImportError: not installed)."""
    import jax  # noqa: F401
    import jaxlib  # noqa: F401


def _versions():
    import jax
    import jaxlib
    import numpy
    return {'jax': jax.__version__, 'jaxlib': jaxlib.__version__, 'numpy': numpy.__version__}


def _setup():
    import jax
    if os.environ.get('JAX_COMPILATION_CACHE_DIR'):
        jax.config.update('jax_compilation_cache_dir', os.environ['JAX_COMPILATION_CACHE_DIR'])
        jax.config.update('jax_persistent_cache_min_compile_time_secs', 0.0)
        jax.config.update('jax_persistent_cache_min_entry_size_bytes', 0)
    return jax


def _glorot(key, shape, fan_in, fan_out):
    import jax
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    return jax.random.uniform(key, shape, 'float32', -limit, limit)


def cnn_params(jax):
    """[(w, b)] of the seed CNN: HWIO conv kernels, then the two dense layers."""
    jnp = jax.numpy
    keys = jax.random.split(jax.random.PRNGKey(common.SEED), 5)
    params, channels = [], 1
    for key, filters in zip(keys, common.CNN_FILTERS):
        w = _glorot(key, (3, 3, channels, filters), 9 * channels, 9 * filters)
        params.append((w, jnp.zeros(filters, 'float32')))
        channels = filters
    flat = channels * 3 * 3
    for key, (n_in, n_out) in zip(keys[3:], [(flat, common.CNN_DENSE),
                                            (common.CNN_DENSE, common.NUM_CLASSES)]):
        params.append((_glorot(key, (n_in, n_out), n_in, n_out), jnp.zeros(n_out, 'float32')))
    return params


def cnn_logits(jax, params, x, key=None):
    """Seed CNN forward pass; dropout when a key is given (training)."""
    lax, jnp = jax.lax, jax.numpy
    for w, b in params[:3]:
        x = lax.conv_general_dilated(x, w, (1, 1), 'SAME',
                                     dimension_numbers=('NHWC', 'HWIO', 'NHWC'))
        x = jax.nn.relu(x + b)
        x = lax.reduce_window(x, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), 'VALID')
    x = x.reshape(x.shape[0], -1)
    (w1, b1), (w2, b2) = params[3:]
    x = jax.nn.relu(x @ w1 + b1)
    if key is not None:
        keep = jax.random.bernoulli(key, 1.0 - common.CNN_DROPOUT, x.shape)
        x = jnp.where(keep, x / (1.0 - common.CNN_DROPOUT), 0.0)
    return x @ w2 + b2


def mlp_params(jax, row):
    """[(w, b)] of the row's MLP."""
    jnp = jax.numpy
    widths = (784,) + common.MLP_UNITS[row] + (common.NUM_CLASSES,)
    keys = jax.random.split(jax.random.PRNGKey(common.SEED), len(widths) - 1)
    return [(_glorot(key, (n_in, n_out), n_in, n_out), jnp.zeros(n_out, 'float32'))
            for key, n_in, n_out in zip(keys, widths[:-1], widths[1:])]


def mlp_logits(jax, params, x, key=None):
    """MLP forward pass: relu hidden layers, linear logits."""
    for w, b in params[:-1]:
        x = jax.nn.relu(x @ w + b)
    w, b = params[-1]
    return x @ w + b


def make_train_step(jax, logits_fn):
    """jit(step(params, key, x, y) -> (new params, new key, loss))."""
    jnp = jax.numpy

    def loss_fn(params, key, x, y):
        logits = logits_fn(jax, params, x, key)
        return -jnp.mean(jnp.sum(y * jax.nn.log_softmax(logits), axis=-1))

    def step(params, key, x, y):
        key, dropout_key = jax.random.split(key)
        loss, grads = jax.value_and_grad(loss_fn)(params, dropout_key, x, y)
        params = jax.tree_util.tree_map(lambda p, g: p - common.LEARNING_RATE * g,
                                        params, grads)
        return params, key, loss
    return jax.jit(step, donate_argnums=(0,))


def _training(args):
    jax = _setup()
    if args.row.startswith('mlp'):
        params, logits_fn = mlp_params(jax, args.row), mlp_logits
    else:
        params, logits_fn = cnn_params(jax), cnn_logits
    x, y = common.make_data('cnn_train' if args.row.startswith('compile') else args.row)
    state = {'params': params, 'key': jax.random.PRNGKey(common.SEED)}
    step = make_train_step(jax, logits_fn)
    x, y = jax.device_put(x), jax.device_put(y)

    def run():
        state['params'], state['key'], loss = step(state['params'], state['key'], x, y)
        return float(loss)  # waits for the result, as train_on_batch returns a float
    return run


def train_row(args):
    """Median training step."""
    run = _training(args)
    times = common.time_steps(run, args.steps, args.warmup)
    return common.step_result(args.row, times), _versions()


def infer_row(args):
    """Median inference call (softmax probabilities as a numpy array) of the seed CNN."""
    import numpy as np
    jax = _setup()
    params = cnn_params(jax)
    predict = jax.jit(lambda p, x: jax.nn.softmax(cnn_logits(jax, p, x)))
    x, _ = common.make_data(args.row)
    x = jax.device_put(x)
    times = common.time_steps(lambda: np.asarray(predict(params, x)), args.steps, args.warmup)
    return common.step_result(args.row, times), _versions()


def compile_row(args):
    """First call of the jitted training step less one steady step."""
    run = _training(args)
    _, first_call = common.timed(run)
    steady = common.time_steps(run, common.COMPILE_STEADY_STEPS, 0)
    return common.compile_result(args.row, first_call, steady), _versions()


ROWS = {'cnn_train': train_row, 'mlp512_train': train_row, 'mlp32_train': train_row,
        'cnn_infer128': infer_row, 'cnn_infer1': infer_row,
        'compile_cold': compile_row, 'compile_warm': compile_row}

if __name__ == '__main__':
    common.run_worker('jax', ROWS, probe)
