#!/usr/bin/env python3
"""Report and export benchmarks: our engine and exporters, natively and inside the
component, against DuckDB, pandas and Python's XlsxWriter, measured in the same run.

    python3 bench/report_bench.py [--worklogs 1000000] [--xlsx-rows 100000]

What it does (see bench/README.md):

1. builds `worklogs` and `jira-sim` (release) unless WORKLOGS / JIRA_SIM name built
   binaries;
2. the index (skip with `--skip component`): starts `jira-sim --worklogs N`, imports
   it with `worklogs sync --full` into a fresh SQLite file (kept in `--workdir` for
   the next run), then `worklogs export --format csv` writes the flat file from the
   index (the component's `export.run`); when the app has no `export.run` yet, the
   script says so and falls back to `worklogs demo-data`'s file, and the in-component
   contender is skipped;
3. group-bys: person x week (Europe/Berlin, weeks from Monday) and project x month,
   by our engine natively over the flat file (`worklogs report --input`: one process,
   one thread, streaming), by our engine inside the component over the index
   (`worklogs report`: `report.run` under wasmtime, SQLite), DuckDB (all cores) and
   pandas; every contender's groups must equal ours to the second, else exit 1;
4. CSV export of the whole file: ours (`worklogs export --input`: parse, type,
   neutralise, write) against pandas (`read_csv` then `to_csv`; `to_csv` alone is
   reported too); the component's `export.run` from the index is step 2;
5. XLSX export of a `--xlsx-rows` file: ours (streaming, constant memory) against
   XlsxWriter in constant-memory mode, both typing numbers, booleans and dates;
6. prints wall time, CPU time and peak RSS of each run (each runs in its own
   process) and the ratios, as a table and as JSON (`--json FILE`).

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


def binaries():
    """The `worklogs` and `jira-sim` binaries, built unless WORKLOGS / JIRA_SIM say."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"
    if not (os.environ.get("WORKLOGS") and os.environ.get("JIRA_SIM")):
        subprocess.run(["cargo", "build", "--release", "-p", "worklogs-cli", "-p", "jira-sim"], cwd=ROOT, check=True)
    return (
        Path(os.environ.get("WORKLOGS", target / "worklogs")),
        Path(os.environ.get("JIRA_SIM", target / "jira-sim")),
    )


class Failed(Exception):
    """A measured command exited with an error; carries its stderr."""


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
            raise Failed(f"{' '.join(command)} failed:\n{text}")
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


