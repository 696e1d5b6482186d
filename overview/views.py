"""Översikt: the start page, and for a chef each overview list on its own page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from cases.registry import WaitingRows, overview_list, waiting_rows
from cases.selectors import case_units_read_once
from directory.selectors import user_memberships

from .forms import ListFilterForm
from .selectors import OverviewReader, overview_units
from .workload import workload_read


@dataclass(frozen=True)
class Section:
    """One waiting list of the page: what the process registered, and its rows."""

    spec: WaitingRows
    rows: list[Any]


class OverviewView(TemplateView):
    """The start page: who you are, the work waiting for your units (each process's
    waiting lists), and for a chef what is late in the units they lead and the units under
    them: every list's count on top and its most overdue rows below, of the cases the user
    may see now. The workload per handläggare is a page of its own (``WorkloadView``), linked
    from here: it counts every open case of the units, which at national scale cost the start
    page more than all its lists together."""

    template_name = "overview/index.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        managed = overview_units(user=user)
        with case_units_read_once():  # the user's case units, read once for every list
            waiting = [Section(spec, list(spec.rows(user=user))) for spec in waiting_rows()]
        late = []
        if managed:
            late = OverviewReader(user=user, units=managed, today=today).summary()
        # The lists name their people: the access log records each one.
        self.request.case_persons = [
            person for section in waiting for person in section.spec.persons(section.rows)
        ] + [person for page in late for person in page.persons]
        return super().get_context_data(
            memberships=sorted(
                user_memberships(user=user),
                key=lambda membership: (membership.unit.name, membership.role),
            ),
            managed_units=managed,
            waiting=waiting,
            late=late,
            late_total=sum(page.count for page in late),
            rows={
                **{section.spec.code: section.rows for section in waiting},
                **{page.spec.code: [row.row for row in page.rows] for page in late},
            },
            today=today,
            **kwargs,
        )


class OverviewListView(TemplateView):
    """One of the chef's lists on its own page: filters (unit, handläggare, age group,
    legal basis where the list has one), the most days overdue first, 50 rows a page by
    keyset (the next page starts after the last row shown)."""

    template_name = "overview/list.html"

    def dispatch(self, request, *args, **kwargs):
        self.spec = overview_list(kwargs["code"])
        if self.spec is None:
            raise Http404
        self.units = overview_units(user=request.user)
        if not self.units:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        reader = OverviewReader(user=self.request.user, units=self.units, today=today)
        form = ListFilterForm.for_list(self.request.GET or None, reader=reader, spec=self.spec)
        filters, after = form.chosen()
        page = reader.page(self.spec, filters=filters, after=after)
        self.request.case_persons = list(page.persons)
        return super().get_context_data(
            spec=self.spec,
            form=form,
            page=page,
            filtered=filters.any,
            next_query=form.query(after=page.next_cursor) if page.next_cursor else "",
            first_query=form.query(after=None) if after else "",
            today=today,
            **kwargs,
        )


class WorkloadView(TemplateView):
    """Arbetsbelastning: per handläggare in the chef's units, the open cases and the overdue
    items, the most overdue first; where counting them is slow, as the tick last counted
    them (overview.workload), and the page says when."""

    template_name = "overview/workload.html"

    def get_context_data(self, **kwargs):
        units = overview_units(user=self.request.user)
        if not units:
            raise PermissionDenied
        workload = workload_read(user=self.request.user, units=units, today=timezone.localdate())
        return super().get_context_data(
            workload=workload.rows, counted_at=workload.counted_at, units=units, **kwargs
        )
