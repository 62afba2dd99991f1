"""Rewrite passes: small named rules registered to passes, one driver to a fixpoint.

A rule is a function(node) -> replacement tensor or None. `optimize` applies every pass
in PASS_ORDER, each to a fixpoint (bounded), and returns the log of rules that fired.
"""
from ..graph import rebuild
from ..ir import toposort

PASS_ORDER = ('canonicalize', 'stabilize', 'specialize', 'merge', 'dce', 'epilogue', 'fuse')
RULES = {name: [] for name in PASS_ORDER}
GRAPH_PASSES = {}      # pass name -> function(roots, log) -> roots (whole-graph passes)
MAX_ITERATIONS = 20
MAX_GROWTH = 2.0       # a pass stops once the graph has grown past this factor


def register(pass_name):
    """Decorator adding a rule to a pass."""
    def add(rule):
        RULES[pass_name].append(rule)
        return rule
    return add


def optimize(roots, passes=PASS_ORDER):
    """Apply the passes to the graph of `roots`; returns (new roots, log)."""
    log = []
    for pass_name in passes:
        if pass_name in GRAPH_PASSES:
            roots = GRAPH_PASSES[pass_name](roots, log)
            continue
        rules = RULES[pass_name]
        for _ in range(MAX_ITERATIONS):
            fired = []

            def apply(node):
                for rule in rules:
                    result = rule(node)
                    if result is not None and result is not node:
                        fired.append((pass_name, rule.__name__, node.name))
                        return result
                return None
            roots, visited = rebuild(roots, {}, apply)     # visited: the nodes before
            log.extend(fired)
            if not fired:
                break
            if len(toposort(roots)) > MAX_GROWTH * len(visited):
                log.append((pass_name, 'budget', f"stopped: graph grew past {MAX_GROWTH}x"))
                break
    return roots, log


# The rule modules register themselves into RULES when imported: this list is all of them.
from . import canonicalize, products, simplify, slices, specialize, stabilize  # noqa: E402,F401,E501
from .dce import eliminate_dead_code  # noqa: E402
from .epilogue import fuse_epilogues  # noqa: E402
from .fuse import fuse_elementwise  # noqa: E402
from .merge import merge_duplicates  # noqa: E402

GRAPH_PASSES['dce'] = eliminate_dead_code
GRAPH_PASSES['merge'] = merge_duplicates
GRAPH_PASSES['epilogue'] = fuse_epilogues
GRAPH_PASSES['fuse'] = fuse_elementwise
