from zicht.monitor import services
from zicht.monitor.management.csv_import import DATA, CsvImportCommand


class Command(CsvImportCommand):
    help = (
        "Import young people aged 8-27 per municipality and year from a CSV with the columns "
        "municipality_code, year, young_people. All or nothing."
    )
    demo_file = DATA / "population-demo.csv"
    what = "table"

    def run_import(self, text: str) -> dict:
        return services.population_import(text=text)

    def summary(self, result: dict) -> str:
        return f"{result['rows']} rows imported."
