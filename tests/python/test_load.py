"""The load test's short version (`bench/load.py`, docs/reliability.md): 5 people for
5 seconds against `worklogs serve` with the simulator, the incremental sync running every
2 seconds, on SQLite and on MariaDB (`scripts/mariadb.sh`, a database of its own). It checks
that no request failed and the report's shape, never a speed.

Needs the built `worklogs`, `jira-sim` and component (`make component && cargo build --release
-p worklogs-cli -p jira-sim`; `make test` builds them); set WORKLOGS, JIRA_SIM to use others.
"""

import importlib.util
import json
import os
from pathlib import Path

import pytest

from mariadb_database import MariadbDatabase

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
WORKLOGS = Path(os.environ.get("WORKLOGS", TARGET / "release/worklogs"))
JIRA_SIM = Path(os.environ.get("JIRA_SIM", TARGET / "release/jira-sim"))
COMPONENT = TARGET / "wasm32-wasip2/release/worklogs_app.wasm"


def load_module():
    spec = importlib.util.spec_from_file_location("load", ROOT / "bench/load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def built_or_skip():
    missing = [str(p) for p in (WORKLOGS, JIRA_SIM, COMPONENT) if not p.exists()]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"not built: {missing}")
        pytest.skip(f"not built: {missing}")


def short_load(tmp_path, database=None):
    """The short load's figures, checked for no error and every figure."""
    out = tmp_path / "load.json"
    code = load_module().main([
        "--people", "5", "--seconds", "5", "--think", "0", "--max-requests", "5000", "--worklogs", "5000",
        "--sync-every", "2", "--json", str(out),
        "--worklogs-bin", str(WORKLOGS), "--jira-sim-bin", str(JIRA_SIM),
    ] + (["--database", database] if database else []))
    report = json.loads(out.read_text())
    assert report["errors"] == {"count": 0, "samples": []}, report["errors"]
    assert code == 0
    assert report["people"] == 5
    assert 0 < report["requests"] <= 5000
    assert set(report["operations"]) == {"worklog.list", "worklog.log", "worklog.update",
                                         "timesheet.week", "report.run", "export.run"}
    for name, o in report["operations"].items():
        assert o["count"] > 0 and o["errors"] == 0, name
        assert 0 <= o["p50_ms"] <= o["p95_ms"] <= o["p99_ms"] <= o["max_ms"], name
    assert report["export"]["complete"] and report["export"]["rows"] > 0
    assert report["memory_kib"]["server_vmhwm"] > 0 and report["memory_kib"]["simulator_vmhwm"] > 0
    assert len(report["machine"]["loadavg_before"]) == 3 and report["machine"]["cores"] >= 1
    assert report["world"]["indexed"] >= 5000
    # The sync ran during the load and none of its runs failed.
    assert report["sync"]["incremental_finished_during_run"] is True
    assert report["sync"]["errors"] == 0
    return report


def test_a_short_load_has_no_error_and_reports_every_figure(tmp_path):
    built_or_skip()
    assert short_load(tmp_path)["database"] == "sqlite"


def test_the_same_short_load_on_mariadb_has_no_error(tmp_path):
    built_or_skip()
    with MariadbDatabase(f"load_short_{os.getpid()}") as database:
        assert short_load(tmp_path, database.url)["database"] == "mariadb"


def test_it_refuses_a_target_that_is_not_loopback(capsys):
    module = load_module()
    code = module.main(["--url", "http://10.1.2.3:8080", "--token", "t", "--jira-sim-url", "http://127.0.0.1:1"])
    assert code == 2
    assert "not a loopback address" in capsys.readouterr().err
