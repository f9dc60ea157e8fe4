"""Kill -9 at random moments for the long jobs, then resume and compare with the source
(docs/reliability.md, "Kill -9").

- The full sync: `worklogs sync --full` over a generated world (`jira-sim --worklogs N`) in small
  slices, killed with SIGKILL at seeded-random moments while it is writing (after the index has
  grown in that attempt), started again each time, then let finish. The index must then hold
  exactly the simulator's worklog ids (no loss, no duplicates) and `sync.verify` over the last
  62 days must find no difference. On MariaDB a killed client's open transaction is the
  server's to roll back.
- A large export: `export.run` through `worklogs serve`, a piece at a time; at seeded-random
  pieces the server is killed with SIGKILL while it answers, started again, and the same
  continuation sent again. The pieces, joined, must be byte for byte the export of an
  uninterrupted run, with every worklog id once.
- A privacy erasure: `privacy.report` erasing accounts closed in the simulator, killed at
  seeded-random moments after an erasure landed, resumed until done: the end state equals an
  uninterrupted run's on a copy of the same data.
- A worklog restore: `restore.run` bringing back worklogs deleted in Jira itself, killed at
  seeded-random moments while it recreates, resumed until done: every deleted worklog is in
  Jira again exactly once (no loss, no duplicate), and the index is Jira's after the next sync.
- The app-data backup (the scheduled job's `backup.create`) and the archive's restore
  (`backup.restore.run`), each killed at seeded-random moments after a part landed or rows were
  restored, resumed until done: the archive is complete, verifies, and holds the rows of an
  uninterrupted one; the restored tables equal the archive's.

Each runs on SQLite and on MariaDB (`scripts/mariadb.sh`, a database of its own, dropped at the
end).

Bounded for `make test` (a 20,000-worklog world, three kills each); the long version
(WORKLOGS_LONG=1: 200,000 worklogs, ten kills each) is skipped otherwise. The seed is
KILL9_SEED (default 1); a failure prints it. Needs the built `worklogs`, `jira-sim` and component.
"""

import csv
import http.client
import io
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import threading
import time
from base64 import b64decode
from pathlib import Path

import pytest

from mariadb_database import MariadbDatabase

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
WORKLOGS = Path(os.environ.get("WORKLOGS", TARGET / "release/worklogs"))
JIRA_SIM = Path(os.environ.get("JIRA_SIM", TARGET / "release/jira-sim"))
COMPONENT = Path(os.environ.get("WORKLOGS_COMPONENT", TARGET / "wasm32-wasip2/release/worklogs_app.wasm"))
SEED = int(os.environ.get("KILL9_SEED", "1"))
LONG = bool(os.environ.get("WORKLOGS_LONG"))
ENV = dict(os.environ, WORKLOGS_COMPONENT=str(COMPONENT))


def built_or_skip():
    missing = [str(p) for p in (WORKLOGS, JIRA_SIM, COMPONENT) if not p.exists()]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"not built: {missing}")
        pytest.skip(f"not built: {missing}")


