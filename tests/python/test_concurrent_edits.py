"""Two people editing the same worklog at the same moment, for real: two threads through
`worklogs serve` (docs/reliability.md, "Concurrency"). Every update must succeed; Jira
keeps one of the two; the index must then hold Jira's copy as soon as both answered. The native tests (`ops::sync::tests::concurrency`) go through every
interleaving; this one checks the real server, threads and SQLite.
"""

import http.client
import json
import sqlite3
import subprocess
import threading

from test_kill9 import ENV, JIRA_SIM, WORKLOGS, Server, built_or_skip, read_line


class DemoSim:
    def __init__(self):
        self.process = subprocess.Popen([str(JIRA_SIM), "--port", "0"], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        self.url = read_line(self.process, r"jira-sim serving (http://127\.0\.0\.1:\d+)").group(1)

    def stop(self):
        self.process.kill()
        self.process.wait()


def call_as(server, account, operation, payload):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    conn.request("POST", "/api/invoke", body=json.dumps({"operation": operation, "input": payload}), headers={
        "content-type": "application/json", "host": f"127.0.0.1:{server.port}", "x-worklogs-token": server.token,
        "x-worklogs-account": account, "x-worklogs-time-zone": "UTC"})
    response = conn.getresponse()
    answer = json.loads(response.read())
    conn.close()
    return response.status, answer


def test_two_people_updating_one_worklog_at_once_leave_the_index_equal_to_jira(tmp_path):
    built_or_skip()
    sim = DemoSim()
    data = tmp_path / "data"
    server = None
    try:
        imported = subprocess.run([str(WORKLOGS), "sync", "--full", "--jira-sim", sim.url, "--data", str(data)],
                                  env=ENV, capture_output=True, text=True, timeout=600)
        assert imported.returncode == 0, imported.stderr
        server = Server(sim, data)
        status, logged = call_as(server, "alice", "worklog.log",
                                 {"issue": "ALPHA-2", "started": "2026-11-24T09:00:00Z", "seconds": 3600})
        assert status == 200, logged
        worklog = logged["ok"]["id"]
        db = sqlite3.connect(data / "worklogs.sqlite")
        rounds = 12
        for r in range(rounds):
            barrier = threading.Barrier(2)
            answers = {}

            def update(account, seconds):
                barrier.wait()
                answers[account] = call_as(server, account, "worklog.update",
                                           {"issue": "ALPHA-2", "id": worklog, "seconds": seconds})

            threads = [threading.Thread(target=update, args=("alice", 600 + r * 60)),
                       threading.Thread(target=update, args=("dave", 3600 + r * 60))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            for account, (status, answer) in answers.items():
                assert status == 200 and "ok" in answer, f"round {r}, {account}: {answer}"
            _, listed = call_as(server, "dave", "worklog.list", {"issue": "ALPHA-2"})
            in_jira = next(w["timeSpentSeconds"] for w in listed["ok"]["worklogs"] if w["id"] == worklog)
            assert in_jira in (600 + r * 60, 3600 + r * 60)
            indexed = db.execute("SELECT seconds FROM worklogs WHERE id = ?", (int(worklog),)).fetchone()[0]
            # At once: the slower writer's row is written only where the index's copy
            # is not newer (before that rule, 4 of 12 rounds left the older copy).
            assert indexed == in_jira, f"round {r}: index {indexed}, Jira {in_jira}"
        db.close()
    finally:
        if server is not None:
            server.kill()
        sim.stop()
