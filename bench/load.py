#!/usr/bin/env python3
"""A load test of `worklogs serve` with the Jira simulator: people doing the day's mix.

    python3 bench/load.py                                  # 50 people for 60 s, SQLite
    python3 bench/load.py --database "$(bash scripts/mariadb.sh start | tail -n 1)"
    python3 bench/load.py --people 5 --seconds 5 --worklogs 5000 --json out.json   # a quick run

It starts `jira-sim` with a generated world (`--worklogs`, `--seed`) and imports it with
`worklogs sync --full` (timed apart), then starts `worklogs serve --jira-sim` on that index with
the incremental sync every `--sync-every` seconds (Forge's hourly trigger, compressed), and runs
`--people` people at once for `--seconds` (closed loop: each person sends a request when the
previous one answered and they have thought for a while: `--think` seconds on average, 0 for none),
never more than `--max-requests` requests in all. Each person works as
themselves (header X-Worklogs-Account) on the issues they logged time on in the world:

    worklog.list 25 %, worklog.log 15 %, worklog.update 15 % (of a worklog they logged in this run),
    timesheet.week 25 %, report.run over one week 20 %; and one person runs one export.run of a
    month (every piece) at the start.

It reports throughput, per operation the count, errors and p50/p95/p99/max latency, the errors
(the goal is none; the first few are shown), the peak memory of the server and simulator
processes (VmHWM from /proc), the machine's load (/proc/loadavg) before, during (the highest
sample) and after, and the sync runs seen. `--json FILE` writes the same as JSON.

Bounded and local by construction: every address it talks to must be a loopback address (it
refuses any other, including with --url), `--seconds` is at most 900, `--people` at most 500 and
`--max-requests` bounds the whole run. Exit code 0 when the run had no error, 1 otherwise, 2 for
a wrong command line or a target that is not loopback.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import date, datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))

MIX = [
    ("worklog.list", 25),
    ("worklog.log", 15),
    ("worklog.update", 15),
    ("timesheet.week", 25),
    ("report.run", 20),
]

# The simulator's worlds end on 2026-11-24 (docs/demo-world.md); reports and
# timesheets look at the weeks before it.
WORLD_END = date(2026, 11, 24)


class Refused(Exception):
    """A target that is not a loopback address."""


def loopback(url: str) -> tuple[str, int]:
    """The host and port of `url`, which must be http:// on a loopback address."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not parts.hostname or not parts.port:
        raise Refused(f"{url!r}: expected http://127.0.0.1:PORT")
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port)}
    except OSError as err:
        raise Refused(f"{url!r}: cannot resolve {parts.hostname!r}: {err}") from err
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_loopback:
            raise Refused(f"{url!r}: {address} is not a loopback address; this tool loads only this machine")
    return parts.hostname, parts.port


def proc_status(pid: int, field: str) -> int | None:
    """A /proc/PID/status field in KiB (VmHWM, VmRSS), or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def loadavg() -> list[float]:
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def percentile(sorted_values: list[float], p: float) -> float | None:
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


class Client:
    """One keep-alive connection to the server's API, as one acting user."""

    def __init__(self, host: str, port: int, token: str, account: str, timeout: float = 120):
        self.host, self.port, self.token, self.account = host, port, token, account
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def call(self, operation: str, payload: dict) -> tuple[int, dict]:
        body = json.dumps({"operation": operation, "input": payload})
        headers = {
            "content-type": "application/json",
            "host": f"127.0.0.1:{self.port}",
            "x-worklogs-token": self.token,
            "x-worklogs-account": self.account,
            "x-worklogs-time-zone": "UTC",
        }
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request("POST", "/api/invoke", body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                try:
                    return response.status, json.loads(data)
                except ValueError:
                    return response.status, {"error": {"code": "not-json", "message": data[:200].decode("utf-8", "replace")}}
            except (http.client.HTTPException, OSError) as err:
                self.conn.close()
                self.conn = None
                # A keep-alive connection the server closed between requests: once more.
                if attempt == 1 or not isinstance(err, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)):
                    return 0, {"error": {"code": "transport", "message": repr(err)}}
        return 0, {"error": {"code": "transport", "message": "unreachable"}}

    def close(self):
        if self.conn is not None:
            self.conn.close()


