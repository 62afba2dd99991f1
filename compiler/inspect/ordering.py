"""Rank assignment and crossing reduction of a layered layout (the combinatorial half).

Ranks: longest path on the DAG (cycles broken by reversing DFS back edges), then nodes
pulled down next to their first reader. Edges spanning several ranks get one `Dummy` per rank
crossed, so every edge joins neighbouring ranks. Order: barycenter sweeps, down and up,
keeping the order with the fewest crossings; nodes of one group stay contiguous.
"""
import networkx as nx

SWEEPS = 8
_END = object()


class Dummy:
    """A bend point of the edge `edge` on one intermediate rank."""
    __slots__ = ('edge', 'index')

    def __init__(self, edge, index):
        self.edge, self.index = edge, index

    def __repr__(self):
        return f"Dummy({self.edge!r}, {self.index})"


def back_edges(graph):
    """Edges closing a cycle in an iterative DFS; reversing them leaves a DAG."""
    state, back = {}, []
    for start in graph:
        if start in state:
            continue
        state[start] = 'open'
        stack = [(start, iter(graph.successors(start)))]
        while stack:
            node, children = stack[-1]
            child = next(children, _END)
            if child is _END:
                state[node] = 'done'
                stack.pop()
            elif state.get(child) == 'open':
                back.append((node, child))
            elif child not in state:
                state[child] = 'open'
                stack.append((child, iter(graph.successors(child))))
    return back


def acyclic(graph):
    """(DAG with the graph's nodes, set of edges that were reversed); no self-loops."""
    reversed_edges = {edge for edge in back_edges(graph) if edge[0] != edge[1]}
    dag = nx.DiGraph()
    dag.add_nodes_from(graph)
    for source, target in graph.edges:
        if source == target:
            continue
        dag.add_edge(*((target, source) if (source, target) in reversed_edges
                       else (source, target)))
    return dag, reversed_edges


def assign_ranks(dag):
    """{node: rank}: longest path from the sources, then every node moved down to just
    above its first reader (so leaves and the small computations on them, such as an
    optimizer's step sizes, sit next to where they are used)."""
    rank = {}
    order = list(nx.topological_sort(dag))
    for node in order:
        rank[node] = max((rank[p] + 1 for p in dag.predecessors(node)), default=0)
    for node in reversed(order):
        if dag.out_degree(node) > 0:
            rank[node] = max(rank[node], min(rank[s] for s in dag.successors(node)) - 1)
    return rank


class Proper:
    """The DAG made proper: ranks (lists of nodes and dummies), up/down neighbours."""

    def __init__(self, dag, rank):
        count = max(rank.values(), default=-1) + 1
        self.ranks = [[] for _ in range(count)]
        self.rank_of, self.chains = dict(rank), {}
        self.up = {node: [] for node in dag}
        self.down = {node: [] for node in dag}
        for node in dag:
            self.ranks[rank[node]].append(node)
        for source, target in dag.edges:
            self._add_edge(source, target, rank)

    def _add_edge(self, source, target, rank):
        chain = [Dummy((source, target), i) for i in range(rank[target] - rank[source] - 1)]
        self.chains[(source, target)] = chain
        path = [source] + chain + [target]
        for index, dummy in enumerate(chain):
            self.rank_of[dummy] = rank[source] + 1 + index
            self.ranks[rank[source] + 1 + index].append(dummy)
            self.up[dummy], self.down[dummy] = [], []
        for upper, lower in zip(path, path[1:]):
            self.down[upper].append(lower)
            self.up[lower].append(upper)


def _inversions(values):
    """Number of pairs i < j with values[i] > values[j] (a Fenwick tree)."""
    size = max(values, default=0) + 2
    tree, count = [0] * (size + 1), 0
    for seen, value in enumerate(values):
        index, at_most = value + 1, 0
        while index > 0:
            at_most += tree[index]
            index -= index & -index
        count += seen - at_most
        index = value + 1
        while index <= size:
            tree[index] += 1
            index += index & -index
    return count


def crossings(proper, position):
    """Edge crossings between all neighbouring ranks for the given positions."""
    total = 0
    for layer in proper.ranks:
        pairs = sorted((position[u], position[v]) for u in layer for v in proper.down[u])
        total += _inversions([v for _, v in pairs])
    return total


def _sort_rank(layer, key, group_of):
    """Sort one rank by barycenter, members of a group kept together."""
    members = {}
    for node in layer:
        if group_of.get(node) is not None:
            members.setdefault(group_of[node], []).append(key[node])
    group_key = {group: sum(keys) / len(keys) for group, keys in members.items()}

    def sort_key(node):
        group = group_of.get(node)
        if group is None:
            return (key[node], '', key[node])
        return (group_key[group], str(group), key[node])
    layer.sort(key=sort_key)


def _sweep(proper, position, group_of, downward):
    ranks = proper.ranks if downward else list(reversed(proper.ranks))
    neighbours = proper.up if downward else proper.down
    for layer in ranks[1:]:
        key = {}
        for node in layer:
            near = neighbours[node]
            key[node] = (sum(position[n] for n in near) / len(near) if near
                         else position[node])
        _sort_rank(layer, key, group_of)
        position.update((node, index) for index, node in enumerate(layer))


def order_ranks(proper, initial, group_of, sweeps=SWEEPS):
    """Reorder `proper.ranks` in place to reduce crossings.

    Args:
        proper: the `Proper` graph.
        initial: {node: number} giving the first order of real nodes (dummies follow
            their edge's source).
        group_of: {node: group or None}; a group's members stay contiguous in a rank.
    """
    for layer in proper.ranks:
        layer.sort(key=lambda n: (initial[n.edge[0]], n.index) if isinstance(n, Dummy)
                   else (initial[n], -1))
        _sort_rank(layer, {n: i for i, n in enumerate(layer)}, group_of)
    position = {node: index for layer in proper.ranks for index, node in enumerate(layer)}
    best, best_count = [list(layer) for layer in proper.ranks], crossings(proper, position)
    for sweep in range(sweeps):
        _sweep(proper, position, group_of, downward=sweep % 2 == 0)
        count = crossings(proper, position)
        if count < best_count:
            best, best_count = [list(layer) for layer in proper.ranks], count
    proper.ranks[:] = best
    return best_count
