from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import set_language

from api.urls import docs_urlpatterns
from core.forms import AdminLoginForm

from .site import site

admin.site.site_header = _("sipflow – administration")
admin.site.site_title = "sipflow"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="overview:index"), name="home"),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    *docs_urlpatterns,
    path("api/", include("api.urls")),
    path("", site.urls),
]


#: Under /api/ an address no view answers is problem details, as a missing id is.
handler404 = "api.problems.page_not_found"
