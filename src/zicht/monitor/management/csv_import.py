"""The shared shape of the monitor's reference-data imports (neighbourhoods, population):
read a UTF-8 CSV (or the bundled demo file), hand it to one all-or-nothing service call, and
report problems in English, like every other command's output."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from zicht.monitor import services

DATA = Path(__file__).resolve().parents[1] / "data"


class CsvImportCommand(BaseCommand):
    """A subclass names its demo file and defines ``run_import(text) -> dict`` (the service
    call) and ``summary(result) -> str`` (the line printed on success)."""

    demo_file: Path
    what: str  # "list" or "table", as the operator calls the demo file

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="CSV file")
        parser.add_argument(
            "--demo", action="store_true", help=f"import the bundled demo {self.what}"
        )

    def handle(self, *args, file=None, demo=False, **options):
        with translation.override("en"):
            if not file and not demo:
                raise CommandError(f"Give a CSV file, or --demo for the bundled demo {self.what}.")
            path = Path(file) if file else self.demo_file
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read {path}: {exc}") from None
            try:
                result = self.run_import(text)
            except services.ImportError_ as exc:
                raise CommandError(f"Nothing was imported.\n{exc}") from None
            self.stdout.write(self.summary(result))
