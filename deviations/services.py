"""Writes for avvikelser. Each is atomic, locks the report's row, checks that the user acts
for a party the report concerns (in the role the step needs), writes the log and the events
to the parties in the same transaction, and runs every transition through
cases.history.transit.

Who does what (RULES.md §4; deviations.rules):
- report: staff with a case role in a kommun or region unit, about another organisation;
  the report proposes at once a temporary allocation of responsibility, which the
  reporting organisation thereby approves;
- agree or propose the temporary allocation, write investigation notes, name the
  organisation's handler: staff of the party's unit, or its handler;
- write the measures and sign them off: the parties' handlers; the avvikelse closes when
  every party's handler has signed off the measures as they stand;
- raise a tvist and record its levels: a chef of a party's unit, or a handler.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.errors import Conflict, InvalidState, NotParty
from cases.history import history_write, transit
from cases.registry import reportable_case
from directory.durations import DurationCode
from directory.models import Membership, Unit, User
from directory.selectors import CASE_ROLES, duration_for
from notifications.services import event_emit

from .access import parties_of
from .events import DeviationEvent
from .models import (
    Allocation,
    AllocationApproval,
    Deviation,
    DeviationParty,
    Dispute,
    DisputeLevel,
    InvestigationNote,
)
from .rules import LADDER, PARTY_ORGANISATION_KINDS, AgreementCode, Category, HandlerRole, Harm
from .selectors import deviation_url, notice_check


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _locked(deviation: Deviation) -> Deviation:
    """The report re-read under a row lock, for the step's transaction."""
    return (
        Deviation.objects.select_for_update(of=("self",))
        .select_related("reporting_unit__organisation")
        .get(pk=deviation.pk)
    )


def _log(deviation: Deviation, *, what: str, at: dt.datetime, by: User, unit=None, **params):
    history_write(deviation, what=what, at=at, by=by, unit=unit, **params)


def _acting_party(
    deviation: Deviation, *, by: User, party: DeviationParty | None = None
) -> DeviationParty:
    """The party ``by`` acts for: ``party`` when given (they must act for it), else their
    only one. NotParty for someone the report does not concern."""
    mine = list(parties_of(by).filter(deviation=deviation).select_related("organisation", "unit"))
    if party is not None:
        for candidate in mine:
            if candidate.pk == party.pk:
                return candidate
        mine = []
    if not mine:
        raise NotParty(
            _("Du arbetar inte i den organisation avvikelsen rör, och är inte dess handläggare."),
            reason="not_party",
        )
    if len(mine) > 1:
        raise ValidationError(
            {"party": _("Välj vilken organisation du företräder.")}, code="party_required"
        )
    return mine[0]


def _require_open(deviation: Deviation) -> None:
    if deviation.status == Deviation.Status.CLOSED:
        raise InvalidState(_("Avvikelsen är avslutad."), reason="closed")


def _emit_to_parties(
    deviation: Deviation,
    *,
    kind: str,
    parties: Iterable[DeviationParty],
    data: dict | None = None,
) -> None:
    for party in parties:
        event_emit(
            kind=kind, recipient_unit=party.unit, url=deviation_url(deviation), data=data or {}
        )


# --- Reporting --------------------------------------------------------------------------------


