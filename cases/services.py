"""Writes for access grants (cases.models.AccessGrant). Each runs inside the caller's
transaction: the change that affects access and its grants commit together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from directory.models import Person

from .models import AccessGrant


def _key(grant: AccessGrant) -> tuple:
    return (
        grant.person_id,
        grant.unit_id,
        grant.user_id,
        grant.kind,
        grant.full,
        grant.purpose,
        grant.valid_until,
        grant.source,
    )


@transaction.atomic
def grants_replace(*, case_kind: str, case_id: int, rows: Iterable[AccessGrant]) -> None:
    """Make ``rows`` (unsaved) the case's grants. A row that is already there stays as it
    is (with its ``valid_from``); the others are removed or added."""
    wanted = {}
    for row in rows:
        row.case_kind, row.case_id = case_kind, case_id
        wanted.setdefault(_key(row), row)
    stale = []
    for grant in AccessGrant.objects.filter(case_kind=case_kind, case_id=case_id):
        if wanted.pop(_key(grant), None) is None:
            stale.append(grant.pk)
    if stale:
        AccessGrant.objects.filter(pk__in=stale).delete()
    if wanted:
        AccessGrant.objects.bulk_create(wanted.values())


def grants_end_for_person(*, person: Person, purpose: str, on: dt.date) -> int:
    """End at once (the day before ``on``) every grant about the person that rests on their
    consent for ``purpose``: a withdrawal takes effect before any process has re-derived its
    grants. Returns how many grants ended."""
    return (
        AccessGrant.objects.filter(person=person, purpose=purpose)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .update(valid_until=on - dt.timedelta(days=1))
    )
