"""`make run` on SQLite: the web server, the worker and the tick write one file at once and
none of them fails with "database is locked" (tests/config/sqlite_writers.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 3


def test_the_server_the_worker_and_the_tick_write_one_sqlite_file_at_once(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tests.config.sqlite_writers", str(tmp_path / "db"), str(SECONDS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("ERROR")] == []
    done = {
        name: int(count)
        for _done, name, count in (line.split() for line in lines if line.startswith("DONE"))
    }
    # Each wrote many times over (the server about 25 answers a second here), so the three
    # really overlapped.
    assert done["server"] >= 10
    assert done["worker"] >= 5
    assert done["tick"] >= 1
