"""Capture histories: reading and validating multiple-list data.

A data set of ``K`` lists is stored as the counts of the ``2**K - 1`` observable capture
patterns (the all-zero pattern, the people on no list, is the unknown to be estimated).
"""

from __future__ import annotations

import csv
import math
import warnings as _warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .design import MAX_LISTS, patterns

__all__ = ["CaptureHistories", "DataError", "DataWarning", "read_strata_csv"]


class DataError(ValueError):
    """Invalid capture-history data (with the line number where one applies)."""


class DataWarning(UserWarning):
    """Suspicious but usable capture-history data (for example duplicate lists)."""


_TRUE = {"1", "1.0", "true", "yes", "y", "t"}
_FALSE = {"0", "0.0", "false", "no", "n", "f", ""}


def _parse_flag(value: object, where: str, column: str) -> int:
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, int | np.integer):
        if value in (0, 1):
            return int(value)
    elif isinstance(value, float | np.floating):
        if value in (0.0, 1.0):
            return int(value)
    else:
        text = str(value).strip()
        if text in ("0", "1"):
            return int(text)
    raise DataError(f"{where}: column {column!r} must be 0 or 1, got {value!r}")


# Far above any population a list could register, far below where float arithmetic on
# counts loses whole units or overflows.
MAX_COUNT = 10**12


def _parse_count(value: object, where: str, column: str) -> int:
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            raise DataError(f"{where}: {column!r} must be a whole number, got {value!r}") from None
    else:
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise DataError(f"{where}: {column!r} must be a whole number, got {value!r}") from None
    if not math.isfinite(number) or number != int(number):
        raise DataError(f"{where}: {column!r} must be a whole number, got {value!r}")
    if number < 0:
        raise DataError(f"{where}: {column!r} must not be negative, got {value!r}")
    if number > MAX_COUNT:
        raise DataError(f"{where}: {column!r} is implausibly large ({value!r}; at most 10^12)")
    return int(number)