@transaction.atomic
def deviation_report(
    *,
    by: User,
    unit: Unit,
    occurred_on: dt.date,
    description: str,
    category: str,
    harm: str,
    agreement: str,
    concerned_units: Iterable[Unit],
    responsibilities: str,
    allocation_until: dt.date,
    case_kind: str = "",
    case_id: int | None = None,
    at: dt.datetime | None = None,
) -> Deviation:
    """Rapportera en avvikelse: from ``unit`` (where ``by`` works with cases), about the
    units of other organisations it concerns, from a case the reporter may see now (its
    person is kept with the report) or about the agreement in general (no person), with the
    temporary allocation of responsibility the reporter proposes at once."""
    at = _now(at)
    today = timezone.localdate(at)
    if not Membership.objects.filter(user=by, unit=unit, role__in=CASE_ROLES).exists():
        raise NotParty(
            _("Du kan bara rapportera från en enhet där du arbetar med ärenden."),
            reason="not_member",
        )
    errors: dict[str, str] = {}
    if unit.organisation.kind not in PARTY_ORGANISATION_KINDS:
        errors["unit"] = _("Avvikelser i samverkan rapporteras från en kommun eller en region.")
    person = None
    if case_kind:
        cases = reportable_case(case_kind)
        reference = (
            cases.reference(user=by, case_id=case_id)
            if cases is not None and case_id is not None
            else None
        )
        if reference is None:
            errors["case"] = _(
                "Ärendet finns inte eller så får du inte se det. En avvikelse kan bara "
                "kopplas till ett ärende du själv får se."
            )
        else:
            person = reference.person
    elif case_id is not None:
        errors["case"] = _("Ange vilken sorts ärende avvikelsen gäller.")
    concerned = list(dict.fromkeys(concerned_units))
    organisations = [unit.organisation_id, *(other.organisation_id for other in concerned)]
    kinds = {unit.organisation.kind, *(other.organisation.kind for other in concerned)}
    if not concerned:
        errors["concerned_units"] = _("Ange den enhet i en annan organisation som avvikelsen rör.")
    elif unit.organisation_id in organisations[1:]:
        errors["concerned_units"] = _(
            "En avvikelse i samverkan rör en annan organisation än din egen; en avvikelse "
            "inom din organisation hanteras i dess eget avvikelsesystem."
        )
    elif len(set(organisations)) != len(organisations):
        errors["concerned_units"] = _("Ange en enhet per organisation.")
    elif not kinds <= set(PARTY_ORGANISATION_KINDS) or len(kinds) < 2:
        errors["concerned_units"] = _(
            "Avvikelsen ska röra både en kommun och en region: överenskommelsen gäller "
            "samverkan mellan dem."
        )
    if occurred_on > today:
        errors["occurred_on"] = _("Datumet kan inte ligga i framtiden.")
    if allocation_until < today:
        errors["allocation_until"] = _(
            "Den tillfälliga ansvarsfördelningen ska gälla till ett datum som inte har passerat."
        )
    if not description.strip():
        errors["description"] = _("Beskriv vad som hände.")
    if not responsibilities.strip():
        errors["responsibilities"] = _("Skriv vem som gör vad tills avvikelsen är utredd.")
    for name, value, choices in (
        ("category", category, Category),
        ("harm", harm, Harm),
        ("agreement", agreement, AgreementCode),
    ):
        if value not in choices.values:
            errors[name] = _("Välj ett av alternativen.")
    if errors:
        raise ValidationError(errors)

    deviation = Deviation.objects.create(
        reported_at=at,
        reported_by=by,
        reporting_unit=unit,
        case_kind=case_kind,
        case_id=case_id if case_kind else None,
        person=person,
        occurred_on=occurred_on,
        description=description.strip(),
        category=category,
        harm=harm,
        agreement=agreement,
    )
    reporting = DeviationParty.objects.create(
        deviation=deviation, organisation=unit.organisation, unit=unit, reporting=True
    )
    others = [
        DeviationParty.objects.create(
            deviation=deviation, organisation=other.organisation, unit=other
        )
        for other in concerned
    ]
    _log(
        deviation,
        what=gettext_noop("Avvikelsen rapporterades av %(reporting_unit)s (%(organisation)s)."),
        at=at,
        by=by,
        unit=unit,
        reporting_unit=unit.name,
        organisation=unit.organisation.name,
    )
    _allocation_create(
        deviation,
        party=reporting,
        by=by,
        at=at,
        responsibilities=responsibilities,
        until=allocation_until,
    )
    _emit_to_parties(
        deviation,
        kind=DeviationEvent.REPORTED,
        parties=others,
        data={"occurred_on": occurred_on.isoformat()},
    )
    return deviation


# --- The temporary allocation of responsibility ------------------------------------------------


