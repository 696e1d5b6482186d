"""Reads for consents."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from directory.access import person_fully_visible, persons_visible_to
from directory.models import Person, User
from directory.selectors import user_works_with_cases

from .models import CommitteeDecision, Consent, GuardiansNotCalled, Purpose, RecordedView


def _purposes(queryset, purposes):
    return queryset if purposes is None else queryset.filter(purpose__in=purposes)


def consent_list(*, person: Person, purposes: list[str] | None = None) -> QuerySet[Consent]:
    """Every consent about the person (for ``purposes``, or all), in force or not, newest
    first: its history."""
    return (
        _purposes(Consent.objects.filter(subject=person), purposes)
        .select_related("given_by", "documented_by", "withdrawal_documented_by")
        .prefetch_related(
            "units", "organisations", "categories", "excluded_units", "excluded_categories"
        )
        .order_by("-documented_at", "-pk")
    )


def consent_in_force(consent: Consent, *, on: dt.date) -> bool:
    """Active and within its dates: a consent past its end date is expired at once."""
    return (
        consent.status == Consent.Status.ACTIVE and consent.valid_from <= on <= consent.valid_until
    )


def consent_for_user(*, user: User, pk: int) -> Consent:
    """A consent about a person the user may see (directory.access); Http404 otherwise.
    Someone who sees the person only through an invited SIP sees only SIP consents."""
    if not user_works_with_cases(user=user) and not user.is_superuser:
        raise Http404
    consent = get_object_or_404(
        Consent.objects.select_related(
            "subject", "given_by", "documented_by", "withdrawal_documented_by"
        ).prefetch_related(
            "units", "organisations", "categories", "excluded_units", "excluded_categories"
        ),
        pk=pk,
        subject__in=persons_visible_to(user=user),
    )
    if consent.purpose != Purpose.SIP and not person_fully_visible(
        user=user, person=consent.subject
    ):
        raise Http404
    return consent


def recorded_view_list(*, person: Person, purposes=None) -> QuerySet[RecordedView]:
    return _purposes(RecordedView.objects.filter(subject=person), purposes).select_related(
        "holder", "recorded_by"
    )


def committee_decision_list(*, person: Person, purposes=None) -> QuerySet[CommitteeDecision]:
    return _purposes(CommitteeDecision.objects.filter(subject=person), purposes).select_related(
        "guardian"
    )


def guardians_not_called_list(*, person: Person, purposes=None) -> QuerySet[GuardiansNotCalled]:
    return _purposes(GuardiansNotCalled.objects.filter(subject=person), purposes).select_related(
        "recorded_by"
    )
