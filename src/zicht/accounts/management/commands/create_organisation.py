"""Create an organisation without the Django admin (audit-logged)."""

import json

from django.core.management.base import BaseCommand, CommandError

from zicht.accounts import selectors, services
from zicht.accounts.constants import OrganisationType
from zicht.accounts.models import Municipality


class Command(BaseCommand):
    help = "Create an organisation: its name, type and municipality (CBS code)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="the organisation's (unique) name")
        parser.add_argument(
            "--type", required=True, choices=OrganisationType.values, help="organisation type"
        )
        parser.add_argument(
            "--municipality", required=True, help="CBS code of its municipality, e.g. GM0599"
        )
        parser.add_argument("--contact-email", default="", help="contact e-mail address")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options):
        name = options["name"].strip()
        if not name:
            raise CommandError("--name must not be empty.")
        if selectors.organisation_by_name(name=name) is not None:
            raise CommandError(f"An organisation named {name!r} already exists.")
        code = options["municipality"].strip().upper()
        try:
            place = selectors.municipality_get(code=code)
        except Municipality.DoesNotExist:
            raise CommandError(f"Unknown municipality code {code!r}.") from None
        organisation = services.organisation_create(
            name=name,
            type=options["type"],
            municipality=place,
            contact_email=options["contact_email"].strip(),
        )
        if options["json"]:
            result = {"id": organisation.pk, "name": organisation.name, "type": organisation.type}
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(f"Created organisation {name!r}.")