def _allocation_create(
    deviation: Deviation,
    *,
    party: DeviationParty,
    by: User,
    at: dt.datetime,
    responsibilities: str,
    until: dt.date,
) -> Allocation:
    """A new proposal, approved by the proposing party."""
    latest = deviation.allocations.aggregate(number=Max("number"))["number"] or 0
    allocation = Allocation.objects.create(
        deviation=deviation,
        number=latest + 1,
        responsibilities=responsibilities.strip(),
        until=until,
        proposed_at=at,
        proposed_by=by,
        proposed_party=party,
    )
    AllocationApproval.objects.create(allocation=allocation, party=party, at=at, by=by)
    _log(
        deviation,
        what=gettext_noop(
            "%(organisation)s föreslog en tillfällig ansvarsfördelning som gäller till och "
            "med %(until)s."
        ),
        at=at,
        by=by,
        unit=party.unit,
        organisation=party.organisation.name,
        until=until.isoformat(),
    )
    return allocation


@transaction.atomic
def allocation_propose(
    *,
    deviation: Deviation,
    by: User,
    responsibilities: str,
    until: dt.date,
    party: DeviationParty | None = None,
    at: dt.datetime | None = None,
) -> Allocation:
    """A new temporary allocation replaces the one before; until every party has approved
    it the report is not agreed (red on the chefs' overviews, reminded daily)."""
    at = _now(at)
    deviation = _locked(deviation)
    _require_open(deviation)
    acting = _acting_party(deviation, by=by, party=party)
    errors = {}
    if not responsibilities.strip():
        errors["responsibilities"] = _("Skriv vem som gör vad tills avvikelsen är utredd.")
    if until < timezone.localdate(at):
        errors["until"] = _(
            "Den tillfälliga ansvarsfördelningen ska gälla till ett datum som inte har passerat."
        )
    if errors:
        raise ValidationError(errors)
    allocation = _allocation_create(
        deviation, party=acting, by=by, at=at, responsibilities=responsibilities, until=until
    )
    if deviation.status == Deviation.Status.INVESTIGATING:
        transit(deviation, "reopen_allocation", at=at, by=by, unit=acting.unit)
        deviation.save()
    _emit_to_parties(
        deviation,
        kind=DeviationEvent.ALLOCATION_PROPOSED,
        parties=deviation.parties.exclude(pk=acting.pk).select_related("unit"),
        data={"until": until.isoformat()},
    )
    return allocation


@transaction.atomic
def allocation_agree(
    *,
    deviation: Deviation,
    by: User,
    party: DeviationParty | None = None,
    at: dt.datetime | None = None,
) -> Allocation:
    """One party approves the current temporary allocation. When every party has, it is
    agreed: the report is under investigation and leaves the chefs' red lists."""
    at = _now(at)
    deviation = _locked(deviation)
    _require_open(deviation)
    if deviation.status != Deviation.Status.REPORTED:
        raise Conflict(
            _("Den tillfälliga ansvarsfördelningen är redan överenskommen."), reason="done"
        )
    acting = _acting_party(deviation, by=by, party=party)
    allocation = deviation.allocations.order_by("-number").first()
    if allocation.approvals.filter(party=acting).exists():
        raise Conflict(
            _(
                "%(organisation)s har redan godkänt förslaget; de andra parterna behöver "
                "godkänna det."
            )
            % {"organisation": acting.organisation},
            reason="already_approved",
        )
    AllocationApproval.objects.create(allocation=allocation, party=acting, at=at, by=by)
    _log(
        deviation,
        what=gettext_noop("%(organisation)s godkände den tillfälliga ansvarsfördelningen."),
        at=at,
        by=by,
        unit=acting.unit,
        organisation=acting.organisation.name,
    )
    if allocation.approvals.count() == deviation.parties.count():
        allocation.agreed_at = at
        allocation.save(update_fields=["agreed_at"])
        if deviation.allocation_agreed_at is None:
            deviation.allocation_agreed_at = at
        transit(deviation, "agree_allocation", at=at, by=by, unit=acting.unit)
        deviation.save()
    return allocation


# --- Handlers, notes, measures and sign-off ----------------------------------------------------


