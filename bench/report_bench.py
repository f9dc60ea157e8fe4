#!/usr/bin/env python3
"""Report and export benchmarks: our engine and exporters against DuckDB, pandas and
Python's XlsxWriter, measured in the same run on the same generated file.

    python3 bench/report_bench.py [--worklogs 1000000] [--xlsx-rows 100000]

What it does (see bench/README.md):

1. builds `tools/flatfile`'s `flatfile` example (release) and generates a flat
   export of `--worklogs` worklogs (seed 42) unless the file already exists;
2. group-bys: person x week (Europe/Berlin, weeks from Monday) and project x month,
   by our engine (one process, single-threaded, streaming), DuckDB (all cores) and
   pandas; every engine's groups must equal ours to the second, else exit 1;
3. CSV export of the whole file: ours (parse, type, neutralise, write) against
   pandas (`read_csv` then `to_csv`; `to_csv` alone is reported too);
4. XLSX export of a `--xlsx-rows` file: ours (streaming, constant memory) against
   XlsxWriter in constant-memory mode, both typing numbers, booleans and dates;
5. prints wall time and peak RSS of each run (each runs in its own process, RSS from
   `wait4`) and the ratios, as a table and as JSON (`--json FILE`).

Each engine runs in a child process of this script (`worker` mode), so a peak RSS
belongs to one engine only. Installs duckdb, pandas and XlsxWriter with pip if
missing.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ZONE = "Europe/Berlin"
GROUPINGS = {
    "person-week": ("author_account_id", "week", "person,week"),
    "project-month": ("project_key", "month", "project,month"),
}
# The flat schema's typed columns (docs/export-schema.md); the rest are text.
INTEGER = {"seconds"}
DECIMAL = {"hours"}
BOOLEAN = {"billable"}
DATE = {"local_date"}
DATETIME = {"started_utc", "updated_utc"}


# ---------------------------------------------------------------------------------
# Setup


def ensure_packages():
    # find_spec, not import: this process forks every measured run, and a child's peak
    # RSS starts at its parent's size.
    import importlib.util

    missing = [
        package
        for module, package in (("duckdb", "duckdb"), ("pandas", "pandas"), ("xlsxwriter", "XlsxWriter"))
        if importlib.util.find_spec(module) is None
    ]
    if missing:
        print(f"installing {' '.join(missing)} with pip", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing], check=True)


def flatfile_binary():
    if os.environ.get("FLATFILE"):
        return Path(os.environ["FLATFILE"])
    subprocess.run(
        ["cargo", "build", "--release", "-p", "worklogs-flatfile", "--example", "flatfile"],
        cwd=ROOT,
        check=True,
    )
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "release" / "examples" / "flatfile"


def measure(args):
    """Runs a child process; returns (wall seconds, peak RSS in MiB, stderr, CPU
    seconds: user + system, all threads).

    The peak RSS comes from GNU time when it is installed (a small parent, so the
    figure is the command's own), else from wait4 (which counts the forked parent's
    pages too, about 10 MiB here).
    """
    gnu_time = shutil.which("time")
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss_file:
        command = list(map(str, args))
        if gnu_time:
            command = [gnu_time, "-f", "%M %U %S", "-o", rss_file.name, *command]
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        err.seek(0)
        text = err.read().decode()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{text}")
        peak_kib = usage.ru_maxrss
        cpu = usage.ru_utime + usage.ru_stime
        if gnu_time:
            figures = rss_file.read().split()[-3:]
            peak_kib, cpu = int(figures[0]), float(figures[1]) + float(figures[2])
    return wall, peak_kib / 1024, text, cpu


def worker(*args):
    return [sys.executable, __file__, "worker", *map(str, args)]


# ---------------------------------------------------------------------------------
# Workers (run in child processes)


def read_groups(path):
    """A group-by result as {(key1, key2): seconds}; months as YYYY-MM."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        seconds = header.index("seconds")
        key1 = 0
        key2 = next(i for i, h in enumerate(header) if h in ("week_start", "month", "k2"))
        return {(row[key1], row[key2][:10] if header[key2] != "month" else row[key2][:7]): int(row[seconds]) for row in reader}


