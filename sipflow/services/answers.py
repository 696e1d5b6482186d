"""Svar på kallelse: a kallad unit accepts (naming who attends), declines with a reason, or
forwards the kallelse to the right unit of its organisation."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.backends import unit_permission
from cases.errors import Conflict, ConsentMissing, NotParty
from cases.history import transit
from cases.tasks import task_activate, task_requeue, task_take_over
from directory.models import Membership, Unit, User

from ..coverage import plan_consent_check
from ..events import SipEvent
from ..grants import grants_sync_sip
from ..models import DeclineReason, Invitation, Meeting
from .base import now, require_consent, require_open, sip_flow
from .notices import tell_invitee, tell_lead


def invitee_of(by: User) -> Exists:
    """Whether ``by`` works in the invited unit, or in a unit of the invited huvudman: an
    annotation of the kallelse, read with it."""
    return Exists(
        Membership.objects.filter(user=by).filter(
            Q(unit=OuterRef("unit")) | Q(unit__organisation=OuterRef("organisation"))
        )
    )


def require_invitee(invitation: Invitation) -> None:
    """The kallelse is to the user's unit (or organisation): it was read with
    ``invitee_of(by)`` as ``by_invitee``."""
    if not invitation.by_invitee:
        raise NotParty(_("Kallelsen gäller inte din enhet."), reason="not_invitee")


def require_pending(invitation: Invitation) -> None:
    if invitation.status != Invitation.Status.PENDING:
        who = invitation.answered_by or _("någon annan")
        raise Conflict(
            _("Kallelsen är redan besvarad (%(status)s av %(who)s). Ladda om sidan.")
            % {"status": invitation.get_status_display().lower(), "who": who},
            reason="already_answered",
        )


#: What an answer reads with the locked kallelse. Who answered it before is read only for
#: the refusal that names them.
ANSWERING = ("meeting__plan__coordinator", "meeting__plan__person", "unit", "organisation")


def answer_process_id(invitation: Invitation) -> int:
    """The viewflow process of the kallelse's SIP. A kallelse keeps its meeting and a SIP
    its process, so the kallelse as the caller holds it answers when it carries its
    meeting and SIP (as a page reads it); otherwise it is read."""
    if Invitation.meeting.is_cached(invitation) and Meeting.plan.is_cached(invitation.meeting):
        process_id = invitation.meeting.plan.process_id
        if process_id is not None:
            return process_id
    return (
        Invitation.objects.filter(pk=invitation.pk)
        .values_list("meeting__plan__process_id", flat=True)
        .get()
    )


@contextmanager
def answering(invitation: Invitation, *, by: User):
    """Take the flow lock of the kallelse's SIP (once; the answer task's activation runs
    under it), read the kallelse under it and check that it is still open, the user's to
    answer and its SIP open: someone may have answered or forwarded it, or the SIP may
    have ended, meanwhile. Yields the activation and the locked kallelse."""
    flow = sip_flow()
    process_id = answer_process_id(invitation)
    with flow.lock(process_id):
        locked = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related(*ANSWERING)
            .annotate(by_invitee=invitee_of(by))
            .get(pk=invitation.pk)
        )
        require_pending(locked)
        require_invitee(locked)
        require_open(locked.meeting.plan)
        # Found after the checks, which say why it is gone when it is.
        act = task_activate(process=process_id, node=flow.answer, invitation=invitation.pk)
        yield act, locked


def require_answering_unit_covered(invitation: Invitation, *, by: User, at: dt.datetime):
    """The invited unit, or for a huvudman one of the answering user's units in it, must be
    covered (and not excluded) by the consent. The whole policy runs, as for every write:
    the SIP's grants could answer in one query, but a grant is written when the consent
    changes, and the check must hold against the consent as it is now."""
    plan = invitation.meeting.plan
    units = (
        [invitation.unit]
        if invitation.unit_id
        else list(
            Unit.objects.filter(memberships__user=by, organisation=invitation.organisation_id)
        )
    )
    decisions = [
        plan_consent_check(plan=plan, at=at, units=[unit], organisations=[]) for unit in units
    ]
    if not any(decision.consent_satisfied for decision in decisions):
        if decisions:
            raise ConsentMissing(decisions[0])
        raise NotParty(_("Kallelsen gäller inte din enhet."), reason="not_invitee")


def invitation_accept(
    *, invitation: Invitation, by: User, attendees: str, at: dt.datetime | None = None
) -> Invitation:
    """Accept, naming who attends."""
    at = now(at)
    if not attendees.strip():
        raise ValidationError({"attendees": _("Ange vem eller vilka som kommer.")})
    with answering(invitation, by=by) as (act, invitation):
        require_answering_unit_covered(invitation, by=by, at=at)
        invitation.attendees, invitation.answered_by, invitation.answered_at = (
            attendees.strip(),
            by,
            at,
        )
        transit(
            invitation,
            "accept",
            what=gettext_noop("%(invitee)s accepterade kallelsen: %(attendees)s."),
            at=at,
            by=by,
            unit=invitation.unit,
            attendees=invitation.attendees,
        )
        invitation.save()
        tell_lead(invitation)
        task_take_over(act, by=by)
    return invitation


def invitation_decline(
    *, invitation: Invitation, by: User, reason: str, note: str = "", at: dt.datetime | None = None
) -> Invitation:
    """Decline with a required reason. A huvudman cannot decline because the person is
    unknown to it: it decides who attends, or forwards the kallelse to the right unit."""
    at = now(at)
    if reason not in DeclineReason.values:
        raise ValidationError(
            {"reason": ValidationError(_("Ange varför ni avböjer."), code="no_reason")}
        )
    with answering(invitation, by=by) as (act, invitation):
        if reason == DeclineReason.UNKNOWN and invitation.organisation_id:
            raise ValidationError(
                {
                    "reason": _(
                        "En huvudman kan inte avböja för att personen är okänd. Vidarebefordra "
                        "kallelsen till den enhet som ska delta."
                    )
                },
                code="unknown_to_principal",
            )
        text = note.strip()
        if reason == DeclineReason.UNKNOWN:
            text = " ".join([_("Personen är inte känd hos oss."), text]).strip()
        if not text:
            raise ValidationError({"note": _("Skriv varför kallelsen avböjs.")})
        invitation.decline_code, invitation.decline_reason = reason, text
        invitation.answered_by, invitation.answered_at = by, at
        transit(
            invitation,
            "decline",
            what=gettext_noop("%(invitee)s avböjde kallelsen: %(reason)s"),
            at=at,
            by=by,
            unit=invitation.unit,
            reason=text,
        )
        invitation.save()
        tell_lead(invitation)
        task_take_over(act, by=by)
    return invitation


def invitation_forward(
    *, invitation: Invitation, by: User, to_unit: Unit, at: dt.datetime | None = None
) -> Invitation:
    """Vidarebefordra to another unit of the same organisation, which then gets the task."""
    at = now(at)
    with answering(invitation, by=by) as (act, invitation):
        organisation = invitation.invitee_organisation
        if to_unit.organisation_id != organisation.pk:
            raise ValidationError(
                {
                    "to_unit": _("Välj en enhet inom %(organisation)s.")
                    % {"organisation": organisation}
                }
            )
        if to_unit == invitation.unit:
            raise ValidationError({"to_unit": _("Kallelsen finns redan hos den enheten.")})
        plan = invitation.meeting.plan
        require_consent(plan, at=at, units=[to_unit], organisations=[])
        previous = invitation.invitee
        transit(
            invitation,
            "forward",
            what=gettext_noop("%(previous)s vidarebefordrade kallelsen till %(unit_name)s."),
            at=at,
            by=by,
            unit=to_unit,
            previous=previous,
            unit_name=to_unit,
        )
        invitation.forwarded_from = invitation.unit
        invitation.unit, invitation.organisation = to_unit, None
        invitation.save()
        task_requeue(act, permission=unit_permission(to_unit.pk))
        tell_invitee(invitation, kind=SipEvent.INVITATION_SENT)
        grants_sync_sip(plan=plan, at=at)
    return invitation