@transaction.atomic
def handler_name(
    *,
    deviation: Deviation,
    by: User,
    party: DeviationParty,
    handler: User,
    role: str,
    at: dt.datetime | None = None,
) -> DeviationParty:
    """The party names its handler (in a kommun typically the MAS, MAR or SAS), who must
    work with cases in that organisation."""
    at = _now(at)
    deviation = _locked(deviation)
    _require_open(deviation)
    acting = _acting_party(deviation, by=by, party=party)
    errors = {}
    if role not in HandlerRole.values:
        errors["role"] = _("Välj handläggarens roll.")
    works_there = Membership.objects.filter(
        user=handler, unit__organisation=acting.organisation_id, role__in=CASE_ROLES
    ).exists()
    if not handler.is_active or not works_there:
        errors["handler"] = _("Handläggaren ska arbeta med ärenden i %(organisation)s.") % {
            "organisation": acting.organisation
        }
    if errors:
        raise ValidationError(errors)
    acting.handler, acting.handler_role, acting.handler_named_at = handler, role, at
    acting.save(update_fields=["handler", "handler_role", "handler_named_at"])
    _log(
        deviation,
        what=gettext_noop("%(organisation)s utsåg %(handler)s till handläggare (%(role)s)."),
        at=at,
        by=by,
        unit=acting.unit,
        organisation=acting.organisation.name,
        handler=handler,
        role=HandlerRole(role).label,
    )
    if handler.pk != by.pk:
        event_emit(
            kind=DeviationEvent.HANDLER_NAMED,
            recipient_user=handler,
            url=deviation_url(deviation),
        )
    return acting


@transaction.atomic
def note_add(
    *,
    deviation: Deviation,
    by: User,
    text: str,
    party: DeviationParty | None = None,
    at: dt.datetime | None = None,
) -> InvestigationNote:
    """An investigation note in the shared log, in the name of the party ``by`` acts for."""
    at = _now(at)
    deviation = _locked(deviation)
    _require_open(deviation)
    acting = _acting_party(deviation, by=by, party=party)
    if not text.strip():
        raise ValidationError({"text": _("Skriv anteckningen.")})
    return InvestigationNote.objects.create(
        deviation=deviation, party=acting, at=at, by=by, text=text.strip()
    )


def _handled_party(
    deviation: Deviation, *, by: User, party: DeviationParty | None
) -> DeviationParty:
    """The party ``by`` is the named handler of."""
    handled = [
        candidate
        for candidate in parties_of(by)
        .filter(deviation=deviation)
        .select_related("organisation", "unit")
        if candidate.handler_id == by.pk and (party is None or candidate.pk == party.pk)
    ]
    if not handled:
        raise NotParty(
            _("Bara en parts utsedda handläggare kan skriva och godkänna åtgärderna."),
            reason="not_handler",
        )
    if len(handled) > 1:
        raise ValidationError({"party": _("Välj vilken organisation du företräder.")})
    return handled[0]


@transaction.atomic
def measures_record(
    *,
    deviation: Deviation,
    by: User,
    measures: str,
    at: dt.datetime | None = None,
) -> Deviation:
    """A handler writes the measures taken. Every party signs them off anew: a sign-off is
    of the measures as they stand."""
    at = _now(at)
    deviation = _locked(deviation)
    _require_open(deviation)
    if deviation.status != Deviation.Status.INVESTIGATING:
        raise InvalidState(
            _(
                "Åtgärderna skrivs när parterna har kommit överens om den tillfälliga "
                "ansvarsfördelningen."
            ),
            reason="allocation_not_agreed",
        )
    acting = _handled_party(deviation, by=by, party=None)
    if not measures.strip():
        raise ValidationError({"measures": _("Skriv vilka åtgärder som har vidtagits.")})
    deviation.measures, deviation.measures_at, deviation.measures_by = measures.strip(), at, by
    deviation.save(update_fields=["measures", "measures_at", "measures_by"])
    deviation.parties.update(signed_off_at=None, signed_off_by=None)
    _log(
        deviation,
        what=gettext_noop(
            "%(organisation)s skrev åtgärderna; varje parts handläggare behöver godkänna dem."
        ),
        at=at,
        by=by,
        unit=acting.unit,
        organisation=acting.organisation.name,
    )
    for other in deviation.parties.exclude(handler=None).exclude(handler=by):
        event_emit(
            kind=DeviationEvent.SIGN_OFF_ASKED,
            recipient_user=other.handler,
            url=deviation_url(deviation),
        )
    return deviation