# ---------------------------------------------------------------------------------
# The index: jira-sim, worklogs sync, then the component's operations


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Index:
    """A simulator holding `worklogs` worklogs and a SQLite index synced from it."""

    # A period that holds the simulator's history (six months before 2026-11-24).
    PERIOD = ("--from", "2026-01-01", "--to", "2026-12-31")

    def __init__(self, worklogs_bin, sim_bin, worklogs, work):
        self.worklogs_bin = worklogs_bin
        self.worklogs = worklogs
        self.data = work / f"index-{worklogs}"
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        log = work / "jira-sim.log"
        with open(log, "w") as out:
            self.sim = subprocess.Popen(
                list(map(str, [sim_bin, "--port", port, "--seed", 42, "--worklogs", worklogs, "--issues", max(16, worklogs // 600)])),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        # Generating a large world takes a while; the simulator says when it serves.
        deadline = time.monotonic() + 900
        while "serving" not in log.read_text():
            if self.sim.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"jira-sim did not start:\n{log.read_text()}")
            time.sleep(0.5)

    def site(self):
        return ["--jira-sim", self.url, "--data", self.data]

    def sync(self):
        """`worklogs sync --full` into a fresh database, unless a finished one is there."""
        done = self.data / "synced"
        if done.exists():
            print(f"reusing the index in {self.data}", file=sys.stderr)
            return None
        shutil.rmtree(self.data, ignore_errors=True)
        self.data.mkdir(parents=True)
        figures = measure(
            [self.worklogs_bin, "sync", "--full", *self.site(), "--input", '{"maxWorklogs": 50000, "parallel": 8}']
        )
        done.write_text("")
        return figures

    def command(self, name, *args):
        return [self.worklogs_bin, name, *self.site(), *self.PERIOD, "--tz", ZONE, "--week-start", "monday", *args]

    def close(self):
        self.sim.terminate()
        self.sim.wait()


def missing_operation(error, operation):
    """True when `error` (a failed command's stderr) says the app has no `operation`."""
    text = str(error)
    return operation in text and ("not-found" in text or "unknown operation" in text.lower())


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
    parser.add_argument("--skip", default="", help="comma-separated: component,pandas,duckdb,csv,xlsx")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    ensure_packages()
    binary, sim_binary = binaries()
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)

    results = []
    failed = False

    def record(task, engine, wall, rss, cpu, **extra):
        results.append(
            {"task": task, "engine": engine, "seconds": round(wall, 3), "cpu_seconds": round(cpu, 2), "peak_rss_mib": round(rss, 1), **extra}
        )
        print(f"  {task:<22} {engine:<34} {wall:8.2f} s {cpu:8.2f} cpu-s {rss:8.1f} MiB", file=sys.stderr)

    # The flat file: exported from the index by the component when it can, else generated.
    index = None
    component = "component" not in skip
    flat = work / f"flat-{args.worklogs}.csv"
    if component:
        index = Index(binary, sim_binary, args.worklogs, work)
        synced = index.sync()
        if synced:
            wall, rss, _, cpu = synced
            record("index: sync --full", "worklogs (component, SQLite)", wall, rss, cpu)
        exported = work / f"index-flat-{args.worklogs}.csv"
        try:
            if synced is None and exported.exists():
                # The same index as the last run: its export is the same file.
                print(f"reusing the export of the index, {exported}", file=sys.stderr)
            else:
                wall, rss, _, cpu = measure(index.command("export", "--format", "csv", "--out", exported))
                record("csv export from the index", "worklogs (component)", wall, rss, cpu)
            flat = exported
        except Failed as error:
            if not missing_operation(error, "export.run"):
                raise SystemExit(str(error))
            print(
                "note: the app has no export.run yet: the flat file is generated by `worklogs demo-data` "
                "instead of exported from the index, and the in-component contender is skipped",
                file=sys.stderr,
            )
            component = False
    if not flat.exists():
        wall, rss, _, cpu = measure([binary, "demo-data", "--worklogs", args.worklogs, "--seed", 42, "--out", flat])
        print(f"generated {args.worklogs} worklogs ({flat.stat().st_size / 2**20:.0f} MiB) in {wall:.1f} s", file=sys.stderr)

    def report(input_path, out, flags):
        return [binary, "report", "--input", input_path, "--out", out, "--group-by", flags, "--tz", ZONE, "--week-start", "monday", "--format", "csv"]

    for grouping, (_, _, flags) in GROUPINGS.items():
        ours_out = work / f"ours-{grouping}.csv"
        wall, rss, _, cpu = measure(report(flat, ours_out, flags))
        record(grouping, "worklogs native (1 thread)", wall, rss, cpu)
        ours = read_groups(ours_out)
        if component:
            out = work / f"component-{grouping}.csv"
            try:
                wall, rss, _, cpu = measure(index.command("report", "--group-by", flags, "--format", "csv", "--out", out))
                same = read_groups(out) == ours
                failed |= not same
                record(grouping, "worklogs in the component (index)", wall, rss, cpu, equal_to_ours=same)
            except Failed as error:
                if not missing_operation(error, "report.run"):
                    raise SystemExit(str(error))
                print("note: the app has no report.run yet: the in-component contender is skipped", file=sys.stderr)
                component = False
        for engine in ("duckdb", "pandas"):
            if engine in skip:
                continue
            out = work / f"{engine}-{grouping}.csv"
            wall, rss, _, cpu = measure(worker(f"{engine}-group", flat, out, grouping))
            same = read_groups(out) == ours
            failed |= not same
            record(grouping, engine + (" (all cores)" if engine == "duckdb" else ""), wall, rss, cpu, equal_to_ours=same)
    if index:
        index.close()

    if "csv" not in skip:
        wall, rss, _, cpu = measure([binary, "export", "--input", flat, "--out", work / "ours-export.csv", "--format", "csv"])
        record("csv export", "worklogs native", wall, rss, cpu)
        if "pandas" not in skip:
            wall, rss, err, cpu = measure(worker("pandas-csv", flat, work / "pandas-export.csv"))
            to_csv = json.loads(err.strip().splitlines()[-1])["to_csv_seconds"]
            record("csv export", "pandas read_csv+to_csv", wall, rss, cpu, to_csv_seconds=round(to_csv, 3))

    if "xlsx" not in skip:
        small = work / f"flat-{args.xlsx_rows}.csv"
        if not small.exists():
            measure([binary, "demo-data", "--worklogs", args.xlsx_rows, "--seed", 42, "--out", small])
        wall, rss, _, cpu = measure([binary, "export", "--input", small, "--out", work / "ours.xlsx", "--format", "xlsx"])
        record(f"xlsx {args.xlsx_rows} rows", "worklogs native", wall, rss, cpu)
        wall, rss, _, cpu = measure(worker("xlsxwriter", small, work / "xlsxwriter.xlsx"))
        record(f"xlsx {args.xlsx_rows} rows", "XlsxWriter constant_memory", wall, rss, cpu)

    print("\n| task | engine | wall s | CPU s | peak RSS (MiB) | wall vs ours | CPU vs ours |")
    print("|---|---|---:|---:|---:|---:|---:|")
    ours = {}
    for r in results:
        if r["engine"].startswith("worklogs native"):
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
        print("error: a contender's groups differ from ours", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        run_worker(sys.argv[2:])
    else:
        main()
