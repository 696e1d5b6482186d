"""Writes to the access log and to its sample reviews."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Membership, Person, Unit, User
from directory.selectors import user_memberships

from .chain import CHAIN_LOCK_KEY, GENESIS_HASH, entry_digest
from .models import AccessLogEntry, SampleReview
from .selectors import outside_accesses

PATH_MAX_LENGTH = AccessLogEntry._meta.get_field("path").max_length
PURPOSE_MAX_LENGTH = AccessLogEntry._meta.get_field("purpose").max_length
CREDENTIAL_MAX_LENGTH = AccessLogEntry._meta.get_field("credential").max_length


def access_log_record(
    *,
    user: User | None,
    action: str,
    obj: models.Model | None = None,
    person: Person | None = None,
    unit: Unit | None = None,
    purpose: str = "",
    path: str = "",
    at: dt.datetime | None = None,
    refused: bool = False,
    credential: str = "",
) -> AccessLogEntry:
    """Append one entry to the access log and link it into the hash chain.

    ``user`` None means the system itself. ``unit`` defaults to the user's first unit (by
    membership); ``person`` to ``obj`` when that is a person. ``refused`` marks an attempt
    the access checks turned away; ``credential`` names the API token the call was made
    with (empty for the pages). Entries are appended one at a time: on PostgreSQL a
    transaction-scoped advisory lock is held from reading the last hash until the caller's
    transaction ends, so called inside a longer transaction it serialises logging until that
    commits.
    """
    (entry,) = access_log_record_persons(
        user=user,
        action=action,
        obj=obj,
        persons=[person],
        unit=unit,
        purpose=purpose,
        path=path,
        at=at,
        refused=refused,
        credential=credential,
    )
    return entry


def access_log_record_persons(
    *,
    user: User | None,
    action: str,
    persons: Iterable[Person | None],
    obj: models.Model | None = None,
    unit: Unit | None = None,
    purpose: str = "",
    path: str = "",
    at: dt.datetime | None = None,
    refused: bool = False,
    credential: str = "",
) -> list[AccessLogEntry]:
    """One entry per person (a page that shows several people), otherwise as
    ``access_log_record``; all appended in one hold of the chain lock, in a constant
    number of statements. A person given twice is logged once."""
    # PostgreSQL text cannot hold NUL, and a request can carry one (?q=a%00b): the access is
    # still logged, with U+FFFD where the NUL was.
    purpose, path = purpose.replace("\x00", "\ufffd"), path.replace("\x00", "\ufffd")
    if action not in AccessLogEntry.Action.values:
        raise ValueError(f"unknown access log action {action!r}")
    if user is not None and user.is_anonymous:
        raise ValueError("an anonymous user cannot be logged; pass None for the system")
    if len(purpose) > PURPOSE_MAX_LENGTH:
        raise ValueError(f"purpose is longer than {PURPOSE_MAX_LENGTH} characters")
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise ValueError("access log times must be timezone-aware")
    if obj is not None and obj.pk is None:
        raise ValueError("log an object once it is saved")
    persons = list({(p.pk if p else None): p for p in persons}.values())
    if persons == [None] and isinstance(obj, Person):
        persons = [obj]
    if not persons:
        raise ValueError("log at least one entry: pass [None] for no person")
    if unit is None and user is not None:
        # The user's memberships as the request read them already (the page's menus).
        memberships = user_memberships(user=user)
        unit = memberships[0].unit if memberships else None
    entries = [
        AccessLogEntry(
            at=at,
            user=user,
            username=user.get_username() if user is not None else "",
            unit=unit,
            organisation_id=unit.organisation_id if unit is not None else None,
            action=action,
            object_type=f"{obj._meta.app_label}.{obj._meta.model_name}" if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            person=person,
            purpose=purpose,
            # The path comes from the request; a very long one is cut rather than refused.
            path=path[:PATH_MAX_LENGTH],
            refused=refused,
            credential=credential[:CREDENTIAL_MAX_LENGTH],
        )
        for person in persons
    ]
    with transaction.atomic():
        if transaction.get_connection().vendor == "postgresql":
            with transaction.get_connection().cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        # Read after taking the lock: under READ COMMITTED this statement sees the entry
        # the previous holder committed.
        last_hash = (
            AccessLogEntry.objects.order_by("-pk").values_list("entry_hash", flat=True).first()
        )
        previous = last_hash or GENESIS_HASH
        for entry in entries:
            entry.previous_hash = previous
            entry.entry_hash = previous = entry_digest(entry, previous)
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            # One INSERT: PostgreSQL numbers the rows in the order given, the chain's order.
            AccessLogEntry.objects.bulk_create(entries)
    return entries


def _require_manager(*, user: User, unit: Unit) -> None:
    if not Membership.objects.filter(user=user, unit=unit, role=Membership.Role.MANAGER).exists():
        raise ValidationError(
            _("Bara en chef för %(unit)s kan hantera enhetens stickprov.") % {"unit": unit},
            code="not_manager",
        )


@transaction.atomic
def sample_draw(
    *,
    by: User,
    unit: Unit,
    persons: Iterable[Person],
    start: dt.date,
    end: dt.date,
    size: int = 20,
    rng: random.Random | None = None,
    at: dt.datetime | None = None,
) -> SampleReview:
    """Draw a stickprov: at most ``size`` accesses, chosen at random, to ``persons`` (the
    unit's cases) made from outside ``unit`` between ``start`` and ``end`` (dates,
    inclusive). Only a manager of the unit draws. An unpredictable generator is used unless
    ``rng`` is given.
    """
    _require_manager(user=by, unit=unit)
    if end < start:
        raise ValidationError(
            {
                "period_end": ValidationError(
                    _("Perioden kan inte sluta före den börjar."), code="order"
                )
            }
        )
    if size < 1:
        raise ValueError("a sample needs a size of at least 1")
    candidates = list(
        outside_accesses(persons=persons, unit=unit, start=start, end=end)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = (rng or random.SystemRandom()).sample(candidates, min(size, len(candidates)))
    sample = SampleReview.objects.create(
        drawn_at=at or timezone.now(),
        drawn_by=by,
        unit=unit,
        period_start=start,
        period_end=end,
    )
    sample.entries.set(sorted(chosen))
    return sample


@transaction.atomic
def sample_sign_off(
    *, sample: SampleReview, by: User, note: str = "", at: dt.datetime | None = None
) -> SampleReview:
    """Sign off a reviewed stickprov, once, as a manager of its unit."""
    sample = SampleReview.objects.select_for_update().select_related("unit").get(pk=sample.pk)
    if sample.signed_off_at is not None:
        raise ValidationError(
            _("Stickprovet är redan signerat av %(user)s den %(date)s.")
            % {
                "user": sample.signed_off_by,
                "date": timezone.localdate(sample.signed_off_at).isoformat(),
            },
            code="already_signed",
        )
    _require_manager(user=by, unit=sample.unit)
    sample.signed_off_at = at or timezone.now()
    sample.signed_off_by = by
    sample.note = note.strip()
    sample.save(update_fields=["signed_off_at", "signed_off_by", "note"])
    return sample
