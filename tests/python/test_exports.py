"""Exports read back by real readers: Python's csv module, json and openpyxl.

The files come from the `worklogs` CLI's offline commands (`demo-data`, then
`export --input` and `report --input`: the core's engine and exporters over a
generated flat export). Each check compares what a reader sees with what the
flat file says, or with the report computed here in Python from the same file.

Run: `python3 -m pytest tests/python` (builds `worklogs` with cargo when needed;
set WORKLOGS to use another binary). Needs `openpyxl` and `pytest` (pip).
"""

import csv
import datetime as dt
import json
import os
import subprocess
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parents[2]
WORKLOGS = 2000
RISKY = ("=", "+", "-", "@", "\t", "\r")


def worklogs_binary() -> Path:
    explicit = os.environ.get("WORKLOGS")
    if explicit:
        return Path(explicit)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = target / "release" / "worklogs"
    subprocess.run(["cargo", "build", "--release", "-p", "worklogs-cli"], cwd=ROOT, check=True)
    return binary


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    work = tmp_path_factory.mktemp("exports")
    binary = worklogs_binary()

    def run(*args):
        subprocess.run([str(binary), *map(str, args)], check=True, capture_output=True)

    def report(flat, out, group_by, zone, fmt):
        run("report", "--input", flat, "--out", out, "--group-by", group_by, "--tz", zone, "--week-start", "monday", "--format", fmt)

    flat = work / "flat.csv"
    run("demo-data", "--worklogs", WORKLOGS, "--seed", 5, "--out", flat)
    out = {"flat": flat}
    for fmt in ("xlsx", "json", "ndjson"):
        out[f"flat_{fmt}"] = work / f"flat.{fmt}"
        run("export", "--input", flat, "--out", out[f"flat_{fmt}"], "--format", fmt)
    for fmt in ("csv", "xlsx", "json"):
        out[f"report_{fmt}"] = work / f"report.{fmt}"
        report(flat, out[f"report_{fmt}"], "person,week", "Europe/Berlin", fmt)
    tiny = work / "tiny.csv"
    tiny.write_text(
        "author_account_id,author_display_name,started_utc,seconds\r\n"
        + "".join(f"acc-1,Ann,2026-03-25T0{h}:00:00.000Z,1200\r\n" for h in (7, 8, 9))
    )
    out["approval_report"] = work / "approval.csv"
    report(flat, out["approval_report"], "approvalState", "UTC", "csv")
    out["tiny_report"] = work / "tiny.csv.report.csv"
    report(tiny, out["tiny_report"], "person", "UTC", "csv")
    out["tiny_xlsx"] = work / "tiny.report.xlsx"
    report(tiny, out["tiny_xlsx"], "person", "UTC", "xlsx")
    return out


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def unneutralize(text):
    """The inverse of the exporter's neutralisation (docs/export-schema.md)."""
    if text.startswith("'") and text[1:].lstrip("'")[:1] in RISKY:
        return text[1:]
    return text


def hours(seconds, decimals=2):
    exact = Decimal(seconds) / Decimal(3600)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def expected_person_week(rows, zone="Europe/Berlin"):
    tz = ZoneInfo(zone)
    groups = defaultdict(int)
    for row in rows:
        started = dt.datetime.fromisoformat(row["started_utc"].replace("Z", "+00:00"))
        local = started.astimezone(tz).date()
        week = local - dt.timedelta(days=local.weekday())
        groups[(row["author_account_id"], week.isoformat())] += int(row["seconds"])
    return groups


def test_the_flat_csv_follows_the_schema(files):
    rows = read_csv(files["flat"])
    assert len(rows) == WORKLOGS
    assert list(rows[0])[:4] == ["worklog_id", "issue_id", "issue_key", "issue_summary"]
    # Schema version 2: approval_state after attributes_valid, before the attr_ columns.
    assert list(rows[0])[-4:] == ["attributes_valid", "approval_state", "attr_account", "attr_work_type"]
    assert {row["approval_state"] for row in rows} == {"open", "submitted", "approved"}
    for row in rows:
        assert row["started_utc"].endswith("Z") and len(row["started_utc"]) == 24
        assert Decimal(row["hours"]) == hours(int(row["seconds"]))
        assert row["billable"] in ("true", "false")
        local = dt.datetime.fromisoformat(row["started_utc"].replace("Z", "+00:00"))
        assert row["local_date"] == local.astimezone(ZoneInfo("Europe/Berlin")).date().isoformat()


def test_a_report_by_approval_state_sums_the_flat_file(files):
    rows = read_csv(files["flat"])
    expected = defaultdict(int)
    for row in rows:
        expected[row["approval_state"]] += int(row["seconds"])
    report = read_csv(files["approval_report"])
    got = {r["approval_state"]: int(r["seconds"]) for r in report if r["approval_state"]}
    assert got == dict(expected)