@dataclass(frozen=True)
class CaptureHistories:
    """Counts of the observed capture patterns of ``K`` lists.

    Parameters
    ----------
    list_names : tuple of str
        The ``K`` list names, in column order.
    counts : ndarray of int, shape (2**K - 1,)
        ``counts[c - 1]`` is the number of cases with the pattern of integer code
        ``c = sum_j z_j 2**j``.
    warnings : tuple of str
        Data warnings (duplicate lists and the like), carried into results.

    Use the constructors :meth:`from_csv`, :meth:`from_dataframe`, :meth:`from_records` and
    :meth:`from_patterns` rather than building the object by hand.
    """

    list_names: tuple[str, ...]
    counts: np.ndarray
    warnings: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        counts = np.asarray(self.counts, dtype=np.int64).copy()
        counts.setflags(write=False)
        object.__setattr__(self, "counts", counts)
        object.__setattr__(self, "list_names", tuple(str(n) for n in self.list_names))
        k = len(self.list_names)
        if counts.shape != (2**k - 1,):
            raise DataError(f"expected {2**k - 1} cell counts for {k} lists, got {counts.shape}")

    # ------------------------------------------------------------------ properties
    @property
    def k(self) -> int:
        """Number of lists."""
        return len(self.list_names)

    @property
    def observed(self) -> int:
        """Number of distinct cases observed on at least one list."""
        return int(self.counts.sum())

    @property
    def patterns(self) -> np.ndarray:
        """The ``(2**K - 1, K)`` 0/1 pattern matrix matching :attr:`counts`."""
        return patterns(self.k)

    @property
    def list_totals(self) -> dict[str, int]:
        """Cases on each list."""
        tot = self.patterns.T @ self.counts
        return {n: int(t) for n, t in zip(self.list_names, tot, strict=True)}

    def overlap(self, i: int, j: int) -> int:
        """Cases on both list ``i`` and list ``j`` (whatever other lists they are on)."""
        z = self.patterns
        return int((z[:, i] * z[:, j]) @ self.counts)

    def with_counts(self, counts: np.ndarray) -> CaptureHistories:
        """Same lists, other counts (no validation; used for bootstrap replicates)."""
        return CaptureHistories(self.list_names, counts, self.warnings)

    def to_dataframe(self, include_zero: bool = False):
        """The pattern table as a pandas DataFrame (one 0/1 column per list and ``count``)."""
        import pandas as pd  # noqa: PLC0415 - pandas only for DataFrame output

        df = pd.DataFrame(self.patterns.astype(np.int64), columns=list(self.list_names))
        df["count"] = self.counts
        if not include_zero:
            df = df[df["count"] > 0]
        df = df.assign(_n=df[list(self.list_names)].sum(axis=1))
        df = df.sort_values(["_n", *self.list_names], ascending=[True] + [False] * self.k)
        return df.drop(columns="_n").reset_index(drop=True)

    def permute(self, order: Sequence[int]) -> CaptureHistories:
        """Reorder the lists: new list ``m`` is old list ``order[m]``."""
        order = list(order)
        z = self.patterns[:, order]
        codes = (z @ (2 ** np.arange(self.k))).astype(np.int64)
        counts = np.zeros_like(self.counts)
        counts[codes - 1] = self.counts
        return CaptureHistories(tuple(self.list_names[o] for o in order), counts, self.warnings)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_patterns(
        cls,
        rows: Iterable[Sequence[object]],
        counts: Iterable[object],
        list_names: Sequence[str],
        *,
        line_numbers: Sequence[int | str] | None = None,
        validate: bool = True,
    ) -> CaptureHistories:
        """Build from capture patterns and their counts (repeated patterns are summed).

        Parameters
        ----------
        rows : iterable of sequences of 0/1
            One pattern per row, one entry per list.
        counts : iterable of int
            The count of each row.
        list_names : sequence of str
            The list names.
        line_numbers : sequence, optional
            How to name each row in error messages (default: "row 1", "row 2", ...).
        validate : bool
            Check lists as described in :meth:`validate` (default True).
        """
        names = tuple(str(n) for n in list_names)
        k = len(names)
        if k < 2:
            raise DataError(f"need at least two lists, got {k}")
        if k > MAX_LISTS:
            raise DataError(f"at most {MAX_LISTS} lists are supported, got {k}")
        if len(set(names)) != k:
            raise DataError(f"list names must be unique, got {list(names)}")
        cell_counts = np.zeros(2**k - 1, dtype=np.int64)
        weights = 2 ** np.arange(k)
        for n, (row, count) in enumerate(zip(rows, counts, strict=True)):
            where = str(line_numbers[n]) if line_numbers is not None else f"row {n + 1}"
            row = list(row)
            if len(row) != k:
                raise DataError(f"{where}: expected {k} list columns, got {len(row)}")
            flags = [_parse_flag(v, where, names[j]) for j, v in enumerate(row)]
            c = _parse_count(count, where, "count")
            code = int(np.dot(flags, weights))
            if code == 0:
                if c > 0:
                    raise DataError(
                        f"{where}: the all-zero pattern (on no list) cannot be observed, "
                        f"but has count {c}"
                    )
                continue
            cell_counts[code - 1] += c
        hist = cls(names, cell_counts)
        return hist.validate() if validate else hist

    def validate(self, drop_uninformative: bool = False) -> CaptureHistories:
        """Check the lists; return self (or a copy with new warnings / dropped lists).

        Errors: a list with no cases, a list containing every case, fewer than two lists.
        Warnings: a list whose cases are exactly those of another list.

        With ``drop_uninformative=True`` (used for strata) empty, all-containing and duplicate
        lists are dropped with a warning instead.
        """
        msgs = list(self.warnings)
        totals = self.list_totals
        n = self.observed
        drop: list[int] = []
        if n == 0:
            raise DataError("no cases observed (all counts are zero)")
        for j, name in enumerate(self.list_names):
            if totals[name] == 0:
                if not drop_uninformative:
                    raise DataError(f"list {name!r} has no cases")
                msgs.append(f"list {name!r} has no cases and was left out")
                drop.append(j)
            elif totals[name] == n:
                if not drop_uninformative:
                    raise DataError(
                        f"list {name!r} contains every case, so nobody can be missed by it "
                        "and the number missed by all lists cannot be estimated"
                    )
                msgs.append(f"list {name!r} contains every case and was left out")
                drop.append(j)
        z = self.patterns
        for i in range(self.k):
            for j in range(i + 1, self.k):
                if i in drop or j in drop:
                    continue
                if np.all((z[:, i] != z[:, j]) * self.counts == 0):
                    msg = (
                        f"lists {self.list_names[i]!r} and {self.list_names[j]!r} contain exactly "
                        "the same cases; consider merging them"
                    )
                    if drop_uninformative:
                        msg += f" ({self.list_names[j]!r} was left out)"
                        drop.append(j)
                    msgs.append(msg)
                    _warnings.warn(msg, DataWarning, stacklevel=3)
        if drop:
            keep = [j for j in range(self.k) if j not in set(drop)]
            if len(keep) < 2:
                raise DataError(
                    "fewer than two informative lists remain after leaving out "
                    + ", ".join(repr(self.list_names[j]) for j in sorted(set(drop)))
                )
            sub = z[:, keep]
            codes = (sub @ (2 ** np.arange(len(keep)))).astype(np.int64)
            counts = np.zeros(2 ** len(keep) - 1, dtype=np.int64)
            np.add.at(counts, codes[codes > 0] - 1, self.counts[codes > 0])
            return CaptureHistories(tuple(self.list_names[j] for j in keep), counts, tuple(msgs))
        if len(msgs) != len(self.warnings):
            return CaptureHistories(self.list_names, self.counts, tuple(msgs))
        return self

    @classmethod
    def from_dataframe(
        cls,
        df,
        lists: Sequence[str] | None = None,
        count: str | None = "count",
        *,
        validate: bool = True,
    ) -> CaptureHistories:
        """Build from a pandas DataFrame.

        Parameters
        ----------
        df : pandas.DataFrame
            Either a pattern table (0/1 list columns and a count column) or, when ``count`` is
            None or not a column, individual records (one row per person).
        lists : sequence of str, optional
            The list columns (default: every column except ``count``).
        count : str or None
            Name of the count column.
        """
        columns = [str(c) for c in df.columns]
        has_count = count is not None and count in columns
        if lists is None:
            lists = [c for c in columns if c != count]
        missing = [c for c in lists if c not in columns]
        if missing:
            raise DataError(f"columns not found: {missing}")
        rows = df[list(lists)].itertuples(index=False, name=None)
        counts = df[count].tolist() if has_count else [1] * len(df)
        labels = [f"row {i}" for i in df.index]
        return cls.from_patterns(rows, counts, list(lists), line_numbers=labels, validate=validate)

    @classmethod
    def from_records(
        cls,
        records,
        lists: Sequence[str] | None = None,
        *,
        stratum: str | None = None,
        validate: bool = True,
    ) -> CaptureHistories | dict[str, CaptureHistories]:
        """Build from individual-level records: one row per person, one 0/1 column per list.

        Parameters
        ----------
        records : pandas.DataFrame, sequence of mappings, or path to a CSV file
            The records.
        lists : sequence of str, optional
            The list columns (default: every column except ``stratum``).
        stratum : str, optional
            A column splitting the records into strata; then a dict ``{stratum: histories}``
            is returned (lists that are empty or contain everyone in a stratum are dropped from
            that stratum with a warning).
        """
        if isinstance(records, str | Path):
            return _read_csv(
                Path(records), lists=lists, count=None, stratum=stratum, validate=validate
            )
        import pandas as pd  # noqa: PLC0415 - pandas only for DataFrame output

        df = records if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
        if stratum is None:
            cols = [c for c in df.columns if c != stratum] if lists is None else lists
            return cls.from_dataframe(df, lists=cols, count=None, validate=validate)
        if stratum not in df.columns:
            raise DataError(f"stratum column {stratum!r} not found")
        cols = [c for c in df.columns if c != stratum] if lists is None else list(lists)
        out: dict[str, CaptureHistories] = {}
        for key, sub in df.groupby(stratum, sort=True):
            h = cls.from_dataframe(sub, lists=cols, count=None, validate=False)
            out[str(key)] = h.validate(drop_uninformative=True) if validate else h
        return out

    @classmethod
    def from_csv(
        cls,
        path: str | Path,
        lists: Sequence[str] | None = None,
        count: str | None = "count",
        *,
        validate: bool = True,
    ) -> CaptureHistories:
        """Read a pattern table (one 0/1 column per list and a ``count`` column) from CSV.

        Missing patterns mean zero; repeated patterns are summed. If the file has no ``count``
        column, each row is one person (individual-level records). Errors name the line.
        """
        result = _read_csv(Path(path), lists=lists, count=count, stratum=None, validate=validate)
        assert isinstance(result, CaptureHistories)
        return result

    def __repr__(self) -> str:
        return (
            f"CaptureHistories(lists={list(self.list_names)}, observed={self.observed}, "
            f"patterns={int((self.counts > 0).sum())})"
        )


