#!/usr/bin/env python3
"""Incremental sync of 1,000 changes, timed through the `worklogs` command (issue #14).

    python3 bench/sync_bench.py                        # 200,000 worklogs, SQLite, 5 rounds
    python3 bench/sync_bench.py --database "$(bash scripts/mariadb.sh start | tail -n 1)"
    python3 bench/sync_bench.py --worklogs 20000 --rounds 2 --json out.json   # a quick run

What it does (see bench/README.md):

1. starts `jira-sim --port 0 --seed S --worklogs N --issues I` (loopback, a free port) and
   reads its URL from its first lines;
2. imports it with `worklogs sync --full --jira-sim URL` into a fresh index: SQLite in
   `--workdir`, or with `--database mysql://USER:PASS@HOST:PORT/` a database of its own
   (`jbytes_sync_<pid>`, created and dropped by the script; the host gets its URL through
   WORKLOGS_DATABASE_URL, not a flag), then runs one incremental sync to settle;
3. each round: moves the simulator's clock 6 minutes on (past the issue sweep's 5 minutes of
   margin, so the last round's issues are not fetched again), times `worklogs sync` with
   nothing changed (the baseline: process start,
   the compiled component mapped from ~/.cache/worklogs, the instance, the database
   connection, the feeds read once); makes `--changes` changes through the simulator's
   REST API as the app (`X-Sim-Principal: app`): 60 % `PUT issue/{id}/worklog/{id}`
   (a new duration, every third a new comment), 20 % `POST issue/{id}/worklog` on random
   issues, 20 % `DELETE issue/{id}/worklog/{id}`, each worklog touched once; moves the
   simulator's clock on by two minutes (Jira's feeds leave out the last minute); times
   `worklogs sync` (incremental) and, right after, the next `worklogs sync` (the "re-sweep": the
   margin fetches the round's issues again, as a sync a minute later would); then checks that the index equals Jira: every worklog's
   issue, duration and start in `worklogs export` (CSV, the whole period) against the
   simulator's own (`worklog/updated` from 0 and `worklog/list`), and the count and total
   seconds per issue;
4. prints wall time, CPU seconds (user + system, from wait4) and peak RSS of each timed
   process, the host's own figures (its `seconds`, rounded to 0.1 s, Jira requests, SQL
   statements, worklogs written and deleted), the load average before and after each, the
   median and minimum over the rounds, and JSON with `--json FILE`.

Exit code 1 when a sync fails or the index differs from Jira after a round.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from journal_bytes import MariaDB
from load import wait_line

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
APP = {"X-Sim-Principal": "app", "Content-Type": "application/json"}
# The simulator's worlds end on 2026-11-24 (docs/demo-world.md); new worklogs go in its last months.
FIRST_DAY_MS = 1_788_220_800_000  # 2026-09-01T00:00:00Z
DAY_MS = 86_400_000


def loadavg() -> list[float]:
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


class Sim:
    """A keep-alive connection to the simulator, as the app."""

    def __init__(self, url: str):
        u = urllib.parse.urlsplit(url)
        if u.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"refused: {url} is not loopback")
        self.host, self.port = u.hostname, u.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def request(self, method: str, path: str, body=None, expect=(200,)):
        data = None if body is None else json.dumps(body)
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=APP)
                response = self.conn.getresponse()
                raw = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt == 2:
                    raise
        if response.status not in expect:
            raise SystemExit(f"{method} {path}: {response.status} {raw[:300]!r}")
        return json.loads(raw) if raw else None

    def worklogs(self) -> dict[int, tuple[int, int, int]]:
        """Every worklog the app sees: id -> (issue id, seconds, started ms), from the feed and list."""
        ids, since = [], 0
        while True:
            page = self.request("GET", f"/rest/api/3/worklog/updated?since={since}")
            ids += [v["worklogId"] for v in page["values"]]
            if page.get("lastPage", True):
                break
            since = page["until"]
        out = {}
        ids = sorted(set(ids))
        for i in range(0, len(ids), 1000):
            for w in self.request("POST", "/rest/api/3/worklog/list", {"ids": ids[i:i + 1000]}):
                out[int(w["id"])] = (int(w["issueId"]), int(w["timeSpentSeconds"]), jira_ms(w["started"]))
        return out


def jira_ms(text: str) -> int:
    """Jira's `2026-11-20T09:00:00.000+0000` (or an ISO instant with Z) as epoch milliseconds."""
    from datetime import datetime
    text = text.replace("Z", "+0000")
    return round(datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1000)


