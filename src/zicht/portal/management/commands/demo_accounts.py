"""Print the demo accounts with their password and TOTP secret, and the demo help
conversations' case codes and passphrases (so a visitor can return to one later)."""

import json

from django.core.management.base import BaseCommand

from zicht.accounts.demo import demo_accounts_list
from zicht.help.demo import demo_conversations_list


class Command(BaseCommand):
    help = (
        "Print the demo accounts (username, password, TOTP secret, role, organisation). "
        "Add the TOTP secret to an authenticator app (any RFC 6238 tool) to log in. "
        "Also the demo help conversations' case codes and passphrases."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print a JSON list of objects")

    def handle(self, *args, **options):
        rows = demo_accounts_list()
        conversations = demo_conversations_list()
        if options["json"]:
            data = {"accounts": rows, "help_conversations": conversations}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
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
        if conversations:
            self.stdout.write("")
            self.stdout.write("Demo help conversations (return at /hulp/gesprek/terug/)")
            self.stdout.write(f"{'case code':<11} {'language':<9} passphrase")
            for row in conversations:
                self.stdout.write(
                    f"{row['case_code']:<11} {row['language']:<9} {row['passphrase']}"
                )
