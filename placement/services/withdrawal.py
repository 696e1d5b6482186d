"""Samtycket upphör i en placering enligt SoL: the youth still lives at the HVB, so the
placement is neither ended nor halted. The date is recorded, the handläggare and the placing
unit's chef are told at once (end the placement or apply for care under LVU), and the chef's
list shows it until the placement ends or its basis changes to LVU by a decision.

The reaction is durable. It runs after the withdrawal or expiry has committed (the consent
signal ``consent_ended``), and the consent's own ended status is its record: until every
running SoL placement of the person has been checked, the consent has no
``ConsentEndHandled`` row, and the periodic tick (``placement_consent_ends_pending``) tries
again. A placement someone is changing at that moment (its flow lock stays taken), or a
reaction that fails, is thus retried, never lost."""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import nullcontext

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from viewflow.workflow import lock
from viewflow.workflow.exceptions import FlowLockFailed

from consent.models import Consent, Purpose
from consent.policy import consent_evaluate
from notifications.services import event_emit

from ..events import PlacementEvent
from ..models import ConsentEndHandled, Placement
from ..rules import BASES, LegalBasis
from ..selectors import RUNNING, placing_chefs
from .base import history, locked, now, page_url, placement_flow

log = logging.getLogger(__name__)

#: A placement someone is changing is tried this many times (about two seconds in all,
#: viewflow's back-off) before its reaction is left to the tick.
CONSENT_END_LOCK_ATTEMPTS = 3
CONSENT_END_LOCK = lock.SelectForUpdateLock(attempts=CONSENT_END_LOCK_ATTEMPTS)


def consent_ended_on(consent: Consent) -> dt.date:
    """The day the consent stopped being in force: the day it was withdrawn, or the day
    after its last valid day."""
    if consent.withdrawn_at is not None:
        return timezone.localdate(consent.withdrawn_at)
    return consent.valid_until + dt.timedelta(days=1)


def placement_consent_ended(*, consent: Consent, at: dt.datetime | None = None) -> bool:
    """After a placement consent about its subject was withdrawn or ran out: each running
    SoL placement that the consents in force at ``at`` no longer carry gets the date the
    consent ended and its urgent events (``placement_consent_flag``). Once every such
    placement has been checked, the consent is recorded as handled; a placement whose flow
    lock stays taken is left for the tick. Returns whether every placement was checked."""
    if consent.purpose != Purpose.PLACEMENT:
        return True
    at = now(at)
    done = True
    for placement in Placement.objects.filter(
        person_id=consent.subject_id, legal_basis=LegalBasis.SOL, phase__in=RUNNING
    ).order_by("pk"):
        try:
            placement_consent_flag(placement=placement, on=consent_ended_on(consent), at=at)
        except FlowLockFailed:
            log.warning(
                "placement %s: the reaction to consent %s ending postponed, the case is locked",
                placement.pk,
                consent.pk,
            )
            done = False
    if done:
        ConsentEndHandled.objects.get_or_create(consent=consent, defaults={"at": timezone.now()})
    return done


def placement_consent_ends_pending(*, at: dt.datetime | None = None) -> int:
    """For the tick: react to every ended placement consent not yet recorded as handled
    (its placement was locked, or the reaction failed). One that fails again is logged and
    tried next time; the others go on. Returns how many consents are now handled."""
    owed = (
        Consent.objects.filter(
            purpose=Purpose.PLACEMENT,
            status__in=[Consent.Status.WITHDRAWN, Consent.Status.EXPIRED],
        )
        .exclude(pk__in=ConsentEndHandled.objects.values("consent_id"))
        .order_by("pk")
    )
    handled = 0
    for consent in owed:
        try:
            handled += placement_consent_ended(consent=consent, at=at)
        except Exception:
            log.exception("consent %s: the reaction of its SoL placements failed", consent.pk)
    return handled


def placement_consent_flag(*, placement: Placement, on: dt.date, at: dt.datetime) -> bool:
    """One running SoL placement whose consent may have ended on ``on``: under its flow lock
    (FlowLockFailed while someone is changing it), if the consents in force at ``at`` no
    longer carry it and it is not flagged yet, record the date, write the history and tell
    the handläggare and the placing unit's chefs. Returns whether it was flagged now."""
    scope = (
        lock.lock_scope(CONSENT_END_LOCK, placement_flow(), placement.process_id)
        if placement.process_id is not None
        else nullcontext()
    )
    with scope, transaction.atomic():
        placement = locked(placement)
        if (
            placement.legal_basis != LegalBasis.SOL
            or placement.phase not in RUNNING
            or placement.consent_ended_on is not None
        ):
            return False
        decision = consent_evaluate(
            action=BASES[placement.legal_basis].action,
            person=placement.person,
            at=at,
            units=[placement.placing_unit, placement.hvb_unit],
            categories=list(placement.categories.values_list("code", flat=True)),
        )
        if decision.consent_satisfied:
            return False
        placement.consent_ended_on = on
        placement.save(update_fields=["consent_ended_on"])
        history(
            placement,
            what=gettext_noop(
                "Samtycket till placeringen upphörde %(on)s. Placeringen fortsätter tills "
                "den avslutas eller vård enligt LVU beslutas."
            ),
            at=at,
            on=on.isoformat(),
        )
        recipients = {placement.caseworker, *placing_chefs(placement=placement)}
        for user in sorted(recipients, key=lambda user: user.pk):
            event_emit(
                kind=PlacementEvent.CONSENT_ENDED,
                recipient_user=user,
                url=page_url(placement),
                data={"on": on.isoformat()},
                dedupe_key=f"placement-consent-ended:{placement.pk}:{on.isoformat()}:{user.pk}",
            )
        return True