def jira_time(ms: int) -> str:
    from datetime import datetime, timezone
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def adf(text: str) -> dict:
    return {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}


def change(sim: Sim, jira: dict, n: int, rng: random.Random) -> dict:
    """N changes: 60 % updates, 20 % creations, 20 % deletions, each worklog touched once."""
    updates, deletions = round(n * 0.6), round(n * 0.2)
    creations = n - updates - deletions
    picked = rng.sample(sorted(jira), updates + deletions)
    issues = sorted({issue for issue, _, _ in jira.values()})
    touched = set()
    started = time.perf_counter()
    for k, wid in enumerate(picked[:updates]):
        issue, seconds, _ = jira[wid]
        body = {"timeSpentSeconds": seconds + 900 if seconds < 8 * 3600 else 900}
        if k % 3 == 0:
            body["comment"] = adf(f"benchmark edit {k}")
        sim.request("PUT", f"/rest/api/3/issue/{issue}/worklog/{wid}", body)
        touched.add(issue)
    for k in range(creations):
        issue = rng.choice(issues)
        day = FIRST_DAY_MS + rng.randrange(84) * DAY_MS + rng.randrange(8 * 4) * 900_000 + 7 * 3_600_000
        sim.request("POST", f"/rest/api/3/issue/{issue}/worklog",
                    {"started": jira_time(day), "timeSpentSeconds": rng.choice([900, 1800, 3600, 7200]),
                     "comment": adf(f"benchmark new {k}")}, expect=(201,))
        touched.add(issue)
    for wid in picked[updates:]:
        issue = jira[wid][0]
        sim.request("DELETE", f"/rest/api/3/issue/{issue}/worklog/{wid}", expect=(204,))
        touched.add(issue)
    seconds = time.perf_counter() - started
    # Jira's feeds leave out the last minute: move the simulator's clock past it.
    sim.request("POST", "/sim/clock", {"advanceMs": 120_000})
    return {"updates": updates, "creations": creations, "deletions": deletions, "issues": len(touched),
            "seconds": round(seconds, 2)}


def run(args: list[str], env: dict) -> dict:
    """Runs a command: wall and CPU seconds (wait4), peak RSS, its stdout as JSON when it is."""
    load_before = loadavg()
    gnu_time = shutil.which("time")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as peak_file:
        # The peak from GNU time: wait4's ru_maxrss would count this script's own pages, which
        # a child inherits at fork (a Linux quirk); CPU seconds from wait4, which counts time's child.
        command = [gnu_time, "-f", "%M", "-o", peak_file.name, *args] if gnu_time else args
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
        peak_kib = int(peak_file.read().split()[-1]) if gnu_time and os.waitstatus_to_exitcode(status) == 0 \
            else usage.ru_maxrss
    if os.waitstatus_to_exitcode(status) != 0:
        raise Failed(f"{' '.join(args[:3])} … failed ({os.waitstatus_to_exitcode(status)}):\n{stdout[-2000:]}\n{stderr[-2000:]}")
    try:
        answer = json.loads(stdout)
    except ValueError:
        answer = None
    return {"wall": round(wall, 4), "cpu": round(usage.ru_utime + usage.ru_stime, 4),
            "user": round(usage.ru_utime, 4), "system": round(usage.ru_stime, 4),
            "peak_mib": round(peak_kib / 1024, 1), "load_before": load_before, "load_after": loadavg(),
            "answer": answer}