def sim_get(base: str, path: str, body: dict | None = None) -> dict:
    host, port = loopback(base)
    conn = http.client.HTTPConnection(host, port, timeout=60)
    headers = {"x-sim-principal": "app", "accept": "application/json"}
    if body is None:
        conn.request("GET", path, headers=headers)
    else:
        headers["content-type"] = "application/json"
        conn.request("POST", path, body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"the simulator answered {response.status} to {path}: {data[:200]!r}")
    return json.loads(data)


def discover_people(sim_url: str, people: int, pages: int = 6) -> list[dict]:
    """The `people` authors with the most worklogs among the world's first pages of the
    worklog feed, each with the issue ids they logged on (where they may work)."""
    since, ids = 0, []
    for _ in range(pages):
        page = sim_get(sim_url, f"/rest/api/3/worklog/updated?since={since}")
        ids += [v["worklogId"] for v in page["values"]]
        if page.get("lastPage"):
            break
        since = page["until"]
    by_author: dict[str, set] = {}
    for start in range(0, len(ids), 1000):
        for w in sim_get(sim_url, "/rest/api/3/worklog/list", {"ids": ids[start:start + 1000]}):
            if w.get("visibility"):
                continue
            by_author.setdefault(w["author"]["accountId"], set()).add(str(w["issueId"]))
    ranked = sorted(by_author.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [{"account": a, "issues": sorted(issues)} for a, issues in ranked[:people]]


class Run:
    """The shared state of one load run: the clock, the request budget, the samples."""

    def __init__(self, seconds: float, max_requests: int):
        self.deadline = time.monotonic() + seconds
        self.lock = threading.Lock()
        self.budget = max_requests
        self.samples: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.error_samples: list[dict] = []
        self.requests = 0

    def take(self) -> bool:
        with self.lock:
            if self.budget <= 0 or time.monotonic() >= self.deadline:
                return False
            self.budget -= 1
            self.requests += 1
            return True

    def open(self) -> bool:
        with self.lock:
            return self.budget > 0 and time.monotonic() < self.deadline

    def record(self, operation: str, ms: float, status: int, answer: dict):
        with self.lock:
            self.samples.setdefault(operation, []).append(ms)
            if status != 200 or "error" in answer:
                self.errors[operation] = self.errors.get(operation, 0) + 1
                if len(self.error_samples) < 20:
                    self.error_samples.append({"operation": operation, "status": status, "error": answer.get("error")})


def timed(run: Run, client: Client, operation: str, payload: dict) -> dict | None:
    if not run.take():
        return None
    started = time.perf_counter()
    status, answer = client.call(operation, payload)
    run.record(operation, (time.perf_counter() - started) * 1000, status, answer)
    return answer.get("ok") if status == 200 else None


def person_loop(run: Run, client: Client, person: dict, seed: int, think: float = 0.0):
    rng = random.Random(seed)
    mine: list[tuple[str, str]] = []  # (issue, worklog id) logged in this run
    names = [name for name, _ in MIX]
    weights = [w for _, w in MIX]
    while run.open():
        if think > 0:
            # Half to one and a half times the mean, so that people do not move in step.
            time.sleep(min(think * rng.uniform(0.5, 1.5), max(0.0, run.deadline - time.monotonic())))
            if not run.open():
                break
        operation = rng.choices(names, weights)[0]
        if operation == "worklog.update" and not mine:
            operation = "worklog.log"
        issue = rng.choice(person["issues"])
        day = WORLD_END - timedelta(days=rng.randrange(0, 56))
        if operation == "worklog.list":
            payload = {"issue": issue}
        elif operation == "worklog.log":
            started = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=rng.randrange(1, 72))
            payload = {"issue": issue, "started": started.isoformat().replace("+00:00", "Z"),
                       "seconds": 900 * rng.randrange(1, 9), "comment": "load test", "notifyUsers": False}
        elif operation == "worklog.update":
            issue, worklog = rng.choice(mine)
            payload = {"issue": issue, "id": worklog, "seconds": 900 * rng.randrange(1, 9)}
        elif operation == "timesheet.week":
            payload = {"date": day.isoformat()}
        else:
            payload = {"period": {"week": day.isoformat()}, "groupBy": ["project", "day"]}
        result = timed(run, client, operation, payload)
        if result is None and not run.open():
            break
        if operation == "worklog.log" and isinstance(result, dict) and result.get("id"):
            mine.append((issue, str(result["id"])))


