"""Clustering: from scored pairs to vacancies, guarded against chaining.

Plain connected components over the accepted pairs chain: A~B and B~C put A and C together
even when A and C were compared and found different (two branches of a chain, two jobs of
one employer). Here a component of accepted pairs is kept as it is only if it is
consistent: every compared pair inside it was accepted, it holds at most one known value
of each exclusive attribute (postcode, town, weekly hours), and it has at most `max_size`
postings. Any other component is rebuilt by average-linkage agglomeration: starting from
single postings (or the given groups), the two clusters whose compared pairs have the
highest mean probability are merged, as long as that mean reaches the threshold, no pair
between them is known to be different and the result stays consistent. Most components
are consistent, so the Python loop runs on few of them.

Pure functions over numpy arrays; nodes are row positions 0..n-1.
"""

from __future__ import annotations

import heapq

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

MAX_CLUSTER_SIZE = 200


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected component label per node."""
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _inconsistent(
    component: np.ndarray,
    exclusive: list[np.ndarray],
    rejected_left: np.ndarray,
    rejected_right: np.ndarray,
    max_size: int,
) -> np.ndarray:
    """Labels of components that break a guard and must be rebuilt."""
    inside = component[rejected_left] == component[rejected_right]
    bad = [component[rejected_left][inside]]
    for values in exclusive:
        known = values >= 0
        frame = pd.DataFrame({"c": component[known], "v": values[known]})
        distinct = frame.drop_duplicates().groupby("c").size()
        bad.append(distinct.index[distinct > 1].to_numpy())
    sizes = np.bincount(component)
    bad.append(np.flatnonzero(sizes > max_size))
    return np.unique(np.concatenate(bad))


class _Agglomeration:
    """Average linkage over one component's compared pairs, with the guards at each merge."""

    def __init__(self, units: dict[int, list[int]], exclusive: list[np.ndarray], max_size: int):
        self.size = {u: len(m) for u, m in units.items()}
        self.values = {
            u: [frozenset(int(v) for v in attr[m] if v >= 0) for attr in exclusive]
            for u, m in units.items()
        }
        self.members = units
        self.links: dict[int, dict[int, list[float]]] = {u: {} for u in units}  # sum, count
        self.blocked: dict[int, set[int]] = {u: set() for u in units}
        self.max_size = max_size

    def add_pair(self, a: int, b: int, probability: float, apart: bool) -> None:
        """A compared pair between units a and b (ignored inside one unit)."""
        if a == b:
            return
        if apart:
            self.blocked[a].add(b)
            self.blocked[b].add(a)
        link = self.links[a].setdefault(b, [0.0, 0])
        link[0] += probability
        link[1] += 1
        self.links[b][a] = link

    def _can_merge(self, a: int, b: int) -> bool:
        if b in self.blocked[a] or self.size[a] + self.size[b] > self.max_size:
            return False
        return all(
            va <= vb or vb <= va for va, vb in zip(self.values[a], self.values[b], strict=True)
        )

    def run(self, threshold: float) -> dict[int, int]:
        """Merge while the best mean link reaches `threshold`; returns unit -> cluster root."""
        heap = [(-s / c, a, b) for a in self.links for b, (s, c) in self.links[a].items() if a < b]
        heapq.heapify(heap)
        root = {u: u for u in self.links}
        alive = set(self.links)
        while heap:
            score, a, b = heapq.heappop(heap)
            if -score < threshold:
                break
            if a not in alive or b not in alive:
                continue
            link = self.links[a].get(b)
            if link is None or abs(link[0] / link[1] + score) > 1e-12 or not self._can_merge(a, b):
                continue
            self._merge(a, b, alive, root)
            for other, (s, c) in self.links[a].items():
                heapq.heappush(heap, (-s / c, min(a, other), max(a, other)))
        return {u: self._find(root, u) for u in root}

    def _merge(self, a: int, b: int, alive: set[int], root: dict[int, int]) -> None:
        """Fold unit b into unit a: sizes, values, links and blocks."""
        alive.discard(b)
        root[b] = a
        self.size[a] += self.size.pop(b)
        self.values[a] = [
            va | vb for va, vb in zip(self.values[a], self.values.pop(b), strict=True)
        ]
        for other, (s, c) in self.links.pop(b).items():
            if other == a:
                continue
            link = self.links[a].setdefault(other, [0.0, 0])
            link[0] += s
            link[1] += c
            self.links[other].pop(b, None)
            self.links[other][a] = link
        self.links[a].pop(b, None)
        for other in self.blocked.pop(b):
            self.blocked[other].discard(b)
            self.blocked[other].add(a)
            self.blocked[a].add(other)

    @staticmethod
    def _find(root: dict[int, int], unit: int) -> int:
        while root[unit] != unit:
            unit = root[unit]
        return unit


