"""The API's addresses: ``/api/v1/…`` in the namespace ``api:v1`` (a later version gets a
namespace of its own beside it), and the schema and its docs, which name no case data.

Every view answers with its own authentication (a token or the session), so none of them
is behind the site's login redirect."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)

from .views import consents, deviations, fhir, overview, persons, placements, sips

app_name = "api"


def api_path(route: str, view, name: str):
    return path(route, login_not_required(view.as_view()), name=name)


v1_patterns = [
    api_path("persons/lookup/", persons.PersonLookupView, "persons-lookup"),
    api_path("persons/", persons.PersonCreateView, "persons-create"),
    api_path("persons/<int:pk>/", persons.PersonDetailView, "person-detail"),
    api_path("persons/<int:pk>/consents/", consents.PersonConsentsView, "person-consents"),
    api_path("persons/<int:pk>/views/", consents.PersonViewsView, "person-views"),
    api_path("consents/<int:pk>/", consents.ConsentDetailView, "consent-detail"),
    api_path("consents/<int:pk>/withdraw/", consents.ConsentWithdrawView, "consent-withdraw"),
    api_path("sips/", sips.SipListView, "sips"),
    api_path("sips/<int:pk>/", sips.SipDetailView, "sip-detail"),
    api_path("sips/<int:pk>/prepare/", sips.SipPrepareView, "sip-prepare"),
    api_path("sips/<int:pk>/invite/", sips.SipInviteView, "sip-invite"),
    api_path("sips/<int:pk>/reschedule/", sips.SipRescheduleView, "sip-reschedule"),
    api_path("sips/<int:pk>/meeting/", sips.SipMeetingView, "sip-meeting"),
    api_path("sips/<int:pk>/follow-up/", sips.SipFollowUpView, "sip-follow-up"),
    api_path("sips/<int:pk>/close/", sips.SipCloseView, "sip-close"),
    api_path("sips/<int:pk>/fhir/", fhir.SipCarePlanView, "sip-fhir"),
    api_path("kallelser/<int:pk>/", sips.InvitationDetailView, "kallelse-detail"),
    api_path("kallelser/<int:pk>/accept/", sips.AcceptView, "kallelse-accept"),
    api_path("kallelser/<int:pk>/decline/", sips.DeclineView, "kallelse-decline"),
    api_path("kallelser/<int:pk>/forward/", sips.ForwardView, "kallelse-forward"),
    api_path("placements/", placements.PlacementListView, "placements"),
    api_path("placements/<int:pk>/", placements.PlacementDetailView, "placement-detail"),
    *[
        api_path(f"placements/<int:pk>/{step}/", view, f"placement-{step.replace('/', '-')}")
        for step, view in placements.STEP_VIEWS.items()
    ],
    api_path(
        "health-requests/<int:pk>/", placements.HealthRequestDetailView, "health-request-detail"
    ),
    api_path(
        "health-requests/<int:pk>/outcome/",
        placements.HealthRequestOutcomeView,
        "health-request-outcome",
    ),
    api_path("avvikelser/", deviations.DeviationListView, "deviations"),
    api_path("avvikelser/statistics/", deviations.StatisticsView, "deviation-statistics"),
    api_path("avvikelser/<int:pk>/", deviations.DeviationDetailView, "deviation-detail"),
    api_path("avvikelser/<int:pk>/export/", deviations.ExportView, "deviation-export"),
    *[
        api_path(f"avvikelser/<int:pk>/{step}/", view, f"deviation-{step.replace('/', '-')}")
        for step, view in deviations.STEP_VIEWS.items()
    ],
    api_path("overview/", overview.OverviewView, "overview"),
    api_path("overview/<str:code>/", overview.OverviewListView, "overview-list"),
    api_path("statistics/", overview.StatisticsView, "statistics"),
]

urlpatterns = [path("v1/", include((v1_patterns, "v1")))]

#: Under /api/ but outside the case namespace: the OpenAPI schema and Swagger UI (not Redoc,
#: whose page loads web fonts from another site).
#: Swagger UI's own script is served by the same view (``?script``), never inline, and its
#: files come from the sidecar package's static files: the site's CSP holds.
docs_urlpatterns = [
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "api/docs/",
        login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]
