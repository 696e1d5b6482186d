"""The chef's review of the access log: who has looked at a person's case, and a stickprov
of accesses from outside the unit, reviewed and signed off."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from core.views import ServiceFormMixin
from directory.access import unit_case_persons
from directory.selectors import person_for_user, user_managed_units

from . import forms, services
from .models import SampleReview
from .selectors import person_access_log

#: The query parameter that shows only refused attempts.
REFUSED_ONLY = "nekade"


class ManagerRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not user_managed_units(user=request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PersonAccessLogView(ManagerRequiredMixin, TemplateView):
    """Vem har tittat: every logged look at and change of the person's case data."""

    template_name = "audit/person_log.html"

    def get_context_data(self, **kwargs):
        person = person_for_user(user=self.request.user, pk=self.kwargs["person_pk"])
        refused_only = self.request.GET.get(REFUSED_ONLY) == "1"
        return super().get_context_data(
            person=person,
            refused_only=refused_only,
            entries=person_access_log(person=person, refused_only=refused_only)[:500],
            **kwargs,
        )


class SampleListView(ManagerRequiredMixin, ServiceFormMixin, FormView):
    """Stickprov: draw a random sample of accesses from outside one's unit."""

    template_name = "audit/sample_list.html"
    form_class = forms.SampleDrawForm
    success_message = gettext_lazy("Stickprovet är draget. Granska och signera det.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "units": user_managed_units(user=self.request.user)}

    def get_context_data(self, **kwargs):
        samples = SampleReview.objects.filter(
            unit__in=user_managed_units(user=self.request.user)
        ).select_related("unit", "drawn_by", "signed_off_by")
        return super().get_context_data(samples=samples.order_by("-drawn_at"), **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.sample_draw(
            by=self.request.user,
            unit=data["unit"],
            persons=unit_case_persons(unit=data["unit"]),
            start=data["period_start"],
            end=data["period_end"],
            size=data["size"],
        )

    def get_success_url(self, result=None) -> str:
        return reverse("people:sample_detail", kwargs={"pk": result.pk})


class SampleDetailView(ManagerRequiredMixin, ServiceFormMixin, FormView):
    template_name = "audit/sample_detail.html"
    form_class = forms.SignOffForm
    success_message = gettext_lazy("Stickprovet är signerat.")

    @cached_property
    def sample(self) -> SampleReview:
        return get_object_or_404(
            SampleReview.objects.select_related("unit", "drawn_by", "signed_off_by"),
            pk=self.kwargs["pk"],
            unit__in=user_managed_units(user=self.request.user),
        )

    def get_context_data(self, **kwargs):
        entries = self.sample.entries.select_related(
            "user", "unit", "organisation", "person"
        ).order_by("at")
        return super().get_context_data(sample=self.sample, entries=entries, **kwargs)

    def perform(self, form):
        return services.sample_sign_off(
            sample=self.sample, by=self.request.user, note=form.cleaned_data["note"]
        )

    def get_success_url(self, result=None) -> str:
        return reverse("people:sample_detail", kwargs={"pk": self.sample.pk})
