"""Bytes per version of the worklog journal (docs/data-protection.md, docs/performance.md).

Builds the journal's table as the component's migrations create it: the
statements of `0026-worklog-journal` to `0029-worklog-journal-author` are read
from wasm/app/src/schema.rs, so the table, its primary key and its three
indexes are the shipped ones. Stores N versions shaped like a site's (several
versions per worklog, dictionary ids for author, visibility and attributes,
the comment's 31-bit hash, the comment as ADF JSON text when comments are on)
in SQLite, VACUUMs, and reads each b-tree's bytes from SQLite's `dbstat`
(table and each index apart), then divides by N.

With `--database mysql://USER:PASS@HOST:PORT/` it measures MariaDB/MySQL
(InnoDB) instead: the same statements in a database of its own
(`jbytes_<pid>_<n>`, dropped afterwards), the same rows loaded with `LOAD DATA
LOCAL INFILE` through the `mariadb` (or `mysql`) command-line client, then
`ANALYZE TABLE` and DATA_LENGTH + INDEX_LENGTH from information_schema.TABLES
(the clustered index, which is the table and its key, and the three indexes
apart from mysql.innodb_index_stats). InnoDB allocates 16 KiB pages, and
extents of 1 MiB once an index passes 32 pages, so use a million versions or
more for the allocation's granularity to stay under 1 %. `--order shuffled`
inserts the versions in random order (each index's pages split as in a
journal whose worklogs change long after they are created: the worst case);
`generated` (the default) inserts them in key order, which is also time order.

    python3 bench/journal_bytes.py [N]      # N versions, 200,000 by default; SQLite
    python3 bench/journal_bytes.py 1000000 --database mysql://USER:PASS@127.0.0.1:33306/
    python3 bench/journal_bytes.py 1000000 --database "$(bash scripts/mariadb.sh url)" --order shuffled
"""

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import tempfile
import urllib.parse

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


def versions(n: int, comments: bool) -> list[tuple]:
    """N journal rows, the same for a given N and `comments` on every engine."""
    random.seed(1)
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
    return rows


COLUMNS = "site, worklog, seq, issue, project, author, started, seconds, updated, visibility, attrs, note, " \
    "comment, deleted, seen_at, source, hash"


def measure(n: int, comments: bool) -> dict:
    """SQLite: the rows inserted, VACUUMed, each b-tree's bytes from dbstat."""
    rows = versions(n, comments)
    path = os.path.join(tempfile.mkdtemp(), "journal.sqlite")
    db = sqlite3.connect(path)
    for s in statements():
        db.execute(s)
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


class MariaDB:
    """SQL through the `mariadb` (or `mysql`) command-line client; the password in its environment."""

    def __init__(self, url: str):
        u = urllib.parse.urlsplit(url)
        if u.scheme != "mysql" or not u.hostname:
            raise SystemExit(f"not a mysql:// URL: {url}")
        self.client = shutil.which("mariadb") or shutil.which("mysql")
        if not self.client:
            raise SystemExit("--database needs the mariadb (or mysql) command-line client")
        self.args = [self.client, "--no-defaults", "--batch", "--skip-column-names", "--local-infile=1",
                     f"--host={u.hostname}", f"--port={u.port or 3306}",
                     f"--user={urllib.parse.unquote(u.username or '')}"]
        self.env = dict(os.environ, MYSQL_PWD=urllib.parse.unquote(u.password or ""))

    def sql(self, text: str, database: str | None = None) -> list[list[str]]:
        args = self.args + ([f"--database={database}"] if database else [])
        out = subprocess.run(args, input=text, env=self.env, capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"{self.client}: {out.stderr.strip()}")
        return [line.split("\t") for line in out.stdout.splitlines()]


def tsv(value) -> str:
    """A LOAD DATA field: NULL as \\N; the rows hold no tab, newline or backslash."""
    return "\\N" if value is None else str(value)


