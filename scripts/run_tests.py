#!/usr/bin/env python3
"""Run the test suite against PostgreSQL, whichever way one can be had here.

1. ``DATABASE_URL`` if it is set;
2. else the server on 127.0.0.1:5432;
3. else a throwaway cluster started from PostgreSQL's own binaries (initdb, pg_ctl),
   removed again afterwards;
4. else stop with a message that says what to install.

Arguments are passed on to pytest.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

LOCAL_SERVER = ("127.0.0.1", 5432)
DATABASE_NAME = os.environ.get("SIPFLOW_TEST_DATABASE", "sipflow")

INSTALL_HINT = """\
Testerna körs mot PostgreSQL, men ingen PostgreSQL-server hittades.
The tests run against PostgreSQL, and none was found. Do one of these:
  * set DATABASE_URL, e.g. DATABASE_URL=postgres://user@host:5432/sipflow make test
  * start a server on 127.0.0.1:5432 that accepts the user "postgres"
  * install PostgreSQL's binaries (initdb, pg_ctl) and make test starts a throwaway one:
      Debian/Ubuntu: sudo apt-get install postgresql
      Fedora:        sudo dnf install postgresql-server
      macOS:         brew install postgresql@16
"""


def _can_connect(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _local_server_url() -> str | None:
    with socket.socket() as probe:
        probe.settimeout(1)
        if probe.connect_ex(LOCAL_SERVER) != 0:
            return None
    host, port = LOCAL_SERVER
    for user in ("postgres", pwd.getpwuid(os.getuid()).pw_name):
        if _can_connect(f"postgresql://{user}@{host}:{port}/postgres"):
            return f"postgres://{user}@{host}:{port}/{DATABASE_NAME}"
    return None


def _postgres_bin_dir() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb")
        + glob.glob("/usr/pgsql-*/bin/initdb")
        + glob.glob("/opt/homebrew/opt/postgresql*/bin/initdb")
        + glob.glob("/usr/local/opt/postgresql*/bin/initdb"),
        key=lambda path: [int(part) for part in path.split("/") if part.isdigit()] or [0],
    )
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _throwaway_cluster(bin_dir: Path) -> Iterator[str]:
    """initdb + pg_ctl in a temporary directory; PostgreSQL refuses to run as root."""
    run_as: list[str] = []
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            sys.exit("PostgreSQL cannot run as root and there is no 'postgres' user to run it.")
        run_as = ["runuser", "-u", "postgres", "--"]
    workdir = Path(tempfile.mkdtemp(prefix="sipflow-pg-"))
    if run_as:
        shutil.chown(workdir, user="postgres")
    data, port = workdir / "data", _free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT}
    subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
        check=True,
        **quiet,
    )
    options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "start"],
        check=True,
        **quiet,
    )
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/{DATABASE_NAME}"
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], **quiet
        )
        shutil.rmtree(workdir, ignore_errors=True)


def _run_pytest(database_url: str, where: str) -> int:
    print(f"Test database: {where}", flush=True)
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.call([sys.executable, "-m", "pytest", *sys.argv[1:]], env=env)


def main() -> int:
    if os.environ.get("DATABASE_URL"):
        return _run_pytest(os.environ["DATABASE_URL"], "DATABASE_URL")
    url = _local_server_url()
    if url:
        return _run_pytest(url, "PostgreSQL on 127.0.0.1:5432")
    bin_dir = _postgres_bin_dir()
    if bin_dir is None:
        sys.stderr.write(INSTALL_HINT)
        return 2
    with _throwaway_cluster(bin_dir) as url:
        return _run_pytest(url, f"throwaway PostgreSQL cluster ({bin_dir})")


if __name__ == "__main__":
    sys.exit(main())
