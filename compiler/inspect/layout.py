"""Layered layout of a directed graph, computed with networkx (no Graphviz program).

`layered_layout(graph, sizes, groups, rankdir)` returns node centres, edge routes (polylines
through the bend points of long edges) and one rectangle per rank for each group. The
work happens in abstract coordinates - `cross` along a rank, `main` across ranks - and is
turned to the requested direction at the end.
"""
from .labels import check_rankdir
from .ordering import Dummy, Proper, acyclic, assign_ranks, order_ranks

RANK_GAP = 56       # between the boxes of neighbouring ranks (room for edge labels)
NODE_GAP = 24       # between neighbouring boxes of one rank
GROUP_PAD = 8       # frame of a group around its boxes
GROUP_TITLE = 16    # room above a group's first box for its name
DUMMY_EXTENT = 4    # width reserved along a rank for an edge passing through it
DUMMY_GAP = 8       # between an edge passing through a rank and its neighbours
MARGIN = 20
BALANCE_ROUNDS = 6


class Layout:
    """Where everything goes, in final (rankdir) coordinates.

    Attributes:
        positions: {node: (x, y)} box centres.
        sizes: {node: (width, height)}.
        routes: {(source, target): [(x, y), ...]} edge polylines, source to target.
        group_boxes: {group: [(frame, title strip or None), ...]}: one frame (x0, y0,
            x1, y1) per rank the group spans; a strip where its name goes.
        width, height: of the whole drawing.
        crossings: edge crossings left by the ordering.
    """

    def __init__(self):
        self.positions, self.sizes, self.routes, self.group_boxes = {}, {}, {}, {}
        self.width = self.height = 0.0
        self.crossings = 0


def _extents(sizes, rankdir):
    """{node: (cross extent, main extent)} for the direction."""
    if rankdir in ('TB', 'BT'):
        return dict(sizes)
    return {node: (height, width) for node, (width, height) in sizes.items()}


def _group_of(proper, groups):
    """Groups of real nodes, and of dummies whose edge stays inside one group."""
    group_of = {node: groups.get(node) for node in proper.up if not isinstance(node, Dummy)}
    for (source, target), chain in proper.chains.items():
        shared = group_of.get(source) if group_of.get(source) == group_of.get(target) else None
        for dummy in chain:
            group_of[dummy] = shared
    return group_of


def _main_positions(proper, extents):
    """Main coordinate of each rank's centre line, and each rank's thickness."""
    thickness = [max((extents[n][1] for n in layer if n in extents), default=0.0)
                 for layer in proper.ranks]
    centres, at = [], MARGIN + GROUP_TITLE + GROUP_PAD
    for size in thickness:
        centres.append(at + size / 2)
        at += size + RANK_GAP
    return centres, thickness


def _separation(left, right, extents, group_of):
    gap = DUMMY_GAP if isinstance(left, Dummy) or isinstance(right, Dummy) else NODE_GAP
    if group_of.get(left) != group_of.get(right):
        gap += 2 * GROUP_PAD
    return (extents[left][0] + extents[right][0]) / 2 + gap


def _balance(layer, desired, extents, group_of):
    """Positions closest to `desired` keeping order and spacing: average of a
    left-to-right and a right-to-left placement (both feasible, so is their mean)."""
    count = len(layer)
    seps = [_separation(layer[i], layer[i + 1], extents, group_of) for i in range(count - 1)]
    pushed = [desired[layer[0]]]
    for i in range(1, count):
        pushed.append(max(desired[layer[i]], pushed[-1] + seps[i - 1]))
    pulled = [desired[layer[-1]]]
    for i in range(count - 2, -1, -1):
        pulled.append(min(desired[layer[i]], pulled[-1] - seps[i]))
    pulled.reverse()
    return {node: (a + b) / 2 for node, a, b in zip(layer, pushed, pulled)}


def _cross_positions(proper, extents, group_of):
    """Cross coordinate of every node: packed, then pulled toward its neighbours."""
    cross = {}
    for layer in proper.ranks:
        at = 0.0
        for index, node in enumerate(layer):
            if index:
                at += _separation(layer[index - 1], node, extents, group_of)
            cross[node] = at
    for round_index in range(BALANCE_ROUNDS):
        downward = round_index % 2 == 0
        ranks = proper.ranks if downward else list(reversed(proper.ranks))
        neighbours = proper.up if downward else proper.down
        for layer in ranks:
            desired = {}
            for node in layer:
                near = neighbours[node]
                desired[node] = (sum(cross[n] for n in near) / len(near) if near
                                 else cross[node])
            if layer:
                cross.update(_balance(layer, desired, extents, group_of))
    low = min((cross[n] - extents[n][0] / 2 for n in cross), default=0.0)
    shift = MARGIN + GROUP_PAD - low
    return {node: value + shift for node, value in cross.items()}


def _ports(node, neighbours, cross, extent, spread=0.7):
    """Cross offset where each edge meets `node`: spread along its side, in order."""
    ordered = sorted(neighbours, key=lambda n: cross[n])
    count = len(ordered)
    return {n: cross[node] + (i + 1) / (count + 1) * extent * spread - extent * spread / 2
            for i, n in enumerate(ordered)}


