"""Generic helpers of Keras 2.2.4's `keras.utils.generic_utils`: the progress bar."""
import sys
import time
from collections import OrderedDict

import numpy as np


def _now():
    """Wall-clock seconds (a seam so tests can make the timings deterministic)."""
    return time.time()


def _stdout_is_dynamic():
    """True when the bar can be redrawn in place (a terminal or a Jupyter kernel)."""
    isatty = getattr(sys.stdout, 'isatty', None)
    return bool(isatty and isatty()) or 'ipykernel' in sys.modules


def format_eta(seconds):
    """Format a remaining time as Keras does: '1:02:03', '1:02' or '42s'."""
    if seconds > 3600:
        return '%d:%02d:%02d' % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return '%d:%02d' % (seconds // 60, seconds % 60)
    return '%ds' % seconds


def format_time_per_step(seconds):
    """Format the time per step as Keras does: '2s/step', '41ms/step' or '690us/step'."""
    if seconds >= 1:
        return '%.0fs/step' % seconds
    if seconds >= 1e-3:
        return '%.0fms/step' % (seconds * 1e3)
    return '%.0fus/step' % (seconds * 1e6)


def format_value(value, signed_threshold=False):
    """Format a metric value: 4 decimals, or scientific notation when tiny.

    Keras 2.2.4's verbose=2 line compares the signed value with 1e-3 (so negative values
    print in scientific notation there); `signed_threshold=True` reproduces that.
    """
    if (value if signed_threshold else abs(value)) > 1e-3:
        return '%.4f' % value
    return '%.4e' % value


class Progbar:
    """Keras 2 progress bar: `  128/60000 [>....] - ETA: 1:02 - loss: 2.3012`.

    Non-stateful metrics are shown as running averages weighted by the number of samples
    of each update; stateful metrics are shown as last given. On a terminal the bar is
    redrawn in place with `\\r`; otherwise each update is written on a new line.

    Args:
        target: total number of steps expected, None if unknown.
        width: width of the bar in characters.
        verbose: 0 (silent), 1 (bar) or 2 (one line when the target is reached).
        interval: minimum seconds between two redraws.
        stateful_metrics: names of metrics shown as-is instead of averaged.

    Example:
        >>> bar = Progbar(60000)
        >>> bar.update(128, [('loss', 2.3012), ('acc', 0.1016)])
        <BLANKLINE>
          128/60000 [..............................] - ETA: ... - loss: 2.3012 - acc: 0.1016
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        self._dynamic_display = _stdout_is_dynamic()
        self._total_width = 0
        self._seen_so_far = 0
        self._values = OrderedDict()  # name -> [weighted sum, weight]
        self._start = _now()
        self._last_update = 0

    def update(self, current, values=None):
        """Move the bar to step `current` and record metric values.

        Args:
            current: index of the current step (samples seen so far).
            values: list of `(name, value)` pairs for the samples since the last update.
        """
        self._accumulate(current, values or [])
        now = _now()
        if self.verbose == 1:
            if (now - self._last_update < self.interval and self.target is not None
                    and current < self.target):
                return
            self._draw(current, now)
        elif self.verbose == 2 and (self.target is None or current >= self.target):
            self._write(' - %.0fs' % (now - self._start) + self._metrics_text(True) + '\n')
        self._last_update = now

    def add(self, n, values=None):
        """Advance the bar by `n` steps (see `update`)."""
        self.update(self._seen_so_far + n, values)

    def _accumulate(self, current, values):
        """Fold the new values into the running averages (weighted by new samples)."""
        weight = current - self._seen_so_far
        for name, value in values:
            if name in self.stateful_metrics:
                self._values[name] = [value, 1]
            elif name in self._values:
                self._values[name][0] += value * weight
                self._values[name][1] += weight
            else:
                self._values[name] = [value * weight, weight]
        self._seen_so_far = current

    def _draw(self, current, now):
        """Write the bar and its info for verbose=1, erasing the previous drawing."""
        previous_width = self._total_width
        if self._dynamic_display:
            self._write('\b' * previous_width + '\r')
        else:
            self._write('\n')
        bar = self._bar_text(current)
        info = self._timing_text(current, now) + self._metrics_text()
        self._total_width = len(bar) + len(info)
        if previous_width > self._total_width:
            info += ' ' * (previous_width - self._total_width)
        if self.target is not None and current >= self.target:
            info += '\n'
        self._write(bar + info)

    def _bar_text(self, current):
        """`  128/60000 [>.....]`, or `    128/Unknown` without a target."""
        if self.target is None:
            return '%7d/Unknown' % current
        digits = len(str(int(self.target)))
        text = '%*d/%d [' % (digits, current, self.target)
        filled = int(self.width * float(current) / self.target) if self.target else 0
        if filled > 0:
            text += '=' * (filled - 1) + ('>' if current < self.target else '=')
        return text + '.' * (self.width - filled) + ']'

    def _timing_text(self, current, now):
        """` - ETA: 1:02` while running; ` - 41s 690us/step` once the target is reached."""
        per_step = (now - self._start) / current if current else 0
        if self.target is not None and current < self.target:
            return ' - ETA: %s' % format_eta(per_step * (self.target - current))
        return ' - %.0fs %s' % (now - self._start, format_time_per_step(per_step))

    def _metrics_text(self, signed_threshold=False):
        """` - loss: 2.3012 - acc: 0.1016` from the running averages."""
        parts = []
        for name, (total, weight) in self._values.items():
            average = float(np.mean(total / max(1, weight)))  # values may be arrays
            parts.append(' - %s: %s' % (name, format_value(average, signed_threshold)))
        return ''.join(parts)

    @staticmethod
    def _write(text):
        """Write to the current sys.stdout and flush."""
        sys.stdout.write(text)
        sys.stdout.flush()