@dataclass(frozen=True)
class _Columns:
    """Where the lists, the count and the stratum are in a CSV's header."""

    lists: tuple[str, ...]
    list_index: tuple[int, ...]
    count_index: int | None
    stratum_index: int | None
    width: int


# The rows of one stratum: 0/1 values per list, the counts and where each row came from.
_Group = tuple[list[list[str]], list[str | int], list[str]]


def _not_utf8(path: Path) -> DataError:
    return DataError(f"{path}: not UTF-8 text; save the file as UTF-8 CSV")


def _read_header(reader: Iterator[list[str]], path: Path) -> list[str]:
    """Step 1: the header line, stripped, or a DataError saying why there is none."""
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(f"{path}: the file is empty") from None
    except csv.Error as exc:
        raise DataError(f"{path}, line 1: {exc}") from None
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    return [h.strip() for h in header]


def _locate_columns(
    header: list[str],
    path: Path,
    lists: Sequence[str] | None,
    count: str | None,
    stratum: str | None,
) -> _Columns:
    """Step 2: the list, count and stratum columns (every other column is a list)."""
    if stratum is not None and stratum not in header:
        raise DataError(f"{path}: stratum column {stratum!r} not found in the header")
    if lists is None:
        lists = [h for h in header if h not in (count, stratum)]
    missing = [c for c in lists if c not in header]
    if missing:
        raise DataError(f"{path}: columns not found in the header: {missing}")
    has_count = count is not None and count in header
    return _Columns(
        lists=tuple(lists),
        list_index=tuple(header.index(c) for c in lists),
        count_index=header.index(count) if has_count and count is not None else None,
        stratum_index=header.index(stratum) if stratum is not None else None,
        width=len(header),
    )


