"""Bytes per version of the worklog journal's proposed row (docs/data-protection.md).

The journal is not built yet: this measures the row layout it is planned with
(the index's own encoding: dictionary ids for author, visibility and attributes,
the comment's 31-bit hash, and optionally the comment's text), in SQLite, table
plus primary key, after VACUUM, over 200,000 generated versions.

    python3 bench/journal_bytes.py
"""

import os
import random
import sqlite3
import tempfile

WORDS = "fixed the login bug review meeting with the team deploy hotfix write tests refactor sync".split()
N = 200_000


def measure(comments: bool) -> tuple[float, float]:
    random.seed(1)
    path = os.path.join(tempfile.mkdtemp(), "journal.sqlite")
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE worklog_journal (site INT NOT NULL, id BIGINT NOT NULL, seen BIGINT NOT NULL, "
        "source VARCHAR(8) NOT NULL, issue BIGINT NOT NULL, author BIGINT NOT NULL, started BIGINT NOT NULL, "
        "seconds BIGINT NOT NULL, visibility BIGINT NOT NULL, attrs BIGINT NOT NULL, note BIGINT NOT NULL, "
        "comment MEDIUMTEXT NULL, deleted INT NOT NULL, content BIGINT NOT NULL, PRIMARY KEY (site, id, seen))"
    )
    rows = []
    for i in range(N):
        text = " ".join(random.choice(WORDS) for _ in range(random.randint(0, 12))) if comments else None
        rows.append((
            1, 10_000 + i // 2, 1_795_000_000_000 + i * 1000, random.choice(["sync", "event", "app"]),
            10_000 + random.randint(0, 50_000), random.randint(1, 2**53),
            1_790_000_000_000 + random.randint(0, 10**10), random.choice([900, 1800, 3600, 7200]),
            0 if random.random() < 0.9 else random.randint(1, 2**53),
            0 if random.random() < 0.5 else random.randint(1, 2**53),
            random.randint(0, 2**31), text, 0, random.randint(1, 2**53),
        ))
    db.executemany("INSERT INTO worklog_journal VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.commit()
    db.execute("VACUUM")
    size = db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
    comment = db.execute("SELECT AVG(LENGTH(COALESCE(comment, ''))) FROM worklog_journal").fetchone()[0]
    return size / N, comment


if __name__ == "__main__":
    for comments in (False, True):
        per, comment = measure(comments)
        versions = (1 << 30) / per
        print(f"comments {'on ' if comments else 'off'}: {per:.1f} bytes per version "
              f"(comments {comment:.1f} bytes on average); 1 GiB holds {versions / 1e6:.1f} M versions, "
              f"{versions / 1e6:.1f} per worklog of a 1,000,000-worklog site")