class Failed(Exception):
    pass


def host_figures(answer: dict | None) -> dict:
    counts = (answer or {}).get("counts", {})
    return {"host_seconds": (answer or {}).get("seconds"), "slices": (answer or {}).get("slices"),
            **{k: counts.get(k) for k in ("written", "unchanged", "deleted", "issues", "jiraRequests", "sqlStatements")}}


def exported(worklogs: str, common: list[str], env: dict, path: str) -> dict[int, tuple[int, int, int]]:
    """The index's worklogs (the app's view, every worklog) through `worklogs export`."""
    r = subprocess.run([worklogs, "export", *common, "--from", "2024-01-01", "--to", "2028-12-31",
                        "--tz", "UTC", "--format", "csv", "--out", path], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise Failed(f"worklogs export failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    out = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            out[int(row["worklog_id"])] = (int(row["issue_id"]), int(row["seconds"]), jira_ms(row["started_utc"]))
    os.unlink(path)
    return out


def compare(index: dict, jira: dict) -> dict:
    """Differences between the index and Jira, per worklog and per issue (count, seconds)."""
    missing = [w for w in jira if w not in index]
    extra = [w for w in index if w not in jira]
    different = [w for w in jira if w in index and index[w] != jira[w]]

    def per_issue(d):
        out = {}
        for issue, seconds, _ in d.values():
            c, s = out.get(issue, (0, 0))
            out[issue] = (c + 1, s + seconds)
        return out

    a, b = per_issue(index), per_issue(jira)
    issues = sorted(i for i in set(a) | set(b) if a.get(i) != b.get(i))
    return {"equal": not (missing or extra or different or issues), "jira_worklogs": len(jira),
            "index_worklogs": len(index), "missing": len(missing), "extra": len(extra), "different": len(different),
            "issues_different": len(issues), "examples": {"missing": missing[:5], "extra": extra[:5],
                                                          "different": different[:5], "issues": issues[:5]}}


def wait_url(process: subprocess.Popen, seconds: float) -> str:
    """The simulator's URL from its first lines; the rest of its output is drained."""
    url = wait_line(process, r"jira-sim serving (http://\S+)", seconds, []).group(1)
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
    return url


def summary(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3)} if values else {}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--worklogs", type=int, default=200_000, help="the simulated site's worklogs (default 200,000)")
    p.add_argument("--issues", type=int, default=1000, help="issues per project (default 1,000: some 3,000 issues)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--changes", type=int, default=1000, help="changes per round (default 1,000)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--database", default=None,
                   help="mysql://USER:PASS@HOST:PORT/ of a server where the script may create and drop "
                        "jbytes_sync_* (default: SQLite)")
    p.add_argument("--analyze", action="store_true",
                   help="with --database: ANALYZE TABLE every table after the import (fresh statistics; the sync "
                        "no longer needs them: see docs/performance.md)")
    p.add_argument("--workdir", default=None, help="where the SQLite index and exports go (default: a fresh temporary directory)")
    p.add_argument("--json", default=None, help="write every figure here as JSON")
    p.add_argument("--worklogs-bin", default=os.environ.get("WORKLOGS", os.path.join(TARGET, "release/worklogs")))
    p.add_argument("--jira-sim-bin", default=os.environ.get("JIRA_SIM", os.path.join(TARGET, "release/jira-sim")))
    args = p.parse_args(argv)
    if not (1 <= args.changes <= 10_000 and 1 <= args.rounds <= 50):
        p.error("bounds: 1 <= --changes <= 10,000, 1 <= --rounds <= 50")

    workdir = args.workdir or tempfile.mkdtemp(prefix="worklogs-sync-bench-")
    os.makedirs(workdir, exist_ok=True)
    env = dict(os.environ, WORKLOGS_COMPONENT=os.environ.get(
        "WORKLOGS_COMPONENT", os.path.join(TARGET, "wasm32-wasip2/release/worklogs_app.wasm")))
    env.pop("WORKLOGS_DATABASE_URL", None)
    server = database = sim_process = None
    report: dict = {"worklogs": args.worklogs, "issues_per_project": args.issues, "seed": args.seed,
                    "changes": args.changes, "engine": "mariadb" if args.database else "sqlite", "nproc": os.cpu_count()}
    code = 0
    try:
        sim_process = subprocess.Popen(
            [args.jira_sim_bin, "--port", "0", "--seed", str(args.seed), "--worklogs", str(args.worklogs),
             "--issues", str(args.issues)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        url = wait_url(sim_process, 120)
        sim = Sim(url)
        common = ["--jira-sim", url, "--installation", "sync-bench"]
        if args.database:
            server = MariaDB(args.database)
            database = f"jbytes_sync_{os.getpid()}"
            server.sql(f"DROP DATABASE IF EXISTS {database}; CREATE DATABASE {database}")
            env["WORKLOGS_DATABASE_URL"] = urllib.parse.urlsplit(args.database)._replace(path="/" + database).geturl()
            report["server"] = server.sql("SELECT VERSION()")[0][0]
        else:
            common += ["--data", os.path.join(workdir, "data")]
        worklogs = args.worklogs_bin

        print(f"jira-sim --seed {args.seed} --worklogs {args.worklogs:,} --issues {args.issues} at {url}; "
              f"index: {report.get('server', 'SQLite') if args.database else 'SQLite in ' + workdir}", flush=True)
        full = run([worklogs, "sync", "--full", *common], env)
        report["full"] = {k: v for k, v in full.items() if k != "answer"} | host_figures(full["answer"])
        print(f"full import: {full['wall']:.1f} s wall, {full['cpu']:.1f} CPU s, {full['peak_mib']:.0f} MiB; "
              f"{report['full']['written']:,} worklogs; load {full['load_before'][0]:.2f} -> {full['load_after'][0]:.2f}",
              flush=True)
        if args.analyze and server is not None:
            tables = [t for (t,) in server.sql("SHOW TABLES", database)]
            server.sql(f"ANALYZE TABLE {', '.join(tables)}", database)
            report["analyzed"] = tables
        settle = run([worklogs, "sync", *common], env)
        report["settle"] = {k: v for k, v in settle.items() if k != "answer"} | host_figures(settle["answer"])

        jira = sim.worklogs()
        check = compare(exported(worklogs, common, env, os.path.join(workdir, "export.csv")), jira)
        report["after_full"] = check
        print(f"after the import: index {check['index_worklogs']:,} worklogs, Jira {check['jira_worklogs']:,}: "
              f"{'equal' if check['equal'] else 'DIFFERENT ' + json.dumps(check)}", flush=True)
        if not check["equal"]:
            code = 1

        rng = random.Random(args.seed)
        rounds = report["rounds"] = []
        header = (f"{'round':>5} {'what':<10} {'wall s':>7} {'CPU s':>6} {'MiB':>5} {'host s':>6} {'written':>7} "
                  f"{'deleted':>7} {'Jira':>5} {'SQL':>5} {'load before/after':>18} {'index = Jira':>12}")
        print(header)
        for r in range(1, args.rounds + 1):
            # The issue sweep asks Jira for the issues updated in the last N minutes, N the host's
            # own minutes since the previous sweep plus 5 of margin: the simulator's clock moved
            # 6 minutes on leaves the previous round's issues out, so the baseline has nothing to do.
            sim.request("POST", "/sim/clock", {"advanceMs": 360_000})
            base = run([worklogs, "sync", *common], env)
            made = change(sim, jira, args.changes, rng)
            sync = run([worklogs, "sync", *common], env)
            # Right after, as a sync every minute would: the margin fetches this round's issues again.
            resweep = run([worklogs, "sync", *common], env)
            jira = sim.worklogs()
            check = compare(exported(worklogs, common, env, os.path.join(workdir, "export.csv")), jira)
            row = {"round": r, "changes": made,
                   "resweep": {k: v for k, v in resweep.items() if k != "answer"} | host_figures(resweep["answer"]),
                   "baseline": {k: v for k, v in base.items() if k != "answer"} | host_figures(base["answer"]),
                   "sync": {k: v for k, v in sync.items() if k != "answer"} | host_figures(sync["answer"]),
                   "check": check}
            rounds.append(row)
            for what, f in (("0 changes", row["baseline"]), (f"{args.changes:,} chg", row["sync"]),
                            ("re-sweep", row["resweep"])):
                print(f"{r:>5} {what:<10} {f['wall']:>7.3f} {f['cpu']:>6.3f} {f['peak_mib']:>5.0f} "
                      f"{f['host_seconds'] if f['host_seconds'] is not None else '':>6} {f['written'] or 0:>7} "
                      f"{f['deleted'] or 0:>7} {f['jiraRequests'] or 0:>5} {f['sqlStatements'] or 0:>5} "
                      f"{f['load_before'][0]:>8.2f} / {f['load_after'][0]:<7.2f} "
                      f"{('yes' if check['equal'] else 'NO') if what.endswith('chg') else '':>12}", flush=True)
            if not check["equal"]:
                print(f"round {r}: the index differs from Jira: {json.dumps(check)}", flush=True)
                code = 1

        agg = report["summary"] = {}
        for what in ("resweep", "baseline", "sync"):
            agg[what] = {k: summary([row[what][k] for row in rounds]) for k in ("wall", "cpu", "peak_mib")}
        agg["net_wall_median"] = round(agg["sync"]["wall"]["median"] - agg["baseline"]["wall"]["median"], 3)
        agg["net_cpu_median"] = round(agg["sync"]["cpu"]["median"] - agg["baseline"]["cpu"]["median"], 3)
        agg["all_equal"] = all(row["check"]["equal"] for row in rounds) and report["after_full"]["equal"]
        print(f"\n{args.changes:,} changes ({rounds[0]['changes']['updates']} updates, "
              f"{rounds[0]['changes']['creations']} creations, {rounds[0]['changes']['deletions']} deletions "
              f"on ~{statistics.median(r['changes']['issues'] for r in rounds):.0f} issues a round), "
              f"{report['engine']}, {len(rounds)} rounds:")
        for what, label in (("sync", "incremental sync"), ("baseline", "zero-change sync"),
                            ("resweep", "re-sweep (next sync)")):
            s = agg[what]
            print(f"  {label:<20} wall median {s['wall']['median']:.3f} s (min {s['wall']['min']:.3f}, "
                  f"max {s['wall']['max']:.3f}); CPU median {s['cpu']['median']:.3f} s (min {s['cpu']['min']:.3f}); "
                  f"peak {s['peak_mib']['max']:.0f} MiB")
        print(f"  difference of the medians: {agg['net_wall_median']:.3f} s wall, {agg['net_cpu_median']:.3f} CPU s; "
              f"index equal to Jira after every round: {'yes' if agg['all_equal'] else 'NO'}")
    except Failed as err:
        print(f"sync_bench.py: {err}", file=sys.stderr)
        code = 1
    finally:
        if sim_process is not None and sim_process.poll() is None:
            sim_process.send_signal(signal.SIGINT)
            try:
                sim_process.wait(10)
            except subprocess.TimeoutExpired:
                sim_process.kill()
                sim_process.wait()
        if server is not None and database:
            server.sql(f"DROP DATABASE IF EXISTS {database}")
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        report["load_end"] = loadavg()
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=2)
    return code


if __name__ == "__main__":
    sys.exit(main())
