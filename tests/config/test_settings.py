from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import env_bool, env_list

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        # Not what a test session set for itself (the browser tests' async permission).
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **env,
        },
        capture_output=True,
        text=True,
    )


def test_swedish_first_with_english_available_in_stockholm_time():
    assert settings.LANGUAGE_CODE == "sv"
    assert [code for code, _name in settings.LANGUAGES] == ["sv", "en"]
    assert settings.TIME_ZONE == "Europe/Stockholm"


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        AUDIT_HMAC_KEY="a-long-random-access-log-key-0123456789",
        ALLOWED_HOSTS="sipflow.example.se",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DATABASE_URL": "sqlite:///tmp/x.sqlite3"}, "PostgreSQL"),
        ({"AUDIT_HMAC_KEY": ""}, "AUDIT_HMAC_KEY"),
        ({"AUDIT_HMAC_KEY": "short"}, "AUDIT_HMAC_KEY"),
    ],
)
def test_production_refuses_to_start_without_its_secrets_or_postgresql(env, message):
    base = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "k" * 60,
        "AUDIT_HMAC_KEY": "a" * 40,
        "DATABASE_URL": os.environ["DATABASE_URL"],
    }
    result = manage("check", **{**base, **env})
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("migrate_url", "message"),
    [
        ("postgres://owner@127.0.0.1:5432/another", "must name the same database"),
        ("{url}", "log in as the same role"),
    ],
)
def test_the_migration_role_must_be_another_role_on_the_same_database(migrate_url, message):
    url = os.environ["DATABASE_URL"]
    result = manage("check", DATABASE_URL=url, DATABASE_MIGRATE_URL=migrate_url.format(url=url))
    assert result.returncode != 0
    assert message in result.stderr


def test_environment_values_are_parsed_strictly(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG") is False
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("FLAG")
    monkeypatch.setenv("HOSTS", " a.se, b.se ,,")
    assert env_list("HOSTS") == ["a.se", "b.se"]
