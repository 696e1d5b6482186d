"""Tamper evidence that holds against the table's owner (HSLF-FS 2016:40): the five ways of
tampering the issue names are each detected by ``manage.py audit_verify``.

The attacker is whoever can write the table behind its triggers (its owner, a superuser),
without the access log's key, which the database does not hold; the application's own role
cannot even do that. ``audit_verify`` has run before each attack and left a checkpoint
outside the database, as it does every night.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from audit.chain import GENESIS_HASH, entry_digest, legacy_entry_digest
from audit.checkpoint import checkpoint_last
from audit.database_roles import access_log_role_problems
from audit.models import AccessLogEntry
from audit.selectors import audit_verify
from audit.services import access_log_record
from tests.audit.conftest import TABLE, as_table_owner, execute_behind_the_triggers_back

pytestmark = pytest.mark.django_db
VIEW = AccessLogEntry.Action.VIEW


@pytest.fixture
def log(staff) -> list[AccessLogEntry]:
    """Five entries, verified, with a checkpoint of them outside the database."""
    entries = [
        access_log_record(user=staff.sara, action=VIEW, person=staff.child, purpose=f"visit {n}")
        for n in range(5)
    ]
    call_command("audit_verify", stdout=io.StringIO())
    return entries


def verify() -> str:
    """Run the command; its output if the log is intact, else its failure."""
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=io.StringIO())
    except CommandError as failure:
        assert failure.returncode == 1
        return str(failure)
    return out.getvalue()


def relink(first: AccessLogEntry, digest: Callable[[AccessLogEntry, str], str]) -> None:
    """Recompute the chain from ``first`` on, as one who can write the table would."""
    previous = (
        AccessLogEntry.objects.filter(pk__lt=first.pk)
        .order_by("-pk")
        .values_list("entry_hash", flat=True)
        .first()
    ) or GENESIS_HASH
    for entry in AccessLogEntry.objects.filter(pk__gte=first.pk).order_by("pk"):
        forged = digest(entry, previous)
        execute_behind_the_triggers_back(
            f"UPDATE {TABLE} SET previous_hash = %s, entry_hash = %s WHERE id = %s",
            [previous, forged, entry.pk],
        )
        previous = forged


def checkpoint_time() -> str:
    return str(checkpoint_last(path=settings.AUDIT_CHECKPOINT_PATH))


def guessed_key_digest(entry: AccessLogEntry, previous_hash: str) -> str:
    with override_settings(AUDIT_HMAC_KEY="a guess at the key"):
        return entry_digest(entry, previous_hash)


def test_the_untouched_log_verifies_against_its_checkpoint(log):
    assert verify().startswith("OK: 5 entries")
    assert verify().startswith("OK: 5 entries")


# (a)
def test_removing_the_newest_entries_is_detected(log):
    execute_behind_the_triggers_back(f"DELETE FROM {TABLE} WHERE id >= %s", [log[3].pk])
    assert audit_verify().ok  # the chain alone cannot tell: it is still whole
    assert verify() == (
        f"BROKEN: entry {log[4].pk}, the last of 5 at the checkpoint of "
        f"{checkpoint_time()}, is missing: the log now has 3 entries up to entry "
        f"{log[2].pk}, so entries were removed"
    )


# (b)
def test_emptying_the_log_is_detected(log):
    execute_behind_the_triggers_back(f"TRUNCATE {TABLE} CASCADE")
    assert audit_verify().ok
    failure = verify()
    assert failure.startswith(f"BROKEN: entry {log[4].pk}, the last of 5 at the checkpoint")
    assert "the log now has 0 entries, so entries were removed" in failure


# (c)
@pytest.mark.parametrize("digest", [legacy_entry_digest, guessed_key_digest])
def test_a_rewritten_entry_with_the_chain_recomputed_without_the_key_is_detected(log, digest):
    execute_behind_the_triggers_back(
        f"UPDATE {TABLE} SET purpose = 'nothing to see' WHERE id = %s", [log[2].pk]
    )
    relink(log[2], digest)
    result = audit_verify()
    assert (result.checked, result.first_broken_pk) == (2, log[2].pk)
    assert verify().startswith(f"BROKEN at entry {log[2].pk}: entry_hash")


def test_a_whole_log_rewritten_in_the_old_unsealed_form_is_detected(log):
    """The plain SHA-256 of the entries written before sealing began is accepted only at the
    start of the chain; the checkpoint records that there was none."""
    execute_behind_the_triggers_back(
        f"UPDATE {TABLE} SET purpose = 'nothing to see' WHERE id = %s", [log[2].pk]
    )
    relink(log[0], legacy_entry_digest)
    assert verify() == (
        f"BROKEN at entry {log[0].pk}: entry_hash is a plain SHA-256, not sealed with the "
        "access log's key, where only sealed entries may follow"
    )


def test_a_rewritten_entry_with_the_chain_resealed_with_the_key_is_detected(log):
    """Even one who holds both the table and the key cannot rewrite what a checkpoint
    recorded."""
    execute_behind_the_triggers_back(
        f"UPDATE {TABLE} SET purpose = 'nothing to see' WHERE id = %s", [log[2].pk]
    )
    relink(log[2], entry_digest)
    assert audit_verify().ok
    assert verify().startswith(
        f"BROKEN at entry {log[4].pk}: the log differs from the checkpoint of "
        f"{checkpoint_time()}, which recorded 5 entries up to this one"
    )


# (d)
@pytest.mark.parametrize("digest", [legacy_entry_digest, guessed_key_digest])
def test_a_middle_entry_deleted_by_the_owner_behind_the_trigger_is_detected(log, digest):
    execute_behind_the_triggers_back(f"DELETE FROM {TABLE} WHERE id = %s", [log[2].pk])
    assert verify().startswith(
        f"BROKEN at entry {log[3].pk}: previous_hash does not match the hash of the entry before it"
    )
    relink(log[3], digest)
    assert verify().startswith(f"BROKEN at entry {log[3].pk}: entry_hash")


# (e)
@pytest.mark.parametrize(
    "sql",
    [
        f"ALTER TABLE {TABLE} DISABLE TRIGGER USER",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_accesslogentry_no_update_delete",
        f"DROP TRIGGER audit_accesslogentry_no_update_delete ON {TABLE}",
        f"UPDATE {TABLE} SET purpose = 'changed'",
        f"DELETE FROM {TABLE}",
        f"TRUNCATE {TABLE} CASCADE",
        f"DROP TABLE {TABLE} CASCADE",
    ],
)
def test_the_applications_own_role_cannot_change_the_log_at_all(log, sql):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (settings.DATABASE_RUNTIME_ROLE,)
    with (
        pytest.raises(DatabaseError, match=r"permission denied|must be owner"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # As the owner would (tests/audit/conftest.py): no foreign-key checks left pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql)
    assert list(AccessLogEntry.objects.order_by("pk")) == log
    assert verify().startswith("OK: 5 entries")


def test_the_verifier_warns_when_it_runs_as_a_role_that_could_change_the_log(log):
    assert access_log_role_problems() == []
    with as_table_owner():
        assert access_log_role_problems() == [
            f"the database role {connection.settings_dict['USER']} is a superuser"
        ]
        errors = io.StringIO()
        call_command("audit_verify", stdout=io.StringIO(), stderr=errors)
    assert "can change the access log behind its triggers" in errors.getvalue()
