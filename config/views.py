"""The start page."""

from __future__ import annotations

from django.utils import timezone
from django.views.generic import TemplateView

from directory.selectors import user_managed_units, user_memberships
from sipflow import selectors as sip_selectors


class OverviewView(TemplateView):
    """The start page: who you are, kallelser waiting for your units, and for a chef the
    unanswered kallelser and overdue follow-ups of the units they lead."""

    template_name = "directory/overview.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        managed = list(user_managed_units(user=user))
        overdue = (
            list(sip_selectors.follow_ups_overdue(user=user, units=managed, today=today))
            if managed
            else []
        )
        # The overdue follow-ups name their people: the access log records each one.
        self.request.case_persons = [plan.person for plan in overdue]
        return super().get_context_data(
            memberships=user_memberships(user=user),
            waiting=sip_selectors.invitations_for_units(user=user),
            managed_units=managed,
            unanswered=sip_selectors.invitations_unanswered(user=user, units=managed, today=today)
            if managed
            else [],
            overdue=overdue,
            **kwargs,
        )
