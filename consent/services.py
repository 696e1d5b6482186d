"""Writes for consents. Each is atomic and authorises itself."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.access import person_fully_visible, persons_visible_to
from directory.durations import DurationCode
from directory.models import Organisation, Person, Unit, User
from directory.rules import AGE_OF_MAJORITY
from directory.selectors import (
    duration_end,
    person_guardians,
    units_reached,
    user_case_organisation,
    user_works_with_cases,
)
from notifications.services import event_emit

from .events import ConsentEvent
from .models import (
    CommitteeDecision,
    Consent,
    GuardiansNotCalled,
    InformationCategory,
    Purpose,
    RecordedView,
)
from .selectors import consent_for_user
from .signals import consent_ended, consent_registered, consent_withdrawing

log = logging.getLogger(__name__)


def one_year_after(day: dt.date) -> dt.date:
    """The last day a consent from ``day`` may hold: the rule table's maximum, a year (the
    same date a year later, 28 February for 29 February). Law, for every organisation."""
    return duration_end(code=DurationCode.CONSENT_VALIDITY_MAX, organisation=None, start=day)


def consent_organisation(*, documented_by: User, subject: Person) -> Organisation | None:
    """Whose settings a consent follows (its default validity): the organisation the
    documenter works with cases in, or, when they work in several, the subject's
    folkbokföringskommun."""
    return user_case_organisation(user=documented_by) or subject.registered_municipality


def consent_default_until(*, valid_from: dt.date, organisation: Organisation | None) -> dt.date:
    """The end date a consent gets when none is given: the organisation's default validity
    (a year unless it chose a shorter one), never beyond the maximum."""
    default = duration_end(
        code=DurationCode.CONSENT_VALIDITY_DEFAULT, organisation=organisation, start=valid_from
    )
    return min(default, one_year_after(valid_from))


def _is_self_or_guardian(person: Person, *, subject: Person, on: dt.date) -> bool:
    """The person the matter is about, or one of their vårdnadshavare on ``on``."""
    return person.pk == subject.pk or person in person_guardians(person=subject, on=on)


def _require_documenter(user: User, *, subject: Person, purpose: str) -> None:
    """Consents, withdrawals, views and decisions are documented by staff with a case role
    (socialsekreterare, vårdpersonal, chef) who may see the person: not HVB staff, not an
    administrator without a case role. Someone who sees the person only through a SIP they
    are called to documents for the SIP, not for a placement they may not see."""
    if not user_works_with_cases(user=user) or not (
        persons_visible_to(user=user).filter(pk=subject.pk).exists()
    ):
        raise PermissionDenied(
            _(
                "Bara socialsekreterare, vårdpersonal och chefer som arbetar med personen kan "
                "dokumentera samtycken, inställningar och beslut."
            )
        )
    if purpose != Purpose.SIP and not person_fully_visible(user=user, person=subject):
        raise PermissionDenied(
            _("Du ser personen bara genom en SIP och kan bara dokumentera för SIP:en.")
        )


def _consent_url(consent: Consent) -> str:
    return reverse("people:consent_detail", kwargs={"pk": consent.pk})


def _url_for_unit(consent: Consent, unit: Unit) -> str:
    """The consent's page for a unit of the person's own kommun, whose staff see everything
    about the person; no link for any other unit. The staff of a region (or another kommun)
    see the person only through a case their unit is part of, and only its SIP consents:
    a consent registered before any SIP, or withdrawn, would open "Sidan finns inte"."""
    if unit.organisation_id == consent.subject.registered_municipality_id:
        return _consent_url(consent)
    return ""


def _url_for_user(consent: Consent, user: User | None) -> str:
    """The consent's page if ``user`` may open it now, else no link."""
    if user is None:
        return ""
    try:
        consent_for_user(user=user, pk=consent.pk)
    except Http404:
        return ""
    return _consent_url(consent)


def _tell_named_units(*, consent: Consent, kind: str) -> None:
    """Tell every unit the consent names, and every unit of an organisation it names as a
    whole, except the units it excludes, each with a link only where its staff may open
    the consent. No personal data in ``data``."""
    data = {"purpose": consent.get_purpose_display()}
    for unit in units_reached(
        units=consent.units.all(),
        organisations=consent.organisations.all(),
        excluded=consent.excluded_units.all(),
    ):
        event_emit(kind=kind, recipient_unit=unit, url=_url_for_unit(consent, unit), data=data)


