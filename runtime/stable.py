"""Arrays that only compiled functions change in place: values derived from them may be
kept between calls.

A variable's array (`compiler.ir.Variable.value`, an artifact's variables) is replaced,
never written, by `set_value`; the only in-place writes are a compiled function's update
steps, and the executor advances `epoch()` before each of those. A kernel that keeps
something derived from such an array (the Winograd-transformed filter of an inference
convolution) may reuse it while `unchanged(array, epoch)`, without comparing values: for
a batch-1 prediction of the seed CNN, comparing its two filters with their copies cost
~25 us of ~280. Any other array (an input a caller may change between calls) is not held
here, and is compared.
"""
import weakref

_held = weakref.WeakValueDictionary()     # id(array) -> array
_epoch = [0]


def hold(array):
    """Note that `array` is changed in place only by compiled update steps."""
    _held[id(array)] = array


def holds(array):
    """True when `array` itself was given to `hold` (and is alive)."""
    return _held.get(id(array)) is array


def epoch():
    """The count of in-place updates of held arrays so far."""
    return _epoch[0]


def advance():
    """Called before an update step writes into an array in place."""
    _epoch[0] += 1


def unchanged(array, since):
    """True when `array` is held and no in-place update ran since epoch `since`."""
    return since == _epoch[0] and holds(array)
