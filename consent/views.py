"""Pages for people and their consents. Thin: selectors read, services write."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from consent.models import Purpose
from core.views import ServiceFormMixin
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

#: Recent searches of a session, by an opaque key: the result page's URL names the key,
#: never the personnummer or name searched.
SEARCHES_SESSION_KEY = "person_searches"
SEARCHES_KEPT = 20


class PersonSearchView(FormView):
    """Sök person: by a whole personnummer or by name. The form is sent by POST and answered
    with a redirect to the results under an opaque key kept in the session
    (POST-redirect-GET), so reload and back show the results again and no URL, server log
    or browser history holds what was searched. An empty page lists nobody."""

    template_name = "consent/person_search.html"
    form_class = forms.PersonSearchForm
    search_parameter = "sokning"

    def dispatch(self, request, *args, **kwargs):
        if not user_works_with_cases(user=request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        key = request.GET.get(self.search_parameter)
        query = request.session.get(SEARCHES_SESSION_KEY, {}).get(key) if key else None
        if query is None:
            return self.render_to_response(self.get_context_data(search_expired=bool(key)))
        form = self.form_class({"q": query})
        if not form.is_valid():  # the rules changed since: show why
            return self.form_invalid(form)
        results = person_search(user=request.user, query=query)
        request.case_persons = results  # the access log records each person found
        return self.render_to_response(
            self.get_context_data(form=form, query=query, results=results)
        )

    def form_valid(self, form):
        searches = self.request.session.get(SEARCHES_SESSION_KEY, {})
        key = secrets.token_urlsafe(12)
        searches[key] = form.cleaned_data["q"]
        self.request.session[SEARCHES_SESSION_KEY] = dict(list(searches.items())[-SEARCHES_KEPT:])
        return redirect(f"{reverse('people:index')}?{urlencode({self.search_parameter: key})}")


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
        return {**super().get_form_kwargs(), "giver": self.consent.given_by}

    def get_context_data(self, **kwargs):
        return super().get_context_data(consent=self.consent, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        services.consent_withdraw(
            consent=self.consent,
            withdrawn_by=data["withdrawn_by"],
            form=data["form"],
            documented_by=self.request.user,
        )

    def get_success_url(self, result=None) -> str:
        return reverse("people:consent_detail", kwargs={"pk": self.consent.pk})
