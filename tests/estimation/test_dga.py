"""dga: decomposable graphs, their marginal likelihoods, and declining other list counts."""

import json

import numpy as np
import pytest
from scipy.special import gammaln

from zicht.estimation import CaptureHistories, dga
from zicht.estimation.dga import decomposable_graphs

from .conftest import load


@pytest.mark.parametrize(("k", "count"), [(3, 8), (4, 61), (5, 822)])
def test_number_of_decomposable_graphs(k, count):
    # Counts of labelled chordal graphs (OEIS A058862): 8, 61, 822; dga ships the same lists.
    assert len(decomposable_graphs(k)) == count


def test_chain_graph_has_two_cliques_and_one_separator():
    g = next(g for g in decomposable_graphs(3) if g.edges == ((0, 1), (1, 2)))
    assert sorted(map(sorted, g.cliques)) == [[0, 1], [1, 2]]
    assert [sorted(s) for s in g.separators] == [[1]]
    assert g.components == 1
    empty = next(g for g in decomposable_graphs(3) if g.edges == ())
    assert len(empty.cliques) == 3 and empty.separators == () and empty.components == 3


def test_four_cycle_is_not_decomposable():
    edges = {g.edges for g in decomposable_graphs(4)}
    assert ((0, 1), (0, 2), (1, 3), (2, 3)) not in edges  # the chordless 4-cycle 0-1-3-2-0
    assert ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)) in edges  # complete graph


def test_independence_graph_weight_is_the_dirichlet_multinomial_closed_form():
    """For the graph without edges the hyper-Dirichlet marginal likelihood is a product of
    one Beta-binomial-like term per list; dga's signed sum of set terms must equal it at
    every N up to a constant (the observed cells' factorials)."""
    from zicht.estimation.dga import _set_terms

    h = load("Korea")
    n, k, delta = h.observed, 3, 2.0**-3
    n0 = np.arange(0, 30 * n + 1, dtype=float)
    big_n = n + n0
    a_one = delta * 2 ** (k - 1)  # prior count per cell of a one-list margin
    a_plus = delta * 2**k
    by_hand = gammaln(big_n + 1) - gammaln(n0 + 1) - np.log(big_n)
    for t in h.list_totals.values():
        by_hand += gammaln(a_plus) - gammaln(big_n + a_plus)
        by_hand += gammaln(t + a_one) + gammaln(big_n - t + a_one) - 2 * gammaln(a_one)
    empty = next(g for g in decomposable_graphs(3) if g.edges == ())
    terms = _set_terms(h, n0, delta)
    norm = gammaln(a_plus) - gammaln(big_n + a_plus)
    ours = empty.coef @ terms + empty.components * norm
    ours += gammaln(big_n + 1) - gammaln(n0 + 1) - np.log(big_n)
    diff = ours - by_hand
    np.testing.assert_allclose(diff, diff[0], atol=1e-8)


def test_complete_graph_is_one_clique_without_separators():
    full = next(g for g in decomposable_graphs(3) if len(g.edges) == 3)
    assert [sorted(c) for c in full.cliques] == [[0, 1, 2]] and full.separators == ()
    assert full.coef[7] == 1 and full.coef.sum() == 1 and full.components == 1


@pytest.mark.parametrize("k", [2, 6])
def test_dga_declines_other_numbers_of_lists_without_exception(k):
    rng = np.random.default_rng(k)
    h = CaptureHistories(tuple("ABCDEF"[:k]), rng.integers(1, 30, size=2**k - 1))
    res = dga(h)
    assert res.estimate is None and res.ci is None
    assert res.reason == "lists"
    assert "3 to 5 lists" in res.warnings[-1]
    assert json.loads(json.dumps(res.to_dict()))["reason"] == "lists"
    assert "none" in res.summary()
