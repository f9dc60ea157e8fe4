"""Bytes per version of the worklog journal (docs/data-protection.md, docs/performance.md).

Builds the journal's table as the component's migrations create it: the
statements of `0026-worklog-journal` to `0029-worklog-journal-author` are read
from wasm/app/src/schema.rs, so the table, its primary key and its three
indexes are the shipped ones. Stores N versions shaped like a site's (several
versions per worklog, dictionary ids for author, visibility and attributes,
the comment's 31-bit hash, the comment as ADF JSON text when comments are on)
in SQLite, VACUUMs, and reads each b-tree's bytes from SQLite's `dbstat`
(table and each index apart), then divides by N.

    python3 bench/journal_bytes.py [N]      # N versions, 200,000 by default
"""

import json
import os
import random
import re
import sqlite3
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORDS = "fixed the login bug review meeting with the team deploy hotfix write tests refactor sync".split()
MIGRATIONS = ("0026-worklog-journal", "0027-worklog-journal-seen",
              "0028-worklog-journal-project", "0029-worklog-journal-author")


def statements() -> list[str]:
    """The journal's migrations, as schema.rs holds them (Rust string continuations joined)."""
    text = open(os.path.join(ROOT, "wasm/app/src/schema.rs"), encoding="utf-8").read()
    out = []
    for name in MIGRATIONS:
        m = re.search(r'name:\s*"' + re.escape(name) + r'",\s*statement:\s*"((?:[^"\\]|\\.)*)"', text, re.S)
        if not m:
            raise SystemExit(f"migration {name} not found in schema.rs")
        out.append(re.sub(r"\\\n\s*", "", m.group(1)))
    return out


def adf(text: str) -> str:
    return json.dumps({"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": text}]}]}, separators=(",", ":"))


def measure(n: int, comments: bool) -> dict:
    random.seed(1)
    path = os.path.join(tempfile.mkdtemp(), "journal.sqlite")
    db = sqlite3.connect(path)
    for s in statements():
        db.execute(s)
    rows = []
    worklog, seq = 10_000, 0
    seen = 1_795_000_000_000
    for _ in range(n):
        # About three versions per worklog: created, changed once or twice, sometimes deleted.
        if seq == 0 or random.random() < 0.35:
            worklog, seq = worklog + random.randint(1, 3), 0
        seq += 1
        seen += random.randint(1, 5_000)
        text = " ".join(random.choice(WORDS) for _ in range(random.randint(1, 12)))
        comment = adf(text) if comments and random.random() < 0.8 else None
        rows.append((
            1, worklog, seq, 10_000 + random.randint(0, 50_000), 10_000 + random.randint(0, 40),
            random.randint(1, 5_000), 1_790_000_000_000 + random.randint(0, 10**10),
            random.choice([900, 1800, 3600, 7200]), seen - random.randint(0, 60_000),
            0 if random.random() < 0.9 else random.randint(1, 50),
            0 if random.random() < 0.5 else random.randint(1, 2_000),
            random.randint(1, 2**31 - 1) if comment else 0, comment,
            1 if random.random() < 0.05 else 0, seen, random.choice([1, 2, 3]),
            random.randint(-2**63, 2**63 - 1),
        ))
    db.executemany("INSERT INTO worklog_journal (site, worklog, seq, issue, project, author, started, seconds, "
                   "updated, visibility, attrs, note, comment, deleted, seen_at, source, hash) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.commit()
    db.execute("VACUUM")
    per = {name: size / n for name, size in db.execute(
        "SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE '%worklog_journal%' GROUP BY name ORDER BY name")}
    avg = db.execute("SELECT AVG(LENGTH(COALESCE(comment, ''))) FROM worklog_journal").fetchone()[0]
    db.close()
    return {"per": per, "total": sum(per.values()), "comment": avg}


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    print(f"SQLite {sqlite3.sqlite_version}, {n:,} versions, after VACUUM, bytes per version from dbstat:")
    for comments in (False, True):
        r = measure(n, comments)
        versions = (1 << 30) / r["total"]
        parts = ", ".join(f"{k} {v:.1f}" for k, v in r["per"].items())
        print(f"comments {'on ' if comments else 'off'}: {r['total']:.1f} bytes per version ({parts}; "
              f"comment text {r['comment']:.1f} bytes on average); 1 GiB holds {versions / 1e6:.2f} M versions, "
              f"{versions / 1e6:.1f} per worklog of a 1,000,000-worklog site")
