"""Row locks and versions: how concurrent decisions on one file stay consistent.

Two coordinators (or a coordinator and a provider) can act on the same file at the
same moment. Every action therefore locks the row (``select_for_update``) and
compares the version the user saw with the current one: the first decision stands,
the second raises ``StaleFileError`` and the user keeps their input. Every change
raises the version, so the next check sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zicht.coordination.models import CareReferral, CoordinationFile

_Versioned = TypeVar("_Versioned", CoordinationFile, CareReferral)


class StaleFileError(ValidationError):
    """Someone else changed the file (or care referral) after this user loaded it."""


def _file_changed() -> str:
    return _(
        "Another coordinator changed this file while you were working on it. Your decision "
        "has not been saved; your input is still in the form below. Check the file's "
        "current state and submit again if it still applies."
    )


def _care_referral_changed() -> str:
    return _("Someone else changed this care referral just now. Check its status.")


def _lock(
    model: type[_Versioned],
    pk: int,
    expected_version: int | str | None,
    stale_message: Callable[[], str],
) -> _Versioned:
    """The row ``pk`` of ``model``, locked; ``StaleFileError`` if its version moved on."""
    if expected_version is not None:
        try:
            expected_version = int(expected_version)
        except (TypeError, ValueError):
            raise ValidationError(
                _("The form was incomplete or out of date. Reload the page and try again."),
                code="invalid_version",
            ) from None
    locked = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleFileError(stale_message(), code="stale")
    return locked


def lock_file(file: CoordinationFile, expected_version: int | str | None) -> CoordinationFile:
    """The file, locked and checked: the expected version, and not anonymised."""
    locked = _lock(CoordinationFile, file.pk, expected_version, _file_changed)
    if locked.anonymised_at is not None:
        raise ValidationError(_("This file has been anonymised and cannot be changed."))
    return locked


def lock_care_referral(
    care_referral: CareReferral, expected_version: int | str | None
) -> CareReferral:
    """The care referral, locked and checked against the version the provider saw."""
    return _lock(CareReferral, care_referral.pk, expected_version, _care_referral_changed)


def save_file(file: CoordinationFile, *fields: str) -> None:
    """Save ``fields`` and raise the version (also with no fields: a change below the file)."""
    file.version += 1
    file.save(update_fields=[*fields, "version", "updated_at"])
