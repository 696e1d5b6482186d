"""SIP's rows of the chef's lists, written as HTML (``cases.registry.OverviewRows.describe``,
``cases.row_html``)."""

from __future__ import annotations

import unicodedata

from django.utils.safestring import SafeString
from django.utils.text import Truncator

from cases.row_html import key_url, link, row_format, ymd
from cases.row_html import phrase as _

from .models import Invitation, SipPlan

_plan_url = key_url("sip:plan")
_invitation_url = key_url("sip:invitation")


def plan_url(plan: SipPlan) -> str:
    return _plan_url(plan.pk)


def invitation_url(invitation: Invitation) -> str:
    return _invitation_url(invitation.pk)


def _plan_link(plan: SipPlan, unit) -> SafeString:
    """The SIP and its unit, linked to the SIP: "SIP för Alva Exempel (BUP Falun)"."""
    return link(plan_url(plan), f"{plan} ({unit})")


def invitation_unanswered_html(invitation: Invitation) -> SafeString:
    # Outside the f-string, where makemessages (xgettext) finds it.
    whole = "" if invitation.unit_id else " ({})".format(_("hela organisationen"))
    return row_format(
        "{} – {} {}",
        link(invitation_url(invitation), f"{invitation.invitee}{whole}: {invitation.meeting}"),
        _("svara senast"),
        ymd(invitation.answer_by),
    )


def follow_up_overdue_html(plan: SipPlan) -> SafeString:
    return row_format(
        "{} – {} {}", _plan_link(plan, plan.lead_unit), _("uppföljning"), ymd(plan.next_follow_up)
    )


def follow_up_unplanned_html(plan: SipPlan) -> SafeString:
    return row_format(
        "{} – {}", _plan_link(plan, plan.lead_unit), _("inget datum för nästa uppföljning")
    )


def _shortened(text: str, most: int) -> str:
    """``Truncator(text).chars(most)``, read without it where the text is normalised and no
    longer than that (it then returns the text as it is)."""
    if len(text) <= most and unicodedata.is_normalized("NFC", text):
        return text
    return Truncator(text).chars(most)


def plan_halted_html(plan: SipPlan) -> SafeString:
    shown = _plan_link(plan, plan.started_unit)
    if not plan.halted_reason:
        return shown
    return row_format("{} – {}", shown, _shortened(plan.halted_reason, 120))


def consent_expiring_html(plan: SipPlan) -> SafeString:
    return row_format(
        "{} – {} {}",
        _plan_link(plan, plan.lead_unit),
        _("samtycket gäller till och med"),
        ymd(plan.overview_due),
    )
