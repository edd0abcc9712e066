from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from zicht.monitor import services

DEMO = Path(__file__).resolve().parents[2] / "data" / "neighbourhoods-demo.csv"


class Command(BaseCommand):
    help = (
        "Import CBS wijken and buurten from a CSV with the columns gwb_code_10 and regio (as in "
        "CBS 'Kerncijfers wijken en buurten'; ';' or ','). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="CSV file (default: the bundled demo list)")
        parser.add_argument("--demo", action="store_true", help="import the bundled demo list")

    def handle(self, *args, file=None, demo=False, **options):
        # Operators read the problems in English, like every other command's output.
        with translation.override("en"):
            self._import(file, demo)

    def _import(self, file, demo):
        if not file and not demo:
            raise CommandError("Give a CSV file, or --demo for the bundled demo list.")
        path = Path(file) if file else DEMO
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            result = services.neighbourhoods_import(text=text)
        except services.ImportError_ as exc:
            raise CommandError(f"Nothing was imported.\n{exc}") from None
        self.stdout.write(
            f"{result['created']} created, {result['updated']} updated, "
            f"{result['skipped']} municipality rows skipped."
        )