def duckdb_group(input_path, out, grouping):
    import duckdb

    key1, axis, _ = GROUPINGS[grouping]
    local = f"(started_utc::TIMESTAMPTZ AT TIME ZONE '{ZONE}')::DATE"
    key2 = (
        f"strftime(date_trunc('week', {local}), '%Y-%m-%d')"
        if axis == "week"
        else f"strftime(date_trunc('month', {local}), '%Y-%m')"
    )
    con = duckdb.connect()
    con.execute(
        f"""COPY (
            SELECT {key1} AS k1, {key2} AS k2, sum(seconds) AS seconds
            FROM read_csv('{input_path}', header = true,
                          types = {{'started_utc': 'VARCHAR', 'seconds': 'BIGINT'}})
            GROUP BY ALL ORDER BY ALL
        ) TO '{out}' (HEADER)"""
    )


def pandas_group(input_path, out, grouping):
    import pandas as pd

    key1, axis, _ = GROUPINGS[grouping]
    df = pd.read_csv(
        input_path,
        usecols=[key1, "started_utc", "seconds"],
        dtype={key1: "string", "started_utc": "string", "seconds": "int64"},
        encoding="utf-8-sig",
    )
    local = pd.to_datetime(df["started_utc"], utc=True, format="ISO8601").dt.tz_convert(ZONE).dt.tz_localize(None)
    day = local.dt.normalize()
    if axis == "week":
        df["k2"] = day - pd.to_timedelta(day.dt.weekday, unit="D")
    else:
        df["k2"] = day.dt.to_period("M")
    groups = df.groupby([key1, "k2"], sort=True)["seconds"].sum().reset_index()
    groups["k2"] = groups["k2"].dt.strftime("%Y-%m-%d") if axis == "week" else groups["k2"].dt.strftime("%Y-%m")
    groups.columns = ["k1", "k2", "seconds"]
    groups.to_csv(out, index=False)


