#!/usr/bin/env python3
"""`report.run` inside the component, timed without the process start.

`worklogs report` compiles the component (about 3 s with Cranelift) in every
process, which hides the report itself at 200,000 worklogs. This script starts
`worklogs serve` once over an index synced before (`worklogs sync --full
--jira-sim URL --data DIR`), then times `report.run` through its API, `--runs`
times per grouping (median, min), as the acting user `--account` (an
administrator sees every worklog but is checked like any user), and prints the
machine's load. With several `--component` files it compares them in the same
run (each against the same index), and checks that their answers are equal.

A report too large for one call answers `more` with a continuation: the script
calls again until it is finished and reports the calls (`--reads-per-call N`
asks for smaller steps). It prints the server's peak resident memory (VmHWM)
after each grouping, and with `--export` times `export.run` (CSV) of the same
period to its last piece: rows, pieces and rows per second.

    python3 bench/report_serve.py --jira-sim URL --data DIR --account dave \\
        --component new.wasm --component old.wasm [--database mysql://…] [--export]
"""

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GROUPINGS = {"person-week": ["person", "week"], "project-month": ["project", "month"]}


def call(port, token, account, operation, payload, timeout=900):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {
        "content-type": "application/json",
        "host": f"127.0.0.1:{port}",
        "x-worklogs-token": token,
        "x-worklogs-account": account,
        "x-worklogs-time-zone": "Europe/Berlin",
    }
    conn.request("POST", "/api/invoke", body=json.dumps({"operation": operation, "input": payload}), headers=headers)
    response = conn.getresponse()
    data = json.loads(response.read())
    conn.close()
    return response.status, data


def cpu_seconds(pid):
    """User + system CPU seconds of process `pid` so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid):
    """The peak resident memory of process `pid` so far (Linux VmHWM), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# What a finished answer carries besides the report (absent from older components).
PROGRESS_FIELDS = ("more", "progress", "continuation", "indexComplete", "indexMissing")


def to_the_end(port, token, account, operation, payload):
    """Runs `operation` through its continuations: the last answer, the calls,
    the rows of the last piece (exports) and the pieces."""
    calls, rows, pieces = 0, 0, 0
    next_payload = dict(payload)
    while True:
        status, data = call(port, token, account, operation, next_payload)
        calls += 1
        if status != 200 or "ok" not in data:
            raise SystemExit(f"{operation}: {status} {json.dumps(data)[:500]}")
        answer = data["ok"]
        if "piece" in answer:
            pieces += 1
            rows = answer.get("rows", rows)
        following = answer.get("continuation")
        if not following:
            return answer, calls, rows, pieces
        next_payload = dict(payload, continuation=following)


def serve(binary, args, component=None):
    """`worklogs serve` over `args.jira_sim` and `args.data` (and `args.database` when given),
    with `component` instead of the built one when given: the process, its port and token."""
    command = [binary, "serve", "--port", "0", "--sync-every", "0", "--jira-sim", args.jira_sim, "--data", args.data]
    if component:
        command += ["--component", component]
    env = dict(os.environ)
    if getattr(args, "database", None):
        env["WORKLOGS_DATABASE_URL"] = args.database
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    deadline = time.monotonic() + 300
    for line in process.stdout:
        found = re.search(r"http://127\.0\.0\.1:(\d+)/#token=(\S+)", line)
        if found:
            return process, int(found.group(1)), found.group(2)
        if time.monotonic() > deadline:
            break
    process.kill()
    raise SystemExit("worklogs serve did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jira-sim", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--database", help="mysql://… instead of the SQLite in --data")
    parser.add_argument("--account", default="dave")
    parser.add_argument("--component", action="append", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--from", dest="start", default="2026-01-01")
    parser.add_argument("--to", dest="end", default="2026-12-31")
    parser.add_argument("--reads-per-call", type=int, help="report.run's readsPerCall (1 to 8)")
    parser.add_argument("--chart", choices=["day", "week", "month", "person"],
                        help="the chart to ask for (default: none named, the day chart); the Reports view "
                             "asks for the week chart with a weekly grouping and the month chart with a monthly one")
    parser.add_argument("--export", action="store_true", help="also time export.run (CSV) of the period")
    args = parser.parse_args()
    binary = os.environ.get("WORKLOGS", str(ROOT / "target" / "release" / "worklogs"))
    answers = {}
    print(f"load average before: {os.getloadavg()}")
    for component in args.component:
        process, port, token = serve(binary, args, component)
        try:
            for name, group_by in GROUPINGS.items():
                payload = {"period": {"from": args.start, "to": args.end}, "timeZone": "Europe/Berlin",
                           "weekStart": "monday", "groupBy": group_by}
                if args.reads_per_call:
                    payload["readsPerCall"] = args.reads_per_call
                if args.chart:
                    payload["chart"] = args.chart
                times, cpus = [], []
                for _ in range(args.runs):
                    start, cpu = time.monotonic(), cpu_seconds(process.pid)
                    data, calls, _, _ = to_the_end(port, token, args.account, "report.run", payload)
                    times.append(time.monotonic() - start)
                    cpus.append(cpu_seconds(process.pid) - cpu)
                report = {k: v for k, v in data.items() if k not in PROGRESS_FIELDS}
                answers.setdefault(name, []).append(report)
                print(f"{Path(component).name:>20} {name:<14} wall median {statistics.median(times):6.2f} s  "
                      f"min {min(times):6.2f} s  CPU median {statistics.median(cpus):6.2f} s  "
                      f"calls {calls}  worklogs {data.get('worklogs')}  "
                      f"peak RSS {peak_rss_mib(process.pid):.0f} MiB  load {os.getloadavg()}")
            if args.export:
                query = {"period": {"from": args.start, "to": args.end}, "timeZone": "Europe/Berlin"}
                start, cpu = time.monotonic(), cpu_seconds(process.pid)
                _, calls, rows, pieces = to_the_end(port, token, args.account, "export.run",
                                                    {"query": query, "format": "csv"})
                wall, used = time.monotonic() - start, cpu_seconds(process.pid) - cpu
                print(f"{Path(component).name:>20} export.run csv  {rows} rows in {pieces} pieces, "
                      f"wall {wall:6.2f} s ({rows / wall:,.0f} rows/s)  CPU {used:6.2f} s  "
                      f"peak RSS {peak_rss_mib(process.pid):.0f} MiB  load {os.getloadavg()}")
        finally:
            process.terminate()
            process.wait()
    for name, found in answers.items():
        same = all(a == found[0] for a in found)
        print(f"{name}: answers {'equal' if same else 'DIFFER'} across components")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
