from zicht.monitor import services
from zicht.monitor.management.csv_import import DATA, CsvImportCommand


class Command(CsvImportCommand):
    help = (
        "Import CBS wijken and buurten from a CSV with the columns gwb_code_10 and regio (as in "
        "CBS 'Kerncijfers wijken en buurten'; ';' or ','). All or nothing."
    )
    demo_file = DATA / "neighbourhoods-demo.csv"
    what = "list"

    def run_import(self, text: str) -> dict:
        return services.neighbourhoods_import(text=text)

    def summary(self, result: dict) -> str:
        return (
            f"{result['created']} created, {result['updated']} updated, "
            f"{result['skipped']} municipality rows skipped."
        )
