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
"""

import argparse
import base64
import http.client
import json
import os
import time
import urllib.parse
from pathlib import Path

from report_serve import peak_rss_mib, serve

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jira-sim", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--account", default="dave")
    args = parser.parse_args()

    process, port, token = serve(str(TARGET / "release" / "worklogs"), args)
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
        for label, query in [("all columns", ""),
                             ("5 columns", "?$select=" + urllib.parse.quote(
                                 "worklog_id,project_key,author_account_id,started_utc,seconds"))]:
            path, rows, pages = "/odata/Worklogs" + query, 0, 0
            began = time.perf_counter()
            while path:
                conn.request("GET", path, headers={"Authorization": f"Basic {auth}", "OData-Version": "4.0"})
                response = conn.getresponse()
                body = response.read()
                if response.status != 200:
                    raise SystemExit(f"{response.status}: {body[:300]!r}")
                page = json.loads(body)
                rows += len(page["value"])
                pages += 1
                link = page.get("@odata.nextLink")
                path = urllib.parse.urlsplit(link)._replace(scheme="", netloc="").geturl() if link else None
            took = time.perf_counter() - began
            print(f"{label}: {rows} rows in {pages} pages, {took:.1f} s, {rows / took:,.0f} rows/s, "
                  f"peak RSS {peak_rss_mib(process.pid):.0f} MiB, load {os.getloadavg()}", flush=True)
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
