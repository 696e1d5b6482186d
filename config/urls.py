from functools import partial

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import set_language

from api import problems as api_problems
from api.urls import docs_urlpatterns
from core import errors
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

# The error pages in the site's frame (core.errors); under /api/ a missing address is problem
# details, as a missing id is (api.problems).
handler400 = partial(errors.bad_request, site=site)
handler403 = partial(errors.permission_denied, site=site)
handler404 = partial(
    errors.page_not_found, site=site, elsewhere={"/api/": api_problems.page_not_found}
)
handler500 = partial(errors.server_error, site=site)
