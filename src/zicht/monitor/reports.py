"""The quarterly municipal report: one list of rows for the printable page, CSV, XLSX and
the ``monitor_report`` command, so all of them publish exactly the same suppressed figures."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zicht.monitor import selectors, tables
from zicht.monitor.selectors import Period


@dataclass
class Report:
    municipality: str
    name: str
    period: Period
    area_names: list[str]
    sections: list[tables.Section]
    estimates: list[tables.Estimate]

    def rows(self) -> list[list]:
        header = [_("Section"), _("Indicator"), *tables.column_labels(), _("Definition")]
        out: list[list] = [[str(h) for h in header]]
        for section in self.sections:
            for row in section.rows:
                out.append([section.title, row.label, *row.cells(), row.definition])
        for row in tables.estimate_rows(self.estimates):
            out.append(
                [
                    str(_("Estimated number of young people")),
                    row.label,
                    "",
                    "",
                    "",
                    row.values[tables.TOTAL],
                    "",
                ]
            )
        return out


def build(*, municipality: str, period: Period, areas, facts=None) -> Report:
    """The report of one municipality (no access check: callers check, or run as the
    operator on the command line). ``facts``: see selectors.facts_for()."""
    codes = selectors.area_codes(areas)
    ind = selectors.indicators(municipality=municipality, codes=codes, period=period, facts=facts)
    return Report(
        municipality=municipality,
        name=selectors.municipality_name(municipality),
        period=period,
        area_names=[a.name for a in areas],
        sections=[tables.indicators_section(ind), tables.sources_section(ind)],
        estimates=tables.estimates(ind, municipality=municipality, codes=codes, period=period),
    )


def to_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    # With a byte-order mark, Excel (also Dutch Excel) reads the accents right.
    return ("\ufeff" + buffer.getvalue()).encode()


def to_xlsx(rows: list[list], title: str) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 - heavy, only for a spreadsheet download

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append([v if isinstance(v, int | float) else str(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
