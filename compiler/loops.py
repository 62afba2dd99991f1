"""Loops over an axis, written into the graph: the unrolled form, and the `Recurrent` node
that stands for it while the axis has no static size.

`unroll_steps` writes a step function once per time step, so the compiler fuses,
schedules and differentiates ordinary graph (backpropagation through time comes from the
usual autodiff). When the time axis has no static size (`Input(shape=(None, features))`),
`recurrent` traces the step once on stand-in placeholders and returns `Recurrent` nodes;
a compiled function then unrolls them for the number of steps of each call's inputs
(compiler/lowering.py), once per distinct input shape, as Theano's scan would run its
loop for any length.
"""
from . import builders as B
from .ops.recurrent import Recurrent, StepGraph


def unstack_static(x, axis):
    """[x indexed at i along `axis` for every i] (static size), each cut from x itself.

    The gradient of each cut is the piece padded with zeros to x's shape; those add up to
    the concatenation of the pieces, which `rewrite/slices.py` puts in their sum's place:
    one copy of x's size. (Before that rewrite, cuts by halving the axis kept the summed
    padding to O(n log n); after it, their slices copied the sequence log2(n) times forward
    and their joins as often backward: an LSTM(128) over 32 steps, batch 64, spent ~5 of
    its ~19 ms step in them.)
    """
    return [B.getitem(x, (slice(None),) * axis + (i,)) for i in range(x.shape[axis])]


def _choose(keep, new, old):
    """new where `keep` (samples, ...) holds, else old; keep gets trailing axes of size 1
    up to new's rank (Keras's switch)."""
    if 0 < keep.ndim < new.ndim:
        keep = B.expand_dims(keep, tuple(range(keep.ndim, new.ndim)))
    return B.where(keep, new, old)


def unroll_steps(step_function, step_inputs, states, mask=None, go_backwards=False):
    """(the output of every step in processing order, the final states).

    `step_function(input, states) -> (output, new_states)` runs once per entry of
    `step_inputs`; where the bool `mask` (samples, time, ...) is False a step keeps the
    previous output (zeros before the first) and the previous states. Shared by K.rnn,
    the RNN layer and the lowering of `Recurrent` nodes.
    """
    order = range(len(step_inputs))
    outputs, previous = [], None
    for t in (reversed(order) if go_backwards else order):
        output, new_states = step_function(step_inputs[t], states)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) \
            else [new_states]
        if mask is not None:
            keep = mask[:, t]          # (samples, ...), once per step
            keep = B.expand_dims(keep, 1) if keep.ndim == 1 else keep
            previous = B.zeros_like(output) if previous is None else previous
            output = _choose(keep, output, previous)
            new_states = [_choose(keep, new, old) for new, old in zip(new_states, states)]
        outputs.append(output)
        states, previous = new_states, output
    return outputs, states


def stack_steps(outputs):
    """The step outputs (samples, ...) as one (samples, time, ...) tensor."""
    return B.concat([B.expand_dims(output, 1) for output in outputs], 1)


def recurrent(step_function, sequence, states, mask=None, go_backwards=False):
    """(all outputs (samples, time, ...) in processing order, the last output, the final
    states) of `step_function` run over axis 1 of `sequence`.

    With a static number of time steps the loop is unrolled here (`unroll_steps`);
    otherwise the step is traced once and the results are `Recurrent` nodes, unrolled
    when a compiled function sees the inputs' shape. `mask`: None or a bool tensor
    (samples, time); where it is False a step keeps the previous output and states.
    """
    states = list(states)
    if sequence.shape[1] is not None:
        outputs, states = unroll_steps(step_function, unstack_static(sequence, 1), states,
                                       mask, go_backwards)
        return stack_steps(outputs), outputs[-1], states
    step = StepGraph(step_function, sequence, states)
    inputs = [sequence] + states + ([] if mask is None else [mask]) + step.captured

    def result(which):
        return Recurrent(step=step, result=which, go_backwards=bool(go_backwards),
                         masked=mask is not None)(*inputs)
    return (result('sequence'), result('last'),
            [result(index) for index in range(len(states))])
