"""The start page's lists and the chef's overview, through the registries every process fills
(cases.registry ``waiting_rows`` and ``overview_rows``: a list a process adds appears here
with no change to the API), and the chef's statistics (ISU), suppressed exactly as on the
page. A row is given as the page shows it: its text, the page it links to, the case object
and the person it names; the access log records each person shown."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from html import unescape

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.response import Response

from cases.registry import overview_list, waiting_rows
from directory.selectors import user_managed_units
from overview.forms import ListFilterForm
from overview.selectors import COUNT_CAP, PAGE_SIZE, ListPage, OverviewReader, overview_units
from overview.statistics.periods import default_period, period_parse
from overview.statistics.selectors import statistics_report, statistics_units

from ..access_log import logged_persons
from ..serializers.persons import PersonRefSerializer
from .base import ApiView

TAG = "Översikt"
HREF = re.compile(r'href="([^"]+)"')


class OverviewRowSerializer(serializers.Serializer):
    text = serializers.CharField(help_text=_("Raden som sidan visar den."))
    url = serializers.CharField(allow_blank=True, help_text=_("Sidan raden länkar till."))
    object_type = serializers.CharField(allow_blank=True, help_text="app.model")
    object_id = serializers.IntegerField(allow_null=True)
    person = PersonRefSerializer(allow_null=True)


class OverviewListSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Stabil kod för listan."))
    title = serializers.CharField()
    empty = serializers.CharField(allow_blank=True)
    rows = OverviewRowSerializer(many=True)


class OverviewLateListSerializer(OverviewListSerializer):
    count = serializers.IntegerField(
        help_text=_("Antal rader, räknade upp till %(cap)d + 1: fler än %(cap)d ger %(more)d.")
        % {"cap": COUNT_CAP, "more": COUNT_CAP + 1}
    )
    more = serializers.BooleanField(help_text=_("Fler rader än %(cap)d.") % {"cap": COUNT_CAP})
    next = serializers.CharField(
        allow_null=True,
        help_text=_("Nästa sida börjar efter den här markören (after); null på sista sidan."),
    )
    url = serializers.CharField(help_text=_("Listans egen adress, med filter och sidor."))


class OverviewSerializer(serializers.Serializer):
    managed_units = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Enheterna du är chef för.")
    )
    waiting = OverviewListSerializer(many=True, help_text=_("Det som väntar på dina enheter."))
    late = OverviewLateListSerializer(
        many=True,
        help_text=_(
            "För chefer: det som är sent i enheterna du leder, varje lista med sitt antal och "
            "sina första rader (flest dagar försenat först), som på startsidan."
        ),
    )


def _case_object(row):
    """The case object a row is about: the row itself, or the first model it carries."""
    if hasattr(row, "_meta"):
        return row
    if is_dataclass(row):
        for field in fields(row):
            value = getattr(row, field.name)
            if hasattr(value, "_meta"):
                return value
    return None


def _row(spec, row, html: str | None = None) -> dict:
    """One row as the API gives it: its text and link as the page shows them (``html``, a
    chef's list row as ``OverviewRows.describe`` wrote it; else a start page row's
    template), and the case object and person it is about."""
    if html is None:
        html = render_to_string(spec.template, {"row": row})
    link = HREF.search(html)
    obj = _case_object(row)
    persons = list(spec.persons([row]))
    return {
        "text": " ".join(unescape(strip_tags(html)).split()),
        "url": unescape(link.group(1)) if link else "",
        "object_type": f"{obj._meta.app_label}.{obj._meta.model_name}" if obj else "",
        "object_id": obj.pk if obj else None,
        "person": persons[0] if persons else None,
    }


def _section(spec, rows, htmls: list[str] | None = None) -> dict:
    return {
        "code": spec.code,
        "title": str(spec.title),
        "empty": str(spec.empty),
        "rows": [
            _row(spec, row, html)
            for row, html in zip(rows, htmls or [None] * len(rows), strict=True)
        ],
    }


def _late_section(page: ListPage) -> dict:
    """A chef's list as one page of it: its count (capped), its rows and the next page's
    cursor."""
    return {
        **_section(
            page.spec, [row.row for row in page.rows], htmls=[row.html for row in page.rows]
        ),
        "count": page.count,
        "more": page.more,
        "next": str(page.next_cursor) if page.next_cursor else None,
        "url": reverse("api:v1:overview-list", kwargs={"code": page.spec.code}),
    }


class OverviewView(ApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="overview_retrieve",
        responses={200: OverviewSerializer},
        description=_(
            "Startsidans listor: det som väntar på dina enheter (kallelser att svara på, "
            "placeringar att ta emot, hälsoundersökningar och överlämningar), och för en chef "
            "det som är sent i enheterna den leder. Bara ärenden du får se nu."
        ),
    )
    def get(self, request):
        user, today = request.user, timezone.localdate()
        managed = list(user_managed_units(user=user))
        waiting = [(spec, list(spec.rows(user=user))) for spec in waiting_rows()]
        # Each list's count and first rows, as the start page shows them: never every row
        # (the largest kommun's lists hold thousands at national scale).
        late = OverviewReader(user=user, units=managed, today=today).summary() if managed else []
        logged_persons(
            request,
            [person for spec, rows in waiting for person in spec.persons(rows)]
            + [person for page in late for person in page.persons],
        )
        body = {
            "managed_units": [unit.pk for unit in managed],
            "waiting": [_section(spec, rows) for spec, rows in waiting],
            "late": [_late_section(page) for page in late],
        }
        return Response(OverviewSerializer(body).data)


class OverviewListFilterSerializer(serializers.Serializer):
    after = serializers.CharField(max_length=40, required=False)
    unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    handler = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    age = serializers.CharField(max_length=10, required=False)
    basis = serializers.CharField(max_length=20, required=False)


#: The list page's form fields (overview.forms.ListFilterForm) by the API's parameter names.
FILTER_FIELDS = {
    "after": "efter",
    "unit": "enhet",
    "handler": "handlaggare",
    "age": "alder",
    "basis": "lagrum",
}


class OverviewListView(ApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="overview_list_retrieve",
        parameters=[
            OpenApiParameter(
                "after", str, description=_("Markören next från föregående sida; första sidan utan")
            ),
            OpenApiParameter("unit", int, description=_("En av dina enheter")),
            OpenApiParameter("handler", int, description=_("En handläggare i dina enheter")),
            OpenApiParameter("age", str, description=_("Åldersgrupp: 0-12, 13-17, 18-20 …")),
            OpenApiParameter("basis", str, description=_("Lagrum: SoL, LVU eller LVM")),
        ],
        responses={200: OverviewLateListSerializer},
        description=_(
            "För chefer: en av översiktens listor (koden från översikten), %(size)d rader i "
            "taget, flest dagar försenat först, med samma filter som listans sida. Bara ärenden "
            "du får se nu; åtkomstloggen får varje person som visas."
        )
        % {"size": PAGE_SIZE},
    )
    def get(self, request, code: str):
        spec = overview_list(code)
        if spec is None:
            raise Http404
        units = overview_units(user=request.user)
        if not units:
            raise PermissionDenied(_("Översiktens listor är för chefer."))
        given = OverviewListFilterSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        wanted = dict(given.validated_data)
        reader = OverviewReader(user=request.user, units=units, today=timezone.localdate())
        form = ListFilterForm.for_list(
            {FILTER_FIELDS[name]: str(value) for name, value in wanted.items()},
            reader=reader,
            spec=spec,
        )
        errors: dict[str, list[str]] = {}
        if spec.unit_field and "enhet" not in form.fields and "unit" in wanted:
            # A chef of one unit: the page offers no choice, the API takes that unit.
            chosen = wanted.pop("unit")
            if chosen != units[0].pk:
                errors["unit"] = [_("Välj en av enheterna du är chef för.")]
        for name in wanted:
            if FILTER_FIELDS[name] not in form.fields:
                errors[name] = [_("Listan kan inte filtreras på det här.")]
        if not errors and not form.is_valid():
            errors = {
                name: list(form.errors[field])
                for name, field in FILTER_FIELDS.items()
                if field in form.errors
            }
        if errors:
            raise BadRequest(errors)
        filters, after = form.chosen()
        page = reader.page(spec, filters=filters, after=after)
        logged_persons(request, list(page.persons))
        return Response(OverviewLateListSerializer(_late_section(page)).data)


# --- Statistik (ISU) -------------------------------------------------------------------------


class CellSerializer(serializers.Serializer):
    text = serializers.CharField(help_text=_('Som sidan visar den: "<5" och ".." är dolda.'))
    number = serializers.DecimalField(
        max_digits=20, decimal_places=1, allow_null=True, coerce_to_string=False
    )


class StatisticsRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    total = serializers.BooleanField()
    cells = CellSerializer(many=True)


class StatisticsTableSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.CharField(help_text="count, share, median")
    columns = serializers.ListField(child=serializers.CharField())
    rows = StatisticsRowSerializer(many=True)


class StatisticsSectionSerializer(serializers.Serializer):
    title = serializers.CharField()
    tables = StatisticsTableSerializer(many=True)


class PeriodSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField(source="span.start")
    end = serializers.DateField(source="span.end")


class StatisticsSerializer(serializers.Serializer):
    period = PeriodSerializer()
    units = serializers.ListField(child=serializers.IntegerField())
    sections = StatisticsSectionSerializer(many=True)


class StatisticsFilterSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=10, required=False)
    unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


class StatisticsView(ApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="statistics_retrieve",
        parameters=[
            OpenApiParameter(
                "period", str, description=_("2026-11, 2026-K4 eller 2026; i år som standard")
            ),
            OpenApiParameter("unit", int, description=_("En av dina enheter; alla som standard")),
        ],
        responses={200: StatisticsSerializer},
        description=_(
            "För chefer: Statistik (ISU) för enheterna du leder, per kön och åldersgrupp. Ett "
            "värde som vilar på färre än 5 personer visas som <5, och fler celler döljs (..) "
            "så att inget dolt värde kan räknas fram: samma celler som sidan och exporterna. "
            "Ingen person nämns."
        ),
    )
    def get(self, request):
        units = statistics_units(user=request.user)
        if not units:
            raise PermissionDenied(_("Statistiken är för chefer."))
        filters = StatisticsFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted, today = filters.validated_data, timezone.localdate()
        try:
            period = (
                period_parse(wanted["period"], today=today)
                if wanted.get("period")
                else default_period(today=today)
            )
        except ValidationError as error:
            raise BadRequest({"period": error.messages}) from None
        if "unit" in wanted:
            units = [unit for unit in units if unit.pk == wanted["unit"]]
            if not units:
                raise BadRequest({"unit": [_("Välj en av enheterna du är chef för.")]})
        report = statistics_report(units=units, period=period, today=today, charts=False)
        body = {
            "period": report.period,
            "units": [unit.pk for unit in report.units],
            "sections": [
                {
                    "title": str(section.title),
                    "tables": [
                        {
                            "code": table.code,
                            "title": str(table.title),
                            "description": str(table.description),
                            "kind": table.kind,
                            "columns": [str(column) for column in table.columns],
                            "rows": [
                                {"label": str(row.label), "total": row.total, "cells": row.cells}
                                for row in table.rows
                            ],
                        }
                        for table in section.tables
                    ],
                }
                for section in report.sections
            ],
        }
        return Response(StatisticsSerializer(body).data)
