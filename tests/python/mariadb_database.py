"""A MariaDB database of a test's own on the server of `scripts/mariadb.sh` (started, and
installed, if needed), used with Debian's `mariadb` client: no Python driver is needed. A context
manager: the database is created fresh and dropped at the end. Fails under CI, and skips
elsewhere, when the server cannot start."""

import os
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]


class MariadbDatabase:
    def __init__(self, name: str):
        try:
            server = subprocess.run(["bash", str(ROOT / "scripts/mariadb.sh"), "start"], check=True,
                                    capture_output=True, text=True, timeout=600).stdout.split()[-1]
        except (subprocess.SubprocessError, OSError, IndexError) as err:
            if os.environ.get("CI"):
                pytest.fail(f"MariaDB did not start: {err}")
            pytest.skip(f"MariaDB did not start: {err}")
        u = urlparse(server)
        self.client = ["mariadb", "-h", u.hostname, "-P", str(u.port), "-u", u.username,
                       f"-p{u.password}", "--batch", "--skip-column-names"]
        self.name = name
        # The URL the host takes (`--database`).
        self.url = server.rstrip("/") + "/" + name
        self.sql(f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}")

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.sql(f"DROP DATABASE IF EXISTS {self.name}")

    def sql(self, sql: str, database: str = "") -> list:
        """The rows of `sql` (in `database`, if named), each a list of its cells as text."""
        out = subprocess.run(self.client + ([database] if database else []) + ["-e", sql],
                             check=True, capture_output=True, text=True, timeout=60).stdout
        return [line.split("\t") for line in out.splitlines()]
