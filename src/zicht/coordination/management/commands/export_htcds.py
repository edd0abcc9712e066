"""Export the year's registered possible victims in the HTCDS 2.0 format (IOM)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from zicht.accounts import selectors as account_selectors
from zicht.coordination import htcds, permissions


class Command(BaseCommand):
    help = (
        "Write the registered possible victims of a year (files screened 'possible "
        "victim', once per person) as HTCDS 2.0 rows to a .csv or .xlsx file. Criminal "
        "exploitation is exported as 'Other' with the proposed value in x_zicht_ columns. "
        "Names and date of birth only with --with-identity --coordinator USERNAME "
        "(audit-logged)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="registration year")
        parser.add_argument("--out", required=True, help="FILE.csv or FILE.xlsx")
        parser.add_argument(
            "--with-identity",
            action="store_true",
            help="include prs_FirstName, prs_SecondName and prs_Birthdate",
        )
        parser.add_argument(
            "--coordinator", default="", help="username of the coordinator who asks for identity"
        )

    def handle(self, *args, **options):
        out = Path(options["out"])
        if out.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("--out must end in .csv or .xlsx.")
        if not out.parent.is_dir():
            raise CommandError(f"The folder {out.parent} does not exist.")
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError("--year must be a year such as 2026.")
        membership = None
        if options["with_identity"]:
            membership = self._coordinator(options["coordinator"])
        try:
            export = htcds.export_rows(
                year=year, with_identity=options["with_identity"], membership=membership
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        if out.suffix.lower() == ".xlsx":
            htcds.write_xlsx(export, out)
        else:
            htcds.write_csv(export, out)
        self.stdout.write(f"{len(export.rows)} registered possible victim(s) of {year} written.")

    @staticmethod
    def _coordinator(username: str):
        if not username:
            raise CommandError("--with-identity needs --coordinator USERNAME.")
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        memberships = account_selectors.memberships_for(user=user) if user else []
        for membership in memberships:
            if permissions.is_coordinator(membership):
                return membership
        raise CommandError(f"{username} is not an active coordinator; identity is not exported.")
