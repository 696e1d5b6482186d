"""A test database reused from a run that was stopped half-way (tests/conftest.py)."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from tests.conftest import drop_test_database_left_with_data, server_connection


@pytest.fixture
def scratch():
    """A database of its own, named as a test database, and its settings."""
    base = settings.DATABASES["default"]
    name = f"test_sipflow_scratch_{uuid.uuid4().hex[:8]}"
    settings_dict = {**base, "NAME": "scratch", "TEST": {"NAME": name}}
    connect = server_connection(base)
    with psycopg.connect(dbname="postgres", **connect) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(dbname=name, **connect) as conn:
        conn.execute("CREATE TABLE directory_organisation (id integer)")

    def rows(statement: str) -> None:
        with psycopg.connect(dbname=name, **connect) as conn:
            conn.execute(statement)

    def exists() -> bool:
        with psycopg.connect(dbname="postgres", **connect) as conn:
            query = "SELECT EXISTS (SELECT FROM pg_database WHERE datname = %s)"
            return conn.execute(query, [name]).fetchone()[0]

    yield settings_dict, rows, exists
    with psycopg.connect(dbname="postgres", **connect) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def test_a_test_database_left_with_a_runs_rows_is_dropped(scratch):
    settings_dict, rows, exists = scratch
    rows("INSERT INTO directory_organisation VALUES (1)")

    assert drop_test_database_left_with_data(settings_dict) is True
    assert not exists()


def test_a_clean_test_database_is_kept_and_a_missing_one_is_left_to_be_made(scratch):
    settings_dict, _rows, exists = scratch

    assert drop_test_database_left_with_data(settings_dict) is False
    assert exists()
    missing = {**settings_dict, "TEST": {"NAME": "test_sipflow_never_made"}}
    assert drop_test_database_left_with_data(missing) is False
