"""`worklogs backup` and `worklogs restore` against real destinations (docs/backup.md): a directory
and S3-compatible object storage, served by moto (`moto_server`) on a free loopback port.

A local host on a `jira-sim` world gets app data (settings, saved reports, timers, an approval
period, audit entries) through `worklogs serve`; then:

- `worklogs backup` writes one archive to the directory and to the bucket: the same objects, byte
  for byte, the manifest's SHA-256 as printed;
- `worklogs restore` from S3 into a fresh data directory: the dry run changes nothing, `--yes`
  restores, and every table equals the archive's (and the source's at the time of the backup);
- retention: archives with synthetic dates in both destinations, `worklogs backup --prune` keeps
  exactly what the core's rule keeps (7 daily, 12 monthly, 5 yearly) and never a manual archive;
- a flipped byte, a truncated part, a missing part and a newer format are refused, naming the part,
  and nothing is replaced.

Needs the built `worklogs`, `jira-sim` and component, and `moto[server]` (scripts/setup.sh test).
"""

import datetime
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from test_kill9 import ENV, JIRA_SIM, WORKLOGS, built_or_skip, read_line
from test_odata import Serve

boto3 = pytest.importorskip("boto3")

BUCKET, PREFIX = "worklogs-test", "site-a/backups"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"}
# The settings a restore never carries (the site's bookkeeping, docs/backup.md).
BOOKKEEPING = {"sync.state", "sync.verify", "sync.errors", "privacy.state", "audit.verify",
               "backup.create", "backup.restore", "restore.run", "journal.prune"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Moto:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url, timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError("moto_server did not start")
                time.sleep(0.2)
        self.s3 = boto3.client("s3", endpoint_url=self.url, aws_access_key_id="test",
                               aws_secret_access_key="test", region_name="us-east-1")
        self.s3.create_bucket(Bucket=BUCKET)

    def objects(self, prefix):
        out, token = {}, None
        while True:
            page = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix,
                                           **({"ContinuationToken": token} if token else {}))
            for o in page.get("Contents", []):
                out[o["Key"][len(prefix):]] = self.s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read()
            if not page.get("IsTruncated"):
                return out
            token = page["NextContinuationToken"]

    def stop(self):
        self.process.kill()
        self.process.wait()