def cluster(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    *,
    threshold: float,
    apart: np.ndarray | None = None,
    exclusive: list[np.ndarray] | None = None,
    groups: np.ndarray | None = None,
    max_size: int = MAX_CLUSTER_SIZE,
) -> np.ndarray:
    """A cluster label (0..k-1) per node.

    Args:
        n: number of nodes (postings).
        left, right, probability: every compared pair and its match probability; pairs at
            or above `threshold` are accepted.
        apart: per pair, True if it is known to be two different openings (a hard rule);
            such a pair never ends up in one cluster.
        exclusive: per attribute, an int code per node (-1 unknown); a cluster may not
            gain a second known value (postcode, town, weekly hours).
        groups: an initial cluster per node that stays together (previous vacancies of an
            incremental run); default: every node alone.
        max_size: no cluster grows beyond this many nodes through a merge.
    """
    exclusive = exclusive or []
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    probability = np.asarray(probability, dtype=np.float64)
    apart = np.zeros(len(left), dtype=bool) if apart is None else np.asarray(apart, dtype=bool)
    groups = np.arange(n) if groups is None else pd.factorize(groups)[0]
    accepted = (probability >= threshold) & ~apart
    anchor = pd.Series(np.arange(n)).groupby(groups).transform("first").to_numpy()
    component = _components(
        n,
        np.concatenate([left[accepted], np.arange(n)]),
        np.concatenate([right[accepted], anchor]),
    )
    rejected = ~accepted & (groups[left] != groups[right])
    bad = _inconsistent(component, exclusive, left[rejected], right[rejected], max_size)
    if len(bad) == 0:
        return pd.factorize(component)[0]
    labels = component.astype(np.int64).copy()
    offset = int(component.max()) + 1
    is_bad = np.isin(component, bad)
    nodes = np.flatnonzero(is_bad)
    nodes = nodes[np.argsort(component[nodes], kind="stable")]
    node_chunks = np.split(nodes, np.flatnonzero(np.diff(component[nodes])) + 1)
    pairs = np.flatnonzero(is_bad[left] & (component[left] == component[right]))
    pairs = pairs[np.argsort(component[left[pairs]], kind="stable")]
    pair_component = component[left[pairs]]
    firsts = np.array([component[chunk[0]] for chunk in node_chunks])
    starts = np.searchsorted(pair_component, firsts, "left")
    ends = np.searchsorted(pair_component, firsts, "right")
    unit_a, unit_b = groups[left[pairs]].tolist(), groups[right[pairs]].tolist()
    pair_p, pair_apart = probability[pairs].tolist(), apart[pairs].tolist()
    for chunk, start, end in zip(node_chunks, starts.tolist(), ends.tolist(), strict=True):
        units: dict[int, list[int]] = {}
        for node in chunk.tolist():
            units.setdefault(int(groups[node]), []).append(node)
        agglomeration = _Agglomeration(units, exclusive, max_size)
        for k in range(start, end):
            agglomeration.add_pair(unit_a[k], unit_b[k], pair_p[k], pair_apart[k])
        roots = agglomeration.run(threshold)
        for g, members in units.items():
            labels[members] = offset + roots[g]
    return pd.factorize(labels)[0]
