from procura.link.cluster import Clustering


def test_strong_links_join_and_conflicting_identifiers_are_refused() -> None:
    # nodes 0 and 1 carry different valid ids; node 2 has none and resembles both.
    c = Clustering(["110101199001011234", "110101199001015678", None])
    c.link([(0, 2, 0.99), (1, 2, 0.97)], "splink")
    roots = c.roots()
    assert roots[0] == roots[2] != roots[1]
    assert c.refused == 1
    assert c.best[2] == (0.99, "splink")


def test_cannot_link_keeps_nodes_apart_even_through_a_chain() -> None:
    c = Clustering([None, None, None])
    c.cannot_link([(0, 2)])
    c.link([(0, 1, 0.99), (1, 2, 0.98)], "splink")
    roots = c.roots()
    assert roots[0] == roots[1] != roots[2]


def test_forced_links_override_identifier_conflicts() -> None:
    c = Clustering(["A", "B"])
    c.force([(0, 1)])
    assert c.roots() == [0, 0]
    assert c.best[1] == (1.0, "judgement")


def test_links_are_applied_strongest_first() -> None:
    c = Clustering(["A", None, "B"])
    # Given weakest first, the stronger link to B must still win.
    c.link([(0, 1, 0.96), (2, 1, 0.999)], "splink")
    roots = c.roots()
    assert roots[1] == roots[2] != roots[0]


def test_weak_node_joins_its_sole_settled_candidate() -> None:
    # 0: id-bearing cluster; 1: weak (name only) reaching only 0.
    c = Clustering(["A", None])
    assert c.attach([(1, 0, 0.3)], weak={1}, rule="sole_candidate") == 1
    assert c.roots() == [0, 0]
    assert c.best[1] == (0.3, "sole_candidate")


def test_weak_node_between_namesakes_stays_alone() -> None:
    c = Clustering(["A", "B", None])
    assert c.attach([(2, 0, 0.3), (2, 1, 0.25)], weak={2}, rule="sole_candidate") == 0
    assert len(set(c.roots())) == 3


def test_a_dominant_candidate_wins() -> None:
    c = Clustering(["A", "B", None])
    c.attach([(2, 0, 0.5), (2, 1, 0.04)], weak={2}, rule="sole_candidate")
    assert c.roots()[2] == c.roots()[0] != c.roots()[1]


def test_settled_candidates_outrank_other_weak_mentions() -> None:
    # Two weak mentions of one name and one settled cluster: both join the settled one.
    c = Clustering(["A", None, None])
    c.attach([(1, 0, 0.3), (1, 2, 0.3), (2, 0, 0.3), (2, 1, 0.3)], weak={1, 2}, rule="sole_candidate")
    assert len(set(c.roots())) == 1


def test_weak_mentions_alone_join_each_other_and_settled_clusters_never_merge() -> None:
    c = Clustering([None, None, "A", "B"])
    c.attach([(0, 1, 0.3), (1, 0, 0.3)], weak={0, 1}, rule="sole_candidate")
    assert c.roots()[0] == c.roots()[1]
    # A non-weak node's edges are ignored: settled clusters are not merged by weak evidence.
    c.attach([(2, 3, 0.9)], weak={0, 1}, rule="sole_candidate")
    assert c.roots()[2] != c.roots()[3]


def test_a_loose_node_attaches_while_alone_and_its_namesake_competes() -> None:
    # 0: identified person; 1: name + phone, alone; 2: name + address, alone (a namesake of 1?).
    c = Clustering(["A", None, None])
    assert c.alone(c.identifiers) == {1, 2}
    # 1 reaches only 0: it joins. 2 then reaches 0's cluster and, as a settled candidate, nothing else.
    assert c.attach([(1, 0, 0.6), (2, 0, 0.5)], weak=set(), rule="sole_candidate", loose={1, 2}) == 2
    assert len(set(c.roots())) == 1
    # Two loose namesakes in reach of a loose node: neither is settled enough to win.
    c = Clustering(["A", None, "B"])
    assert c.attach([(1, 0, 0.5), (1, 2, 0.5)], weak=set(), rule="sole_candidate", loose={1}) == 0
    assert len(set(c.roots())) == 3


def test_a_loose_node_already_linked_does_not_attach_again() -> None:
    c = Clustering(["A", None, None, "B"])
    c.link([(1, 2, 0.99)], "splink")
    assert c.alone(c.identifiers) == set()
    assert c.attach([(1, 0, 0.6)], weak=set(), rule="sole_candidate", loose={1}) == 0
    # A name-only node still cannot merge a settled cluster into another one.
    assert c.attach([(1, 3, 0.6)], weak={1}, rule="sole_candidate") == 0
    assert len(set(c.roots())) == 3