@transaction.atomic
def consent_register(
    *,
    subject: Person,
    given_by: Person,
    purpose: str,
    form: str,
    documented_by: User,
    categories: Iterable[InformationCategory],
    units: Iterable[Unit] = (),
    organisations: Iterable[Organisation] = (),
    excluded_units: Iterable[Unit] = (),
    excluded_categories: Iterable[InformationCategory] = (),
    excluded_persons: str = "",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    document=None,
    at: dt.datetime | None = None,
) -> Consent:
    """Register one person's consent. At most a year; a year by default.

    The units and organisations it names are told at once, in the same transaction, so that
    they can communicate before the first meeting (004 ≈L676-678)."""
    _require_documenter(documented_by, subject=subject, purpose=purpose)
    at = at or timezone.now()
    valid_from = valid_from or timezone.localdate(at)
    valid_until = valid_until or consent_default_until(
        valid_from=valid_from,
        organisation=consent_organisation(documented_by=documented_by, subject=subject),
    )
    if valid_until < valid_from:
        raise ValidationError(
            {
                "valid_until": ValidationError(
                    _("Slutdatumet kan inte ligga före startdatumet."), code="order"
                )
            }
        )
    if valid_until > one_year_after(valid_from):
        raise ValidationError(
            {
                "valid_until": ValidationError(
                    _("Ett samtycke gäller högst ett år, till och med %(last)s.")
                    % {"last": one_year_after(valid_from).isoformat()},
                    code="too_long",
                )
            }
        )
    if not _is_self_or_guardian(given_by, subject=subject, on=valid_from):
        raise ValidationError(
            _("%(giver)s är varken personen själv eller vårdnadshavare för %(subject)s.")
            % {"giver": given_by, "subject": subject},
            code="not_entitled",
        )
    categories = list(categories)
    units, organisations = list(units), list(organisations)
    if not categories:
        raise ValidationError(
            {
                "categories": ValidationError(
                    _("Ange vilken information samtycket omfattar."), code="no_scope"
                )
            }
        )
    if not units and not organisations:
        raise ValidationError(
            {
                "units": ValidationError(
                    _("Ange vilka enheter eller organisationer samtycket omfattar."),
                    code="no_scope",
                )
            }
        )
    consent = Consent(
        subject=subject,
        given_by=given_by,
        purpose=purpose,
        form=form,
        documented_by=documented_by,
        documented_at=at,
        valid_from=valid_from,
        valid_until=valid_until,
        excluded_persons=excluded_persons,
    )
    if document:
        consent.document = document
    consent.full_clean(exclude=["status"])
    consent.save()
    consent.categories.set(categories)
    consent.units.set(units)
    consent.organisations.set(organisations)
    consent.excluded_units.set(excluded_units)
    consent.excluded_categories.set(excluded_categories)
    _tell_named_units(consent=consent, kind=ConsentEvent.CONSENT_REGISTERED)
    consent_registered.send(sender=Consent, subject=subject, purpose=purpose, at=at)
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    consent: Consent,
    withdrawn_by: Person,
    form: str,
    documented_by: User,
    at: dt.datetime | None = None,
) -> Consent:
    """Återkallelse: takes effect at once. Only the one who gave the consent withdraws it;
    staff with a case role document it."""
    _require_documenter(documented_by, subject=consent.subject, purpose=consent.purpose)
    if form not in Consent.Form.values:
        raise ValidationError(
            {"form": ValidationError(_("Ange hur återkallelsen lämnades."), code="invalid")}
        )
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if withdrawn_by.pk != consent.given_by_id:
        raise ValidationError(
            _("Bara %(giver)s, som lämnade samtycket, kan återkalla det.")
            % {"giver": consent.given_by},
            code="not_giver",
        )
    if consent.status != Consent.Status.ACTIVE:
        raise ValidationError(
            _("Samtycket är redan %(status)s.") % {"status": consent.get_status_display().lower()},
            code="not_active",
        )
    at = at or timezone.now()
    consent.withdraw()
    consent.withdrawn_at = at
    consent.withdrawal_form = form
    consent.withdrawal_documented_by = documented_by
    consent.save()
    consent_withdrawing.send(sender=Consent, consent=consent, at=at)
    _tell_consent_ended(consent=consent, kind=ConsentEvent.CONSENT_WITHDRAWN)
    transaction.on_commit(partial(_announce_ended, consent=consent, reason="withdrawn", at=at))
    return consent