class Site:
    def __init__(self, tmp, moto):
        self.tmp, self.moto = tmp, moto
        self.sim = subprocess.Popen([str(JIRA_SIM), "--port", "0", "--seed", "3", "--worklogs", "2000"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.sim_url = read_line(self.sim, r"jira-sim serving (http://127\.0\.0\.1:\d+)").group(1)
        self.env = dict(ENV, **CREDENTIALS)
        for name in list(self.env):
            if name.startswith("WORKLOGS_BACKUP_"):
                del self.env[name]

    def run(self, *args, data, check=True):
        command = [str(WORKLOGS), *args, "--jira-sim", self.sim_url, "--data", str(data)]
        done = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=900)
        if check:
            assert done.returncode == 0, f"{command}: {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done

    def backup(self, data, *more, check=True):
        return self.run("backup", "--backup-dir", str(self.tmp / "dir"), "--backup-s3-bucket", BUCKET,
                        "--backup-s3-url", self.moto.url, "--backup-s3-prefix", PREFIX, "--json", *more,
                        data=data, check=check)

    def restore(self, source, data, *more, check=True):
        return self.run("restore", source, "--backup-s3-url", self.moto.url, "--json", *more,
                        data=data, check=check)

    def stop(self):
        self.sim.kill()
        self.sim.wait()


def populate(site, data):
    """App data in every kind of table the app has rows for, through the app's own operations."""
    serve = Serve.__new__(Serve)
    serve.process = subprocess.Popen(
        [str(WORKLOGS), "serve", "--jira-sim", site.sim_url, "--port", "0", "--sync-every", "0",
         "--data", str(data)], env=site.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        m = read_line(serve.process, r"running at http://127\.0\.0\.1:(\d+)/#token=([0-9a-f]+)")
        serve.port, serve.token = int(m.group(1)), m.group(2)
        for _ in range(200):
            if not serve.call("dave", "sync.full", {}).get("more"):
                break
        serve.call("dave", "attribute.save", {"attributes": [
            {"key": "billable", "name": "Billable", "type": "boolean"}]})
        serve.call("dave", "rate.save", {"rates": [
            {"scope": "default", "hourly": "80", "currency": "EUR", "effectiveFrom": "2026-01-01"}]})
        serve.call("dave", "approval.settings.save", {"period": "weekly", "requireRequiredTime": False,
                                                      "allowSelfApproval": False, "onOutsideEdit": "flag"})
        for who in ("alice", "bob"):
            serve.call(who, "report.save", {"name": f"{who}'s week", "query": {
                "period": {"from": "2026-11-16", "to": "2026-11-22"}, "groupBy": ["issue"]}})
        serve.call("alice", "timer.start", {"issue": "ALPHA-2"})
        serve.call("alice", "approval.submit", {"date": "2026-11-18"})
    finally:
        serve.stop()


def rows(db, table, columns, key):
    """The table's rows for the local installation, in key order, as lists (as an archive line)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        order = ", ".join(columns[:key])
        return [list(r) for r in conn.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE installation = 'local' ORDER BY {order}")]
    finally:
        conn.close()


def archive_tables(folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    out = {}
    for t in manifest["tables"]:
        lines = []
        for part in manifest["parts"]:
            if part["table"] == t["name"]:
                lines += [json.loads(line) for line in (folder / part["name"]).read_text().splitlines()]
        out[t["name"]] = (t["columns"], lines)
    return manifest, out


KEYS = {"settings": 1, "saved_reports": 1, "timers": 2, "audit_log": 1, "approval_periods": 2,
        "approval_history": 3, "approval_snapshots": 3, "approval_drift": 1, "audit_actors": 1}


def site_tables(db, tables):
    return {name: rows(db, name, columns, KEYS[name]) for name, (columns, _) in tables.items()}


def comparable(name, table_rows, last_seq, actors):
    """The rows an archive made at `last_seq` holds: not the site's bookkeeping, not the audit
    entries written after it (and the chain's head, which they moved), not their actors."""
    if name == "settings":
        return [r for r in table_rows if r[0] not in BOOKKEEPING and r[0] != "audit.head"]
    if name == "audit_log":
        return [r for r in table_rows if r[0] <= last_seq]
    if name == "audit_actors":
        return [r for r in table_rows if r[0] in actors]
    return table_rows


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    built_or_skip()
    if shutil.which("moto_server") is None:
        if os.environ.get("CI"):
            pytest.fail("moto_server is not installed (scripts/setup.sh test installs moto[server])")
        pytest.skip("moto_server is not installed")
    tmp = tmp_path_factory.mktemp("backup")
    moto = Moto()
    site = Site(tmp, moto)
    try:
        populate(site, tmp / "a")
        made = site.backup(tmp / "a")
        yield site, tmp, json.loads(made.stdout)
    finally:
        site.stop()
        moto.stop()


def test_one_archive_goes_to_the_directory_and_to_s3_byte_for_byte(world):
    site, tmp, made = world
    archive = made["archive"]
    assert [d.get("error") for d in made["destinations"]] == [None, None], made
    places = [d["place"] for d in made["destinations"]]
    assert places == [f"{tmp / 'dir'}/{archive}/", f"s3://{BUCKET}/{PREFIX}/{archive}/"]
    folder = tmp / "dir" / archive
    on_disk = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    in_s3 = site.moto.objects(f"{PREFIX}/{archive}/")
    assert on_disk == in_s3
    manifest = json.loads(on_disk["manifest.json"])
    assert hashlib.sha256(on_disk["manifest.json"]).hexdigest() == made["sha256"]
    assert set(on_disk) == {"manifest.json"} | {p["name"] for p in manifest["parts"]}
    for part in manifest["parts"]:
        assert hashlib.sha256(on_disk[part["name"]]).hexdigest() == part["sha256"]
    counted = {t["name"]: t["rows"] for t in manifest["tables"]}
    for table in ("settings", "saved_reports", "timers", "audit_log", "approval_periods", "audit_actors"):
        assert counted[table] > 0, (table, counted)
    assert made["rows"] == sum(counted.values())


def test_restore_from_s3_into_a_fresh_site_equals_every_table(world):
    site, tmp, made = world
    archive = made["archive"]
    manifest, tables = archive_tables(tmp / "dir" / archive)
    fresh = tmp / "fresh"
    site.run("call", "backup.list", data=fresh)  # a fresh site: migrated, no app data yet
    db = fresh / "worklogs.sqlite"
    before = site_tables(db, tables)

    dry = json.loads(site.restore(f"s3://{BUCKET}/{PREFIX}/{archive}", fresh).stdout)
    assert dry["verified"] is True
    planned = {t["table"]: t["archiveRows"] for t in dry["plan"]["tables"]}
    assert planned == {name: len(lines) for name, (_, lines) in tables.items()}
    assert dry["plan"]["installation"] == "local" and dry["plan"]["version"] == 1
    after_dry = site_tables(db, tables)
    for name in tables:
        # A dry run replaces nothing (the audit log gains the upload's deletion only).
        assert comparable(name, after_dry[name], len(before["audit_log"]), set()) == \
            comparable(name, before[name], len(before["audit_log"]), set()), name

    done = json.loads(site.restore(f"s3://{BUCKET}/{PREFIX}/{archive}", fresh, "--yes").stdout)
    assert done["verified"] is True and done["more"] is False
    restored = site_tables(db, tables)
    source = site_tables(tmp / "a" / "worklogs.sqlite", tables)
    last_seq = max(r[0] for r in tables["audit_log"][1])
    actors = {r[0] for r in tables["audit_actors"][1]}
    for name, (_, lines) in tables.items():
        archived = comparable(name, lines, last_seq, actors)
        assert comparable(name, restored[name], last_seq, actors) == archived, name
        assert comparable(name, source[name], last_seq, actors) == archived, name
    # After the archive's entries: the restore's own record and the upload's deletion only.
    later = [r[4] for r in restored["audit_log"] if r[0] > last_seq]
    assert later == ["backup.restore", "backup.delete"], later


def created(day):
    return int(datetime.datetime(day.year, day.month, day.day, 3, tzinfo=datetime.timezone.utc).timestamp() * 1000)


def expected_keep(days, daily=7, monthly=12, yearly=5):
    """The grandfather-father-son rule (wasm/core/src/retention.rs), written again here as the
    test's oracle: the newest archive of each of the last `daily` days, `monthly` months and
    `yearly` years that have one; the newest always."""
    order = sorted(days, reverse=True)
    kept = {order[0]}
    for key, limit in ((lambda d: d, daily), (lambda d: (d.year, d.month), monthly), (lambda d: d.year, yearly)):
        seen = []
        for d in order:
            if len(seen) >= limit:
                break
            if key(d) not in seen:
                seen.append(key(d))
                kept.add(d)
    return kept


def test_retention_keeps_exactly_what_the_core_rule_keeps_in_both_destinations(world):
    site, tmp, made = world
    folder = tmp / "dir" / made["archive"]
    template = json.loads((folder / "manifest.json").read_text())
    # Two years and a half of daily scheduled archives, with gaps, and an old manual one.
    start = datetime.date(2024, 5, 1)
    days = [start + datetime.timedelta(days=n) for n in range(0, 940, 3)]
    synthetic = {}
    for day in days:
        name = f"{day:%Y%m%d}T030000000Z"
        synthetic[name] = day
        manifest = dict(template, archive=name, kind="scheduled", createdAtMs=created(day))
        body = json.dumps(manifest).encode()
        target = tmp / "dir" / name
        target.mkdir(parents=True)
        (target / "manifest.json").write_bytes(body)
        site.moto.s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}/{name}/manifest.json", Body=body)
    manual = "20240101T000000000Z"
    body = json.dumps(dict(template, archive=manual, kind="manual", createdAtMs=created(datetime.date(2024, 1, 1))))
    (tmp / "dir" / manual).mkdir()
    (tmp / "dir" / manual / "manifest.json").write_text(body)
    site.moto.s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}/{manual}/manifest.json", Body=body.encode())

    pruned = json.loads(site.backup(tmp / "a", "--prune").stdout)
    # The new archive is manual: the retention of scheduled archives decides over the synthetic
    # ones alone (the site's default rule: 7 daily, 12 monthly, 5 yearly).
    keep = {f"{d:%Y%m%d}T030000000Z" for d in expected_keep(days)}
    deleted = set(synthetic) - keep
    for d in pruned["destinations"]:
        assert d.get("error") is None, d
        assert set(d["prune"]["deleted"]) == deleted, d["destination"]
        assert d["prune"]["kept"] == len(keep)
    left_on_disk = {p.name for p in (tmp / "dir").iterdir()}
    left_in_s3 = {k.split("/")[0] for k in site.moto.objects(f"{PREFIX}/")}
    for left in (left_on_disk, left_in_s3):
        assert keep <= left and not (deleted & left)
        assert {manual, made["archive"], pruned["archive"]} <= left
    assert 7 < len(keep) < len(days)


def test_a_damaged_archive_is_refused_naming_the_part_and_nothing_is_replaced(world):
    site, tmp, made = world
    original = tmp / "dir" / made["archive"]
    manifest = json.loads((original / "manifest.json").read_text())
    part = manifest["parts"][0]["name"]
    target = tmp / "damaged"
    fresh = tmp / "target-site"
    site.run("call", "--as", "dave", "rate.save", json.dumps({"rates": [
        {"scope": "default", "hourly": "1", "currency": "EUR", "effectiveFrom": "2026-01-01"}]}), data=fresh)

    def settings():
        kept = rows(fresh / "worklogs.sqlite", "settings", ["name", "value", "updated_ms"], 1)
        return comparable("settings", kept, 0, set())

    before = settings()
    assert any(r[0] == "rates" or "EUR" in r[1] for r in before)

    def flip(folder):
        data = bytearray((folder / part).read_bytes())
        data[len(data) // 2] ^= 0x01
        (folder / part).write_bytes(bytes(data))

    def truncate(folder):
        data = (folder / part).read_bytes()
        (folder / part).write_bytes(data[: len(data) // 2])

    def remove(folder):
        (folder / part).unlink()

    def newer(folder):
        m = json.loads((folder / "manifest.json").read_text())
        (folder / "manifest.json").write_text(json.dumps(dict(m, version=m["version"] + 1)))

    for damage, message in ((flip, f'part "{part}" does not match its SHA-256'),
                            (truncate, f'part "{part}" is'),
                            (remove, f'part "{part}" is missing'),
                            (newer, 'part "manifest.json": format version 2 is newer than this app reads')):
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(original, target)
        damage(target)
        done = site.restore(str(target), fresh, "--yes", check=False)
        assert done.returncode == 1, (damage.__name__, done.stdout, done.stderr)
        assert message in done.stderr, (damage.__name__, done.stderr)
        if damage is truncate:
            assert "truncated" in done.stderr
        assert settings() == before, damage.__name__


def test_a_failing_destination_is_named_and_the_other_is_written(world):
    site, tmp, made = world
    done = site.run("backup", "--backup-dir", str(tmp / "dir-b"), "--backup-s3-bucket", "no-such-bucket",
                    "--backup-s3-url", site.moto.url, "--json", data=tmp / "a", check=False)
    assert done.returncode == 1, (done.stdout, done.stderr)
    out = json.loads(done.stdout)
    by_name = {d["destination"]: d for d in out["destinations"]}
    assert by_name[str(tmp / "dir-b")]["place"] == f"{tmp / 'dir-b'}/{out['archive']}/"
    assert (tmp / "dir-b" / out["archive"] / "manifest.json").exists()
    failed = by_name["s3://no-such-bucket/worklogs-backups"]
    assert "s3://no-such-bucket/worklogs-backups: cannot write" in failed["error"], failed


def test_serve_writes_its_scheduled_backup_to_both_destinations(world):
    site, tmp, made = world
    process = subprocess.Popen(
        [str(WORKLOGS), "serve", "--jira-sim", site.sim_url, "--port", "0", "--sync-every", "0",
         "--data", str(tmp / "a"), "--backup-every", "2", "--backup-dir", str(tmp / "daily"),
         "--backup-s3-bucket", BUCKET, "--backup-s3-url", site.moto.url, "--backup-s3-prefix", "daily"],
        env=site.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = read_line(process, r"backup (\S+): written to (\S+)", seconds=300)
        archive = first.group(1)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            in_s3 = site.moto.objects(f"daily/{archive}/")
            if "manifest.json" in in_s3 and (tmp / "daily" / archive / "manifest.json").exists():
                break
            time.sleep(0.5)
        manifest = json.loads((tmp / "daily" / archive / "manifest.json").read_text())
        assert manifest["kind"] == "scheduled"
        assert in_s3["manifest.json"] == (tmp / "daily" / archive / "manifest.json").read_bytes()
    finally:
        process.terminate()
        process.wait()


def test_restore_reads_the_zip_the_admin_page_downloads(world):
    """The admin page downloads an archive as one zip file of its parts (ui/src/lib/zip.ts: stored
    entries named as the parts); `worklogs restore FILE.zip` plans from it as from the folder, and
    the archive's folder zipped whole works too. A zip with an entry that would leave the folder is
    refused, naming the entry, and nothing is written."""
    site, tmp, made = world
    folder = tmp / "dir" / made["archive"]
    _, tables = archive_tables(folder)
    fresh = tmp / "zip-site"
    site.run("call", "backup.list", data=fresh)

    def archive_rows(plan):  # what the archive holds (the site's own rows move with each dry run)
        return {t["table"]: t["archiveRows"] for t in plan["tables"]}

    def zipped(name, names_from, compression):
        with zipfile.ZipFile(tmp / name, "w", compression) as z:
            for p in sorted(folder.rglob("*")):
                if p.is_file():
                    z.writestr(str(p.relative_to(names_from)), p.read_bytes())
        return tmp / name

    planned_from_folder = archive_rows(json.loads(site.restore(str(folder), fresh).stdout)["plan"])
    assert planned_from_folder == {name: len(lines) for name, (_, lines) in tables.items()}
    flat = zipped("download.zip", folder, zipfile.ZIP_STORED)  # as the admin page writes it
    nested = zipped("folder.zip", folder.parent, zipfile.ZIP_DEFLATED)  # the folder zipped whole
    for source in (flat, nested):
        dry = json.loads(site.restore(str(source), fresh).stdout)
        assert dry["verified"] is True, (source, dry)
        assert archive_rows(dry["plan"]) == planned_from_folder, source
        assert dry["plan"]["installation"] == "local", source

    evil = tmp / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("manifest.json", (folder / "manifest.json").read_bytes())
        z.writestr("../escaped.jsonl", b"{}\n")
    done = site.restore(str(evil), fresh, "--yes", check=False)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert 'entry "../escaped.jsonl" would leave the archive\'s folder' in done.stderr, done.stderr
    assert not (tmp / "escaped.jsonl").exists()
