"""Recording: what goes into an entry, and the hash chain it builds."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.chain import GENESIS_HASH, entry_digest, legacy_entry_digest
from audit.models import AccessLogEntry
from audit.selectors import VerifyResult, audit_verify, person_access_log
from audit.services import access_log_record, access_log_record_persons
from tests.audit.conftest import AT
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
VIEW = AccessLogEntry.Action.VIEW


def test_an_entry_says_what_where_when_by_whom_and_about_whom(staff):
    entry = access_log_record(
        user=staff.vera,
        action=VIEW,
        obj=staff.child,
        purpose="SIP-möte",
        path="/personer/1/",
        at=AT,
    )
    entry.refresh_from_db()
    assert entry.at == AT
    assert (entry.user, entry.username) == (staff.vera, "vera")
    assert (entry.unit, entry.organisation) == (staff.bup, staff.region)
    assert entry.action == "view"
    assert (entry.object_type, entry.object_id) == ("directory.person", str(staff.child.pk))
    assert entry.person == staff.child
    assert (entry.purpose, entry.path) == ("SIP-möte", "/personer/1/")


def test_the_unit_defaults_to_the_users_first_and_can_be_given(staff):
    second = UnitFactory(organisation=staff.kommun)
    staff.sara.memberships.create(unit=second, role="manager")
    assert access_log_record(user=staff.sara, action=VIEW).unit == staff.social
    chosen = access_log_record(user=staff.sara, action=VIEW, unit=second)
    assert (chosen.unit, chosen.organisation) == (second, staff.kommun)
    loner = access_log_record(user=UserFactory(), action=VIEW)
    assert (loner.unit, loner.organisation) == (None, None)


def test_the_object_and_the_person_are_recorded_separately(staff):
    entry = access_log_record(
        user=staff.sara, action="update", obj=staff.social, person=staff.adult
    )
    assert (entry.object_type, entry.object_id) == ("directory.unit", str(staff.social.pk))
    assert entry.person == staff.adult


def test_the_system_itself_is_logged_without_a_user(staff):
    entry = access_log_record(user=None, action="export", person=staff.adult)
    assert (entry.user, entry.username, entry.unit) == (None, "", None)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"action": "delete"},
        {"action": VIEW, "user": AnonymousUser()},
        {"action": VIEW, "purpose": "x" * 301},
        {"action": VIEW, "at": dt.datetime(2026, 11, 23, 10, 0)},
    ],
)
def test_bad_input_is_refused(staff, kwargs):
    with pytest.raises(ValueError):
        access_log_record(**{"user": staff.sara, **kwargs})
    assert not AccessLogEntry.objects.exists()


def test_a_long_path_is_cut(staff):
    entry = access_log_record(user=staff.sara, action=VIEW, path="/" + "a" * 600)
    entry.refresh_from_db()
    assert len(entry.path) == 500
    assert audit_verify().ok


def test_a_nul_in_the_path_or_purpose_is_logged_as_a_replacement_character(staff):
    entry = access_log_record(
        user=staff.sara, action=VIEW, purpose="Sökning (a\x00b)", path="/people/\x00/"
    )
    entry.refresh_from_db()
    assert (entry.purpose, entry.path) == ("Sökning (a\ufffdb)", "/people/\ufffd/")
    assert audit_verify().ok


def test_recording_builds_a_valid_chain(staff):
    entries = [
        access_log_record(
            user=user, action=VIEW, person=staff.child, at=AT + dt.timedelta(seconds=n)
        )
        for n, user in enumerate([staff.sara, staff.vera, staff.carl, staff.sara])
    ]
    assert entries[0].previous_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.previous_hash == before.entry_hash
    for entry in AccessLogEntry.objects.all():
        assert entry.entry_hash == entry_digest(entry, entry.previous_hash)
    assert audit_verify() == VerifyResult(checked=4, first_broken_pk=None, reason="")


def test_the_digest_covers_every_field(staff):
    entry = access_log_record(user=staff.sara, action=VIEW, obj=staff.child, purpose="p", at=AT)
    original = entry_digest(entry, entry.previous_hash)
    for field, value in [
        ("at", AT + dt.timedelta(microseconds=1)),
        ("user_id", staff.vera.pk),
        ("username", "vera"),
        ("unit_id", staff.bup.pk),
        ("organisation_id", staff.region.pk),
        ("action", "print"),
        ("object_type", "directory.unit"),
        ("object_id", "0"),
        ("person_id", staff.adult.pk),
        ("purpose", "q"),
        ("path", "/x/"),
        ("refused", True),
    ]:
        changed = AccessLogEntry.objects.get(pk=entry.pk)
        setattr(changed, field, value)
        assert entry_digest(changed, entry.previous_hash) != original, field
    assert entry_digest(entry, "1" * 64) != original


def test_the_digest_does_not_depend_on_the_time_zone_of_at(staff):
    entry = access_log_record(user=staff.sara, action=VIEW, at=AT)
    entry.at = AT.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    assert entry_digest(entry, entry.previous_hash) == entry.entry_hash


def test_an_empty_log_verifies():
    result = audit_verify()
    assert (result.checked, result.first_broken_pk, result.ok) == (0, None, True)


def test_entries_are_sealed_with_a_key_the_database_does_not_hold(staff, settings):
    entry = access_log_record(user=staff.sara, action=VIEW, person=staff.child, at=AT)
    assert entry.entry_hash == entry_digest(entry, GENESIS_HASH)
    assert entry.entry_hash != legacy_entry_digest(entry, GENESIS_HASH)
    settings.AUDIT_HMAC_KEY = "another key"
    assert entry_digest(entry, GENESIS_HASH) != entry.entry_hash
    assert audit_verify().first_broken_pk == entry.pk


def record_unsealed(staff, n: int) -> AccessLogEntry:
    """An entry as written before sealing began: chained with a plain SHA-256."""
    entry = AccessLogEntry(
        at=AT + dt.timedelta(seconds=n),
        user=staff.sara,
        username="sara",
        unit=staff.social,
        organisation=staff.kommun,
        action=VIEW,
        purpose=f"before sealing {n}",
    )
    last = AccessLogEntry.objects.order_by("-pk").first()
    entry.previous_hash = last.entry_hash if last else GENESIS_HASH
    entry.entry_hash = legacy_entry_digest(entry, entry.previous_hash)
    entry.save(force_insert=True)
    return entry


def test_a_log_begun_before_sealing_verifies_and_goes_on_sealed(staff):
    unsealed = [record_unsealed(staff, n) for n in range(2)]
    sealed = access_log_record(user=staff.vera, action=VIEW, person=staff.child)
    assert sealed.previous_hash == unsealed[1].entry_hash
    result = audit_verify()
    assert (result.ok, result.checked) == (True, 3)
    assert (result.legacy_until, result.last_pk, result.head) == (
        unsealed[1].pk,
        sealed.pk,
        sealed.entry_hash,
    )


def test_an_unsealed_entry_after_a_sealed_one_is_refused(staff):
    record_unsealed(staff, 0)
    access_log_record(user=staff.vera, action=VIEW)
    forged = record_unsealed(staff, 2)
    result = audit_verify()
    assert (result.checked, result.first_broken_pk) == (2, forged.pk)
    assert "plain SHA-256" in result.reason


def test_no_unsealed_entry_is_accepted_beyond_those_the_checkpoint_found(staff):
    """The checkpoint records where the unsealed start of the log ends: an unsealed entry
    appended after it is refused even before any sealed entry follows."""
    record_unsealed(staff, 0)
    call_command("audit_verify", stdout=io.StringIO())
    forged = record_unsealed(staff, 1)
    assert audit_verify().ok  # without the checkpoint it would pass
    with pytest.raises(CommandError, match=f"BROKEN at entry {forged.pk}: .*plain SHA-256"):
        call_command("audit_verify", stdout=io.StringIO())


def test_the_seal_covers_the_refused_mark(staff):
    """Turning a refused attempt into a granted one (or back) breaks the chain."""
    entry = access_log_record(user=staff.vera, action=VIEW, person=staff.child, refused=True)
    sealed = entry.entry_hash
    entry.refused = False
    assert entry_digest(entry, entry.previous_hash) != sealed


def test_a_refused_attempt_is_marked_and_chained(staff):
    granted = access_log_record(user=staff.sara, action=VIEW, person=staff.child, at=AT)
    refused = access_log_record(
        user=staff.vera, action=VIEW, person=staff.child, at=AT, refused=True
    )
    refused.refresh_from_db()
    assert (granted.refused, refused.refused) == (False, True)
    assert refused.previous_hash == granted.entry_hash
    assert audit_verify().ok
    assert list(person_access_log(person=staff.child, refused_only=True)) == [refused]
    assert set(person_access_log(person=staff.child)) == {granted, refused}


def test_several_persons_are_logged_one_entry_each_in_one_chain(staff):
    before = access_log_record(user=staff.sara, action=VIEW, at=AT)
    entries = access_log_record_persons(
        user=staff.sara,
        action=VIEW,
        persons=[staff.child, staff.adult, staff.child],
        purpose="Lista",
        path="/sip/",
        at=AT,
    )
    assert [entry.person for entry in entries] == [staff.child, staff.adult]
    assert entries[0].previous_hash == before.entry_hash
    assert entries[1].previous_hash == entries[0].entry_hash
    stored = list(AccessLogEntry.objects.order_by("pk"))
    assert stored == [before, *entries]
    assert {(e.purpose, e.path, e.unit_id) for e in stored[1:]} == {
        ("Lista", "/sip/", staff.social.pk)
    }
    assert audit_verify().ok
    access_log_record(user=staff.sara, action=VIEW, at=AT)
    assert audit_verify().ok