def _announce_ended(*, consent: Consent, reason: str, at: dt.datetime) -> None:
    """After the change has committed, the processes resting on the consent reconsider
    themselves. The withdrawal or expiry stands whatever they do: the law makes it take
    effect at once, and the access checks already refuse what it no longer covers. A
    receiver that cannot finish keeps its own record of what is left (see signals.py)."""
    for receiver, outcome in consent_ended.send_robust(
        sender=Consent, consent=consent, reason=reason, at=at
    ):
        if isinstance(outcome, Exception):
            log.error(
                "consent %s %s: %r failed, left for its retry",
                consent.pk,
                reason,
                receiver,
                exc_info=outcome,
            )


def _tell_consent_ended(*, consent: Consent, kind: str) -> None:
    """Tell the case worker and every unit the consent named. No personal data in ``data``."""
    data = {"purpose": consent.get_purpose_display()}
    event_emit(
        kind=kind,
        recipient_user=consent.documented_by,
        url=_url_for_user(consent, consent.documented_by),
        data=data,
    )
    _tell_named_units(consent=consent, kind=kind)


@dataclass(frozen=True)
class SweepResult:
    expired: int
    reminded: int


def consent_sweep(*, at: dt.datetime | None = None) -> SweepResult:
    """The periodic pass: mark consents past their end date as expired, and remind the case
    worker 30 days before a consent ends (once per consent).

    The policy already treats a consent past its end date as expired; this pass makes the
    status visible and, once it has committed, lets the processes that rest on the consent
    reconsider themselves. Each consent is handled in its own transaction, with rows locked
    by another transaction skipped until next time; a case being changed does not hold the
    expiry back.
    """
    at = at or timezone.now()
    today = timezone.localdate(at)
    expired = reminded = 0
    due = Consent.objects.filter(status=Consent.Status.ACTIVE, valid_until__lt=today)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            consent = (
                Consent.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Consent.Status.ACTIVE)
                .first()
            )
            if consent is None:
                continue
            consent.expire()
            consent.save()
            _tell_consent_ended(consent=consent, kind=ConsentEvent.CONSENT_EXPIRED)
            transaction.on_commit(
                partial(_announce_ended, consent=consent, reason="expired", at=at)
            )
            expired += 1
    soon = Consent.objects.filter(
        status=Consent.Status.ACTIVE,
        valid_until__gte=today,
        valid_until__lte=duration_end(
            code=DurationCode.CONSENT_EXPIRY_REMINDER, organisation=None, start=today
        ),
    ).select_related("documented_by")
    for consent in soon:
        with transaction.atomic():
            event = event_emit(
                kind=ConsentEvent.CONSENT_EXPIRING,
                recipient_user=consent.documented_by,
                url=_url_for_user(consent, consent.documented_by),
                data={
                    "purpose": consent.get_purpose_display(),
                    "valid_until": consent.valid_until.isoformat(),
                },
                dedupe_key=f"consent-expiring:{consent.pk}:{consent.valid_until.isoformat()}",
            )
            reminded += event is not None
    return SweepResult(expired=expired, reminded=reminded)


@transaction.atomic
def recorded_view_create(
    *,
    subject: Person,
    holder: Person,
    purpose: str,
    view: str,
    recorded_by: User,
    at: dt.datetime | None = None,
) -> RecordedView:
    """Dokumentera inställning: the child's, a guardian's or the person's own view."""
    _require_documenter(recorded_by, subject=subject, purpose=purpose)
    at = at or timezone.now()
    if not _is_self_or_guardian(holder, subject=subject, on=timezone.localdate(at)):
        raise ValidationError(
            {
                "holder": ValidationError(
                    _("%(holder)s är varken personen själv eller vårdnadshavare.")
                    % {"holder": holder},
                    code="not_entitled",
                )
            }
        )
    if not view.strip():
        raise ValidationError(
            {"view": ValidationError(_("Skriv vad personen har sagt."), code="required")}
        )
    recorded = RecordedView(
        subject=subject,
        holder=holder,
        purpose=purpose,
        view=view.strip(),
        recorded_at=at,
        recorded_by=recorded_by,
    )
    recorded.full_clean()
    recorded.save()
    return recorded


