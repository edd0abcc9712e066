"""Create a partner API key from the command line.

The key is made by the API app's service, exactly as on the key page: an administrator
of the organisation creates it for an active professional who has set up two-factor
authentication; only its hash is stored and ``api.key_created`` is audit-logged. The
raw key is printed once, here, and cannot be shown again.
"""

import datetime as dt
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zicht.accounts import selectors as account_selectors
from zicht.accounts.constants import Role
from zicht.api import scopes as api_scopes
from zicht.api import services


def _member(organisation, email: str, role: str, option: str):
    membership = (
        account_selectors.active_members(organisation_id=organisation.pk, roles=[role])
        .filter(user__email__iexact=email.strip())
        .first()
    )
    if membership is None:
        raise CommandError(
            f"{option}: {email!r} is not an active {Role(role).label.lower()} of "
            f"{organisation.name!r}."
        )
    return membership


class Command(BaseCommand):
    help = (
        "Create an API key for an organisation and print it once "
        f"(scopes: {', '.join(api_scopes.SCOPES)})."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="the organisation's name")
        parser.add_argument(
            "--scopes", required=True, help="comma-separated, e.g. signals:read,signals:write"
        )
        parser.add_argument(
            "--admin", required=True, help="e-mail of the organisation administrator creating it"
        )
        parser.add_argument(
            "--contact",
            required=True,
            help="e-mail of the professional the key acts for (two-factor set up)",
        )
        parser.add_argument("--name", default="API key", help="what the key is for")
        parser.add_argument("--expires", help="last day of validity, YYYY-MM-DD (at most 2 years)")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options):
        organisation = account_selectors.organisation_by_name(name=options["organisation"].strip())
        if organisation is None:
            raise CommandError(f"No organisation named {options['organisation']!r}.")
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        unknown = [s for s in scopes if s not in api_scopes.SCOPES]
        if not scopes or unknown:
            raise CommandError(
                f"--scopes: unknown {', '.join(unknown) or '(none given)'}; "
                f"choose from {', '.join(api_scopes.SCOPES)}."
            )
        expiry = None
        if options["expires"]:
            try:
                day = dt.date.fromisoformat(options["expires"].strip())
            except ValueError:
                raise CommandError(
                    f"--expires must be a date as YYYY-MM-DD, not {options['expires']!r}."
                ) from None
            # Valid through the whole given day, in the platform's time zone.
            expiry = timezone.make_aware(dt.datetime.combine(day, dt.time.max))
        admin = _member(organisation, options["admin"], Role.ORG_ADMIN, "--admin")
        contact = _member(organisation, options["contact"], Role.PROFESSIONAL, "--contact")
        try:
            key, raw = services.api_key_create(
                by=admin,
                name=options["name"],
                contact=contact,
                scopes=scopes,
                expiry_date=expiry,
            )
        except (ValidationError, PermissionDenied) as error:
            messages = getattr(error, "messages", None) or [str(error)]
            raise CommandError(" ".join(str(m) for m in messages)) from None
        result = {
            "key": raw,
            "prefix": key.prefix,
            "organisation": organisation.name,
            "scopes": key.scopes,
            "expires": key.expiry_date.isoformat() if key.expiry_date else None,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(f"Created API key {key.prefix} for {organisation.name!r}.")
            self.stdout.write(f"The key (shown once, only its hash is stored): {raw}")
