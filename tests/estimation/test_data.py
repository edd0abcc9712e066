import warnings

import numpy as np
import pandas as pd
import pytest

from zicht.estimation import CaptureHistories, DataError, DataWarning, read_strata_csv


def write(tmp_path, text, name="d.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_reads_table_sums_repeats_and_fills_missing(tmp_path):
    p = write(tmp_path, "A,B,C,count\n1,0,0,5\n0,1,0,3\n1,0,0,2\n1,1,0,4\n0,0,1,6\n1,0,1,1\n")
    h = CaptureHistories.from_csv(p)
    assert h.list_names == ("A", "B", "C")
    assert h.observed == 21
    assert h.counts[0] == 7  # pattern A only (code 1), repeated rows summed
    assert h.counts[2] == 4  # A and B (code 3)
    assert h.counts[6] == 0  # A, B and C missing -> 0
    assert h.list_totals == {"A": 12, "B": 7, "C": 7}
    assert h.overlap(0, 1) == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,B,count\n1,0,5\n0,2,3\n1,1,1\n", r"line 3: column 'B' must be 0 or 1"),
        ("A,B,count\n1,0,5\n0,1,-3\n1,1,1\n", r"line 3: 'count' must not be negative"),
        ("A,B,count\n1,0,5\n0,1,2.5\n1,1,1\n", r"line 3: 'count' must be a whole number"),
        ("A,B,count\n1,0,5\n0,1,2\n0,0,4\n1,1,1\n", r"line 4: the all-zero pattern"),
        ("A,count\n1,5\n", r"need at least two lists"),
        ("A,B,C,count\n1,0,0,5\n0,1,0,2\n1,1,0,1\n", r"list 'C' has no cases"),
        ("A,B,count\n1,0,5\n1,1,1\n", r"list 'A' contains every case"),
        ("A,B,count\n1,0,5\n0,1\n", r"line 3: expected 3 fields"),
        ("A,B,count\n1,0,x\n0,1,2\n1,1,1\n", r"line 2: 'count' must be a whole number"),
    ],
)
def test_clear_errors_with_line_numbers(tmp_path, text, message):
    with pytest.raises(DataError, match=message):
        CaptureHistories.from_csv(write(tmp_path, text))


def test_all_zero_row_with_zero_count_is_ignored(tmp_path):
    h = CaptureHistories.from_csv(write(tmp_path, "A,B,count\n0,0,0\n1,0,5\n0,1,2\n1,1,1\n"))
    assert h.observed == 8


def test_missing_file_and_empty_file(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        CaptureHistories.from_csv(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="empty"):
        CaptureHistories.from_csv(write(tmp_path, ""))


def test_duplicate_lists_warn_not_fail(tmp_path):
    p = write(tmp_path, "A,B,C,count\n1,1,0,5\n0,0,1,3\n1,1,1,2\n")
    with pytest.warns(DataWarning, match="'A' and 'B' contain exactly the same cases"):
        h = CaptureHistories.from_csv(p)
    assert any("same cases" in w for w in h.warnings)


def test_no_warning_for_distinct_lists(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CaptureHistories.from_csv(write(tmp_path, "A,B,count\n1,0,5\n0,1,2\n1,1,1\n"))


def test_individual_records_and_dataframe_agree(tmp_path):
    records = pd.DataFrame(
        {"A": [1, 1, 0, 1, 0, 1], "B": [0, 1, 1, 0, 1, 1], "region": list("xxxyyy")}
    )
    by_region = CaptureHistories.from_records(records, lists=["A", "B"], stratum="region")
    assert set(by_region) == {"x", "y"}
    assert by_region["x"].observed == 3
    pooled = CaptureHistories.from_records(records[["A", "B"]])
    table = pd.DataFrame({"A": [1, 0, 1], "B": [0, 1, 1], "count": [2, 2, 2]})
    assert np.array_equal(pooled.counts, CaptureHistories.from_dataframe(table).counts)
    # individual-level CSV (no count column)
    p = write(tmp_path, "A,B\n1,0\n1,1\n0,1\n1,0\n0,1\n1,1\n")
    assert np.array_equal(CaptureHistories.from_csv(p).counts, pooled.counts)


def test_dataframe_errors_name_the_row():
    df = pd.DataFrame({"A": [1, 0, 1], "B": [0, 3, 1], "count": [2, 2, 2]})
    with pytest.raises(DataError, match="row 1: column 'B'"):
        CaptureHistories.from_dataframe(df)


def test_strata_csv_drops_uninformative_lists_with_warning(tmp_path):
    p = write(
        tmp_path,
        "A,B,C,region,count\n1,0,0,n,5\n0,1,0,n,3\n1,1,0,n,2\n0,0,1,n,4\n1,0,1,n,1\n"
        "1,0,0,s,5\n0,1,0,s,3\n1,1,0,s,2\n",
    )
    strata = read_strata_csv(p, "region")
    assert strata["n"].list_names == ("A", "B", "C")
    assert strata["s"].list_names == ("A", "B")
    assert any("'C' has no cases" in w for w in strata["s"].warnings)
    with pytest.raises(DataError, match="stratum column 'year' not found"):
        read_strata_csv(p, "year")


def test_permute_and_roundtrip(data_dir):
    h = CaptureHistories.from_csv(data_dir / "Western.csv")
    back = h.permute([4, 3, 2, 1, 0]).permute([4, 3, 2, 1, 0])
    assert back.list_names == h.list_names and np.array_equal(back.counts, h.counts)
    df = h.to_dataframe()
    assert int(df["count"].sum()) == h.observed
    assert np.array_equal(CaptureHistories.from_dataframe(df).counts, h.counts)