def _require_voluntary(purpose: str) -> None:
    """A nämnd decision without one guardian, or not calling the guardians, is for SIP and
    öppna insatser only (004 ≈L705-715), never for a placement."""
    if purpose != Purpose.SIP:
        raise ValidationError(
            {
                "purpose": ValidationError(
                    _("Gäller bara SIP och öppna insatser, inte placering."), code="voluntary_only"
                )
            }
        )


def _require_one_of_two_guardians(*, subject: Person, guardian: Person, on: dt.date) -> None:
    guardians = person_guardians(person=subject, on=on)
    if guardian not in guardians:
        raise ValidationError(
            {
                "guardian": ValidationError(
                    _("%(guardian)s är inte vårdnadshavare för %(child)s.")
                    % {"guardian": guardian, "child": subject},
                    code="not_guardian",
                )
            }
        )
    if len(guardians) != 2:
        raise ValidationError(
            _(
                "Ett nämndbeslut kan bara ersätta den ena vårdnadshavarens samtycke när barnet "
                "har två vårdnadshavare."
            ),
            code="not_two_guardians",
        )


def _require_guardians_not_called(*, subject: Person, purpose: str, on: dt.date) -> None:
    if subject.age_on(on) >= AGE_OF_MAJORITY:
        raise ValidationError(
            _("%(person)s är vuxen; vårdnadshavare kallas inte.") % {"person": subject},
            code="adult",
        )
    if not GuardiansNotCalled.objects.filter(subject=subject, purpose=purpose).exists():
        raise ValidationError(
            {
                "guardian": ValidationError(
                    _(
                        "Välj vårdnadshavaren vars samtycke saknas, eller registrera först att "
                        "vårdnadshavarna inte kallas."
                    ),
                    code="guardians_called",
                )
            }
        )


@transaction.atomic
def committee_decision_create(
    *,
    subject: Person,
    guardian: Person | None,
    purpose: str,
    legal_ground: str,
    decided_on: dt.date,
    recorded_by: User,
) -> CommitteeDecision:
    """Socialnämndens beslut to go ahead without one vårdnadshavare's consent, or, with no
    ``guardian``, for a child whose vårdnadshavare are not called (a child who cannot
    consent alone: the rule table says from which age one can)."""
    _require_documenter(recorded_by, subject=subject, purpose=purpose)
    _require_voluntary(purpose)
    if guardian is None:
        _require_guardians_not_called(subject=subject, purpose=purpose, on=decided_on)
    else:
        _require_one_of_two_guardians(subject=subject, guardian=guardian, on=decided_on)
    if not legal_ground.strip():
        raise ValidationError(
            {"legal_ground": ValidationError(_("Ange lagrummet."), code="required")}
        )
    decision = CommitteeDecision(
        subject=subject,
        guardian=guardian,
        purpose=purpose,
        legal_ground=legal_ground.strip(),
        decided_on=decided_on,
        recorded_by=recorded_by,
    )
    decision.full_clean()
    decision.save()
    consent_registered.send(
        sender=CommitteeDecision, subject=subject, purpose=purpose, at=timezone.now()
    )
    return decision


@transaction.atomic
def guardians_not_called_create(
    *,
    subject: Person,
    purpose: str,
    reason: str,
    maturity_assessment: str,
    recorded_by: User,
    at: dt.datetime | None = None,
) -> GuardiansNotCalled:
    """Record that the guardians are not called, for safety or by the child's own will.
    Their consent then drops out; the child's own, or a nämnd decision, must carry the SIP."""
    _require_documenter(recorded_by, subject=subject, purpose=purpose)
    _require_voluntary(purpose)
    at = at or timezone.now()
    if subject.age_on(timezone.localdate(at)) >= AGE_OF_MAJORITY:
        raise ValidationError(
            _("%(person)s är vuxen; vårdnadshavare kallas inte.") % {"person": subject},
            code="adult",
        )
    record = GuardiansNotCalled(
        subject=subject,
        purpose=purpose,
        reason=reason,
        maturity_assessment=maturity_assessment.strip(),
        recorded_at=at,
        recorded_by=recorded_by,
    )
    record.full_clean()
    record.save()
    consent_registered.send(sender=GuardiansNotCalled, subject=subject, purpose=purpose, at=at)
    return record
