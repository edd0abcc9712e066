"""Print the demo accounts with their password and TOTP secret."""

import json

from django.core.management.base import BaseCommand

from zicht.accounts.demo import demo_accounts_list


class Command(BaseCommand):
    help = (
        "Print the demo accounts (username, password, TOTP secret, role, organisation). "
        "Add the TOTP secret to an authenticator app (any RFC 6238 tool) to log in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print a JSON list of objects")

    def handle(self, *args, **options):
        rows = demo_accounts_list()
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("No demo accounts yet: run `python manage.py load_demo` first.")
            return
        self.stdout.write(f"Demo accounts (password for all: {rows[0]['password']})")
        self.stdout.write(f"{'username':<15} {'role':<14} {'TOTP secret':<34} organisation")
        for row in rows:
            self.stdout.write(
                f"{row['username']:<15} {row['role']:<14} {row['totp_secret']:<34} "
                f"{row['organisation']}"
            )
