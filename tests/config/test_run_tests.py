"""How `make test` finds PostgreSQL (scripts/run_tests.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import psycopg
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "run_tests.py"


@pytest.fixture
def run_tests():
    spec = importlib.util.spec_from_file_location("run_tests", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_any_postgresql_it_stops_and_says_what_to_install(run_tests, monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.setattr(run_tests, "_local_server_url", lambda: None)
    monkeypatch.setattr(run_tests, "_postgres_bin_dir", lambda: None)
    monkeypatch.setattr(run_tests, "_run_pytest", pytest.fail)
    assert run_tests.main() == 2
    message = capsys.readouterr().err
    assert "apt-get install postgresql" in message
    assert "DATABASE_URL" in message


def test_database_url_wins_over_everything_else(run_tests, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://somewhere/else")
    monkeypatch.setattr(run_tests, "_local_server_url", pytest.fail)
    calls = []
    monkeypatch.setattr(run_tests, "_run_pytest", lambda url, where: calls.append(url) or 0)
    assert run_tests.main() == 0
    assert calls == ["postgres://somewhere/else"]


def test_a_throwaway_cluster_starts_answers_and_is_removed(run_tests):
    bin_dir = run_tests._postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL's binaries (initdb, pg_ctl) are not installed here")
    tmp = Path(run_tests.tempfile.gettempdir())

    def clusters() -> set[Path]:
        return set(tmp.glob("sipflow-pg-*"))

    before = clusters()
    with run_tests._throwaway_cluster(bin_dir) as url:
        assert len(clusters() - before) == 1
        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url) as connection:
            assert connection.execute("select 1").fetchone() == (1,)
    assert clusters() == before
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(admin_url, connect_timeout=2)
