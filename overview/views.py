"""Översikt: the start page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.views.generic import TemplateView

from cases.registry import OverviewRows, WaitingRows, overview_rows, waiting_rows
from directory.selectors import user_managed_units, user_memberships


@dataclass(frozen=True)
class Section:
    """One list of the page: what the process registered, and its rows for this user."""

    spec: WaitingRows | OverviewRows
    rows: list[Any]


class OverviewView(TemplateView):
    """The start page: who you are, the work waiting for your units (each process's
    waiting lists), and for a chef what is late in the units they lead (the overview's
    lists), of the cases the user may see now."""

    template_name = "overview/index.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        managed = list(user_managed_units(user=user))
        waiting = [Section(spec, list(spec.rows(user=user))) for spec in waiting_rows()]
        late = (
            [
                Section(spec, list(spec.rows(user=user, units=managed, today=today)))
                for spec in overview_rows()
            ]
            if managed
            else []
        )
        # The lists name their people: the access log records each one.
        self.request.case_persons = [
            person for section in waiting + late for person in section.spec.persons(section.rows)
        ]
        return super().get_context_data(
            memberships=user_memberships(user=user),
            managed_units=managed,
            waiting=waiting,
            late=late,
            rows={section.spec.code: section.rows for section in waiting + late},
            **kwargs,
        )
