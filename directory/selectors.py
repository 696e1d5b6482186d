"""Reads for organisations, people and their relations."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from .models import Membership, Person, User
from .rules import AGE_OF_MAJORITY


def person_guardians(*, person: Person, on: dt.date) -> list[Person]:
    """The person's vårdnadshavare on ``on``: none once the person has turned 18."""
    if person.age_on(on) >= AGE_OF_MAJORITY:
        return []
    return [
        guardianship.guardian
        for guardianship in person.guardianships.select_related("guardian").order_by("slot")
    ]


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("unit__organisation")