@transaction.atomic
def measures_sign_off(
    *,
    deviation: Deviation,
    by: User,
    party: DeviationParty | None = None,
    at: dt.datetime | None = None,
) -> Deviation:
    """A party's handler signs off the measures. When every party has, the avvikelse
    closes. Not while a tvist about it is open."""
    at = _now(at)
    deviation = _locked(deviation)
    _require_open(deviation)
    acting = _handled_party(deviation, by=by, party=party)
    if deviation.status != Deviation.Status.INVESTIGATING:
        raise InvalidState(
            _(
                "Åtgärderna godkänns när parterna har kommit överens om den tillfälliga "
                "ansvarsfördelningen."
            ),
            reason="allocation_not_agreed",
        )
    if not deviation.measures:
        raise InvalidState(_("Inga åtgärder är skrivna ännu."), reason="no_measures")
    dispute = Dispute.objects.filter(deviation=deviation).first()
    if dispute is not None and dispute.is_open:
        raise InvalidState(
            _("Tvisten om avvikelsen är inte avgjord; avvikelsen kan inte avslutas än."),
            reason="dispute_open",
        )
    if acting.signed_off_at is not None:
        raise Conflict(
            _("%(organisation)s har redan godkänt åtgärderna.")
            % {"organisation": acting.organisation},
            reason="already_signed",
        )
    acting.signed_off_at, acting.signed_off_by = at, by
    acting.save(update_fields=["signed_off_at", "signed_off_by"])
    _log(
        deviation,
        what=gettext_noop("%(organisation)s godkände åtgärderna."),
        at=at,
        by=by,
        unit=acting.unit,
        organisation=acting.organisation.name,
    )
    parties = list(deviation.parties.select_related("unit"))
    if all(other.signed_off_at is not None for other in parties):
        deviation.closed_at = at
        transit(deviation, "close", at=at, by=by, unit=acting.unit)
        deviation.save()
        _emit_to_parties(
            deviation,
            kind=DeviationEvent.CLOSED,
            parties=parties,
            data={"closed_on": timezone.localdate(at).isoformat()},
        )
    return deviation


# --- The tvist ladder ---------------------------------------------------------------------------


def _ladder_party(
    deviation: Deviation, *, by: User, party: DeviationParty | None
) -> DeviationParty:
    """A chef of a party's unit, or a party's handler, acts in a tvist."""
    acting = _acting_party(deviation, by=by, party=party)
    chef = Membership.objects.filter(
        user=by, unit=acting.unit, role=Membership.Role.MANAGER
    ).exists()
    if not chef and acting.handler_id != by.pk:
        raise NotParty(
            _("En tvist drivs av en chef för en berörd enhet eller av en parts handläggare."),
            reason="not_management",
        )
    return acting


def _locked_dispute(dispute: Dispute) -> Dispute:
    dispute = Dispute.objects.select_for_update(of=("self",)).get(pk=dispute.pk)
    if not dispute.is_open:
        raise InvalidState(_("Tvisten är redan avgjord."), reason="dispute_decided")
    return dispute


@transaction.atomic
def dispute_raise(
    *,
    deviation: Deviation,
    by: User,
    matter: str,
    party: DeviationParty | None = None,
    at: dt.datetime | None = None,
) -> Dispute:
    """The avvikelse becomes a tvist, first for the local management of both parties."""
    at = _now(at)
    deviation = _locked(deviation)
    _require_open(deviation)
    acting = _ladder_party(deviation, by=by, party=party)
    if Dispute.objects.filter(deviation=deviation).exists():
        raise Conflict(_("Avvikelsen är redan en tvist."), reason="dispute_exists")
    if not matter.strip():
        raise ValidationError({"matter": _("Skriv vad parterna inte är överens om.")})
    dispute = Dispute.objects.create(
        deviation=deviation, matter=matter.strip(), raised_at=at, raised_by=by
    )
    today = timezone.localdate(at)
    DisputeLevel.objects.create(dispute=dispute, level=Dispute.Stage.LOCAL, opened_on=today)
    _log(
        deviation,
        what=gettext_noop("%(organisation)s tog upp avvikelsen som en tvist på lokal nivå."),
        at=at,
        by=by,
        unit=acting.unit,
        organisation=acting.organisation.name,
    )
    _emit_to_parties(
        deviation,
        kind=DeviationEvent.DISPUTE,
        parties=deviation.parties.select_related("unit"),
        data={"on": today.isoformat()},
    )
    return dispute


