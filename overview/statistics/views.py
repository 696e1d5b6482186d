"""Statistik (ISU): the chef's statistics page and its CSV and XLSX exports. Aggregates
only, suppressed: nobody is named, so the access log has no person to record."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from .categories import source_text
from .charts import chart_legend
from .exports import report_csv, report_xlsx
from .forms import StatisticsForm
from .selectors import statistics_report, statistics_units
from .tables import LEGEND


class StatisticsMixin:
    """Only a chef (Membership role manager) sees statistics, of the units they lead."""

    def dispatch(self, request, *args, **kwargs):
        self.units = statistics_units(user=request.user)
        if not self.units:
            raise PermissionDenied
        self.today = timezone.localdate()
        self.form = StatisticsForm(request.GET or None, units=self.units, today=self.today)
        return super().dispatch(request, *args, **kwargs)

    def report(self, *, charts: bool):
        period, units = self.form.chosen()
        return statistics_report(units=units, period=period, today=self.today, charts=charts)


class StatisticsView(StatisticsMixin, TemplateView):
    template_name = "overview/statistics.html"

    def get_context_data(self, **kwargs):
        report = self.report(charts=True)
        query = self.request.GET.urlencode()
        return super().get_context_data(
            form=self.form,
            report=report,
            legend=LEGEND,
            chart_legend=chart_legend(),
            source=source_text(),
            query=f"?{query}" if query and self.form.is_valid() else "",
            **kwargs,
        )


class StatisticsExportView(StatisticsMixin, View):
    """The page's tables as a file; a wrong choice goes back to the page, which says why."""

    content_type = ""
    extension = ""

    def render(self, report) -> bytes:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if self.form.is_bound and not self.form.is_valid():
            return redirect(f"{reverse('overview:statistics')}?{request.GET.urlencode()}")
        report = self.report(charts=False)
        response = HttpResponse(self.render(report), content_type=self.content_type)
        name = f"sipflow-statistik-{report.period.code}.{self.extension}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class StatisticsCsvView(StatisticsExportView):
    content_type = "text/csv; charset=utf-8"
    extension = "csv"

    def render(self, report) -> bytes:
        return report_csv(report)


class StatisticsXlsxView(StatisticsExportView):
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"

    def render(self, report) -> bytes:
        return report_xlsx(report)
