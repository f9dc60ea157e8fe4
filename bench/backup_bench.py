#!/usr/bin/env python3
"""Backup and restore of a large site's app data: wall time, CPU time and peak RSS of
`worklogs backup` and `worklogs restore --yes` (docs/backup.md, docs/performance.md).

    python3 bench/backup_bench.py [--worklogs 1000000] [--json FILE]

An archive holds the app's data, not the worklogs (they live in Jira; the index is a cache
rebuilt by `sync.full`) and not the worklog journal (which stays with the site). What grows
with a site's worklogs is the approvals' data: this script writes, straight into a SQLite
data directory that `worklogs` migrated, the app data of a site with `--worklogs` worklogs
whose every timesheet was submitted and approved (the heaviest case: every worklog locked):

- people = worklogs / 1,000 (a year of about four worklogs a working day each);
- approval_periods: one approved week per person and week (52 a person);
- approval_history: a submission and an approval per period;
- approval_snapshots: one locked version per worklog, a Jira worklog's JSON (~900 bytes:
  author and update author, an ADF comment, the `self` URL, as Jira sends it);
- audit_log: an entry per transition (hashes are random hex: a backup and a restore copy
  them as they are, and `audit.verify` is not part of this measure), audit_actors per person;
- saved_reports: two per person; timers: one per person; settings: the demo's.

Then, each in its own process under GNU `time`: `worklogs backup --backup-dir` (the component
makes the archive in its storage, the host copies it to the directory) and `worklogs restore
ARCHIVE --yes` into a fresh data directory (upload, verify, replace). Both start by compiling
the component: `worklogs call backup.list` is measured too, as that fixed cost. The Jira site is
a `jira-sim` with a small world (neither command reads Jira).

Needs built `worklogs` and `jira-sim` (target/release, or WORKLOGS / JIRA_SIM) and the
component (WORKLOGS_COMPONENT, or the one cargo built).
"""

import argparse
import hashlib
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
WORKLOGS = Path(os.environ.get("WORKLOGS", TARGET / "release/worklogs"))
JIRA_SIM = Path(os.environ.get("JIRA_SIM", TARGET / "release/jira-sim"))
COMPONENT = Path(os.environ.get("WORKLOGS_COMPONENT", TARGET / "wasm32-wasip2/release/worklogs_app.wasm"))
WORDS = "fixed the login bug review meeting with the team deploy hotfix write tests refactor sync".split()
WEEK_MS = 7 * 86_400_000
YEAR_START_MS = 1_764_547_200_000  # 2025-12-01, a Monday


def start_sim():
    process = subprocess.Popen([str(JIRA_SIM), "--port", "0", "--seed", "1", "--worklogs", "100"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in process.stdout:
        m = re.search(r"jira-sim serving (http://127\.0\.0\.1:\d+)", line)
        if m:
            return process, m.group(1)
    raise SystemExit("jira-sim did not start")


def timed(command, env):
    """Runs `command` under GNU time: (wall s, CPU s, peak RSS MiB, stdout)."""
    with tempfile.NamedTemporaryFile("r") as stats:
        started = time.monotonic()
        done = subprocess.run(["/usr/bin/time", "-o", stats.name, "-f", "%U %S %M", *command],
                              env=env, capture_output=True, text=True)
        wall = time.monotonic() - started
        if done.returncode != 0:
            raise SystemExit(f"{command[1]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        user, system, rss_kib = stats.read().split()[-3:]
    return wall, float(user) + float(system), int(rss_kib) / 1024, done.stdout


def body(rng, worklog, account, issue, started_ms):
    comment = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
    author = {"self": f"https://example.atlassian.net/rest/api/3/user?accountId={account}",
              "accountId": account, "displayName": f"Person {account[-6:]}", "active": True,
              "timeZone": "Europe/Berlin", "accountType": "atlassian"}
    return json.dumps({
        "self": f"https://example.atlassian.net/rest/api/3/issue/{issue}/worklog/{worklog}",
        "author": author, "updateAuthor": author,
        "comment": {"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": comment}]}]},
        "created": "2026-01-05T09:00:00.000+0100", "updated": "2026-01-05T09:00:00.000+0100",
        "started": "2026-01-05T09:00:00.000+0100", "timeSpent": "2h", "timeSpentSeconds": 7200,
        "id": str(worklog), "issueId": str(issue),
    }, separators=(",", ":"))


