"""The published tables of the dashboard: labelled, suppressed, ready for screen and export."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from zicht.accounts.constants import OrganisationType
from zicht.insight import selectors
from zicht.insight.suppression import Published, suppress
from zicht.intake.constants import ExploitationForm

TABLE_KINDS = ("month", "municipality", "source", "form", "age", "indicator_group", "overlap")
# These breakdowns each divide the same signals into disjoint cells, so they share one
# grand total: if one of them must hide it, all of them hide it (see tables_for()).
PARTITIONS = ("month", "municipality", "source", "age")


@dataclass
class Table:
    kind: str
    title: str
    label_header: str
    published: Published
    compare: Table | None = None
    persons: Published | None = None
    referrals: Published | None = None
    victims: Published | None = None

    def extra_columns(self) -> list[tuple[str, Published]]:
        """(header, published column) beside the signal counts, in display order."""
        columns = [
            (str(_("Young people")), self.persons),
            (str(_("Referrals")), self.referrals),
            (str(_("Registered possible victims")), self.victims),
        ]
        return [(header, col) for header, col in columns if col is not None]

    def wide_rows(self) -> list[list]:
        extra = self.extra_columns()
        return [
            [label, value, *[col.cells.get(label, 0) for _h, col in extra]]
            for label, value in self.rows()
        ]

    def rows(self) -> list[tuple[str, object]]:
        return list(self.published.cells.items())


def _label(kind: str, key) -> str:
    if kind == "source":
        return str(OrganisationType(key).label) if key in OrganisationType.values else str(key)
    if kind == "form":
        return str(ExploitationForm(key).label) if key in ExploitationForm.values else _("unknown")
    if kind == "overlap":
        return " + ".join(str(OrganisationType(t).label) for t in key)
    return str(key)


def screening_rows(*, membership, date_from=None, date_to=None) -> list[dict]:
    """Screening within the deadline per kind of source; shares only from 10 decisions up."""
    from zicht.coordination.indicators import screening_indicators

    rows = []
    for ind in screening_indicators(membership=membership, date_from=date_from, date_to=date_to):
        enough = ind.screened >= 10
        rows.append(
            {
                "group": _label("source", ind.group),
                "screened": ind.screened if enough or ind.screened == 0 else "<10",
                "share": f"{ind.share_within_deadline:.0%}"
                if enough and ind.share_within_deadline is not None
                else "—",
                "median": ind.median_working_days if enough else "—",
            }
        )
    return rows


def table(data: selectors.Dataset, kind: str) -> Table:
    titles = {
        "month": (_("Signals per month"), _("Month")),
        "municipality": (_("Signals per municipality"), _("Municipality")),
        "source": (_("Signals per kind of source"), _("Source")),
        "form": (_("Signals per suspected form of exploitation"), _("Form")),
        "age": (_("Signals per age group"), _("Age group")),
        "indicator_group": (_("Signals per indicator group"), _("Indicator group")),
        "overlap": (_("Persons per combination of sources"), _("Seen by")),
    }
    if kind not in titles:
        raise ValueError(kind)
    raw = selectors.overlap(data) if kind == "overlap" else selectors.counts_by(data, kind)
    labelled = {_label(kind, k): v for k, v in raw.items()}
    title, header = titles[kind]
    if kind == "overlap":
        return Table(kind, str(title), str(header), suppress(labelled))

    def column(counts: dict, total: int) -> Published:
        return suppress({_label(kind, k): v for k, v in counts.items()}, total=total)

    return Table(
        kind,
        str(title),
        str(header),
        suppress(labelled),
        persons=column(selectors.persons_by(data, kind), len(data.persons())),
        referrals=column(selectors.referrals_by(data, kind), selectors.referral_total(data)),
        victims=column(
            selectors.possible_victims_by(data, kind), len(selectors.possible_victims(data))
        ),
    )


def overlap_combinations(data: selectors.Dataset, overlap_table: Table):
    """The published overlap rows with the sources each combination is made of, in the
    table's order, for the UpSet chart: ``(sets, [(source labels, published value)])``."""
    members = {
        _label("overlap", key): tuple(str(OrganisationType(t).label) for t in key)
        for key in selectors.overlap(data)
    }
    rows = [(members[label], value) for label, value in overlap_table.rows() if label in members]
    used = {source for combination, _value in rows for source in combination}
    sets = [
        str(OrganisationType(t).label)
        for t in selectors.SOURCE_TYPES
        if str(OrganisationType(t).label) in used
    ]
    return sets, rows


def tables_for(data: selectors.Dataset) -> dict[str, Table]:
    """Every table of one dataset, with the grand total hidden everywhere as soon as one
    partition table has to hide it - otherwise another breakdown of the same signals would
    publish the total and let two exports be differenced."""
    from dataclasses import replace

    from zicht.insight.suppression import SECONDARY

    tables = {kind: table(data, kind) for kind in TABLE_KINDS}
    if any(tables[k].published.total == SECONDARY for k in PARTITIONS):
        for kind in PARTITIONS:
            t = tables[kind]
            t.published = replace(t.published, total=SECONDARY)
    return tables
