"""The match list: every match reachable (no silent cap), paginated, a few queries a page."""

import pytest
from django.urls import reverse

from tests.linkage.conftest import make_matches
from zicht.accounts.constants import Role
from zicht.linkage import selectors
from zicht.linkage.models import Match

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_and_care(make_member):
    return make_member(role=Role.PROFESSIONAL), make_member(role=Role.PROFESSIONAL)


def test_more_than_500_matches_are_all_listed_25_a_page(
    police_and_care, login, django_assert_max_num_queries
):
    police, care = police_and_care
    made = make_matches(police, care, 23, 23)  # 529 > the old cap of 500
    oldest = min(made, key=lambda m: m.pk)
    client = login(police)
    url = reverse("linkage:match_list")
    # 12 whatever the number (was ~2 per match), plus one to read the young people of the
    # page and the audit event that names were shown (issue 11).
    with django_assert_max_num_queries(21):
        response = client.get(url)
    page = response.context["page"]
    assert page.paginator.count == 529 and page.paginator.num_pages == 22
    assert len(response.context["matches"]) == 25
    assert selectors.possible_match_count(membership=police) == 529

    # The oldest pending match is on the last page, and can still be decided.
    last = client.get(url, {"page": 22})
    assert [m.match.pk for m in last.context["matches"]][-1] == oldest.pk
    assert len(last.context["matches"]) == 529 - 21 * 25
    decided = client.post(
        reverse("linkage:match_decide", args=[oldest.pk]),
        {"decision": "confirm", "next": f"{url}?page=22"},
    )
    assert decided.status_code == 302 and decided["Location"] == f"{url}?page=22"
    oldest.refresh_from_db()
    assert oldest.status == "confirmed"
    assert selectors.possible_match_count(membership=police) == 528
    assert selectors.possible_match_count(membership=care) == 528


def test_the_status_filter_is_kept_in_the_page_links(police_and_care, login):
    police, care = police_and_care
    make_matches(police, care, 6, 10)  # 60 possible
    Match.objects.filter(pk__in=Match.objects.order_by("pk").values("pk")[:5]).update(
        status="rejected"
    )
    client = login(police)
    url = reverse("linkage:match_list")
    response = client.get(url, {"status": "possible", "page": 2})
    page = response.context["page"]
    assert page.paginator.count == 55 and page.number == 2
    assert {m.match.status for m in response.context["matches"]} == {"possible"}
    html = response.content.decode()
    assert "status=possible&amp;page=1" in html and "status=possible&amp;page=3" in html
    rejected = client.get(url, {"status": "rejected"})
    assert rejected.context["page"].paginator.count == 5
    confirmed = client.get(url, {"status": "confirmed"})
    assert confirmed.context["page"].paginator.count == 0
    assert "Geen matches met deze status." in confirmed.content.decode()
    # An unknown status is ignored rather than an error.
    assert client.get(url, {"status": "nonsense"}).context["page"].paginator.count == 60


def test_other_organisations_and_internal_matches_are_not_listed(
    police_and_care, make_member, login
):
    police, care = police_and_care
    outsider = make_member(role=Role.PROFESSIONAL)
    make_matches(police, care, 2, 2)
    make_matches(care, outsider, 3, 3)
    make_matches(police, police, 1, 2, status="internal")
    assert selectors.match_list(membership=police).count() == 4
    assert selectors.match_list(membership=care).count() == 13
    assert selectors.possible_match_count(membership=police) == 4
    views = selectors.match_views(
        membership=police, matches=selectors.match_list(membership=police)
    )
    assert len(views) == 4
    assert {v.own.organisation_id for v in views} == {police.organisation_id}
    assert {v.other.organisation_id for v in views} == {care.organisation_id}
    page = login(police).get(reverse("linkage:match_list")).context["page"]
    assert page.paginator.count == 4


def test_matches_waiting_for_a_decision_come_first(police_and_care, login):
    police, care = police_and_care
    make_matches(police, care, 3, 4)  # 12 possible
    newest = Match.objects.order_by("-pk")[:6]
    Match.objects.filter(pk__in=[m.pk for m in newest]).update(status="confirmed")
    statuses = [m.status for m in selectors.match_list(membership=police)]
    assert statuses == ["possible"] * 6 + ["confirmed"] * 6
