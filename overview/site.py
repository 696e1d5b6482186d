"""Översikt in viewflow's site (config/site.py includes it)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from .views import OverviewView


class OverviewApplication(Application):
    title = _("Översikt")
    icon = "dashboard"
    app_name = "overview"

    menu_template_name = None

    index_path = path("", OverviewView.as_view(), name="index")
