"""Per-kernel profile rows of a compiled function, printable as a table."""


class ProfileTable(list):
    """A list of dicts (kernel, node, calls, seconds, percent), slowest first."""

    @classmethod
    def from_plan(cls, plan, times):
        rows = []
        total = float(times[:, 0].sum()) or 1.0
        for step, (seconds, calls) in zip(plan.steps, times):
            rows.append({'kernel': step.kernel, 'node': step.label, 'calls': int(calls),
                         'seconds': float(seconds), 'percent': 100.0 * seconds / total})
        rows.sort(key=lambda row: -row['seconds'])
        return cls(rows)

    def __str__(self):
        lines = [f"{'kernel':<22}{'node':<28}{'calls':>7}{'seconds':>11}{'%':>7}"]
        for row in self:
            lines.append(f"{row['kernel']:<22}{row['node'][:27]:<28}{row['calls']:>7}"
                         f"{row['seconds']:>11.5f}{row['percent']:>7.1f}")
        return '\n'.join(lines)
