"""Avvikelser in viewflow's site (config/site.py includes it)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from directory.selectors import user_works_with_cases

from . import views


class DeviationsApplication(Application):
    title = _("Avvikelser i samverkan")
    icon = "report_problem"
    app_name = "deviations"

    menu_template_name = None

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated and user_works_with_cases(user=user)

    index_path = path("", views.DeviationListView.as_view(), name="index")
    report_path = path("ny/", views.ReportView.as_view(), name="report")
    statistics_path = path("statistik/", views.StatisticsView.as_view(), name="statistics")
    detail_path = path("<int:pk>/", views.DetailView.as_view(), name="detail")
    allocation_path = path(
        "<int:pk>/ansvarsfordelning/", views.AllocationView.as_view(), name="allocation"
    )
    agree_path = path(
        "<int:pk>/ansvarsfordelning/godkann/", views.AgreeView.as_view(), name="agree"
    )
    handler_path = path("<int:pk>/handlaggare/", views.HandlerView.as_view(), name="handler")
    note_path = path("<int:pk>/anteckning/", views.NoteView.as_view(), name="note")
    measures_path = path("<int:pk>/atgarder/", views.MeasuresView.as_view(), name="measures")
    sign_off_path = path("<int:pk>/atgarder/godkann/", views.SignOffView.as_view(), name="sign_off")
    dispute_raise_path = path(
        "<int:pk>/tvist/ny/", views.DisputeRaiseView.as_view(), name="dispute_raise"
    )
    dispute_path = path("<int:pk>/tvist/", views.DisputeLevelView.as_view(), name="dispute")
    dispute_decide_path = path(
        "<int:pk>/tvist/beslut/", views.DisputeDecideView.as_view(), name="dispute_decide"
    )
    export_path = path("<int:pk>/export/", views.ExportView.as_view(), name="export")
    export_json_path = path(
        "<int:pk>/export.json", views.ExportFileView.as_view(kind="json"), name="export_json"
    )
    export_csv_path = path(
        "<int:pk>/export.csv", views.ExportFileView.as_view(kind="csv"), name="export_csv"
    )