def measure_mysql(server: MariaDB, n: int, comments: bool, order: str) -> dict:
    """InnoDB: the rows loaded into a database of our own, ANALYZEd, sizes from information_schema."""
    rows = versions(n, comments)
    if order == "shuffled":
        random.Random(2).shuffle(rows)
    name = f"jbytes_{os.getpid()}_{'c' if comments else 'n'}_{order}"
    work = tempfile.mkdtemp()
    data = os.path.join(work, "rows.tsv")
    with open(data, "w", encoding="utf-8") as f:
        for row in rows:
            f.write("\t".join(map(tsv, row)) + "\n")
    del rows
    server.sql(f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}")
    try:
        server.sql(";\n".join(statements()), name)
        server.sql(f"LOAD DATA LOCAL INFILE '{data}' INTO TABLE worklog_journal "
                   f"FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n' ({COLUMNS})", name)
        server.sql("ANALYZE TABLE worklog_journal", name)
        (count,), = server.sql("SELECT COUNT(*) FROM worklog_journal", name)
        if int(count) != n:
            raise SystemExit(f"{name}: {count} rows loaded, not {n}")
        (data_length, index_length, data_free, page, version), = server.sql(
            "SELECT DATA_LENGTH, INDEX_LENGTH, DATA_FREE, @@innodb_page_size, VERSION() "
            f"FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{name}' AND TABLE_NAME = 'worklog_journal'")
        per = {}
        for index, stat, pages in server.sql(
                "SELECT index_name, stat_name, stat_value FROM mysql.innodb_index_stats "
                f"WHERE database_name = '{name}' AND table_name = 'worklog_journal' "
                "AND stat_name IN ('size', 'n_leaf_pages') ORDER BY index_name, stat_name"):
            per.setdefault(index, {})[stat] = int(pages)
        avg = server.sql("SELECT AVG(LENGTH(COALESCE(comment, ''))) FROM worklog_journal", name)[0][0]
    finally:
        server.sql(f"DROP DATABASE IF EXISTS {name}")
        shutil.rmtree(work, ignore_errors=True)
    page = int(page)
    return {
        "version": version, "page": page,
        "data": int(data_length) / n, "index": int(index_length) / n, "free": int(data_free),
        "per": {k: v["size"] * page / n for k, v in per.items() if "size" in v},
        "leaf_pages": {k: v.get("n_leaf_pages") for k, v in per.items()},
        "pages": {k: v.get("size") for k, v in per.items()},
        "total": (int(data_length) + int(index_length)) / n, "comment": float(avg),
    }


def report(n: int, comments: bool, r: dict):
    versions_per_gib = (1 << 30) / r["total"]
    parts = ", ".join(f"{k} {v:.1f}" for k, v in r["per"].items())
    print(f"comments {'on ' if comments else 'off'}: {r['total']:.1f} bytes per version ({parts}; "
          f"comment text {r['comment']:.1f} bytes on average); 1 GiB holds {versions_per_gib / 1e6:.2f} M versions, "
          f"{versions_per_gib / 1e6:.1f} per worklog of a 1,000,000-worklog site", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", nargs="?", type=int, default=200_000, help="versions to store (default 200,000)")
    p.add_argument("--database", default=None,
                   help="mysql://USER:PASS@HOST:PORT/ of a MariaDB/MySQL server to measure InnoDB on (default: SQLite); "
                        "the script creates and drops its own jbytes_* databases")
    p.add_argument("--order", choices=("generated", "shuffled"), default="generated",
                   help="with --database: insert the versions in key (= time) order or shuffled")
    p.add_argument("--json", default=None, help="also write the figures here as JSON")
    args = p.parse_args()
    n, figures = args.n, {}
    if args.database is None:
        print(f"SQLite {sqlite3.sqlite_version}, {n:,} versions, after VACUUM, bytes per version from dbstat:")
        for comments in (False, True):
            r = figures["on" if comments else "off"] = measure(n, comments)
            report(n, comments, r)
    else:
        server = MariaDB(args.database)
        for comments in (False, True):
            r = figures["on" if comments else "off"] = measure_mysql(server, n, comments, args.order)
            if not comments:
                print(f"{r['version']} (InnoDB, {r['page'] // 1024} KiB pages), {n:,} versions inserted in "
                      f"{args.order} order, after ANALYZE TABLE, bytes per version from information_schema "
                      "(DATA_LENGTH + INDEX_LENGTH; per index from mysql.innodb_index_stats):")
            report(n, comments, r)
            print(f"    pages (leaf pages): " + ", ".join(
                f"{k} {r['pages'][k]:,} ({r['leaf_pages'][k]:,})" for k in r["pages"]) +
                f"; DATA_FREE {r['free'] / 2**20:.0f} MiB")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"versions": n, "database": "mysql" if args.database else "sqlite",
                       "order": args.order if args.database else None, "figures": figures}, f, indent=2)


if __name__ == "__main__":
    main()