def export_once(run: Run, client: Client) -> dict:
    """One person's export of a month, every piece, as the UI runs it."""
    query = {"period": {"month": (WORLD_END.replace(day=1) - timedelta(days=1)).replace(day=1).isoformat()}}
    started, pieces, rows, size, continuation = time.perf_counter(), 0, 0, 0, None
    while True:
        payload = {"query": query, "format": "csv", "pieceBytes": 262144}
        if continuation:
            payload["continuation"] = continuation
        result = timed(run, client, "export.run", payload)
        if not isinstance(result, dict):
            return {"complete": False, "pieces": pieces, "rows": rows}
        pieces += 1
        rows = result.get("rows", rows)
        size += len(result.get("piece", "")) * 3 // 4
        continuation = result.get("continuation")
        if not continuation:
            return {"complete": True, "pieces": pieces, "rows": rows, "bytes": size,
                    "seconds": round(time.perf_counter() - started, 2)}


def wait_line(process: subprocess.Popen, pattern: str, seconds: float, log: list[str]) -> re.Match:
    """Reads `process`'s stdout until a line matches `pattern`."""
    deadline = time.monotonic() + seconds
    regex = re.compile(pattern)
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        log.append(line)
        m = regex.search(line)
        if m:
            return m
    raise RuntimeError(f"no line matching {pattern!r} from {process.args[0]}:\n{''.join(log)}")


def drain(process: subprocess.Popen):
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()


