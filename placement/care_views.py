"""Pages for the child's health, school and dental care, the vårdplan and the
genomförandeplan. The region unit asked for a hälsoundersökning sees its request only."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from . import access, care_forms, selectors, services
from .models import CarePlanVersion, HealthExamRequest, Placement
from .views import OwnPlacementMixin, PlacementFormMixin


class OwnCarePage(OwnPlacementMixin, PlacementFormMixin, FormView):
    template_name = "placement/page_form.html"
    title = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)


class HealthExamRequestCreateView(OwnCarePage):
    form_class = care_forms.HealthExamRequestForm
    title = gettext_lazy("Begär hälsoundersökning")
    success_message = gettext_lazy("Begäran om hälsoundersökning är skickad till regionen.")

    def get_form_kwargs(self):
        region = self.placement.placing_unit.organisation.region_id
        return {**super().get_form_kwargs(), "region_id": region}

    def perform(self, form):
        return services.health_exam_request(
            placement=self.placement, by=self.request.user, **form.cleaned_data
        )


class SchoolArrangementView(OwnCarePage):
    form_class = care_forms.SchoolArrangementForm
    title = gettext_lazy("Skolgång under placeringen")
    success_message = gettext_lazy("Skolgången är dokumenterad.")

    def perform(self, form):
        return services.school_arrangement_record(
            placement=self.placement, by=self.request.user, **form.cleaned_data
        )


class DentalHomeView(OwnCarePage):
    form_class = care_forms.DentalHomeForm
    title = gettext_lazy("Hemregion för tandvård")
    success_message = gettext_lazy("Hemregionen för tandvård är sparad.")

    def get_initial(self):
        home = getattr(self.placement, "dental_home", None)
        return {"home_region": home.home_region_id, "note": home.note} if home else {}

    def perform(self, form):
        return services.dental_home_set(
            placement=self.placement, by=self.request.user, **form.cleaned_data
        )


class PlanVersionView(PlacementFormMixin, FormView):
    """A new version of the vårdplan (the placing unit) or the genomförandeplan (the
    placing unit, or the HVB's staff)."""

    template_name = "placement/plan_form.html"
    form_class = care_forms.PlanVersionForm
    kind = CarePlanVersion.Kind.CARE_PLAN
    success_message = gettext_lazy("Den nya versionen av planen är sparad.")

    @cached_property
    def placement(self) -> Placement:
        placement, kind = selectors.placement_for_user(user=self.request.user, pk=self.kwargs["pk"])
        if kind == access.HVB and self.kind != CarePlanVersion.Kind.IMPLEMENTATION_PLAN:
            raise Http404
        return placement

    @cached_property
    def formset(self):
        last = self.versions[0] if self.versions else None
        initial = (
            [{"what": row.what, "who": row.who, "when": row.when} for row in last.insatser.all()]
            if last
            else []
        )
        return care_forms.InsatsFormSet(
            self.request.POST or None, prefix="insatser", initial=initial
        )

    def get_initial(self):
        last = self.versions[0] if self.versions else None
        if last is None:
            return {}
        return {"goals": last.goals, "follow_up": last.follow_up}

    @cached_property
    def versions(self) -> list[CarePlanVersion]:
        return list(selectors.plan_versions(placement=self.placement, kind=self.kind))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            placement=self.placement,
            title=CarePlanVersion.Kind(self.kind).label,
            formset=self.formset,
            versions=self.versions,
            **kwargs,
        )

    def form_valid(self, form):
        if not self.formset.is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def perform(self, form):
        return services.plan_version_write(
            placement=self.placement,
            by=self.request.user,
            kind=self.kind,
            insatser=care_forms.formset_insatser(self.formset),
            **form.cleaned_data,
        )

    def get_success_url(self, result=None) -> str:
        return reverse("placement:placement", kwargs={"pk": self.placement.pk})


class ImplementationPlanView(PlanVersionView):
    kind = CarePlanVersion.Kind.IMPLEMENTATION_PLAN


class HealthExamRequestView(PlacementFormMixin, FormView):
    """The request as the region unit asked sees it (the child's name and date of birth,
    the HVB, what is asked) with a form for the outcome; the placement's own staff see it
    too. Nothing else about the placement."""

    template_name = "placement/health_request.html"
    form_class = care_forms.HealthExamOutcomeForm
    success_message = gettext_lazy("Utfallet av hälsoundersökningen är dokumenterat.")

    @cached_property
    def found(self) -> tuple[HealthExamRequest, str]:
        request = (
            HealthExamRequest.objects.select_related(
                "placement__person",
                "placement__hvb_unit",
                "placement__placing_unit",
                "placement__caseworker",
                "region_unit",
                "answered_by",
            )
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        kind = (
            access.health_request_access(user=self.request.user, request=request)
            if request
            else None
        )
        if kind is None:
            raise Http404
        return request, kind

    def get_context_data(self, **kwargs):
        request, kind = self.found
        return super().get_context_data(
            health_request=request,
            may_answer=kind == access.REGION and request.open,
            **kwargs,
        )

    def perform(self, form):
        if self.found[1] != access.REGION:
            raise Http404
        return services.health_exam_record(
            request=self.found[0], by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result=None) -> str:
        return reverse("placement:health_request", kwargs={"pk": self.found[0].pk})
