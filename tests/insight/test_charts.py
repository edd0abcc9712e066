"""Server-side SVG charts: they show the published (suppressed) figures, never more."""

import pytest
from django.urls import reverse

from tests.insight.test_dashboard import some_signals  # noqa: F401 (fixture)
from zicht.accounts.constants import Role
from zicht.insight import charts


def test_bar_chart_labels_suppressed_cells_as_the_table_does():
    svg = charts.bar_chart(["Politie", "School"], [12, "<10"], title="Signalen")
    assert svg.startswith("<svg")
    assert "&lt;10" in svg and "12" in svg


def test_upset_chart_draws_a_bar_per_combination_and_a_dot_per_source():
    sets = ["Politie", "Jeugdzorg", "School"]
    combinations = [("Politie",), ("Politie", "School"), ("Jeugdzorg",)]
    svg = charts.upset_chart(
        combinations, [40, "<10", 11], sets=sets, title="Combinaties", ylabel="Personen"
    )
    for label in (*sets, "Combinaties", "Personen", "&lt;10", "40", "11"):
        assert label in svg
    # One marker per source per combination (3 x 3), filled or grey.
    assert svg.count("#0b5d6b") > svg.count("#d5dcde") > 0


@pytest.mark.django_db
def test_an_overlap_of_three_persons_is_a_sentence_not_an_empty_chart(
    make_member,
    login,
    some_signals,  # noqa: F811
):
    """Three persons: every combination is "<10"; an UpSet chart would be an empty axis
    with overlapping labels, so the page says so in words and draws nothing."""
    client = login(make_member(role=Role.ANALYST))
    svg = client.get(reverse("insight:chart", args=["overlap"])).content.decode()
    assert "<rect" not in svg and "<circle" not in svg and "Geen grafiek" in svg
    html = client.get(reverse("insight:dashboard")).content.decode()
    section = html.split('id="s-overlap"')[1].split("</section>")[0]
    assert "<svg" not in section
    assert "Geen grafiek" in section or "No chart" in section
    assert "&lt;10" in section  # the table still publishes the suppressed cell
