"""Print, write or check the configuration table generated from ``zicht.conf.registry``."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zicht.conf.config_table import DOCUMENTS, markdown_table, with_table


class Command(BaseCommand):
    help = (
        "Print the configuration table (every environment variable, from "
        "zicht.conf.registry). --write puts it into README.md and docs/operations.md between "
        "their config-table markers; --check fails when either differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["markdown"], default="markdown")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--write", action="store_true", help="update the documents")
        action.add_argument("--check", action="store_true", help="fail when they drift")

    def handle(self, *args, **options):
        table = markdown_table()
        if not (options["write"] or options["check"]):
            self.stdout.write(table, ending="")
            return
        drifted = []
        for relative in DOCUMENTS:
            path = settings.REPO_DIR / relative
            text = path.read_text(encoding="utf-8")
            try:
                updated = with_table(text, table)
            except ValueError as exc:
                raise CommandError(f"{relative}: {exc}") from None
            if updated == text:
                continue
            drifted.append(str(relative))
            if options["write"]:
                path.write_text(updated, encoding="utf-8")
                self.stdout.write(f"updated {relative}")
        if options["check"] and drifted:
            raise CommandError(
                f"The configuration table differs from zicht.conf.registry in "
                f"{', '.join(drifted)}: run manage.py config_table --write."
            )
