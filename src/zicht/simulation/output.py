"""Writing a simulation to files (CSV in UTF-8 with ``\\n`` line ends, and JSON)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .catalogue import SOURCE_TYPES
from .model import SIGNAL_COLUMNS, Person, SimulationResult
from .noise import NOISE_KINDS
from .truth import capture_histories

PEOPLE_COLUMNS: tuple[str, ...] = (
    "person_id",
    "given_names",
    "surname",
    "date_of_birth",
    "sex",
    "bsn",
    "municipality",
    "age",
    "name_origin",
    "forms",
    "vulnerabilities",
    "visibility",
    "detected_by",
    "n_signals",
)


#: Columns of identities.csv: the input layout of the linkage encoder (id = signal_id).
IDENTITY_COLUMNS: tuple[str, ...] = (
    "id",
    "given_names",
    "surname",
    "date_of_birth",
    "sex",
    "bsn",
    "municipality",
)


def signal_rows(result: SimulationResult) -> Iterator[dict[str, str]]:
    return (s.as_row() for s in result.signals)


def person_row(p: Person) -> dict[str, Any]:
    return {
        "person_id": p.person_id,
        "given_names": p.given_names,
        "surname": p.surname,
        "date_of_birth": p.date_of_birth.isoformat(),
        "sex": p.sex,
        "bsn": p.bsn,
        "municipality": p.municipality,
        "age": p.age,
        "name_origin": p.name_origin,
        "forms": ";".join(p.forms),
        "vulnerabilities": ";".join(p.vulnerabilities),
        "visibility": f"{p.visibility:.6f}",
        "detected_by": ";".join(p.detected_by),
        "n_signals": p.n_signals,
    }


def summary(result: SimulationResult) -> dict[str, Any]:
    """The content of truth.json."""
    hist = capture_histories(result)
    by_source = Counter(s.source_type for s in result.signals)
    persons_by_source = Counter(t for p in result.people for t in p.detected_by)
    noise_counts = Counter(k for kinds in result.noise.values() for k in kinds)
    return {
        "generator": "zicht.simulation",
        "seed": result.seed,
        "scenario": result.scenario.to_dict(),
        "population": result.population,
        "detected": result.detected,
        "signals": len(result.signals),
        "source_types": list(SOURCE_TYPES),
        "signals_by_source": {s: by_source.get(s, 0) for s in SOURCE_TYPES},
        "persons_by_source": {s: persons_by_source.get(s, 0) for s in SOURCE_TYPES},
        "capture_histories": {"".join(map(str, k)): v for k, v in hist.items()},
        "noise_counts": {k: noise_counts.get(k, 0) for k in NOISE_KINDS},
    }


def _write_csv(path: Path, columns: tuple[str, ...] | list[str], rows: Any) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        for row in rows:
            w.writerow(row)


def write(result: SimulationResult, out_dir: str | Path) -> dict[str, Path]:
    """Write the simulation to ``out_dir`` (created if needed); returns the paths written.

    Files: ``signals.csv`` (the observed signals), ``truth.csv`` (signal_id,person_id),
    ``truth.json`` (population, detected, seed, scenario parameters and summaries),
    ``people.csv`` (the whole hidden population with true identities and attributes),
    ``noise.csv`` (signal_id,noise: the identity noise kinds applied per signal) and
    ``capture_histories.csv`` (true capture-history table, one 0/1 column per source type
    and ``count``, all-zero pattern left out) and ``identities.csv`` (the identity part of
    each signal in the linkage encoder's input layout, ``id`` = ``signal_id``).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        name: out / name
        for name in (
            "signals.csv",
            "truth.csv",
            "truth.json",
            "people.csv",
            "noise.csv",
            "capture_histories.csv",
            "identities.csv",
        )
    }
    _write_csv(
        paths["signals.csv"],
        SIGNAL_COLUMNS,
        ([r[c] for c in SIGNAL_COLUMNS] for r in signal_rows(result)),
    )
    _write_csv(paths["truth.csv"], ["signal_id", "person_id"], result.truth.items())
    _write_csv(
        paths["people.csv"],
        PEOPLE_COLUMNS,
        ([r[c] for c in PEOPLE_COLUMNS] for r in (person_row(p) for p in result.people)),
    )
    _write_csv(
        paths["noise.csv"],
        ["signal_id", "noise"],
        ((sid, ";".join(kinds)) for sid, kinds in result.noise.items()),
    )
    hist = capture_histories(result)
    _write_csv(
        paths["capture_histories.csv"],
        [*SOURCE_TYPES, "count"],
        ([*k, v] for k, v in hist.items()),
    )
    _write_csv(
        paths["identities.csv"],
        IDENTITY_COLUMNS,
        ([r["signal_id"], *(r[c] for c in IDENTITY_COLUMNS[1:])] for r in signal_rows(result)),
    )
    text = json.dumps(summary(result), indent=2, ensure_ascii=False, sort_keys=False)
    paths["truth.json"].write_text(text + "\n", encoding="utf-8")
    return paths