def _notice_errors(level: DisputeLevel) -> dict[str, str]:
    """Länschefsnätverket: notice at least a month before the meeting, then in writing."""
    errors = {}
    check = notice_check(notice_on=level.notice_on, meeting_on=level.meeting_on)
    if level.notice_on and level.meeting_on and not check.allows(level.meeting_on):
        errors["meeting_on"] = _(
            "Tvisten ska aviseras till styrgruppen för Länschefsnätverket minst %(months)d "
            "månad före mötet: med avisering %(notice)s kan mötet tidigast vara %(earliest)s "
            "(%(source)s)."
        ) % {
            "months": check.months,
            "notice": level.notice_on.isoformat(),
            "earliest": check.earliest_meeting.isoformat(),
            "source": _notice_source(level.notice_on),
        }
    if level.written_on and level.notice_on and level.written_on < level.notice_on:
        errors["written_on"] = _("Den skriftliga anmälan lämnas efter aviseringen, inte före den.")
    if level.written_on and level.meeting_on and level.written_on > level.meeting_on:
        errors["written_on"] = _("Den skriftliga anmälan ska vara lämnad före mötet.")
    return errors


def _notice_source(on: dt.date) -> str:
    from directory.durations import duration_row

    return str(duration_row(code=DurationCode.DISPUTE_NOTICE_BEFORE_MEETING, on=on).source)


