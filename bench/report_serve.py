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

    python3 bench/report_serve.py --jira-sim URL --data DIR --account dave \\
        --component new.wasm --component old.wasm [--database mysql://…]
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


def serve(binary, component, args):
    command = [binary, "serve", "--port", "0", "--sync-every", "0", "--jira-sim", args.jira_sim, "--data", args.data]
    command += ["--component", component]
    env = dict(os.environ)
    if args.database:
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
    args = parser.parse_args()
    binary = os.environ.get("WORKLOGS", str(ROOT / "target" / "release" / "worklogs"))
    answers = {}
    print(f"load average before: {os.getloadavg()}")
    for component in args.component:
        process, port, token = serve(binary, component, args)
        try:
            for name, group_by in GROUPINGS.items():
                payload = {"period": {"from": args.start, "to": args.end}, "timeZone": "Europe/Berlin",
                           "weekStart": "monday", "groupBy": group_by}
                times, cpus = [], []
                for _ in range(args.runs):
                    start, cpu = time.monotonic(), cpu_seconds(process.pid)
                    status, data = call(port, token, args.account, "report.run", payload)
                    times.append(time.monotonic() - start)
                    cpus.append(cpu_seconds(process.pid) - cpu)
                    if status != 200:
                        raise SystemExit(f"{component} {name}: {status} {json.dumps(data)[:500]}")
                answers.setdefault(name, []).append(data)
                worklogs = data.get("worklogs", data.get("ok", {}).get("worklogs") if isinstance(data.get("ok"), dict) else None)
                print(f"{Path(component).name:>20} {name:<14} wall median {statistics.median(times):6.2f} s  "
                      f"min {min(times):6.2f} s  CPU median {statistics.median(cpus):6.2f} s  "
                      f"worklogs {worklogs}  load {os.getloadavg()[0]:.2f}")
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
