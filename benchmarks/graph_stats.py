"""Figures of the compiler on the seed CNN training function (issue 3's "done when").

    python benchmarks/graph_stats.py [--batch 128]

Prints: op nodes before/after the rewrite passes, kernels run per step, fused groups,
rewrite rules fired, elementwise edges left unfused (with reasons), and the peak memory
of one training step with the memory planner and without it.
"""
import argparse
import collections
import os
import sys
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'examples'))

from compiler.function import function  # noqa: E402
from mnist_cnn import build_model  # noqa: E402


def peak_bytes(fn, arrays, variables):
    saved = {k: v.value.copy() for k, v in variables.items()}
    fn(arrays)
    tracemalloc.start()
    fn(arrays)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    for key, value in saved.items():
        variables[key].value = value
    return peak


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batch', type=int, default=128)
    args = parser.parse_args()
    model = build_model()
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    model._make_train_function()
    train = model.train_function
    info = train.graph
    before, after = info.node_counts()
    print(f"op nodes before rewrites: {before}, after: {after}")
    print(f"kernels run per step: {len(train.plan.steps)}")
    kinds = collections.Counter(step.kernel for step in train.plan.steps)
    print("kernels by key:", dict(sorted(kinds.items(), key=lambda kv: -kv[1])))
    fired = collections.Counter(rule for _, rule, _ in info.rewrite_log
                                if not rule.startswith('kept apart'))
    print("rules fired:", dict(fired))
    apart = [entry for entry in info.rewrite_log if entry[1].startswith('kept apart')]
    reasons = collections.Counter(entry[1] for entry in apart)
    print(f"elementwise edges left unfused: {len(apart)}, reasons: {dict(reasons)}")

    rng = np.random.RandomState(0)
    x = rng.rand(args.batch, 28, 28, 1).astype('float32')
    y = np.eye(10, dtype='float32')[rng.randint(0, 10, args.batch)]
    arrays = [x, y] + [np.ones(args.batch, 'float32')] * (len(train.plan.inputs) - 2)
    outputs = len(info.outputs)
    original_updates = [(var, value) for (var, _), value in
                        zip(info.updates, info.original[outputs:])]
    unplanned = function(info.inputs, info.original[:outputs], original_updates,
                         name='train_unplanned', plan_buffers=False)
    planned_peak = peak_bytes(train, arrays, train.variables)
    unplanned_peak = peak_bytes(unplanned, arrays, unplanned.variables)
    print(f"peak memory of one step (batch {args.batch}): with planner "
          f"{planned_peak / 2**20:.1f} MiB, without {unplanned_peak / 2**20:.1f} MiB")


if __name__ == '__main__':
    main()
