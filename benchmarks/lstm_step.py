"""An LSTM training step, symkeras against PyTorch eager and JAX jit (not an issue-4 row).

    python benchmarks/lstm_step.py [--rounds 3] [--steps 30] [--timesteps 32] [--units 128]

The model: LSTM(units) over (batch 64, timesteps, 32 features), its last output through
Dense(10) with softmax cross-entropy, plain SGD (lr 0.01); sigmoid gates in every system
(Keras's default hard_sigmoid has no PyTorch counterpart). Each system runs in its own
process, systems alternating round by round, 2 threads each; a round reports the median
of --steps steps after 5 warm-up steps. symkeras is driven as a user would
(`train_on_batch`); `--unknown-length` builds it on `Input(shape=(None, 32))` instead.
Prints each round and the median ratio symkeras / best peer. A system that is not
installed is skipped.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import common  # noqa: E402

BATCH, FEATURES, CLASSES, WARMUP = 64, 32, 10, 5


def _data(timesteps):
    import numpy as np
    rng = np.random.default_rng(common.SEED)
    x = rng.random((BATCH, timesteps, FEATURES), dtype='float32')
    labels = rng.integers(0, CLASSES, BATCH)
    return x, labels, np.eye(CLASSES, dtype='float32')[labels]


def step_symkeras(options):
    sys.path.insert(0, os.path.dirname(HERE))
    from symkeras.layers import LSTM, Dense
    from symkeras.models import Sequential
    from symkeras.optimizers import SGD
    x, _, y = _data(options.timesteps)
    steps = None if options.unknown_length else options.timesteps
    model = Sequential([LSTM(options.units, recurrent_activation='sigmoid',
                             input_shape=(steps, FEATURES)),
                        Dense(CLASSES, activation='softmax')])
    model.compile(SGD(learning_rate=0.01), 'categorical_crossentropy')
    return lambda: model.train_on_batch(x, y)


def step_torch(options):
    import torch
    torch.set_num_threads(common.THREADS)
    x, labels, _ = _data(options.timesteps)
    lstm, dense = torch.nn.LSTM(FEATURES, options.units, batch_first=True), \
        torch.nn.Linear(options.units, CLASSES)
    params = list(lstm.parameters()) + list(dense.parameters())
    optimizer = torch.optim.SGD(params, lr=0.01)
    inputs, targets = torch.from_numpy(x), torch.from_numpy(labels)

    def step():
        optimizer.zero_grad()
        outputs, _ = lstm(inputs)
        loss = torch.nn.functional.cross_entropy(dense(outputs[:, -1]), targets)
        loss.backward()
        optimizer.step()
    return step


def step_jax(options):
    import jax
    import jax.numpy as jnp
    x, labels, y = _data(options.timesteps)
    units = options.units
    keys = jax.random.split(jax.random.PRNGKey(0), 3)
    params = {'w': jax.random.normal(keys[0], (FEATURES, 4 * units)) * 0.1,
              'u': jax.random.normal(keys[1], (units, 4 * units)) * 0.1,
              'b': jnp.zeros(4 * units),
              'd': jax.random.normal(keys[2], (units, CLASSES)) * 0.1,
              'db': jnp.zeros(CLASSES)}

    def loss_fn(p, inputs, targets):
        projected = jnp.einsum('btf,fg->tbg', inputs, p['w']) + p['b']

        def cell(carry, z):
            h, c = carry
            z = z + h @ p['u']
            i, f, g, o = jnp.split(z, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), None
        zeros = jnp.zeros((inputs.shape[0], units))
        (h, _), _ = jax.lax.scan(cell, (zeros, zeros), projected)
        logits = h @ p['d'] + p['db']
        return -jnp.mean(jnp.sum(targets * jax.nn.log_softmax(logits), axis=-1))

    @jax.jit
    def update(p, inputs, targets):
        grads = jax.grad(loss_fn)(p, inputs, targets)
        return jax.tree_util.tree_map(lambda a, g: a - 0.01 * g, p, grads)
    state = {'p': params}
    inputs, targets = jnp.asarray(x), jnp.asarray(y)

    def step():
        state['p'] = update(state['p'], inputs, targets)
        jax.block_until_ready(state['p'])
    return step


STEPS = {'symkeras': step_symkeras, 'torch': step_torch, 'jax': step_jax}


def worker(options):
    """Time the steps of one system; print one JSON line."""
    try:
        step = STEPS[options.worker](options)
    except ImportError as error:
        print(json.dumps({'skipped': str(error)}))
        return
    for _ in range(WARMUP):
        step()
    times = []
    for _ in range(options.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    print(json.dumps({'median_ms': statistics.median(times) * 1e3}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--steps', type=int, default=30)
    parser.add_argument('--timesteps', type=int, default=32)
    parser.add_argument('--units', type=int, default=128)
    parser.add_argument('--unknown-length', action='store_true')
    parser.add_argument('--worker', choices=sorted(STEPS), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        common.setup_threads()
        worker(options)
        return
    env = dict(os.environ, **common.thread_env())
    args = [f'--steps={options.steps}', f'--timesteps={options.timesteps}',
            f'--units={options.units}'] + (['--unknown-length'] if options.unknown_length
                                           else [])
    medians = {name: [] for name in STEPS}
    for round_ in range(options.rounds):
        order = list(STEPS)[round_ % 3:] + list(STEPS)[:round_ % 3]
        for name in order:
            done = subprocess.run([sys.executable, os.path.abspath(__file__),
                                   f'--worker={name}'] + args, env=env,
                                  capture_output=True, text=True, timeout=1800)
            lines = [line for line in done.stdout.splitlines() if line.startswith('{')]
            result = json.loads(lines[-1]) if lines else {'error': done.stderr[-500:]}
            if 'median_ms' in result:
                medians[name].append(result['median_ms'])
                print(f"round {round_ + 1} {name:9s} {result['median_ms']:8.2f} ms")
            else:
                print(f"round {round_ + 1} {name:9s} {result}")
    summary = {name: statistics.median(values) for name, values in medians.items() if values}
    print('medians (ms): ' + ', '.join(f'{k} {v:.2f}' for k, v in summary.items()))
    peers = {k: v for k, v in summary.items() if k != 'symkeras'}
    if 'symkeras' in summary and peers:
        best = min(peers, key=peers.get)
        print(f"symkeras / {best}: {summary['symkeras'] / peers[best]:.2f}")


if __name__ == '__main__':
    main()
