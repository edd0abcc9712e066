import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.intake.conftest import signal_post
from zicht.accounts.constants import Role
from zicht.linkage.models import IndexEntry, Match

pytestmark = pytest.mark.django_db


def test_rotation_keeps_matches_and_finds_new_ones(make_member, login, settings):
    police = make_member(role=Role.PROFESSIONAL)
    care = make_member(role=Role.PROFESSIONAL)
    login(police).post(reverse("intake:signal_create"), signal_post())
    login(care).post(reverse("intake:signal_create"), signal_post(given_names="Mohammed"))
    assert Match.objects.count() == 1
    old_key_ids = set(IndexEntry.objects.values_list("key_id", flat=True))

    settings.PSEUDONYM_KEY = "ab" * 32
    call_command("rotate_pseudonym_key")
    new_key_ids = set(IndexEntry.objects.values_list("key_id", flat=True))
    assert len(new_key_ids) == 1 and not (new_key_ids & old_key_ids)
    assert IndexEntry.objects.count() == 2
    assert Match.objects.count() == 1

    # A third organisation's signal finds both under the new key.
    youth = make_member(role=Role.PROFESSIONAL)
    login(youth).post(reverse("intake:signal_create"), signal_post(given_names="Muhammad"))
    assert Match.objects.count() == 3


def test_rotation_keeps_old_entries_when_a_signal_fails_and_names_it(
    make_member, login, settings, capsys
):
    from django.core.management.base import CommandError

    from zicht.audit.models import AuditEvent
    from zicht.intake.models import Signal, SignalIdentity

    police = make_member(role=Role.PROFESSIONAL)
    care = make_member(role=Role.PROFESSIONAL)
    login(police).post(reverse("intake:signal_create"), signal_post())
    login(care).post(reverse("intake:signal_create"), signal_post(given_names="Mohammed"))
    good = Signal.objects.get(organisation=police.organisation)
    bad = Signal.objects.get(organisation=care.organisation)
    # An identity that can no longer be encoded (e.g. stored before today's input checks).
    identity = SignalIdentity.objects.get(signal=bad)
    identity.surname = "!!!"
    identity.save()
    old_key_ids = set(IndexEntry.objects.values_list("key_id", flat=True))

    settings.PSEUDONYM_KEY = "ab" * 32
    with pytest.raises(CommandError) as exc:
        call_command("rotate_pseudonym_key")
    message = str(exc.value)
    assert bad.reference in message and good.reference not in message
    assert "run this command again" in message
    output = capsys.readouterr()
    for plain in ("Mohammed", "Mohamed", "Amrani", "!!!", "2010-04-03"):
        assert plain not in message and plain not in output.out + output.err
    # Nothing under the old key was deleted: the failed signal is still in the index.
    assert (
        set(IndexEntry.objects.filter(signal_id=bad.pk).values_list("key_id", flat=True))
        == old_key_ids
    )
    assert IndexEntry.objects.filter(signal_id=good.pk).count() == 2  # old and new key
    event = AuditEvent.objects.filter(action="linkage.key_rotated").latest("pk")
    assert event.details["failed_references"] == [bad.reference]
    assert event.details["old_entries_deleted"] == 0
    assert Match.objects.count() == 1

    # Corrected, a re-run finishes the rotation.
    identity.surname = "El Amrani"
    identity.save()
    call_command("rotate_pseudonym_key")
    key_ids = set(IndexEntry.objects.values_list("key_id", flat=True))
    assert len(key_ids) == 1 and not (key_ids & old_key_ids)
    assert IndexEntry.objects.count() == 2
    assert Match.objects.count() == 1