@transaction.atomic
def dispute_level_record(
    *,
    dispute: Dispute,
    by: User,
    proposal: str = "",
    proposal_on: dt.date | None = None,
    notice_on: dt.date | None = None,
    written_on: dt.date | None = None,
    meeting_on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> DisputeLevel:
    """What is known about the tvist at its current level: the proposal the level decides
    on and its date, and at Länschefsnätverket the notice, the written submission and the
    meeting (the notice at least a month before it)."""
    at = _now(at)
    deviation = _locked(dispute.deviation)  # the report first, as every step locks it
    dispute = _locked_dispute(dispute)
    acting = _ladder_party(deviation, by=by, party=None)
    level = dispute.levels.get(level=dispute.stage)
    errors = {}
    if bool(proposal.strip()) != (proposal_on is not None):
        errors["proposal_on" if proposal.strip() else "proposal"] = _(
            "Ange både förslaget och datumet det lämnades."
        )
    if proposal_on and proposal_on < level.opened_on:
        errors["proposal_on"] = _("Förslaget kan inte vara lämnat innan nivån tog upp tvisten.")
    if not LADDER[level.level].notice and (notice_on or written_on):
        errors["notice_on"] = _("Avisering och skriftlig anmälan gäller Länschefsnätverket.")
    level.proposal, level.proposal_on = proposal.strip(), proposal_on
    if LADDER[level.level].notice:
        level.notice_on, level.written_on = notice_on, written_on
    level.meeting_on = meeting_on
    errors.update(_notice_errors(level))
    if errors:
        raise ValidationError(errors)
    level.save()
    _log(
        deviation,
        what=gettext_noop("Uppgifter om tvisten registrerades (%(level)s)."),
        at=at,
        by=by,
        unit=acting.unit,
        level=level.get_level_display(),
    )
    return level


@transaction.atomic
def dispute_decide(
    *,
    dispute: Dispute,
    by: User,
    decision: str,
    decided_on: dt.date,
    resolved: bool,
    at: dt.datetime | None = None,
) -> Dispute:
    """The current level's decision on its proposal: the tvist is settled, or goes to the
    level above; at Välfärdsrådet, the top, it ends unresolved (the agreement is then
    renegotiated, or a local tvist is settled in allmän domstol)."""
    at = _now(at)
    deviation = _locked(dispute.deviation)  # the report first, as every step locks it
    dispute = _locked_dispute(dispute)
    acting = _ladder_party(deviation, by=by, party=None)
    level = dispute.levels.get(level=dispute.stage)
    rule = LADDER[level.level]
    errors = {}
    if not decision.strip():
        errors["decision"] = _("Skriv beslutet.")
    if not level.proposal or level.proposal_on is None:
        errors["decision"] = _(
            "Registrera först förslaget som %(level)s beslutar om, och när det lämnades."
        ) % {"level": level.get_level_display()}
    elif decided_on < level.proposal_on:
        errors["decided_on"] = _("Beslutet kan inte vara fattat innan förslaget lämnades.")
    if decided_on > timezone.localdate(at):
        errors["decided_on"] = _("Datumet kan inte ligga i framtiden.")
    if rule.notice:
        if not (level.notice_on and level.written_on and level.meeting_on):
            errors["decision"] = _(
                "Länschefsnätverket beslutar på ett möte som tvisten aviserats till och "
                "skriftligen anmälts till: registrera datumen först."
            )
        elif decided_on < level.meeting_on:
            errors["decided_on"] = _("Länschefsnätverket beslutar på mötet, inte före det.")
    if errors:
        raise ValidationError(errors)
    level.decision, level.decided_on = decision.strip(), decided_on
    level.save(update_fields=["decision", "decided_on"])
    _log(
        deviation,
        what=gettext_noop("%(level)s beslutade %(on)s."),
        at=at,
        by=by,
        unit=acting.unit,
        level=level.get_level_display(),
        on=decided_on.isoformat(),
    )
    if resolved:
        transit(dispute, "resolve", at=at, by=by, unit=acting.unit)
    elif rule.above is None:
        transit(dispute, "fail", at=at, by=by, unit=acting.unit)
    else:
        name = {"network": "escalate_to_network", "council": "escalate_to_council"}[rule.above]
        transit(dispute, name, at=at, by=by, unit=acting.unit)
        DisputeLevel.objects.create(dispute=dispute, level=rule.above, opened_on=decided_on)
    dispute.save()
    _emit_to_parties(
        deviation,
        kind=DeviationEvent.DISPUTE,
        parties=deviation.parties.select_related("unit"),
        data={"on": decided_on.isoformat()},
    )
    return dispute


# --- The daily reminder ---------------------------------------------------------------------------


def allocation_reminders_send(*, at: dt.datetime | None = None) -> int:
    """Remind both parties, once a day (or every few days, as each organisation chose), of
    each report whose temporary allocation of responsibility is not agreed: its unit, and
    its handler where the handler works elsewhere. From the day after the report, after
    the organisation's reminder hour. Returns how many reminders went out."""
    at = _now(at)
    today, hour = timezone.localdate(at), timezone.localtime(at).hour
    settings: dict[int, tuple[int, int]] = {}
    sent = 0
    parties = (
        DeviationParty.objects.filter(deviation__status=Deviation.Status.REPORTED)
        .select_related("deviation", "unit", "handler")
        .order_by("deviation_id", "pk")
    )
    for party in parties:
        days = (today - timezone.localdate(party.deviation.reported_at)).days
        if days < 1:
            continue
        if party.organisation_id not in settings:
            settings[party.organisation_id] = (
                duration_for(
                    code=DurationCode.REMINDER_HOUR, organisation=party.organisation_id, on=today
                ),
                duration_for(
                    code=DurationCode.DEVIATION_ALLOCATION_REMINDER,
                    organisation=party.organisation_id,
                    on=today,
                ),
            )
        reminder_hour, every = settings[party.organisation_id]
        if hour < reminder_hour or days % every:
            continue
        data = {"reported_on": timezone.localdate(party.deviation.reported_at).isoformat()}
        key = f"deviation-allocation:{party.pk}:{today.isoformat()}"
        with transaction.atomic():
            sent += (
                event_emit(
                    kind=DeviationEvent.ALLOCATION_REMINDER,
                    recipient_unit=party.unit,
                    url=deviation_url(party.deviation_id),
                    data=data,
                    dedupe_key=key,
                )
                is not None
            )
            handler_elsewhere = (
                party.handler is not None
                and not Membership.objects.filter(
                    user=party.handler, unit=party.unit, role__in=CASE_ROLES
                ).exists()
            )
            if handler_elsewhere:
                sent += (
                    event_emit(
                        kind=DeviationEvent.ALLOCATION_REMINDER,
                        recipient_user=party.handler,
                        url=deviation_url(party.deviation_id),
                        data=data,
                        dedupe_key=f"{key}:handler",
                    )
                    is not None
                )
    return sent
