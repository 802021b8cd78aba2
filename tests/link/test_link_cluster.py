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
