"""The database refuses to change the log, even to its owner; tampering behind its back is
detected. The five ways of tampering the issue names are in test_tamper_evidence.py."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.chain import entry_digest
from audit.management.commands.audit_verify import Command as AuditVerifyCommand
from audit.models import AccessLogEntry, SampleReview
from audit.selectors import audit_verify
from audit.services import access_log_record
from tests.audit.conftest import TABLE, as_table_owner, execute_behind_the_triggers_back
from tests.factories import UserFactory

SAMPLE_ENTRIES = connection.ops.quote_name(SampleReview.entries.through._meta.db_table)
VIEW = AccessLogEntry.Action.VIEW


def record_three(staff) -> list[AccessLogEntry]:
    return [
        access_log_record(user=staff.sara, action=VIEW, person=staff.child, purpose=f"visit {n}")
        for n in range(3)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {TABLE} SET purpose = 'changed'",
        f"DELETE FROM {TABLE}",
        f"TRUNCATE {TABLE} CASCADE",
        f"TRUNCATE {SAMPLE_ENTRIES}, {TABLE}",
    ],
)
def test_the_database_refuses_to_change_the_log_even_to_its_owner(staff, sql):
    record_three(staff)
    with (
        pytest.raises(DatabaseError, match="audit log is append-only"),
        as_table_owner() as cursor,
    ):
        cursor.execute(sql)
    assert list(AccessLogEntry.objects.values_list("purpose", flat=True)) == [
        "visit 0",
        "visit 1",
        "visit 2",
    ]
    assert audit_verify().ok


@pytest.mark.django_db
def test_the_orm_cannot_change_the_log_either(staff):
    entry = record_three(staff)[1]
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(purpose="changed")
    entry.purpose = "changed"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).purpose == "visit 1"


@pytest.mark.django_db
def test_a_changed_entry_is_found(staff):
    entries = record_three(staff)
    execute_behind_the_triggers_back(
        f"UPDATE {TABLE} SET purpose = %s WHERE id = %s", ["nothing to see", entries[1].pk]
    )
    result = audit_verify()
    assert (result.checked, result.first_broken_pk) == (1, entries[1].pk)
    assert "entry_hash" in result.reason


@pytest.mark.django_db
def test_a_changed_entry_with_a_recomputed_hash_breaks_the_next_link(staff):
    entries = record_three(staff)
    forged = AccessLogEntry.objects.get(pk=entries[1].pk)
    forged.purpose = "nothing to see"
    execute_behind_the_triggers_back(
        f"UPDATE {TABLE} SET purpose = %s, entry_hash = %s WHERE id = %s",
        [forged.purpose, entry_digest(forged, forged.previous_hash), forged.pk],
    )
    result = audit_verify()
    assert result.first_broken_pk == entries[2].pk
    assert "previous_hash" in result.reason


@pytest.mark.django_db
@pytest.mark.parametrize("removed", [0, 1])
def test_a_removed_entry_is_found(staff, removed):
    entries = record_three(staff)
    execute_behind_the_triggers_back(f"DELETE FROM {TABLE} WHERE id = %s", [entries[removed].pk])
    assert audit_verify().first_broken_pk == entries[removed + 1].pk


@pytest.mark.django_db
def test_the_command_says_ok_and_appends_a_checkpoint(staff, settings):
    record_three(staff)
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().splitlines() == [
        "OK: 3 entries",
        f"Checkpoint appended to {settings.AUDIT_CHECKPOINT_PATH}",
    ]


@pytest.mark.django_db
def test_the_command_names_the_broken_entry_and_fails(staff):
    entries = record_three(staff)
    execute_behind_the_triggers_back(
        f"UPDATE {TABLE} SET at = at + interval '1 second' WHERE id = %s", [entries[2].pk]
    )
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    assert str(failure.value) == (
        f"BROKEN at entry {entries[2].pk}: entry_hash does not match the entry's contents"
    )
    assert failure.value.returncode == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_command_exits_with_1_from_the_command_line(staff, capsys):
    entries = record_three(staff)
    execute_behind_the_triggers_back(
        f"UPDATE {TABLE} SET username = 'carl' WHERE id = %s", [entries[0].pk]
    )
    with pytest.raises(SystemExit) as exit_:
        AuditVerifyCommand().run_from_argv(["manage.py", "audit_verify"])
    assert exit_.value.code == 1
    assert f"BROKEN at entry {entries[0].pk}" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flush_empties_the_log_and_leaves_the_triggers_on(staff):
    record_three(staff)
    call_command("flush", interactive=False, verbosity=0)
    assert not AccessLogEntry.objects.exists()
    access_log_record(user=UserFactory(), action=VIEW)
    for sql in (f"UPDATE {TABLE} SET purpose = ''", f"TRUNCATE {TABLE} CASCADE"):
        with pytest.raises(DatabaseError, match="append-only"), as_table_owner() as cursor:
            cursor.execute(sql)
    assert audit_verify().checked == 1