def pandas_csv(input_path, out):
    import pandas as pd

    df = pd.read_csv(input_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    start = time.perf_counter()
    df.to_csv(out, index=False)
    print(json.dumps({"to_csv_seconds": time.perf_counter() - start}), file=sys.stderr)


def xlsxwriter_export(input_path, out):
    import datetime as dt

    import xlsxwriter

    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet("Worklogs")
    bold = book.add_format({"bold": True})
    formats = {
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        "decimal": book.add_format({"num_format": "0.00"}),
    }
    with open(input_path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, header, bold)
        for column, name in enumerate(header):
            sheet.set_column(column, column, 60 if name == "comment" else 16)
        row = 0
        for row, values in enumerate(reader, start=1):
            for column, (name, value) in enumerate(zip(header, values)):
                if value == "":
                    continue
                if name in INTEGER:
                    sheet.write_number(row, column, int(value))
                elif name in DECIMAL:
                    sheet.write_number(row, column, float(value), formats["decimal"])
                elif name in BOOLEAN:
                    sheet.write_boolean(row, column, value == "true")
                elif name in DATE:
                    sheet.write_datetime(row, column, dt.date.fromisoformat(value), formats["date"])
                elif name in DATETIME:
                    sheet.write_datetime(row, column, dt.datetime.fromisoformat(value[:-1]), formats["datetime"])
                else:
                    sheet.write_string(row, column, value)
        sheet.autofilter(0, 0, row, len(header) - 1)
        seconds = header.index("seconds")
        letter = xlsxwriter.utility.xl_col_to_name(seconds)
        sheet.write_string(row + 1, 0, "Total", bold)
        sheet.write_formula(row + 1, seconds, f"=SUBTOTAL(109,{letter}2:{letter}{row + 1})", bold)
    book.close()


def component_group(input_path, out, grouping):
    """Hook for the engine inside the wasm component, run by the local host.

    Fill in once the app has its `report.run` operation: run the `worklogs` host's
    report over the same file through the component (for example `worklogs report
    --engine component ...`) and write k1,k2,seconds to `out`. Until then the
    benchmark skips it.
    """
    raise NotImplementedError("the component's report operation is not there yet")


def run_worker(argv):
    name, *rest = argv
    {
        "duckdb-group": duckdb_group,
        "pandas-group": pandas_group,
        "pandas-csv": pandas_csv,
        "xlsxwriter": xlsxwriter_export,
    }[name](*rest)


# ---------------------------------------------------------------------------------
# The benchmark


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worklogs", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "worklogs-bench")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--skip", default="", help="comma-separated: pandas,duckdb,csv,xlsx")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    ensure_packages()
    binary = flatfile_binary()
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    flat = work / f"flat-{args.worklogs}.csv"
    if not flat.exists():
        wall, rss, _, cpu = measure([binary, "generate", args.worklogs, 42, flat])
        print(f"generated {args.worklogs} worklogs ({flat.stat().st_size / 2**20:.0f} MiB) in {wall:.1f} s", file=sys.stderr)

    results = []
    failed = False

    def record(task, engine, wall, rss, cpu, **extra):
        results.append(
            {"task": task, "engine": engine, "seconds": round(wall, 3), "cpu_seconds": round(cpu, 2), "peak_rss_mib": round(rss, 1), **extra}
        )
        print(f"  {task:<22} {engine:<26} {wall:8.2f} s {cpu:8.2f} cpu-s {rss:8.1f} MiB", file=sys.stderr)

    for grouping, (_, _, flags) in GROUPINGS.items():
        ours_out = work / f"ours-{grouping}.csv"
        wall, rss, _, cpu = measure([binary, "report", flat, ours_out, flags, ZONE, "monday", "csv"])
        record(grouping, "worklogs (1 thread)", wall, rss, cpu)
        ours = read_groups(ours_out)
        for engine in ("duckdb", "pandas"):
            if engine in skip:
                continue
            out = work / f"{engine}-{grouping}.csv"
            wall, rss, _, cpu = measure(worker(f"{engine}-group", flat, out, grouping))
            same = read_groups(out) == ours
            failed |= not same
            record(grouping, engine + (" (all cores)" if engine == "duckdb" else ""), wall, rss, cpu, equal_to_ours=same)
        try:
            component_group(flat, work / f"component-{grouping}.csv", grouping)
        except NotImplementedError:
            pass

    if "csv" not in skip:
        wall, rss, _, cpu = measure([binary, "export", flat, work / "ours-export.csv", "csv"])
        record("csv export", "worklogs", wall, rss, cpu)
        if "pandas" not in skip:
            wall, rss, err, cpu = measure(worker("pandas-csv", flat, work / "pandas-export.csv"))
            to_csv = json.loads(err.strip().splitlines()[-1])["to_csv_seconds"]
            record("csv export", "pandas read_csv+to_csv", wall, rss, cpu, to_csv_seconds=round(to_csv, 3))

    if "xlsx" not in skip:
        small = work / f"flat-{args.xlsx_rows}.csv"
        if not small.exists():
            measure([binary, "generate", args.xlsx_rows, 42, small])
        wall, rss, _, cpu = measure([binary, "export", small, work / "ours.xlsx", "xlsx"])
        record(f"xlsx {args.xlsx_rows} rows", "worklogs", wall, rss, cpu)
        wall, rss, _, cpu = measure(worker("xlsxwriter", small, work / "xlsxwriter.xlsx"))
        record(f"xlsx {args.xlsx_rows} rows", "XlsxWriter constant_memory", wall, rss, cpu)

    print("\n| task | engine | wall s | CPU s | peak RSS (MiB) | wall vs ours | CPU vs ours |")
    print("|---|---|---:|---:|---:|---:|---:|")
    ours = {}
    for r in results:
        if r["engine"].startswith("worklogs"):
            ours[r["task"]] = r
        base = ours.get(r["task"], r)
        wall_ratio = r["seconds"] / base["seconds"] if base["seconds"] else 1.0
        cpu_ratio = r["cpu_seconds"] / base["cpu_seconds"] if base["cpu_seconds"] else 1.0
        note = "" if r.get("equal_to_ours", True) else " (DIFFERENT RESULT)"
        print(
            f"| {r['task']} | {r['engine']}{note} | {r['seconds']:.2f} | {r['cpu_seconds']:.2f} "
            f"| {r['peak_rss_mib']:.0f} | {wall_ratio:.1f}x | {cpu_ratio:.1f}x |"
        )
    if args.json:
        args.json.write_text(json.dumps({"worklogs": args.worklogs, "xlsx_rows": args.xlsx_rows, "results": results}, indent=2))
    if failed:
        print("error: an engine's groups differ from ours", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        run_worker(sys.argv[2:])
    else:
        main()
