"""What a node box says and how it is coloured: shared by the DOT, SVG and HTML views."""

RANKDIRS = ('TB', 'LR', 'BT', 'RL')
MAX_LABEL = 40          # characters of an op description shown in a box
MAX_FUSED_LINES = 12    # ops listed in a fused box before "... and N more"

FILLS = {'input': '#dbeafe', 'variable': '#fef3c7', 'constant': '#e5e7eb',
         'op': '#ffffff', 'fused': '#dcfce7', 'layer': '#ffffff'}


def check_rankdir(rankdir):
    """Return rankdir, or raise a ValueError listing the valid directions."""
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir: expected one of {RANKDIRS}, received {rankdir!r}")
    return rankdir


def format_shape(shape):
    """(None, 28, 28, 1) -> '(None, 28, 28, 1)'; an unknown shape -> '?'."""
    return '?' if shape is None else str(tuple(shape))


def shorten(text, limit=MAX_LABEL):
    return text if len(text) <= limit else text[:limit - 3] + '...'


def box_lines(data):
    """The text lines of a node's box: given `lines`, a fused op list, or op/name/type."""
    if 'lines' in data:
        return [str(line) for line in data['lines']]
    type_line = f"{format_shape(data.get('shape'))} {data.get('dtype', '')}".strip()
    fused = data.get('fused')
    if fused:
        shown = list(fused[:MAX_FUSED_LINES])
        if len(fused) > MAX_FUSED_LINES:
            shown.append(f"... and {len(fused) - MAX_FUSED_LINES} more")
        lines = [f"Fused: {len(fused)} ops"] + ['- ' + op for op in shown] + [type_line]
    elif data.get('kind', 'op') != 'op':
        lines = [f"{data.get('kind')} '{shorten(str(data.get('name', '')))}'", type_line]
    else:
        lines = [shorten(str(data.get('label', data.get('op', '')))),
                 shorten(str(data.get('name', ''))), type_line]
    if 'seconds' in data:
        lines.append(f"{1000 * data['seconds']:.3f} ms ({data.get('percent', 0):.1f}%)")
    return lines


def fill_color(data):
    if data.get('fused'):
        return FILLS['fused']
    return data.get('fill') or FILLS.get(data.get('kind', 'op'), FILLS['op'])


def edge_label(data):
    """The text on an edge: its `label`, else the shape of the tensor flowing."""
    if 'label' in data:
        return str(data['label'])
    return format_shape(data['shape']) if 'shape' in data else ''
