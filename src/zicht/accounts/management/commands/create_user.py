"""Create the first administrator of an organisation without the Django admin.

Without ``--password-stdin`` the account gets no usable password and the command prints
a one-time link to choose one (the only secret it prints). No second factor is enrolled:
the first login asks for it.
"""

import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from zicht.accounts import selectors, services


class Command(BaseCommand):
    help = (
        "Create an organisation administrator. Prints a one-time link to choose a password, "
        "or reads the password from standard input with --password-stdin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="the organisation's name")
        parser.add_argument("--email", required=True, help="e-mail address (also the user name)")
        parser.add_argument("--first-name", default="", help="first name")
        parser.add_argument("--last-name", default="", help="last name")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )
        parser.add_argument(
            "--site-url",
            default="",
            help="the site's root, e.g. https://zicht.example.nl/, for an absolute link",
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options):
        organisation = selectors.organisation_by_name(name=options["organisation"].strip())
        if organisation is None:
            raise CommandError(f"No organisation named {options['organisation']!r}.")
        email = options["email"].strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an e-mail address.") from None
        site_url = options["site_url"].strip()
        if site_url and not (
            site_url.startswith(("https://", "http://")) and site_url.endswith("/")
        ):
            raise CommandError("--site-url must start with https:// and end with /.")
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("No password on standard input.")
        try:
            membership = services.administrator_create(
                organisation=organisation,
                email=email,
                first_name=options["first_name"].strip(),
                last_name=options["last_name"].strip(),
                password=password,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        link = (
            None
            if password is not None
            else services.invitation_url(user=membership.user, site_url=site_url)
        )
        if options["json"]:
            result = {
                "user": membership.user.username,
                "organisation": organisation.name,
                "role": membership.role,
                "password_link": link,
            }
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        elif link:
            self.stdout.write(f"Created administrator {membership.user.username}.")
            self.stdout.write(f"One-time link to choose a password (shown once): {link}")
        else:
            self.stdout.write(f"Created administrator {membership.user.username}.")
