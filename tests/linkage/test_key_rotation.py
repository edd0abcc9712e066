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