def stop(process: subprocess.Popen | None):
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--people", type=int, default=50, help="people working at once (at most 500)")
    p.add_argument("--seconds", type=float, default=60, help="how long they work (at most 900)")
    p.add_argument("--think", type=float, default=1.0,
                   help="a person's pause between two requests, seconds on average (0: none; at most 60)")
    p.add_argument("--max-requests", type=int, default=200_000, help="the most requests in all")
    p.add_argument("--worklogs", type=int, default=40_000, help="the simulator world's worklogs")
    p.add_argument("--seed", type=int, default=7, help="the world's and the people's seed")
    p.add_argument("--sync-every", type=int, default=15, help="seconds between incremental syncs during the run")
    p.add_argument("--database", default=None, help="mysql://… to keep the app data in MariaDB (default SQLite)")
    p.add_argument("--no-export", action="store_true", help="leave out the export")
    p.add_argument("--json", default=None, help="write the report here as JSON")
    p.add_argument("--workdir", default=None, help="the data directory (default: a fresh temporary one)")
    p.add_argument("--worklogs-bin", default=os.environ.get("WORKLOGS", os.path.join(TARGET, "release/worklogs")))
    p.add_argument("--jira-sim-bin", default=os.environ.get("JIRA_SIM", os.path.join(TARGET, "release/jira-sim")))
    p.add_argument("--url", default=None, help="load a running `worklogs serve` at this loopback URL instead (needs --token, --jira-sim-url)")
    p.add_argument("--token", default=os.environ.get("WORKLOGS_TOKEN"))
    p.add_argument("--jira-sim-url", default=None, help="the running simulator's loopback URL (with --url)")
    p.add_argument("--pid", type=int, default=None, help="with --url: the server's process id, for its peak memory")
    args = p.parse_args(argv)
    if (not (1 <= args.people <= 500) or not (0 < args.seconds <= 900) or not (0 <= args.think <= 60)
            or not (1 <= args.max_requests <= 10_000_000)):
        p.error("bounds: 1 <= --people <= 500, 0 < --seconds <= 900, 0 <= --think <= 60, "
                "1 <= --max-requests <= 10,000,000")
    for url in (args.url, args.jira_sim_url):
        if url:
            try:
                loopback(url)
            except Refused as err:
                print(f"load.py: refused: {err}", file=sys.stderr)
                return 2
    if args.url and not (args.token and args.jira_sim_url):
        p.error("--url needs --token (or WORKLOGS_TOKEN) and --jira-sim-url")

    database = args.database or None
    workdir = args.workdir or tempfile.mkdtemp(prefix="worklogs-load-")
    sim = server = None
    report: dict = {}
    try:
        env = dict(os.environ, WORKLOGS_COMPONENT=os.environ.get(
            "WORKLOGS_COMPONENT", os.path.join(TARGET, "wasm32-wasip2/release/worklogs_app.wasm")))
        installation = f"load-{int(time.time())}"
        import_seconds = None
        if args.url:
            url, token, sim_url, server_pid = args.url, args.token, args.jira_sim_url, args.pid
        else:
            log: list[str] = []
            sim = subprocess.Popen([args.jira_sim_bin, "--port", "0", "--seed", str(args.seed), "--worklogs", str(args.worklogs)],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            sim_url = wait_line(sim, r"jira-sim serving (http://\S+)", 60, log).group(1)
            drain(sim)
            loopback(sim_url)
            common = ["--jira-sim", sim_url, "--data", workdir, "--installation", installation]
            if database:
                common += ["--database", database]
            started = time.perf_counter()
            subprocess.run([args.worklogs_bin, "sync", "--full", *common], env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            import_seconds = round(time.perf_counter() - started, 2)
            server = subprocess.Popen([args.worklogs_bin, "serve", "--port", "0", "--sync-every", str(args.sync_every), *common],
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            m = wait_line(server, r"running at (http://[\d.]+:\d+)/#token=([0-9a-f]+)", 120, log)
            url, token, server_pid = m.group(1), m.group(2), server.pid
            drain(server)
        host, port = loopback(url)

        people = discover_people(sim_url, args.people)
        if len(people) < args.people:
            print(f"load.py: the world has {len(people)} people with worklogs, fewer than --people {args.people}", file=sys.stderr)
        admin = Client(host, port, token, "dave")  # a Jira administrator (docs/demo-world.md)
        _, status_before = admin.call("sync.status", {})

        load_before = loadavg()
        run = Run(args.seconds, args.max_requests)
        started_ms = int(time.time() * 1000)
        started = time.perf_counter()
        clients = [Client(host, port, token, person["account"]) for person in people]
        threads = [threading.Thread(target=person_loop, args=(run, c, person, args.seed * 1000 + i, args.think), daemon=True)
                   for i, (c, person) in enumerate(zip(clients, people))]
        export: dict = {}
        if not args.no_export and clients:
            threads.append(threading.Thread(target=lambda: export.update(export_once(run, Client(host, port, token, people[0]["account"]))), daemon=True))
        for t in threads:
            t.start()
        load_max = list(load_before)
        rss_max = 0
        while any(t.is_alive() for t in threads):
            time.sleep(0.5)
            load_max = [max(a, b) for a, b in zip(load_max, loadavg())]
            rss_max = max(rss_max, proc_status(server_pid, "VmRSS") or 0) if server_pid else 0
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        load_after = loadavg()
        _, status_after = admin.call("sync.status", {})
        for c in clients + [admin]:
            c.close()

        operations = {}
        for name in [n for n, _ in MIX] + ["export.run"]:
            values = sorted(run.samples.get(name, []))
            if not values:
                continue
            operations[name] = {
                "count": len(values), "errors": run.errors.get(name, 0),
                "p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1),
                "p99_ms": round(percentile(values, 99), 1), "max_ms": round(values[-1], 1),
            }
        sync_after = (status_after or {}).get("ok") or {}
        last_incremental = sync_after.get("lastIncremental") or {}
        report = {
            "command": " ".join([os.path.basename(sys.argv[0])] + (argv if argv is not None else sys.argv[1:])),
            "database": "mariadb" if database else "sqlite",
            "people": len(people), "seconds": args.seconds, "think_seconds": args.think,
            "max_requests": args.max_requests,
            "world": {"worklogs": args.worklogs, "seed": args.seed, "indexed": sync_after.get("worklogs"),
                      "import_seconds": import_seconds},
            "elapsed_s": round(elapsed, 2), "requests": run.requests,
            "throughput_rps": round(run.requests / elapsed, 1) if elapsed else None,
            "operations": operations,
            "errors": {"count": sum(run.errors.values()), "samples": run.error_samples},
            "export": export or None,
            "memory_kib": {"server_vmhwm": proc_status(server_pid, "VmHWM") if server_pid else None,
                           "server_vmrss_max": rss_max or None,
                           "simulator_vmhwm": proc_status(sim.pid, "VmHWM") if sim else None},
            "machine": {"cores": os.cpu_count(), "loadavg_before": load_before, "loadavg_max": load_max,
                        "loadavg_after": load_after},
            "sync": {"every_s": args.sync_every,
                     "incremental_finished_during_run": bool(last_incremental.get("finishedMs", 0) >= started_ms),
                     "errors": len(sync_after.get("errors") or []) - len(((status_before or {}).get("ok") or {}).get("errors") or [])},
        }
    except Refused as err:
        print(f"load.py: refused: {err}", file=sys.stderr)
        return 2
    finally:
        stop(server)
        stop(sim)
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    print_report(report)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
    return 0 if report["errors"]["count"] == 0 else 1


def print_report(r: dict):
    print(f"{r['people']} people × {r['seconds']:g} s, thinking {r['think_seconds']:g} s, on {r['database']} "
          f"({r['world']['indexed']} worklogs indexed; import {r['world']['import_seconds']} s)")
    print(f"{r['requests']} requests in {r['elapsed_s']} s: {r['throughput_rps']} requests/s, {r['errors']['count']} errors")
    print(f"{'operation':<16}{'count':>7}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, o in r["operations"].items():
        print(f"{name:<16}{o['count']:>7}{o['errors']:>7}{o['p50_ms']:>9}{o['p95_ms']:>9}{o['p99_ms']:>9}{o['max_ms']:>9}")
    if r["export"]:
        print(f"export: {r['export']}")
    m = r["memory_kib"]
    print(f"peak memory: server {m['server_vmhwm'] and m['server_vmhwm'] // 1024} MiB, "
          f"simulator {m['simulator_vmhwm'] and m['simulator_vmhwm'] // 1024} MiB")
    print(f"load average (1, 5, 15 min) before {r['machine']['loadavg_before']}, highest {r['machine']['loadavg_max']}, "
          f"after {r['machine']['loadavg_after']} on {r['machine']['cores']} cores")
    print(f"sync every {r['sync']['every_s']} s: an incremental run finished during the load: "
          f"{r['sync']['incremental_finished_during_run']}; new sync errors: {r['sync']['errors']}")
    for e in r["errors"]["samples"][:5]:
        print(f"  error: {e}")


if __name__ == "__main__":
    sys.exit(main())