def fill(db_path, worklogs, seed=1):
    """The app data of a `worklogs`-worklog site whose every week was approved."""
    rng = random.Random(seed)
    people = max(1, worklogs // 1000)
    periods_total = people * 52
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    accounts = [f"5b10a2844c20165700ede{n:06d}" for n in range(people)]
    seq, worklog, rows = 0, 10_000, {"approval_snapshots": 0}
    audit = []
    for p, account in enumerate(accounts):
        db.execute("INSERT INTO audit_actors VALUES ('local', ?, ?, ?)", (p + 1, account, 1))
        db.execute("INSERT INTO timers VALUES ('local', ?, ?, ?, ?, 'running', ?, 0, ?, NULL, NULL, "
                   "'Europe/Berlin', '', '{}', ?)", (account, f"t{p}", 10_001 + p, f"ALPHA-{p + 1}",
                                                     YEAR_START_MS, YEAR_START_MS, YEAR_START_MS))
        for r in range(2):
            query = json.dumps({"period": {"from": "2026-01-01", "to": "2026-12-31"},
                                "groupBy": ["issue", "week"], "people": [account]})
            db.execute("INSERT INTO saved_reports VALUES ('local', ?, ?, ?, ?, '[]', ?)",
                       (f"r{p}-{r}", account, f"Report {r}", query, YEAR_START_MS))
        periods, history, snapshots = [], [], []
        for week in range(52):
            start_ms = YEAR_START_MS + week * WEEK_MS
            start = time.strftime("%Y-%m-%d", time.gmtime(start_ms / 1000))
            end = time.strftime("%Y-%m-%d", time.gmtime((start_ms + WEEK_MS) / 1000 - 86_400))
            reviewer = accounts[(p + 1) % people]
            periods.append(("local", account, start, end, p + 1, "Europe/Berlin", start_ms, start_ms + WEEK_MS,
                            "approved", "approved", reviewer, start_ms + WEEK_MS, None, start_ms + WEEK_MS))
            for n, (action, actor) in enumerate((("submit", account), ("approve", reviewer))):
                history.append(("local", account, start, f"h{week}-{n}", start_ms + WEEK_MS + n, action, actor,
                                None, None, None, start_ms + WEEK_MS + n))
                seq += 1
                audit.append(("local", seq, start_ms + WEEK_MS + n, "person", p + 1, f"approval.{action}",
                              f"{account} {start}", None, json.dumps({"state": action}),
                              os.urandom(32).hex(), os.urandom(32).hex()))
            period = p * 52 + week
            for _ in range(worklogs // periods_total + (1 if period < worklogs % periods_total else 0)):
                worklog += 1
                b = body(rng, worklog, account, 10_000 + rng.randint(0, 5_000), start_ms)
                snapshots.append(("local", account, start, worklog, hashlib.sha256(b.encode()).hexdigest(),
                                  b, start_ms + WEEK_MS))
        db.executemany("INSERT INTO approval_periods VALUES (" + ",".join("?" * 14) + ")", periods)
        db.executemany("INSERT INTO approval_history VALUES (" + ",".join("?" * 11) + ")", history)
        db.executemany("INSERT INTO approval_snapshots VALUES (?,?,?,?,?,?,?)", snapshots)
        rows["approval_snapshots"] += len(snapshots)
    db.executemany("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?,?,?,?)", audit)
    db.commit()
    rows.update({"people": people, "approval_periods": people * 52, "approval_history": people * 104,
                 "audit_log": len(audit)})
    db.close()
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worklogs", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    for needed in (WORKLOGS, JIRA_SIM, COMPONENT):
        if not needed.exists():
            raise SystemExit(f"not built: {needed}")
    env = dict(os.environ, WORKLOGS_COMPONENT=str(COMPONENT))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="backup-bench-"))
    sim, url = start_sim()
    try:
        site, fresh, dest = work / "site", work / "fresh", work / "dest"
        base = [str(WORKLOGS)]
        common = ["--jira-sim", url]
        startup = timed(base + ["call", "backup.list", *common, "--data", str(site)], env)
        subprocess.run(base + ["call", "backup.list", *common, "--data", str(fresh)], env=env,
                       check=True, capture_output=True)
        filled = time.monotonic()
        rows = fill(site / "worklogs.sqlite", args.worklogs)
        filled = time.monotonic() - filled
        app_bytes = (site / "worklogs.sqlite").stat().st_size
        backup = timed(base + ["backup", *common, "--data", str(site), "--backup-dir", str(dest), "--json"], env)
        made = json.loads(backup[3])
        restore = timed(base + ["restore", str(dest / made["archive"]), *common, "--data", str(fresh),
                                "--yes", "--json"], env)
        restored = json.loads(restore[3])
        counts = {t["table"]: t["archiveRows"] for t in restored["plan"]["tables"]}
        assert counts["approval_snapshots"] == rows["approval_snapshots"], counts
    finally:
        sim.kill()
    with open("/proc/loadavg") as f:
        load = f.read().strip()
    figures = {
        "worklogs": args.worklogs, "rows": rows, "archiveRows": made["rows"], "archiveBytes": made["bytes"],
        "parts": made["parts"], "sqliteBytesBefore": app_bytes, "fillSeconds": round(filled, 1),
        "startup": {"wall": round(startup[0], 1), "cpu": round(startup[1], 1), "rssMiB": round(startup[2])},
        "backup": {"wall": round(backup[0], 1), "cpu": round(backup[1], 1), "rssMiB": round(backup[2])},
        "restore": {"wall": round(restore[0], 1), "cpu": round(restore[1], 1), "rssMiB": round(restore[2])},
        "loadavg": load, "cpus": os.cpu_count(),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    sys.exit(main())