def read_line(process, pattern, seconds=120):
    regex, seen, deadline = re.compile(pattern), [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        m = regex.search(line)
        if m:
            threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
            return m
    raise AssertionError(f"no {pattern!r} from {process.args[0]}:\n{''.join(seen)}")


class Sim:
    def __init__(self, worklogs):
        self.process = subprocess.Popen(
            [str(JIRA_SIM), "--port", "0", "--seed", "3", "--worklogs", str(worklogs)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url = read_line(self.process, r"jira-sim serving (http://127\.0\.0\.1:\d+)").group(1)
        self.port = int(self.url.rsplit(":", 1)[1])

    def get(self, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"x-sim-principal": "app", "content-type": "application/json"}
        conn.request("POST" if body else "GET", path, body=json.dumps(body) if body else None, headers=headers)
        response = conn.getresponse()
        data = json.loads(response.read())
        conn.close()
        assert response.status == 200, data
        return data

    def worklog_ids(self):
        """Every worklog id Jira (the simulator) has, from its feed (which repeats the
        item at a page's edge: a set)."""
        ids, since = [], 0
        while True:
            page = self.get(f"/rest/api/3/worklog/updated?since={since}")
            ids += [v["worklogId"] for v in page["values"]]
            if page["lastPage"]:
                return set(ids)
            since = page["until"]

    def stop(self):
        self.process.kill()
        self.process.wait()


@pytest.fixture(scope="module")
def sim():
    built_or_skip()
    s = Sim(200_000 if LONG else 20_000)
    yield s
    s.stop()


class IndexReads:
    """What the tests read of an index, through its `rows(sql)` (cells as text) and the errors
    a busy or not yet migrated database answers (`errors`)."""

    def count_of(self, sql: str) -> int:
        """The number `sql` answers; -1 while the database is busy or not migrated."""
        try:
            return int(self.rows(sql)[0][0])
        except (*self.errors, IndexError, ValueError):
            return -1

    def count(self) -> int:
        """The index's worklogs; 0 before the tables exist."""
        return max(0, self.count_of("SELECT COUNT(*) FROM worklogs"))

    def ids(self) -> list:
        return [int(row[0]) for row in self.rows("SELECT id FROM worklogs")]


class SqliteIndex(IndexReads):
    """The index in a data directory's SQLite file. A context manager, as MariadbIndex."""

    errors = (sqlite3.Error,)

    # How often a test may look while a job runs (a look is a file read).
    poll = 0.005

    def __init__(self, data: Path):
        self.data, self.db = data, data / "worklogs.sqlite"
        self.args = ["--data", str(data)]

    def __enter__(self):
        return self

    def __exit__(self, *_):
        pass

    def rows(self, sql: str) -> list:
        """The rows of `sql`, each a list of its cells as text (as the MariaDB client gives
        them), read-only; sqlite3.Error while the database is busy or not migrated."""
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
        try:
            return [[None if v is None else str(v) for v in row] for row in conn.execute(sql)]
        finally:
            conn.close()

    def execute(self, sql: str, rows=None):
        """Writes straight into the app's tables: `sql`, once or for each of `rows`."""
        conn = sqlite3.connect(self.db)
        try:
            conn.executemany(sql, rows) if rows is not None else conn.execute(sql)
            conn.commit()
        finally:
            conn.close()


class MariadbIndex(MariadbDatabase, IndexReads):
    """The index in a MariaDB database of its own, dropped at the end; the host's other files
    in `data`, when given."""

    # Each look is a client process (some 10 ms): look less often.
    poll = 0.02
    errors = (subprocess.CalledProcessError,)

    def __init__(self, name: str, data: Path = None):
        super().__init__(name)
        self.args = ["--database", self.url] + (["--data", str(data)] if data else [])

    def rows(self, sql: str) -> list:
        return [[None if v == "NULL" else v for v in row] for row in self.sql(sql, self.name)]

    def execute(self, sql: str, rows=None):
        """As SqliteIndex.execute: `?` placeholders; the rows go as multi-row statements of
        literal values (a few MB each, under the server's packet limit) through the client."""
        if rows is None:
            self.sql(sql, self.name)
            return
        head, values = sql.split(" VALUES ", 1)
        statements, batch, size = [], [], 0
        for row in rows:
            parts = iter(literal(v) for v in row)
            text = re.sub(r"\?", lambda _: next(parts), values)
            batch.append(text)
            size += len(text)
            if size > 4_000_000:
                statements.append(f"{head} VALUES {', '.join(batch)};")
                batch, size = [], 0
        if batch:
            statements.append(f"{head} VALUES {', '.join(batch)};")
        subprocess.run(self.client + [self.name], input="\n".join(statements), check=True,
                       capture_output=True, text=True, timeout=600)


def literal(value) -> str:
    """`value` as a MariaDB literal."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("\\", "\\\\").replace("'", "''") + "'"


def index_of(backend: str, tmp_path: Path, name: str):
    """A fresh index named `name` on `backend` (`sqlite` or `mariadb`), as a context manager."""
    if backend == "sqlite":
        return SqliteIndex(tmp_path / name)
    return MariadbIndex(f"kill9_{name}_{os.getpid()}", tmp_path / name)


BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "mariadb"])


def store_args(where) -> list:
    """The host's arguments for where the app's data is: an index (its `args`) or a data
    directory."""
    return where.args if hasattr(where, "args") else ["--data", str(where)]


def import_all(url: str, index):
    """`worklogs sync --full` of the simulator at `url` into `index`, to its end."""
    imported = subprocess.run([str(WORKLOGS), "sync", "--full", "--jira-sim", url, *index.args],
                              env=ENV, capture_output=True, text=True, timeout=900)
    assert imported.returncode == 0, imported.stderr


def full_sync_killed_at_random_moments(sim, index, poll):
    """The full sync into `index`, killed at seeded-random moments while it writes, resumed,
    then finished with `--verify`: the index holds exactly Jira's worklogs."""
    rng = random.Random(SEED)
    command = [str(WORKLOGS), "sync", "--full", "--jira-sim", sim.url, *index.args,
               "--input", json.dumps({"maxWorklogs": 1000, "parallel": 1})]
    kills, mid_import = 10 if LONG else 3, []
    for attempt in range(kills):
        before = index.count()
        process = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Wait until this attempt writes (the sync has resumed), then a seeded-random moment
        # more, then SIGKILL. The whole import takes some 1.5 s here, so the first kill
        # always lands within it.
        while process.poll() is None and index.count() <= before:
            time.sleep(poll)
        time.sleep(rng.uniform(0.0, 0.4))
        if process.poll() is not None:
            break  # finished before the kill: nothing left to interrupt
        process.send_signal(signal.SIGKILL)
        process.wait()
        mid_import.append(index.count())
    assert mid_import, f"seed {SEED}: no kill landed during the import (the world is too small)"
    finished = subprocess.run(command + ["--verify", "--from", "2026-09-24", "--to", "2026-11-24"],
                              env=ENV, capture_output=True, text=True, timeout=900)
    assert finished.returncode == 0, f"seed {SEED}: {finished.stderr}"

    theirs = sim.worklog_ids()
    ours = index.ids()
    assert len(ours) == len(set(ours)), f"seed {SEED}: duplicate rows"
    assert set(ours) == theirs, (
        f"seed {SEED}, kills at {mid_import} rows: missing {sorted(theirs - set(ours))[:10]}, "
        f"extra {sorted(set(ours) - theirs)[:10]}")
    # The verification (per issue and day: counts, seconds, update times, a checksum of
    # every stored field) finds the index equal to Jira.
    verify = json.loads(finished.stdout[finished.stdout.rindex("\n{", 0, len(finished.stdout) - 2) + 1:])
    assert verify["driftCount"] == 0, f"seed {SEED}: {verify}"
    assert verify["indexWorklogs"] == verify["jiraWorklogs"] > 0, verify


@BACKENDS
def test_a_full_sync_killed_at_random_moments_resumes_without_loss_or_duplicates(sim, tmp_path, backend):
    with index_of(backend, tmp_path, "sync") as index:
        full_sync_killed_at_random_moments(sim, index, poll=index.poll)


class Server:
    """`worklogs serve` on an index or a data directory, as a child process."""

    def __init__(self, sim, where):
        self.process = subprocess.Popen(
            [str(WORKLOGS), "serve", "--port", "0", "--sync-every", "0", "--jira-sim", sim.url, *store_args(where)],
            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        m = read_line(self.process, r"running at http://127\.0\.0\.1:(\d+)/#token=([0-9a-f]+)")
        self.port, self.token = int(m.group(1)), m.group(2)

    def call(self, operation, payload):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        conn.request("POST", "/api/invoke", body=json.dumps({"operation": operation, "input": payload}), headers={
            "content-type": "application/json", "host": f"127.0.0.1:{self.port}", "x-worklogs-token": self.token,
            "x-worklogs-account": "dave", "x-worklogs-time-zone": "UTC"})
        answer = json.loads(conn.getresponse().read())
        conn.close()
        assert "ok" in answer, answer
        return answer["ok"]

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


def export_pieces(server_of, query, kill_at=frozenset(), rng=None):
    """Every piece of an export; at the pieces in `kill_at` the server is killed while it
    answers and started again, and the same continuation sent again."""
    pieces, continuation, index, killed = [], None, 0, 0
    while True:
        payload = {"query": query, "format": "csv", "pieceBytes": 65536}
        if continuation:
            payload["continuation"] = continuation
        if index in kill_at and killed < len(kill_at):
            server = server_of()
            caller = threading.Thread(target=lambda: _ignore(server.call, "export.run", payload))
            caller.start()
            time.sleep(rng.uniform(0.0, 0.05))
            server_of(restart=True)
            caller.join()
            killed += 1
            kill_at = kill_at - {index}
        result = server_of().call("export.run", payload)
        pieces.append(b64decode(result["piece"]))
        continuation = result.get("continuation")
        index += 1
        if not continuation:
            return pieces, result["rows"]


def _ignore(f, *args):
    try:
        f(*args)
    except (OSError, http.client.HTTPException, AssertionError, ValueError):
        pass


@BACKENDS
def test_a_large_export_killed_at_random_pieces_resumes_from_its_continuation(sim, tmp_path, backend):
    with index_of(backend, tmp_path, "export") as index:
        export_killed_at_random_pieces(sim, index)


def export_killed_at_random_pieces(sim, index):
    rng = random.Random(SEED)
    import_all(sim.url, index)
    state = {"server": Server(sim, index)}

    def server_of(restart=False):
        if restart:
            state["server"].kill()
            state["server"] = Server(sim, index)
        return state["server"]

    query = {"period": {"from": "2026-06-01", "to": "2026-11-24"}}
    try:
        reference, rows = export_pieces(server_of, query)
        assert len(reference) >= 4, f"{len(reference)} pieces: the export is too small to interrupt"
        kills = 10 if LONG else 3
        kill_at = frozenset(rng.sample(range(len(reference)), min(kills, len(reference))))
        resumed, resumed_rows = export_pieces(server_of, query, kill_at, rng)
    finally:
        state["server"].kill()
    assert resumed_rows == rows
    assert b"".join(resumed) == b"".join(reference), f"seed {SEED}: kills at pieces {sorted(kill_at)}"
    table = list(csv.DictReader(io.StringIO(b"".join(resumed).decode("utf-8-sig"))))
    ids = [r["worklog_id"] for r in table]
    assert len(ids) == rows == len(set(ids)), f"seed {SEED}: {len(ids)} rows, {len(set(ids))} ids, {rows} counted"


def erasure_state(index):
    """What the erasure changes: each worklog with its author as stored (an account id, or
    the `Former user N` label of an erased one), and the account ids stored."""
    worklogs = index.rows(
        "SELECT w.id, w.issue, w.started, w.seconds, a.value FROM worklogs w "
        "JOIN dict a ON a.site = w.site AND a.id = w.author ORDER BY w.id")
    accounts = {row[0] for row in index.rows("SELECT value FROM dict WHERE kind = 1")}
    return worklogs, accounts


def erased_labels(index) -> int:
    try:
        return int(index.rows("SELECT COUNT(*) FROM dict WHERE kind = 10")[0][0])
    except (sqlite3.Error, subprocess.CalledProcessError, IndexError, ValueError):
        return 0  # busy: look again


@BACKENDS
def test_a_privacy_erasure_killed_at_random_moments_resumes_and_erases_everything(tmp_path, backend):
    """Accounts closed in Jira (the simulator's `/sim/accounts`); `privacy.report` reports every
    stored account and erases the closed ones. Each attempt is killed at a seeded-random moment
    after its first erasure landed; the next resumes from the checkpoint. The end state equals an
    uninterrupted run's on an index of the same data: every worklog kept (nothing lost or
    doubled), the same `Former user N` labels, and no closed account's id stored anywhere."""
    built_or_skip()
    s = Sim(200_000 if LONG else 20_000)
    try:
        with index_of(backend, tmp_path, "erased") as data, index_of(backend, tmp_path, "reference") as reference:
            erasure_killed_at_random_moments(s, data, reference)
    finally:
        s.stop()


def erasure_killed_at_random_moments(s, data, reference):
    rng = random.Random(SEED)
    # Both indexes hold the same data: synced from the same world before any account closes.
    for index in (data, reference):
        import_all(s.url, index)
    _, stored = erasure_state(data)
    closing = sorted(stored)[: 2 * len(stored) // 3]
    for account in closing:
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
        conn.request("POST", f"/sim/accounts/{account}", body=json.dumps({"status": "closed"}),
                     headers={"content-type": "application/json"})
        response = conn.getresponse()
        assert response.status in (200, 204), response.read()
        conn.close()

    def erase(index):
        return [str(WORKLOGS), "call", "--jira-sim", s.url, *index.args, "privacy.report", "{}"]

    while True:  # in slices: a slice ends at its checkpoint past `maxItems` rows
        done = subprocess.run(erase(reference), env=ENV, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr
        answer = json.loads(done.stdout)
        if not answer["more"]:
            break
    assert answer["totals"]["erased"] == len(closing), done.stdout

    kills, mid_erasure = 10 if LONG else 3, []
    for _ in range(kills):
        before = erased_labels(data)
        process = subprocess.Popen(erase(data), env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while process.poll() is None and erased_labels(data) <= before:
            time.sleep(data.poll)
        time.sleep(rng.uniform(0.0, 0.2))
        if process.poll() is not None:
            break  # finished before the kill
        process.send_signal(signal.SIGKILL)
        process.wait()
        mid_erasure.append(erased_labels(data))
    assert mid_erasure, f"seed {SEED}: no kill landed during the erasure"
    while True:
        finished = subprocess.run(erase(data), env=ENV, capture_output=True, text=True, timeout=900)
        assert finished.returncode == 0, f"seed {SEED}: {finished.stderr}"
        if not json.loads(finished.stdout)["more"]:
            break

    worklogs, accounts = erasure_state(data)
    expected_worklogs, expected_accounts = erasure_state(reference)
    assert not accounts & set(closing), f"seed {SEED}: closed accounts still stored"
    assert accounts == expected_accounts
    ids = [w[0] for w in worklogs]
    assert len(ids) == len(set(ids)) == len(s.worklog_ids()), f"seed {SEED}: worklogs lost or doubled"
    assert worklogs == expected_worklogs, f"seed {SEED}, kills after {mid_erasure} labels"


def sim_request(s, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"content-type": "application/json", **(headers or {})})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    assert 200 <= response.status < 300, f"{method} {path}: {response.status} {data[:300]!r}"
    return json.loads(data) if data else None


def jira_worklogs(s):
    """Every worklog in Jira (the simulator): id → (issue id, author, started, seconds)."""
    ids = sorted(s.worklog_ids())
    facts = {}
    for i in range(0, len(ids), 1000):
        for w in s.get("/rest/api/3/worklog/list", {"ids": ids[i:i + 1000]}):
            facts[int(w["id"])] = (int(w["issueId"]), w["author"]["accountId"], w["started"], w["timeSpentSeconds"])
    return facts


def call(s, data, operation, payload, account="dave", timeout=900):
    """`worklogs call` of one slice on `data` (a data directory, or an index's arguments); the
    process, not waited for."""
    command = [str(WORKLOGS), "call", "--jira-sim", s.url, *store_args(data)]
    if account:
        command += ["--as", account]
    return subprocess.Popen(command + [operation, json.dumps(payload)], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def until_done(s, data, operation, payload, account="dave"):
    """Runs a sliced operation until it answers `more: false`; the last answer."""
    for _ in range(500):
        process = call(s, data, operation, payload, account)
        out, err = process.communicate(timeout=900)
        assert process.returncode == 0, f"seed {SEED}: {operation}: {err}"
        answer = json.loads(out)
        if not answer.get("more"):
            return answer
    raise AssertionError(f"{operation} does not end")


class Landed(list):
    """The values of `progress()` after each kill; `ended`: the job's last answer when it ended
    (`more: false`) before a kill landed, else None."""
    ended = None


def kill_at_random_moments(rng, start, progress, kills, spread, after_progress=True):
    """Starts `start()` up to `kills` times; each is killed with SIGKILL a seeded-random moment
    (0 to `spread` s) after `progress()` grew in that attempt (so the kill lands while the job
    writes, not while the process starts), or, without `after_progress`, after the process
    started (for a slice whose writes show only when it commits); then each attempt that ends
    before its kill makes the next one's moment earlier. A job that ends before a kill lands is
    not started again (that would begin it anew). The values of `progress()` after each kill."""
    landed = Landed()
    for _ in range(kills):
        before = progress()
        process = start()
        deadline = time.monotonic() + 60
        while (after_progress and process.poll() is None and progress() <= before
               and time.monotonic() < deadline):
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, spread))
        if process.poll() is not None:
            out, _ = process.communicate()
            try:
                answer = json.loads(out)
            except ValueError:
                answer = None
            if isinstance(answer, dict) and answer.get("more") is False:
                landed.ended = answer
                break  # the job ended before a kill landed: starting it again would begin anew
            spread *= 0.6
            continue  # this slice finished before the kill: the next one is killed sooner
        process.send_signal(signal.SIGKILL)
        process.communicate()
        landed.append(progress())
    return landed


def now_ms():
    return int(time.time() * 1000)


@BACKENDS
def test_a_restore_of_deleted_worklogs_killed_at_random_moments_recreates_each_once(tmp_path, backend):
    """Worklogs deleted in Jira itself (outside the app) and seen by the sync; `restore.run`
    brings them back from the journal, in slices of 60, killed with SIGKILL at seeded-random
    moments while it recreates (after Jira's worklog count grew in that attempt), then run
    until it ends. Jira then holds every worklog it held before the deletions exactly once (a
    worklog recreated twice is a duplicate), and the index equals Jira after the next sync."""
    built_or_skip()
    rng = random.Random(SEED)
    s = Sim(20_000 if LONG else 5_000)
    try:
        with index_of(backend, tmp_path, "restored") as data:
            restore_killed_at_random_moments(s, data, rng)
    finally:
        s.stop()


def restore_killed_at_random_moments(s, data, rng):
    import_all(s.url, data)
    before = jira_worklogs(s)
    doomed = rng.sample(sorted(before), 1500 if LONG else 400)
    time.sleep(0.01)
    from_ms = now_ms()
    for worklog in doomed:
        issue, author, _, _ = before[worklog]
        sim_request(s, "DELETE", f"/rest/api/3/issue/{issue}/worklog/{worklog}", headers={"x-sim-account": author})
    sim_request(s, "POST", "/sim/clock", {"advanceMs": 120_000})
    synced = subprocess.run([str(WORKLOGS), "sync", "--jira-sim", s.url, *data.args],
                            env=ENV, capture_output=True, text=True, timeout=900)
    assert synced.returncode == 0, synced.stderr
    assert data.count() == len(before) - len(doomed)
    time.sleep(0.01)
    selection = {"fromMs": from_ms, "toMs": now_ms() + 1}

    def indexed():  # a recreated worklog is indexed as soon as Jira answers
        return data.count()

    landed = kill_at_random_moments(
        rng, lambda: call(s, data, "restore.run", selection), indexed, 10 if LONG else 4, 0.3)
    assert landed, f"seed {SEED}: no kill landed during the restore"
    done = until_done(s, data, "restore.run", selection)

    # Jira's feed leaves out the last minute's changes: the recreated worklogs are in it
    # (and in the next sync) once a minute has passed.
    sim_request(s, "POST", "/sim/clock", {"advanceMs": 120_000})
    after = jira_worklogs(s)
    shape = lambda facts: sorted((f[0], f[2], f[3]) for f in facts.values())
    restored = len(after) - (len(before) - len(doomed))
    assert restored == len(doomed) and shape(after) == shape(before), (
        f"seed {SEED}, kills at {landed} indexed rows: {restored} of {len(doomed)} recreated "
        f"(more is a duplicate); last answer {done}")
    # As their authors (the simulator lets the app impersonate them).
    assert sorted(f[1] for f in after.values()) == sorted(f[1] for f in before.values())
    sim_request(s, "POST", "/sim/clock", {"advanceMs": 120_000})
    synced = subprocess.run([str(WORKLOGS), "sync", "--jira-sim", s.url, *data.args],
                            env=ENV, capture_output=True, text=True, timeout=900)
    assert synced.returncode == 0, synced.stderr
    ours = data.ids()
    assert len(ours) == len(set(ours)) and set(ours) == set(after), f"seed {SEED}: the index is not Jira's"


def app_rows(index):
    """The app's own tables that a backup holds, row by row (the worklog index is Jira's, not
    the archive's)."""
    return {
        "saved_reports": index.rows("SELECT id, owner, name, query, shared, updated FROM saved_reports ORDER BY id"),
        "audit_log": index.rows("SELECT seq, action, subject, hash FROM audit_log ORDER BY seq"),
    }


def fill_saved_reports(index, n: int):
    """`n` saved reports (some 320 bytes each), written straight into the table, so that an
    archive of the app's data takes several slices and parts."""
    installation = index.rows("SELECT installation FROM settings LIMIT 1")[0][0]
    owner = index.rows("SELECT value FROM dict WHERE kind = 1 ORDER BY value LIMIT 1")[0][0]
    rows = []
    for i in range(n):
        query = {"period": {"from": "2026-01-01", "to": "2026-11-30"}, "groupBy": ["project", "author"],
                 "filters": {"projects": [str(10000 + i % 7)]}, "note": f"report {i:06d} " + "x" * 120}
        rows.append((installation, f"r{i:06d}", owner, f"Report {i}", json.dumps(query), "false", 1_790_000_000_000 + i))
    index.execute(
        "INSERT INTO saved_reports (installation, id, owner, name, query, shared, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows)


@BACKENDS
def test_backup_jobs_killed_at_random_moments_resume_to_a_complete_archive_and_restore(tmp_path, backend):
    """The app-data backup, as the scheduled job makes it (`backup.create {kind: scheduled}`),
    over 40,000 saved reports (some 14 MB: several slices of 3 MB, parts of 700 KB), killed with
    SIGKILL at seeded-random moments after a part landed, then run until it ends: the archive is
    complete, every part verifies, and it holds exactly the rows an uninterrupted archive of the
    same data holds (none lost, none twice). Then `backup.restore.run` of that archive, after the
    saved reports were changed, killed the same way while it loads, then run until it ends: the
    app's tables equal the archive's. Then `backup.prune`, the retention's job, killed the same
    way: the archives the retention does not keep are gone, the others complete."""
    built_or_skip()
    s = Sim(2_000)
    try:
        with index_of(backend, tmp_path, "backed") as data, index_of(backend, tmp_path, "reference") as reference:
            backups_killed_at_random_moments(s, data, reference)
    finally:
        s.stop()


def backups_killed_at_random_moments(s, data, reference):
    rng = random.Random(SEED)
    # Both hold the same data: synced from the same world, the same reports written.
    for index in (data, reference):
        import_all(s.url, index)
        fill_saved_reports(index, 100_000 if LONG else 40_000)

    def parts():
        return data.count_of("SELECT COUNT(*) FROM backup_parts")

    scheduled = {"kind": "scheduled"}
    expected = until_done(s, reference, "backup.create", scheduled)
    # A slice takes some 0.2 s here (the compiled component is cached): kills soon after
    # a part lands.
    landed = kill_at_random_moments(
        rng, lambda: call(s, data, "backup.create", scheduled), parts, 10 if LONG else 4, 0.1)
    assert landed, f"seed {SEED}: no kill landed during the backup"
    made = landed.ended or until_done(s, data, "backup.create", scheduled)
    archive = made["archive"]
    listed = until_done(s, data, "backup.list", {})
    entry = next(a for a in listed["archives"] if a["archive"] == archive)
    assert entry["complete"], entry
    plan = until_done(s, data, "backup.restore.plan", {"archive": archive})
    assert plan["verified"], plan
    reference_plan = until_done(s, reference, "backup.restore.plan", {"archive": expected["archive"]})
    rows = {t["table"]: t["archiveRows"] for t in plan["plan"]["tables"]}
    expected_rows = {t["table"]: t["archiveRows"] for t in reference_plan["plan"]["tables"]}
    assert rows == expected_rows, (
        f"seed {SEED}, kills after {landed} parts: {rows} != {expected_rows}; "
        f"the audit log: {app_rows(data)['audit_log']}")
    # No stray part of an interrupted attempt: one archive, its parts as the manifest lists.
    archives = data.rows("SELECT archive, COUNT(*) FROM backup_parts GROUP BY archive")
    assert [a for a, _ in archives] == [archive], archives

    # The restore of that archive, after the data changed.
    archived = app_rows(data)
    data.execute("DELETE FROM saved_reports WHERE id >= 'r010000'")
    data.execute("UPDATE saved_reports SET name = 'changed'")
    restore_input = {"archive": archive}
    reports = lambda: data.count_of("SELECT COUNT(*) FROM saved_reports WHERE name <> 'changed'")
    landed = kill_at_random_moments(
        # A slice takes some 0.2 s here and its rows show only when it commits: kills
        # within a slice's time after each start.
        rng, lambda: call(s, data, "backup.restore.run", restore_input), reports, 10 if LONG else 6, 0.25,
        after_progress=False)
    assert landed, f"seed {SEED}: no kill landed during the restore of the archive"
    restored = landed.ended or until_done(s, data, "backup.restore.run", restore_input)
    assert restored["verified"], restored
    now = app_rows(data)
    assert now["saved_reports"] == archived["saved_reports"], f"seed {SEED}: saved reports differ after the restore"
    # The audit log as archived, then the restore's own entry, once.
    assert now["audit_log"][:-1] == archived["audit_log"], f"seed {SEED}: the audit log differs"
    assert now["audit_log"][-1][1] == "backup.restore", now["audit_log"][-3:]

    # `backup.prune`, the retention's job, over 480 scheduled archives a day apart (a
    # manifest and two parts of 40 KB each), killed while it deletes (one statement an
    # archive, paced at 150 a second: some 3 s), then run until it ends. It keeps exactly
    # what an uninterrupted prune of the same archives keeps, and each kept one whole.
    synthetic = plant_scheduled_archives(data, 480)
    plant_scheduled_archives(reference, 480)
    until_done(s, reference, "backup.prune", {})
    left = lambda index: index.rows(
        "SELECT archive, COUNT(*) FROM backup_parts WHERE archive LIKE 's%' GROUP BY archive ORDER BY archive")
    pruned = lambda: synthetic - len(left(data))
    landed = kill_at_random_moments(rng, lambda: call(s, data, "backup.prune", {}), pruned, 4, 0.5)
    assert landed, f"seed {SEED}: no kill landed during the prune"
    assert 0 < landed[0] < synthetic, landed
    landed.ended or until_done(s, data, "backup.prune", {})
    kept = left(data)
    assert kept == left(reference), f"seed {SEED}, kills after {landed} pruned"
    assert 7 < len(kept) < synthetic and all(int(n) == 3 for _, n in kept), kept


def plant_scheduled_archives(index, n: int) -> int:
    """`n` complete scheduled archives `s0000`…, a day apart from half a day ago back, straight
    into the app's storage; answers `n`."""
    installation = index.rows("SELECT installation FROM settings LIMIT 1")[0][0]
    day, newest, rows = 86_400_000, now_ms() - 43_200_000, []
    for d in range(n):
        archive, created = f"s{d:04d}", newest - d * day
        rows.append((installation, archive, 0, "manifest.json", "scheduled", created, 0, 2, "x", "{}"))
        for seq in (1, 2):
            rows.append((installation, archive, seq, f"part-{seq}", "scheduled", created, 100, 40_000,
                         "x", "y" * 40_000))
    index.execute("INSERT INTO backup_parts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return n
