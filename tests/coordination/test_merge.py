"""One file per person, also when the match is confirmed after both referrals."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zicht.accounts.constants import Role
from zicht.coordination import selectors, services, workflow
from zicht.coordination.constants import FileStatus
from zicht.coordination.models import CoordinationFile
from zicht.linkage.models import Match

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_files(professional, make_member, make_signal, refer):
    other = make_member(role=Role.PROFESSIONAL)
    a = make_signal(professional, given="Anna", surname="Jansen")
    b = make_signal(other, given="Anna", surname="Jansen")
    Match.objects.filter(signal_a_id__in=[a.pk, b.pk]).update(status="possible")
    first = refer(professional, a).file
    second = refer(other, b, urgency="acute").file
    return first, second


def test_files_merge_after_the_match_is_confirmed(two_files, coordinator, login):
    first, second = two_files
    assert first.pk != second.pk
    assert selectors.duplicate_files(membership=coordinator, file=first) == []
    Match.objects.update(status="confirmed")
    assert selectors.duplicate_files(membership=coordinator, file=first) == [second]
    client = login(coordinator)
    page = client.get(reverse("coordination:file_detail", args=[first.pk])).content.decode()
    assert second.reference in page
    client.post(
        reverse("coordination:file_merge", args=[first.pk]),
        {"duplicate": second.pk, "version": first.version},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.referrals.count() == 2 and second.referrals.count() == 0
    assert second.status == FileStatus.MERGED and second.merged_into == first
    assert first.urgency == "acute"
    assert [r.file.pk for r in selectors.inbox(membership=coordinator)] == [first.pk]
    sources = selectors.file_sources(membership=coordinator, file=first)
    assert [s.identity_shown for s in sources] == [True, True]


def test_merging_unrelated_files_is_refused(two_files, coordinator):
    first, second = two_files
    with pytest.raises(ValidationError):
        services.file_merge(membership=coordinator, file=first, duplicate=second)
    assert CoordinationFile.objects.get(pk=second.pk).status == FileStatus.SCREENING


def test_a_screened_file_is_not_merged_away(two_files, coordinator):
    first, second = two_files
    Match.objects.update(status="confirmed")
    services.file_screen(
        membership=coordinator, file=second, decision="possible_victim", reasons="x"
    )
    with pytest.raises(workflow.IllegalTransition):
        services.file_merge(membership=coordinator, file=first, duplicate=second)
    # The other way round is allowed: merge the unscreened file into the screened one.
    services.file_merge(membership=coordinator, file=second, duplicate=first)
    assert CoordinationFile.objects.get(pk=first.pk).status == FileStatus.MERGED
