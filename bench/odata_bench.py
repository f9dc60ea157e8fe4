#!/usr/bin/env python3
"""Rows per second through the OData feed (`docs/odata.md`), and the server's memory.

Starts `worklogs serve` over an index synced before (`worklogs sync --full
--jira-sim URL --data DIR`), creates a personal access key for `--account`,
then pages `/odata/Worklogs` to the end with HTTP Basic, as Power BI does:
once with every column and once with `$select` of five. Prints rows, pages,
seconds, rows per second, the server's peak resident memory (VmHWM) and the
machine's load.

    target/release/jira-sim --port 18181 --seed 3 --worklogs 1000000 &
    target/release/worklogs sync --full --jira-sim http://127.0.0.1:18181 --data /tmp/odata-1m
    python3 bench/odata_bench.py --jira-sim http://127.0.0.1:18181 --data /tmp/odata-1m

With `--peer`, the same rows go through a peer OData v4 server in the same
run: SAP CAP (`@sap/cds` on Node with `@cap-js/sqlite`, `bench/odata_peer`)
serving the flat export's columns from a SQLite file, loaded from an export of
the same index (`worklogs export --format csv`), paged the same way with its
own server-driven paging (1,000 rows a page). The peer checks no key and no
permission: it serves one table as it is. The first run installs it
(`npm install`; `better-sqlite3` is built from source against Node's headers
when no prebuilt binary fits) and loads the file (a minute or two for a
million rows).
"""

import argparse
import base64
import http.client
import json
import csv
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

from report_serve import peak_rss_mib, serve

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
PEER = ROOT / "bench" / "odata_peer"
READS = [("all columns", ""),
         ("5 columns", "?$select=" + urllib.parse.quote("worklog_id,project_key,author_account_id,started_utc,seconds"))]


def page_through(conn, path, headers):
    """GETs `path` and every `@odata.nextLink` after it: (rows, pages, seconds)."""
    rows, pages = 0, 0
    began = time.perf_counter()
    while path:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"{response.status}: {body[:300]!r}")
        page = json.loads(body)
        rows += len(page["value"])
        pages += 1
        link = page.get("@odata.nextLink")
        # Absolute (ours) or relative to the service root (CAP's).
        link = link and urllib.parse.urljoin(f"http://host{path}", link)
        path = urllib.parse.urlsplit(link)._replace(scheme="", netloc="").geturl() if link else None
    return rows, pages, time.perf_counter() - began


def report(who, label, rows, pages, took, pid):
    print(f"{who} {label}: {rows} rows in {pages} pages, {took:.1f} s, {rows / took:,.0f} rows/s, "
          f"peak RSS {peak_rss_mib(pid):.0f} MiB, load {os.getloadavg()}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jira-sim", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--account", default="dave")
    parser.add_argument("--component", help="a component file instead of the one built into the binary")
    parser.add_argument("--peer", metavar="CSV",
                        help="also page these rows (the index's CSV export) through the peer server")
    args = parser.parse_args()
    if args.peer:
        peer(Path(args.peer))

    process, port, token = serve(str(TARGET / "release" / "worklogs"), args, args.component)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        conn.request("POST", "/api/keys", json.dumps({"name": "bench"}),
                     {"content-type": "application/json", "x-worklogs-token": token,
                      "x-worklogs-account": args.account})
        answer = json.loads(conn.getresponse().read())
        if "ok" not in answer:
            raise SystemExit(f"creating a key failed: {answer}")
        user = args.account
        auth = base64.b64encode(f"{user}:{answer['ok']['secret']}".encode()).decode()
        for label, query in READS:
            rows, pages, took = page_through(conn, "/odata/Worklogs" + query,
                                             {"Authorization": f"Basic {auth}", "OData-Version": "4.0"})
            report("worklogs", label, rows, pages, took, process.pid)
    finally:
        process.terminate()
        process.wait()


def peer(csv_path):
    """Pages the rows of `csv_path` through SAP CAP's OData v4 server."""
    install_peer()
    database = Path(tempfile.gettempdir()) / f"worklogs-odata-peer-{csv_path.stat().st_size}.sqlite"
    if not database.exists():
        load_peer(csv_path, database)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Its production profile (no development extras), without sign-in and
    # without a log line per request.
    config = {"requires": {"db": {"kind": "sqlite", "credentials": {"url": str(database)}},
                           "auth": {"kind": "dummy"}},
              "log": {"levels": {"odata": "warn"}}}
    log = tempfile.TemporaryFile("w+")
    process = subprocess.Popen(["node", "node_modules/@sap/cds/bin/serve.js", "--port", str(port)], cwd=PEER,
                               env={**os.environ, "CDS_CONFIG": json.dumps(config), "NODE_ENV": "production"},
                               stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            log.seek(0)
            if "server listening" in log.read():
                break
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise SystemExit(f"the peer server did not start:\n{log.read()}")
            time.sleep(0.2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        for label, query in READS:
            rows, pages, took = page_through(conn, "/odata/Worklogs" + query, {"OData-Version": "4.0"})
            report("peer (SAP CAP)", label, rows, pages, took, process.pid)
    finally:
        process.terminate()
        process.wait()


def install_peer():
    """`npm install` in bench/odata_peer, building better-sqlite3 when no prebuilt binary came."""
    if not (PEER / "node_modules" / "@sap" / "cds").exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=PEER, check=True)
    probe = ["node", "-e", "require('better-sqlite3')"]
    if subprocess.run(probe, cwd=PEER, capture_output=True).returncode != 0:
        env = dict(os.environ)
        if Path("/usr/include/node/node.h").exists():
            env["npm_config_nodedir"] = "/usr"
        print("building better-sqlite3 from source (about a minute)", flush=True)
        subprocess.run(["npm", "rebuild", "better-sqlite3", "--build-from-source"], cwd=PEER, env=env, check=True)
        subprocess.run(probe, cwd=PEER, check=True)


def load_peer(csv_path, database):
    """The CAP model's tables (`ddl.js`) in `database`, holding the rows of `csv_path`."""
    ddl = subprocess.run(["node", "ddl.js"], cwd=PEER, check=True, capture_output=True, text=True).stdout
    partial = database.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    db.executescript(ddl)
    table = [c[1] for c in db.execute("PRAGMA table_info(worklogs_Worklogs)")]
    types = {c[1]: c[2] for c in db.execute("PRAGMA table_info(worklogs_Worklogs)")}

    def value(column, text):
        kind = types[column]
        if kind == "NCLOB":
            return json.dumps([item for item in text.split("; ") if item] if text else [])
        if kind == "BOOLEAN":
            return text == "true"
        if kind == "BIGINT":
            return int(text)
        return text if text or column in ("comment", "issue_summary") else None

    with open(csv_path, newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        header = next(reader)
        if header != table:
            raise SystemExit(f"{csv_path}'s columns are not the peer model's: {header} against {table}")
        began, batch, count = time.perf_counter(), [], 0
        insert = f"INSERT INTO worklogs_Worklogs VALUES ({', '.join('?' * len(table))})"
        for row in reader:
            batch.append([value(c, t) for c, t in zip(header, row)])
            if len(batch) == 10_000:
                db.executemany(insert, batch)
                count, batch = count + len(batch), []
        db.executemany(insert, batch)
        db.commit()
        count += len(batch)
    db.close()
    shutil.move(partial, database)
    print(f"peer: loaded {count} rows into {database} in {time.perf_counter() - began:.1f} s", flush=True)


if __name__ == "__main__":
    main()
