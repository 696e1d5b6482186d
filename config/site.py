"""The web UI: viewflow's frontend site with one application per area."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site

from audit import views as audit_views
from cases.views import CaseFlowAppViewset
from consent import views as consent_views
from core.forms import LoginForm
from core.views import AccessibilityStatementView
from deviations.site import DeviationsApplication
from directory.selectors import user_works_with_cases
from notifications import views as notification_views
from overview.site import OverviewApplication
from placement import care_views as placement_care_views
from placement import views as placement_views
from placement import visit_views as placement_visit_views
from placement.flows import PlacementFlow
from sipflow import views as sip_views
from sipflow.flows import SipFlow


class PeopleApplication(Application):
    """Personer: search, a person's consents and recorded views."""

    title = _("Personer och samtycken")
    icon = "person_search"
    app_name = "people"

    menu_template_name = None

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated and user_works_with_cases(user=user)

    index_path = path("", consent_views.PersonSearchView.as_view(), name="index")
    person_path = path(
        "<int:person_pk>/", consent_views.PersonDetailView.as_view(), name="person_detail"
    )
    consent_create_path = path(
        "<int:person_pk>/samtycke/ny/",
        consent_views.ConsentCreateView.as_view(),
        name="consent_create",
    )
    view_create_path = path(
        "<int:person_pk>/installning/ny/",
        consent_views.RecordedViewCreateView.as_view(),
        name="view_create",
    )
    committee_decision_path = path(
        "<int:person_pk>/namndbeslut/ny/",
        consent_views.CommitteeDecisionCreateView.as_view(),
        name="committee_decision_create",
    )
    guardians_not_called_path = path(
        "<int:person_pk>/vardnadshavare-kallas-inte/ny/",
        consent_views.GuardiansNotCalledCreateView.as_view(),
        name="guardians_not_called_create",
    )
    access_log_path = path(
        "<int:person_pk>/atkomstlogg/",
        audit_views.PersonAccessLogView.as_view(),
        name="access_log",
    )
    samples_path = path("stickprov/", audit_views.SampleListView.as_view(), name="samples")
    sample_detail_path = path(
        "stickprov/<int:pk>/", audit_views.SampleDetailView.as_view(), name="sample_detail"
    )
    consent_detail_path = path(
        "samtycke/<int:pk>/", consent_views.ConsentDetailView.as_view(), name="consent_detail"
    )
    consent_withdraw_path = path(
        "samtycke/<int:pk>/aterkalla/",
        consent_views.ConsentWithdrawView.as_view(),
        name="consent_withdraw",
    )


class NotificationsApplication(Application):
    """Notiser: the user's in-app notifications."""

    title = _("Notiser")
    icon = "notifications"
    app_name = "notifications"

    menu_template_name = None

    index_path = path("", notification_views.NotificationListView.as_view(), name="index")
    open_path = path("<int:pk>/", notification_views.NotificationOpenView.as_view(), name="open")
    read_all_path = path(
        "las-alla/", notification_views.NotificationsReadAllView.as_view(), name="read_all"
    )


sip_app = CaseFlowAppViewset(
    SipFlow,
    icon="groups",
    dashboard_view_class=sip_views.SipListView,
    **sip_views.LIST_VIEWS,
    process_detail_view_class=sip_views.ProcessDetailView,
    urlpatterns=[
        path("plan/<int:pk>/", sip_views.PlanDetailView.as_view(), name="plan"),
        path(
            "plan/<int:pk>/flytta-motet/",
            sip_views.RescheduleView.as_view(),
            name="reschedule",
        ),
        path("kallelse/<int:pk>/", sip_views.InvitationView.as_view(), name="invitation"),
        path(
            "plan/<int:pk>/avsluta-stoppad/",
            sip_views.HaltedCloseView.as_view(),
            name="close_halted",
        ),
        path("plan/<int:pk>/min-plan/", sip_views.PersonPlanView.as_view(), name="person_plan"),
        path(
            "plan/<int:pk>/min-plan.pdf",
            sip_views.PersonPlanPdfView.as_view(),
            name="person_plan_pdf",
        ),
    ],
)


placement_app = CaseFlowAppViewset(
    PlacementFlow,
    icon="home_work",
    dashboard_view_class=placement_views.PlacementListView,
    **placement_views.LIST_VIEWS,
    urlpatterns=[
        path(
            "placering/<int:pk>/", placement_views.PlacementDetailView.as_view(), name="placement"
        ),
        path(
            "placering/<int:pk>/utredning/",
            placement_views.AssessmentView.as_view(),
            name="assessment",
        ),
        path(
            "placering/<int:pk>/alternativ/",
            placement_views.AlternativeView.as_view(),
            name="alternative",
        ),
        # The child's health, school and dental care; the vårdplan and genomförandeplan.
        path(
            "placering/<int:pk>/vardplan/",
            placement_care_views.PlanVersionView.as_view(),
            name="care_plan",
        ),
        path(
            "placering/<int:pk>/genomforandeplan/",
            placement_care_views.ImplementationPlanView.as_view(),
            name="implementation_plan",
        ),
        path(
            "placering/<int:pk>/halsoundersokning/ny/",
            placement_care_views.HealthExamRequestCreateView.as_view(),
            name="health_request_create",
        ),
        path(
            "placering/<int:pk>/skolgang/",
            placement_care_views.SchoolArrangementView.as_view(),
            name="school",
        ),
        path(
            "placering/<int:pk>/tandvard/",
            placement_care_views.DentalHomeView.as_view(),
            name="dental",
        ),
        path(
            "halsoundersokning/<int:pk>/",
            placement_care_views.HealthExamRequestView.as_view(),
            name="health_request",
        ),
        path(
            "placering/<int:pk>/byt-hvb/",
            placement_views.HvbChangeView.as_view(),
            name="hvb_change",
        ),
        path(
            "placering/<int:pk>/lagrum/",
            placement_views.BasisChangeView.as_view(),
            name="basis_change",
        ),
        path(
            "placering/<int:pk>/overlamning/",
            placement_views.HandoverView.as_view(),
            name="handover",
        ),
        path(
            "placering/<int:pk>/uppfoljningsbesok/",
            placement_visit_views.FollowUpVisitView.as_view(),
            name="visit",
        ),
        # The placement's SIP: linked to an open one, or initiated from here.
        path(
            "placering/<int:pk>/sip/koppla/",
            placement_views.SipLinkView.as_view(),
            name="sip_link",
        ),
        path(
            "placering/<int:pk>/sip/initiera/",
            placement_views.SipStartView.as_view(),
            name="sip_start",
        ),
        path(
            "placering/<int:pk>/folkbokforing/",
            placement_views.RegistrationMoveView.as_view(),
            name="registration_move",
        ),
        path(
            "placering/<int:pk>/avsluta-utredningen/",
            placement_views.CancelView.as_view(),
            name="cancel",
        ),
    ],
)


class SiteAuthViewset(AuthViewset):
    def get_login_view_kwargs(self, **kwargs):
        return super().get_login_view_kwargs(**{"form_class": LoginForm, **kwargs})


site = Site(
    title="sipflow",
    primary_color="#1d4f7c",
    viewsets=[
        OverviewApplication(),
        PeopleApplication(),
        sip_app,
        placement_app,
        DeviationsApplication(),
        NotificationsApplication(),
    ],
    # Inside the site, so that login and password pages carry its title and colours.
    urlpatterns=[
        path("accounts/", SiteAuthViewset(with_profile_view=False).urls),
        path("tillganglighet/", AccessibilityStatementView.as_view(), name="accessibility"),
    ],
)