def _group_rows(reader: Any, path: Path, cols: _Columns) -> dict[str, _Group]:
    """Step 3: the data rows by stratum ("" without one), skipping blank lines; values are
    kept as text so that step 4 can name the line of a bad one."""
    groups: dict[str, _Group] = {}
    try:
        for row in reader:
            if not row or all(not v.strip() for v in row):
                continue
            where = f"{path}, line {reader.line_num}"
            if len(row) != cols.width:
                raise DataError(f"{where}: expected {cols.width} fields, got {len(row)}")
            key = row[cols.stratum_index].strip() if cols.stratum_index is not None else ""
            rows, counts, lines = groups.setdefault(key, ([], [], []))
            rows.append([row[i] for i in cols.list_index])
            counts.append(row[cols.count_index] if cols.count_index is not None else 1)
            lines.append(where)
    except csv.Error as exc:
        raise DataError(f"{path}, line {reader.line_num}: {exc}") from None
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    if not groups:
        raise DataError(f"{path}: no data rows")
    return groups


def _build_histories(
    group: _Group, lists: Sequence[str], where: str, *, validate: bool, drop: bool
) -> CaptureHistories:
    """Step 4: parse and check one group's values (errors name the file, stratum and line)."""
    rows, counts, lines = group
    h = CaptureHistories.from_patterns(rows, counts, lists, line_numbers=lines, validate=False)
    if not validate:
        return h
    try:
        return h.validate(drop_uninformative=drop)
    except DataError as exc:
        raise DataError(f"{where}: {exc}") from None


def _read_csv(
    path: Path,
    *,
    lists: Sequence[str] | None,
    count: str | None,
    stratum: str | None,
    validate: bool,
) -> CaptureHistories | dict[str, CaptureHistories]:
    """Read a CSV in four steps: header, columns, rows by stratum, histories per stratum."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        reader = csv.reader(handle)
        header = _read_header(reader, path)
        cols = _locate_columns(header, path, lists, count, stratum)
        groups = _group_rows(reader, path, cols)
    if stratum is None:
        return _build_histories(groups[""], cols.lists, str(path), validate=validate, drop=False)
    return {
        key: _build_histories(
            groups[key], cols.lists, f"{path}, stratum {key!r}", validate=validate, drop=True
        )
        for key in sorted(groups)
    }


def read_strata_csv(
    path: str | Path,
    stratum: str,
    lists: Sequence[str] | None = None,
    count: str | None = "count",
) -> dict[str, CaptureHistories]:
    """Read a CSV with a stratum column (pattern table with ``count``, or individual records).

    Returns ``{stratum value: CaptureHistories}`` in sorted order of the stratum values.
    """
    result = _read_csv(Path(path), lists=lists, count=count, stratum=stratum, validate=True)
    assert isinstance(result, dict)
    return result


def as_histories(data: object) -> CaptureHistories:
    """Coerce a CaptureHistories, DataFrame, path or mapping ``{pattern: count}``."""
    if isinstance(data, CaptureHistories):
        return data
    if isinstance(data, str | Path):
        return CaptureHistories.from_csv(data)
    if isinstance(data, Mapping):
        raise DataError("pass a CaptureHistories, a DataFrame or a CSV path")
    try:
        import pandas as pd  # noqa: PLC0415 - pandas only for DataFrame output
    except ImportError:  # pragma: no cover
        pd = None
    if pd is not None and isinstance(data, pd.DataFrame):
        return CaptureHistories.from_dataframe(data)
    raise DataError(f"cannot read capture histories from {type(data).__name__}")
