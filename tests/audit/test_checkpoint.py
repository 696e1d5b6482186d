"""The checkpoints ``audit_verify`` keeps outside the database: sealed lines, appended only
after a successful verification, and refused when changed."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.chain import GENESIS_HASH
from audit.checkpoint import checkpoint_last
from audit.models import AccessLogEntry
from audit.services import access_log_record
from tests.audit.conftest import TABLE, execute_behind_the_triggers_back

pytestmark = pytest.mark.django_db
VIEW = AccessLogEntry.Action.VIEW
LINE = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00 count=\d+ last=\d+ head=[0-9a-f]{64} "
    r"legacy_until=\d+ hmac=[0-9a-f]{64}"
)


def verify() -> None:
    call_command("audit_verify", stdout=io.StringIO(), stderr=io.StringIO())


def test_each_verification_appends_a_sealed_line(staff, settings):
    path = settings.AUDIT_CHECKPOINT_PATH
    assert not path.exists()
    access_log_record(user=staff.sara, action=VIEW)
    verify()
    last = access_log_record(user=staff.sara, action=VIEW)
    verify()
    lines = path.read_text().splitlines()
    assert len(lines) == 2
    assert all(LINE.fullmatch(line) for line in lines), lines
    checkpoint = checkpoint_last(path=path)
    assert (checkpoint.count, checkpoint.last_pk, checkpoint.head, checkpoint.legacy_until) == (
        2,
        last.pk,
        last.entry_hash,
        0,
    )


def test_an_empty_log_is_checkpointed_too(settings):
    verify()
    verify()
    checkpoint = checkpoint_last(path=settings.AUDIT_CHECKPOINT_PATH)
    assert (checkpoint.count, checkpoint.last_pk, checkpoint.head) == (0, 0, GENESIS_HASH)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda line: line.replace("count=2", "count=1"), "checkpoint line 1 of .* is not sealed"),
        (lambda line: line.replace(" hmac=", " hmac=0"), "checkpoint line 1 of .* is not sealed"),
        (lambda line: line.split(" head=")[0], "checkpoint line 1 of .* cannot be read"),
    ],
)
def test_a_changed_checkpoint_is_refused(staff, settings, change, message):
    path = settings.AUDIT_CHECKPOINT_PATH
    for _ in range(2):
        access_log_record(user=staff.sara, action=VIEW)
    verify()
    path.write_text(change(path.read_text().strip()) + "\n")
    with pytest.raises(CommandError, match=f"^BROKEN: {message}") as failure:
        verify()
    assert failure.value.returncode == 1


def test_a_checkpoint_sealed_with_another_key_is_refused(staff, settings):
    access_log_record(user=staff.sara, action=VIEW)
    settings.AUDIT_HMAC_KEY = "the key of another installation"
    with pytest.raises(CommandError):  # the entry is not sealed with this key either
        verify()
    settings.AUDIT_HMAC_KEY = "the key of another installation, now with an empty log"
    execute_behind_the_triggers_back(f"TRUNCATE {TABLE} CASCADE")
    verify()
    settings.AUDIT_HMAC_KEY = "yet another key"
    with pytest.raises(CommandError, match=r"^BROKEN: checkpoint line 1 of .* is not sealed"):
        verify()


def test_a_failed_verification_appends_no_checkpoint(staff, settings):
    path = settings.AUDIT_CHECKPOINT_PATH
    entry = access_log_record(user=staff.sara, action=VIEW)
    verify()
    execute_behind_the_triggers_back(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    for _ in range(2):
        with pytest.raises(CommandError, match=f"^BROKEN: entry {entry.pk}, the last of 1"):
            verify()
    assert len(path.read_text().splitlines()) == 1


def test_a_checkpoint_that_cannot_be_written_fails_the_command(monkeypatch):
    def disk_full(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("audit.checkpoint.os.fsync", disk_full)
    out = io.StringIO()
    with pytest.raises(CommandError, match="The checkpoint could not be written") as failure:
        call_command("audit_verify", stdout=out, stderr=io.StringIO())
    assert failure.value.returncode == 1
    assert out.getvalue() == "OK: 0 entries\n"
