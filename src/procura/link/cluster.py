"""Clusters from links, under the constraints a prosecutor expects.

Plain connected components let one weak chain merge two people who hold
different identity numbers. Here links are applied strongest first and a link
is refused when it would put two different valid identifiers (or two mentions
a reviewer judged *different*) into one entity. Reviewer *same* judgements are
applied before everything else and always hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# A weak node's best candidate must be this many times likelier than the next.
DOMINANCE = 10.0


@dataclass
class Clustering:
    """Union-find over nodes with identifier and cannot-link constraints."""

    identifiers: Sequence[str | None]
    parent: list[int] = field(init=False)
    ident: list[str | None] = field(init=False)
    forbid: dict[int, set[int]] = field(init=False, default_factory=dict)
    # The strongest accepted link touching each node: (probability, rule).
    best: dict[int, tuple[float, str]] = field(init=False, default_factory=dict)
    refused: int = field(init=False, default=0)
    # Per weak or loose node that had candidates: (decision, best, runner-up, the best edge's
    # other node); decision is "attached", "ambiguous" (no clear margin) or "blocked".
    decisions: dict[int, tuple[str, float, float, int]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.parent = list(range(len(self.identifiers)))
        self.ident = list(self.identifiers)

    def find(self, node: int) -> int:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:  # path compression
            self.parent[node], node = root, self.parent[node]
        return root

    def _forbidden(self, ra: int, rb: int) -> bool:
        return any(self.find(x) == rb for x in self.forbid.get(ra, ())) or any(
            self.find(x) == ra for x in self.forbid.get(rb, ())
        )

    def _join(self, ra: int, rb: int) -> None:
        if ra > rb:
            ra, rb = rb, ra
        self.parent[rb] = ra
        if self.ident[ra] is None:
            self.ident[ra] = self.ident[rb]
        if rb in self.forbid:
            self.forbid.setdefault(ra, set()).update(self.forbid.pop(rb))

    def _note(self, a: int, b: int, probability: float, rule: str) -> None:
        for node in (a, b):
            if node not in self.best or self.best[node][0] < probability:
                self.best[node] = (probability, rule)

    def cannot_link(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Forbid these node pairs from ever sharing a cluster (unless forced)."""
        for a, b in pairs:
            self.forbid.setdefault(a, set()).add(b)
            self.forbid.setdefault(b, set()).add(a)

    def force(self, pairs: Iterable[tuple[int, int]], rule: str = "judgement") -> None:
        """Join these node pairs regardless of constraints (reviewer decisions)."""
        for a, b in pairs:
            self._note(a, b, 1.0, rule)
            ra, rb = self.find(a), self.find(b)
            if ra != rb:
                self._join(ra, rb)

    def link(self, edges: Iterable[tuple[int, int, float]], rule: str) -> None:
        """Apply scored links, strongest first, refusing those that break a constraint."""
        for a, b, probability in sorted(edges, key=lambda e: -e[2]):
            ra, rb = self.find(a), self.find(b)
            if ra == rb:
                self._note(a, b, probability, rule)
                continue
            ia, ib = self.ident[ra], self.ident[rb]
            if (ia is not None and ib is not None and ia != ib) or self._forbidden(ra, rb):
                self.refused += 1
                continue
            self._join(ra, rb)
            self._note(a, b, probability, rule)

    def _sizes(self) -> dict[int, int]:
        sizes: dict[int, int] = {}
        for node in range(len(self.parent)):
            root = self.find(node)
            sizes[root] = sizes.get(root, 0) + 1
        return sizes

    def alone(self, identifiers: Sequence[str | None]) -> set[int]:
        """Nodes without an identifier that no link has joined to another node."""
        sizes = self._sizes()
        return {n for n, ident in enumerate(identifiers) if ident is None and sizes[self.find(n)] == 1}

    def attach(self, edges: Iterable[tuple[int, int, float]], weak: set[int], rule: str,
               loose: set[int] | frozenset[int] = frozenset()) -> int:
        """Join each weak or loose node to its one candidate cluster.

        ``edges`` are (node, other node, probability) below the match
        threshold, for nodes in ``weak`` (a name and nothing else) or
        ``loose`` (more than a name, but nothing its candidates also carry,
        and still alone). Such a node joins the single cluster its edges
        reach; when they reach two or more clusters (namesakes) it stays
        alone, unless one is ``DOMINANCE`` times likelier. Strongest nodes go
        first. Returns how many joined.
        """
        by_node: dict[int, list[tuple[int, float]]] = {}
        for a, b, probability in edges:
            if a in weak or a in loose:
                by_node.setdefault(a, []).append((b, probability))
        order = sorted(by_node, key=lambda n: -max(p for _, p in by_node[n]))
        # Clusters that hold more than weak nodes are settled: weak evidence does not merge them.
        settled = {self.find(n) for n in range(len(self.parent)) if n not in weak}
        sizes = self._sizes()
        grown = {n for n in loose if sizes[self.find(n)] > 1}  # a loose node attaches only while alone
        joined = 0
        for node in order:
            root = self.find(node)
            if (node in weak and root in settled) or (node in loose and node in grown):
                continue
            candidates: dict[int, tuple[float, int]] = {}
            for other, probability in by_node[node]:
                other_root = self.find(other)
                if other_root != root and probability > candidates.get(other_root, (-1.0, -1))[0]:
                    candidates[other_root] = (probability, other)
            # Settled clusters compete with each other; other weak mentions only count
            # when no settled cluster is in reach.
            settled_candidates = {r: c for r, c in candidates.items() if r in settled}
            pool = sorted((settled_candidates or candidates).items(), key=lambda c: -c[1][0])
            if not pool:
                continue
            target, (probability, via) = pool[0]
            runner_up = pool[1][1][0] if len(pool) > 1 else 0.0
            # One candidate, or one that clearly outscores the rest (sex or context disagree).
            if len(pool) > 1 and probability < DOMINANCE * runner_up:
                self.decisions[node] = ("ambiguous", probability, runner_up, via)
                continue
            ia, ib = self.ident[root], self.ident[target]
            if (ia is not None and ib is not None and ia != ib) or self._forbidden(root, target):
                self.decisions[node] = ("blocked", probability, runner_up, via)
                continue
            self.decisions[node] = ("attached", probability, runner_up, via)
            self._join(root, target)
            grown.update((node, target, self.find(root)))
            if target in settled or root in settled:
                settled.add(self.find(root))
            self._note(node, node, probability, rule)
            joined += 1
        return joined

    def roots(self) -> list[int]:
        """The cluster (smallest member node) of every node."""
        return [self.find(n) for n in range(len(self.parent))]
