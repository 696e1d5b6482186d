"""Översikt in viewflow's site (config/site.py includes it)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from .statistics.views import StatisticsCsvView, StatisticsView, StatisticsXlsxView
from .views import OverviewListView, OverviewView, WorkloadView


class OverviewApplication(Application):
    title = _("Översikt")
    icon = "dashboard"
    app_name = "overview"

    menu_template_name = None

    index_path = path("", OverviewView.as_view(), name="index")
    workload_path = path("arbetsbelastning/", WorkloadView.as_view(), name="workload")
    list_path = path("oversikt/<slug:code>/", OverviewListView.as_view(), name="list")
    statistics_path = path("statistik/", StatisticsView.as_view(), name="statistics")
    statistics_csv_path = path(
        "statistik/statistik.csv", StatisticsCsvView.as_view(), name="statistics_csv"
    )
    statistics_xlsx_path = path(
        "statistik/statistik.xlsx", StatisticsXlsxView.as_view(), name="statistics_xlsx"
    )
