from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from zicht.accounts import selectors as account_selectors
from zicht.monitor import reports, selectors
from zicht.monitor.models import Area
from zicht.monitor.selectors import Period


class Command(BaseCommand):
    help = (
        "Write the municipal monitor report (the same suppressed figures as the web page) "
        "to a .csv or .xlsx file, for automation."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="CBS code, e.g. GM0599")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        parser.add_argument("--out", required=True, help="FILE.csv or FILE.xlsx")
        parser.add_argument("--language", choices=["nl", "en"], default="nl")

    def handle(self, *args, municipality, year, quarter, out, language, **options):
        code = municipality.upper()
        if code not in {m.code for m in account_selectors.municipality_list()}:
            raise CommandError(
                f"{municipality!r} is not a known CBS municipality code (GM + 4 digits)."
            )
        if not 2000 <= year <= 2100:
            raise CommandError(f"{year} is not a year of the monitor.")
        path = Path(out)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("--out must end in .csv or .xlsx.")
        period = Period(year, quarter)
        with translation.override(language):
            areas = list(Area.objects.filter(municipality_id=code))
            report = reports.build(municipality=code, period=period, areas=areas)
            rows = report.rows()
            data = (
                reports.to_csv(rows)
                if path.suffix.lower() == ".csv"
                else reports.to_xlsx(rows, f"{code} {period.label}")
            )
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc}") from None
        self.stdout.write(f"{selectors.municipality_name(code)} {period.label}: {path}")