def test_csv_formula_injection_comes_out_inert(files):
    rows = read_csv(files["flat"])
    probes = 0
    for row in rows:
        for name, value in row.items():
            if name in ("seconds", "hours"):
                continue
            assert not value.startswith(RISKY), (name, value)
            if value.startswith("'") and unneutralize(value) != value:
                probes += 1
    assert probes > 0, "the generator writes formula-looking comments"


def test_xlsx_matches_the_csv_and_is_inert(files):
    rows = read_csv(files["flat"])
    book = openpyxl.load_workbook(files["flat_xlsx"])
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header == list(rows[0])
    assert sheet.freeze_panes == "A2"
    last_col = openpyxl.utils.get_column_letter(len(header))
    assert sheet.auto_filter.ref == f"A1:{last_col}{WORKLOGS + 1}"
    col = {name: i for i, name in enumerate(header)}
    risky = 0
    for row, cells in zip(rows, sheet.iter_rows(min_row=2, max_row=WORKLOGS + 1)):
        assert cells[col["seconds"]].value == int(row["seconds"])
        assert Decimal(str(cells[col["hours"]].value)) == Decimal(row["hours"])
        assert cells[col["billable"]].value == (row["billable"] == "true")
        started = cells[col["started_utc"]].value
        assert isinstance(started, dt.datetime)
        expected = dt.datetime.fromisoformat(row["started_utc"][:-1])
        assert abs(started - expected) < dt.timedelta(milliseconds=1)
        assert cells[col["local_date"]].value.date().isoformat() == row["local_date"]
        assert cells[col["local_date"]].number_format == "yyyy-mm-dd"
        comment = cells[col["comment"]]
        assert (comment.value or "") == unneutralize(row["comment"])
        for cell in cells:
            assert cell.data_type != "f", "no data cell is a formula"
            if isinstance(cell.value, str) and cell.value.startswith(RISKY):
                risky += 1
    assert risky > 0
    # The totals row: SUBTOTAL formulas with cached values.
    totals = sheet[WORKLOGS + 2]
    assert totals[0].value == "Total"
    seconds_letter = openpyxl.utils.get_column_letter(col["seconds"] + 1)
    assert totals[col["seconds"]].value == f"=SUBTOTAL(109,{seconds_letter}2:{seconds_letter}{WORKLOGS + 1})"
    cached = openpyxl.load_workbook(files["flat_xlsx"], data_only=True).active[WORKLOGS + 2]
    total = sum(int(r["seconds"]) for r in rows)
    assert cached[col["seconds"]].value == total
    assert Decimal(str(cached[col["hours"]].value)) == hours(total)


def test_json_exports_match_the_csv(files):
    rows = read_csv(files["flat"])
    array = json.loads(files["flat_json"].read_text())
    lines = [json.loads(line) for line in files["flat_ndjson"].read_text().splitlines()]
    assert array == lines
    assert len(array) == WORKLOGS
    for row, obj in zip(rows, array):
        assert obj["worklog_id"] == row["worklog_id"]
        assert obj["seconds"] == int(row["seconds"])
        assert obj["hours"] == row["hours"], "decimals travel as strings"
        # CSV cannot tell an empty text from a missing one: both read back as null.
        assert (obj["comment"] or "") == unneutralize(row["comment"]), "json is never altered"
        assert obj["labels"] == [v for v in row["labels"].split("; ") if v]
        assert obj["parent_key"] == (row["parent_key"] or None)


def test_reports_match_python(files):
    expected = expected_person_week(read_csv(files["flat"]))
    report = read_csv(files["report_csv"])
    got = {(r["person_account_id"], r["week_start"]): int(r["seconds"]) for r in report}
    assert got == dict(expected)
    for r in report:
        assert Decimal(r["hours"]) == hours(int(r["seconds"]))
    keys = [(r["person_name"], r["person_account_id"], r["week_start"]) for r in report]
    assert len(set(keys)) == len(keys)

    as_json = json.loads(files["report_json"].read_text())
    assert {(r["person_account_id"], r["week_start"]): r["seconds"] for r in as_json} == dict(expected)

    sheet = openpyxl.load_workbook(files["report_xlsx"]).active
    header = [c.value for c in sheet[1]]
    assert header == ["person_account_id", "person_name", "week_start", "seconds", "hours"]
    xlsx_rows = list(sheet.iter_rows(min_row=2, values_only=True))
    data, totals = xlsx_rows[:-1], xlsx_rows[-1]
    assert {(r[0], r[2].date().isoformat()): r[3] for r in data} == dict(expected)
    assert totals[0] == "Total"
    assert totals[3] == sum(expected.values())


def test_three_twenty_minute_worklogs_are_one_hour(files):
    (row,) = read_csv(files["tiny_report"])
    assert row["seconds"] == "3600"
    assert row["hours"] == "1.00"
    sheet = openpyxl.load_workbook(files["tiny_xlsx"]).active
    assert [c.value for c in sheet[1]] == ["person_account_id", "person_name", "seconds", "hours"]
    assert sheet["C2"].value == 3600
    assert sheet["D2"].value == 1
    assert sheet["D2"].number_format == "0.00"
