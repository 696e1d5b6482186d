"""The web UI: viewflow's frontend site with one application per area."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site

from directory.views import OverviewView


class OverviewApplication(Application):
    title = _("Översikt")
    icon = "dashboard"
    app_name = "overview"

    menu_template_name = None

    index_path = path("", OverviewView.as_view(), name="index")


site = Site(
    title="sipflow",
    primary_color="#1d4f7c",
    viewsets=[OverviewApplication()],
    # Inside the site, so that login and password pages carry its title and colours.
    urlpatterns=[path("accounts/", AuthViewset(with_profile_view=False).urls)],
)
