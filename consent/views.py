"""Pages for people and their consents. Thin: selectors read, services write."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from config.views import ServiceFormMixin
from consent.models import Purpose
from directory.access import person_fully_visible
from directory.selectors import (
    person_for_user,
    person_guardians,
    person_search,
    user_managed_units,
    user_starts_cases,
    user_works_with_cases,
)

from . import forms, services
from .policy import consent_evaluate
from .rules import Action
from .selectors import (
    committee_decision_list,
    consent_for_user,
    consent_in_force,
    consent_list,
    guardians_not_called_list,
    recorded_view_list,
)


class PersonSearchView(TemplateView):
    """Sök person: by personnummer or name."""

    template_name = "consent/person_search.html"

    def get_context_data(self, **kwargs):
        if not user_works_with_cases(user=self.request.user):
            raise PermissionDenied
        form = forms.PersonSearchForm(self.request.GET or None)
        query = form.data.get("q", "") if form.is_bound and form.is_valid() else ""
        results = person_search(user=self.request.user, query=query) if query else []
        self.request.case_persons = results  # the access log records each person found
        return super().get_context_data(form=form, query=query, results=results, **kwargs)


class PersonMixin:
    @cached_property
    def person(self):
        return person_for_user(user=self.request.user, pk=self.kwargs["person_pk"])

    @cached_property
    def guardians(self):
        return person_guardians(person=self.person, on=timezone.localdate())

    def person_url(self) -> str:
        return reverse("people:person_detail", kwargs={"person_pk": self.person.pk})


class PersonDetailView(PersonMixin, TemplateView):
    """A person's consents, in force and earlier, and what the rules ask for now."""

    template_name = "consent/person_detail.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        now = timezone.now()
        # Someone who sees the person only through a SIP they are invited to sees the SIP's
        # part: SIP consents and records, not placements or the person's other cases.
        full = person_fully_visible(user=self.request.user, person=self.person)
        purposes = None if full else [Purpose.SIP]
        consents = list(consent_list(person=self.person, purposes=purposes))
        actions = [(Action.SIP, _("SIP"))]
        if full:
            actions.append((Action.PLACEMENT_SOL, _("Placering enligt SoL")))
        checks = [
            (label, consent_evaluate(action=action, person=self.person, at=now))
            for action, label in actions
        ]
        return super().get_context_data(
            person=self.person,
            today=today,
            age=self.person.age_on(today),
            guardians=self.guardians,
            consents_in_force=[c for c in consents if consent_in_force(c, on=today)],
            consents_earlier=[c for c in consents if not consent_in_force(c, on=today)],
            views=recorded_view_list(person=self.person, purposes=purposes),
            committee_decisions=committee_decision_list(person=self.person, purposes=purposes),
            guardians_not_called=guardians_not_called_list(person=self.person, purposes=purposes),
            checks=checks,
            may_start_sip=user_starts_cases(user=self.request.user),
            is_manager=user_managed_units(user=self.request.user).exists(),
            sip_plans=self.person.sip_plans.order_by("-started_at") if full else [],
            **kwargs,
        )


class ServiceFormView(ServiceFormMixin, PersonMixin, FormView):
    """A form whose valid data goes to one service; its errors come back onto the form."""

    template_name = "consent/form.html"
    title = ""
    submit_label = gettext_lazy("Spara")
    success_message = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.person, "guardians": self.guardians}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            person=self.person, title=self.title, submit_label=self.submit_label, **kwargs
        )

    def get_success_url(self, result=None) -> str:
        return self.person_url()


class ConsentCreateView(ServiceFormView):
    form_class = forms.ConsentForm
    title = gettext_lazy("Registrera samtycke")
    success_message = gettext_lazy("Samtycket är registrerat.")

    def get_initial(self):
        return {"valid_from": timezone.localdate(), "form": "written", "purpose": "sip"}

    def perform(self, form):
        data = form.cleaned_data
        services.consent_register(
            subject=self.person,
            given_by=data["given_by"],
            purpose=data["purpose"],
            form=data["form"],
            documented_by=self.request.user,
            categories=data["categories"],
            units=data["units"],
            organisations=data["organisations"],
            excluded_units=data["excluded_units"],
            excluded_categories=data["excluded_categories"],
            excluded_persons=data["excluded_persons"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            document=data["document"],
        )


class RecordedViewCreateView(ServiceFormView):
    form_class = forms.RecordedViewForm
    title = gettext_lazy("Dokumentera inställning")
    success_message = gettext_lazy("Inställningen är dokumenterad.")

    def perform(self, form):
        data = form.cleaned_data
        services.recorded_view_create(
            subject=self.person,
            holder=data["holder"],
            purpose=data["purpose"],
            view=data["view"],
            recorded_by=self.request.user,
        )


class CommitteeDecisionCreateView(ServiceFormView):
    form_class = forms.CommitteeDecisionForm
    title = gettext_lazy("Registrera nämndbeslut utan vårdnadshavares samtycke")
    success_message = gettext_lazy("Nämndbeslutet är registrerat.")

    def perform(self, form):
        data = form.cleaned_data
        services.committee_decision_create(
            subject=self.person,
            guardian=data["guardian"],
            purpose=data["purpose"],
            legal_ground=data["legal_ground"],
            decided_on=data["decided_on"],
            recorded_by=self.request.user,
        )


class GuardiansNotCalledCreateView(ServiceFormView):
    form_class = forms.GuardiansNotCalledForm
    title = gettext_lazy("Vårdnadshavarna kallas inte")
    success_message = gettext_lazy("Beslutet att inte kalla vårdnadshavarna är registrerat.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("person"), kwargs.pop("guardians")
        return kwargs

    def perform(self, form):
        data = form.cleaned_data
        services.guardians_not_called_create(
            subject=self.person,
            purpose=data["purpose"],
            reason=data["reason"],
            maturity_assessment=data["maturity_assessment"],
            recorded_by=self.request.user,
        )


class ConsentMixin:
    @cached_property
    def consent(self):
        return consent_for_user(user=self.request.user, pk=self.kwargs["pk"])


class ConsentDetailView(ConsentMixin, TemplateView):
    """Scope and history of one consent."""

    template_name = "consent/consent_detail.html"

    def get_context_data(self, **kwargs):
        consent = self.consent
        return super().get_context_data(
            consent=consent,
            person=consent.subject,
            in_force=consent_in_force(consent, on=timezone.localdate()),
            **kwargs,
        )


class ConsentWithdrawView(ConsentMixin, ServiceFormView):
    title = gettext_lazy("Återkalla samtycke")
    submit_label = gettext_lazy("Återkalla")
    success_message = gettext_lazy("Samtycket är återkallat. Det gäller inte längre.")
    form_class = forms.WithdrawForm

    @cached_property
    def person(self):
        return self.consent.subject

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("person"), kwargs.pop("guardians")
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(consent=self.consent, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        services.consent_withdraw(
            consent=self.consent,
            withdrawn_by=self.consent.given_by,
            form=data["form"],
            documented_by=self.request.user,
        )

    def get_success_url(self, result=None) -> str:
        return reverse("people:consent_detail", kwargs={"pk": self.consent.pk})