def _routes(graph, proper, reversed_edges, cross, main, extents):
    """Polylines (abstract coordinates) of the graph's edges, source to target."""
    out_ports = {n: _ports(n, proper.down[n], cross, extents[n][0]) for n in extents}
    in_ports = {n: _ports(n, proper.up[n], cross, extents[n][0]) for n in extents}
    routes = {}
    for source, target in graph.edges:
        if source == target:
            routes[(source, target)] = _self_loop(source, cross, main, extents)
            continue
        flipped = (source, target) in reversed_edges
        upper, lower = (target, source) if flipped else (source, target)
        chain = proper.chains[(upper, lower)]
        first = chain[0] if chain else lower
        last = chain[-1] if chain else upper
        points = [(out_ports[upper][first], main[upper] + extents[upper][1] / 2)]
        points += [(cross[d], main[d]) for d in chain]
        points.append((in_ports[lower][last], main[lower] - extents[lower][1] / 2))
        routes[(source, target)] = points[::-1] if flipped else points
    return routes


def _self_loop(node, cross, main, extents):
    right = cross[node] + extents[node][0] / 2
    quarter = extents[node][1] / 4
    return [(right, main[node] - quarter), (right + 18, main[node] - quarter),
            (right + 18, main[node] + quarter), (right, main[node] + quarter)]


def _group_spans(proper, group_of, cross, extents):
    """{group: {rank: (low, high)}}: the cross extent of each group in each rank."""
    spans = {}
    for rank, layer in enumerate(proper.ranks):
        for node in layer:
            group = group_of.get(node)
            if group is None:
                continue
            half = extents[node][0] / 2 if node in extents else DUMMY_EXTENT / 2
            low, high = spans.setdefault(group, {}).get(rank, (float('inf'), float('-inf')))
            spans[group][rank] = (min(low, cross[node] - half), max(high, cross[node] + half))
    return spans


def _overlaps(span, other):
    return other is not None and span[0] <= other[1] and other[0] <= span[1]


def _group_boxes(proper, group_of, cross, centres, thickness, extents):
    """Frames of the groups, one per rank, joined across ranks where they overlap.

    Returns:
        {group: [(frame, title strip or None)]} in abstract (cross0, main0, cross1, main1)
        rectangles; a frame not joined to the one above gets a strip for the group name.
    """
    frames = {}
    for group, by_rank in _group_spans(proper, group_of, cross, extents).items():
        for rank, (low, high) in sorted(by_rank.items()):
            edge_top = centres[rank] - thickness[rank] / 2
            edge_bottom = centres[rank] + thickness[rank] / 2
            bottom = edge_bottom + GROUP_PAD
            if _overlaps((low, high), by_rank.get(rank + 1)):
                bottom = edge_bottom + RANK_GAP / 2
            left, right = low - GROUP_PAD, high + GROUP_PAD
            if _overlaps((low, high), by_rank.get(rank - 1)):
                frame, strip = (left, edge_top - RANK_GAP / 2, right, bottom), None
            else:
                top = edge_top - GROUP_PAD - GROUP_TITLE
                frame, strip = (left, top, right, bottom), (left, top, right, top + GROUP_TITLE)
            frames.setdefault(group, []).append((frame, strip))
    return frames


def layered_layout(graph, sizes, groups=None, rankdir='TB'):
    """Lay out a networkx.DiGraph in ranks.

    Args:
        graph: the directed graph (cycles allowed: their back edges are drawn reversed).
        sizes: {node: (width, height)} of every box.
        groups: optional {node: group name}; a group's boxes stay together in each rank.
        rankdir: 'TB', 'LR', 'BT' or 'RL'.
    Returns:
        A `Layout`.
    """
    check_rankdir(rankdir)
    dag, reversed_edges = acyclic(graph)
    proper = Proper(dag, assign_ranks(dag))
    group_of = _group_of(proper, groups or {})
    extents = _extents(sizes, rankdir)
    crossings = order_ranks(proper, {n: i for i, n in enumerate(graph)}, group_of)
    for_layout = dict(extents)
    for node in proper.rank_of:
        if isinstance(node, Dummy):
            for_layout[node] = (DUMMY_EXTENT, 0.0)
    centres, thickness = _main_positions(proper, for_layout)
    main = {node: centres[rank] for node, rank in proper.rank_of.items()}
    cross = _cross_positions(proper, for_layout, group_of)
    routes = _routes(graph, proper, reversed_edges, cross, main, extents)
    boxes = _group_boxes(proper, group_of, cross, centres, thickness, extents)
    return _oriented(graph, sizes, cross, main, routes, boxes, rankdir, crossings)


def _oriented(graph, sizes, cross, main, routes, boxes, rankdir, crossings):
    """Turn abstract (cross, main) coordinates into x, y for the direction."""
    real = list(graph)
    extents = _extents(sizes, rankdir)
    far_cross = max([cross[n] + extents[n][0] / 2 for n in real]
                    + [f[2] for frames in boxes.values() for f, _ in frames], default=0.0)
    far_main = max([main[n] + extents[n][1] / 2 for n in real]
                   + [f[3] for frames in boxes.values() for f, _ in frames], default=0.0)
    extent_cross, extent_main = far_cross + MARGIN, far_main + MARGIN

    def point(c, m):
        return {'TB': (c, m), 'BT': (c, extent_main - m),
                'LR': (m, c), 'RL': (extent_main - m, c)}[rankdir]

    def box(c0, m0, c1, m1):
        (x0, y0), (x1, y1) = point(c0, m0), point(c1, m1)
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    layout = Layout()
    layout.sizes = dict(sizes)
    layout.positions = {n: point(cross[n], main[n]) for n in real}
    layout.routes = {edge: [point(c, m) for c, m in pts] for edge, pts in routes.items()}
    layout.group_boxes = {group: [(box(*frame), box(*strip) if strip else None)
                                  for frame, strip in frames]
                          for group, frames in boxes.items()}
    layout.width, layout.height = extent_cross, extent_main
    if rankdir in ('LR', 'RL'):
        layout.width, layout.height = extent_main, extent_cross
    layout.crossings = crossings
    return layout
