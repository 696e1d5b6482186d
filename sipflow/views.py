"""SIP pages: viewflow task views for each step, and pages for the plan and kallelser.
Thin: forms collect, services decide, selectors read."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, RedirectView, TemplateView
from viewflow.workflow.flow.views import (
    DetailProcessView,
)

from cases.errors import ConsentMissing
from cases.registry import CaseSubject
from cases.views import scoped_flow_views
from core.views import ServiceFormMixin, search_recall, search_store
from directory.forms import CaseSearchForm
from directory.selectors import user_starts_cases

from . import access, forms, selectors, services
from .models import Invitation, SipPlan


def plan_url(plan: SipPlan) -> str:
    return reverse("sip:plan", kwargs={"pk": plan.pk})


class StepView(ServiceFormMixin, FormView):
    """A viewflow task view: ``request.activation`` is started and holds the flow lock."""

    template_name = "sipflow/step.html"
    title = ""

    @cached_property
    def plan(self) -> SipPlan:
        """The SIP, read apart from ``activation.process.sip_plan``: the flow's next nodes
        (the follow-up timer) read the SIP from the process after the step has changed it,
        and must not find the copy this page read before."""
        return SipPlan.objects.get(process_id=self.request.activation.process.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            plan=self.plan,
            title=self.title or self.request.activation.flow_task.task_title,
            **kwargs,
        )

    def get_form(self, form_class=None):
        """The huvudansvarig person is chosen among the case's own socialsekreterare and
        vårdpersonal (selectors.plan_coordinator_candidates), with the units the form sends."""
        form = super().get_form(form_class)
        if "coordinator" in form.fields:
            posted = [*self.request.POST.getlist("units"), self.request.POST.get("lead_unit", "")]
            form.fields["coordinator"].queryset = selectors.plan_coordinator_candidates(
                plan=self.plan, unit_ids=[int(pk) for pk in posted if pk.isdigit()]
            )
            form.fields["coordinator"].help_text = _(
                "Socialsekreterare och vårdpersonal i den initierande enheten och de kallade "
                "enheterna. Väljer du nya enheter att kalla, spara så visas även deras personal."
            )
        return form

    def get_success_url(self, result=None) -> str:
        return plan_url(self.plan)


class StartView(ServiceFormMixin, FormView):
    template_name = "sipflow/start.html"
    form_class = forms.StartForm
    success_message = gettext_lazy("SIP:en är initierad. Nästa steg: samtycke och parter.")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "units": selectors.user_starter_units(user=self.request.user),
            "user": self.request.user,
        }

    def get_initial(self):
        from directory.access import persons_visible_to

        prefill = forms.StartPrefillForm(self.request.GET)
        data = prefill.cleaned_data if prefill.is_valid() else {}
        halted = self.halted(data.get("continues"))
        initial = {}
        if halted is not None:  # a new SIP goes on from the stopped one: its needs carried
            initial = {
                "continues": halted.pk,
                "unit": halted.started_unit,
                "origin": halted.origin,
                "social_needs": halted.social_needs,
                "health_needs": halted.health_needs,
                "coordination_reason": halted.coordination_reason,
                "informed_about_sip": halted.informed_about_sip,
            }
        person = (
            halted.person
            if halted is not None
            else persons_visible_to(user=self.request.user).filter(pk=data.get("person")).first()
        )
        if person is not None:  # the form shows the person's number
            self.request.case_persons = [person]
        return {
            **initial,
            "personal_identity_number": person.personal_identity_number if person else "",
        }

    def halted(self, pk: int | None) -> SipPlan | None:
        """The stopped SIP a new one goes on from, where the user may see it."""
        if not pk:
            return None
        plan, _access = selectors.sip_plan_for_user(user=self.request.user, pk=pk)
        return plan if plan.phase == SipPlan.Phase.HALTED else None

    def perform(self, form):
        data = form.cleaned_data
        with transaction.atomic():  # a refused start leaves no process behind
            return self._start(data)

    def _start(self, data):
        plan = services.sip_start(
            activation=self.request.activation,
            person=data["personal_identity_number"],
            by=self.request.user,
            unit=data["unit"],
            origin=data["origin"],
            social_needs=data["social_needs"],
            health_needs=data["health_needs"],
            coordination_reason=data["coordination_reason"],
            informed_about_sip=data["informed_about_sip"],
        )
        self.request.activation.execute()
        halted = self.halted(data.get("continues"))
        if halted is not None and halted.person_id == plan.person_id:
            services.sip_close_halted(
                plan=halted, by=self.request.user, reason="", continued_in=plan
            )
        # The access log records the new SIP and its person (audit.middleware).
        self.request.case_subject = CaseSubject(plan, plan.person, "Initiera SIP")
        return plan

    def get_success_url(self, plan) -> str:
        return plan_url(plan)


class PrepareView(StepView):
    form_class = forms.PrepareForm
    template_name = "sipflow/prepare.html"
    success_message = gettext_lazy(
        "Parterna är valda och samtycket räcker. Nästa steg: kalla till möte."
    )

    def get_initial(self):
        plan = self.plan
        return {
            "lead_unit": plan.lead_unit,
            "coordinator": plan.coordinator,
            "units": list(plan.invited_units.all()),
            "categories": list(plan.categories.all()),
        }

    #: The policy's refusal when the step was refused, shown instead of a fresh check.
    refusal = None

    def get_context_data(self, **kwargs):
        """The consent box answers for the parties and information the form chose (not
        only when the form is valid: a refused step has errors but chose them all)."""
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["decision"] = self.refusal or self._decision(form)
        return context

    def _decision(self, form):
        chosen = getattr(form, "cleaned_data", {}) if form.is_bound else {}
        if not {"units", "organisations", "categories"} <= set(chosen):
            return services.plan_consent_check(plan=self.plan, at=timezone.now())
        return services.plan_consent_check(
            plan=self.plan,
            at=timezone.now(),
            units=[self.plan.started_unit, *chosen["units"]],
            organisations=list(chosen["organisations"]),
            categories=[category.code for category in chosen["categories"]],
        )

    def perform(self, form):
        try:
            return self._prepare(form)
        except ConsentMissing as refusal:
            self.refusal = refusal.decision
            raise

    def _prepare(self, form):
        data = form.cleaned_data
        return services.sip_prepare(
            plan=self.plan,
            by=self.request.user,
            units=data["units"],
            organisations=data["organisations"],
            categories=data["categories"],
            lead_unit=data["lead_unit"],
            coordinator=data["coordinator"],
            placement_related=data["placement_related"],
            cost_allocation=data["cost_allocation"],
            activation=self.request.activation,
        )


class SummonView(StepView):
    """Kalla: the parties who get a kallelse are shown before it goes out."""

    form_class = forms.MeetingTimeForm
    template_name = "sipflow/summon.html"
    success_message = gettext_lazy("Kallelserna är skickade.")

    def get_form(self, form_class=None):
        """Svara senast is left empty by default: the service then takes the default, but
        never a day after the meeting (services.default_answer_by). The help text says
        which day that is."""
        form = super().get_form(form_class)
        today = timezone.localdate()
        default = services.answer_by_default(plan=self.plan, sent_on=today)
        field = form.fields["answer_by"]
        field.widget.attrs["min"] = today.isoformat()
        field.help_text = _(
            "Lämnas fältet tomt blir sista svarsdag %(date)s, eller mötesdagen om mötet är "
            "tidigare."
        ) % {"date": default.isoformat()}
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            parties_units=self.plan.invited_units.select_related("organisation"),
            parties_organisations=self.plan.invited_organisations.all(),
            **kwargs,
        )

    def perform(self, form):
        return services.sip_summon(
            plan=self.plan,
            by=self.request.user,
            activation=self.request.activation,
            **form.cleaned_data,
        )


class AnswerTaskView(RedirectView):
    """An answer task opens the kallelse page, where the unit answers."""

    def get_redirect_url(self, *args, **kwargs):
        invitation = self.request.activation.task.data["invitation"]
        return reverse("sip:invitation", kwargs={"pk": invitation})


class MeetingView(StepView):
    form_class = forms.MeetingForm
    template_name = "sipflow/meeting.html"
    success_message = gettext_lazy("Planen är upprättad.")

    def get_initial(self):
        return {
            "attendance": self.attendance_proposed(),
            "lead_unit": self.plan.lead_unit,
            "coordinator": self.plan.coordinator,
            "next_follow_up": selectors.follow_up_proposed(plan=self.plan, on=timezone.localdate()),
        }

    @cached_property
    def carried(self):
        return selectors.plan_carried(plan=self.plan)

    @cached_property
    def formset(self):
        initial = selectors.plan_rows_proposed(
            plan=self.plan, on=timezone.localdate(), carried=self.carried
        )
        data = self.request.POST or None
        if data is not None and forms.ADD_ROW in data:
            data = forms.formset_data_with_row_added(data)
        return forms.ActionFormSet(data, prefix="actions", initial=initial or None)

    @cached_property
    def meeting(self):
        return self.plan.meetings.order_by("-pk").first()

    @cached_property
    def invitations(self):
        return list(self.meeting.invitations.select_related("unit", "organisation"))

    def attendance_proposed(self) -> str:
        """Who comes, from the accepted kallelser and the huvudansvarig: to be corrected."""
        lines = []
        if self.plan.coordinator:
            lines.append(
                f"{self.plan.coordinator} ({self.plan.lead_unit or self.plan.started_unit})"
            )
        lines += [
            f"{invitation.invitee}: {invitation.attendees}"
            for invitation in self.invitations
            if invitation.status == Invitation.Status.ACCEPTED and invitation.attendees
        ]
        return "\n".join(lines)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            formset=self.formset,
            meeting=self.meeting,
            invitations=self.invitations,
            carried=self.carried,
            add_row=forms.ADD_ROW,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if forms.ADD_ROW in request.POST:  # one more row: the page comes back, nothing saved
            form = self.get_form()
            form.is_valid()
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if not self.formset.is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def perform(self, form):
        data = form.cleaned_data
        actions = forms.formset_actions(self.formset)
        return services.meeting_hold(
            plan=self.plan,
            by=self.request.user,
            attendance=data["attendance"],
            persons_goals=data["persons_goals"],
            actions=actions,
            lead_unit=data["lead_unit"],
            coordinator=data["coordinator"],
            next_follow_up=data["next_follow_up"],
            close_reason=data["close_reason"],
            activation=self.request.activation,
        )


class FollowUpView(StepView):
    """Uppföljning. A SIP linked to another case (a placement) also shows the plan's
    insatser as rows to edit, with those the linked case carries in pre-filled: changed,
    they become the plan's next version."""

    form_class = forms.FollowUpForm
    template_name = "sipflow/follow_up.html"
    success_message = gettext_lazy("Uppföljningen är registrerad.")

    def get_form_kwargs(self):
        version = self.plan.versions.order_by("-number").first()
        return {**super().get_form_kwargs(), "actions": version.actions.all()}

    def get_initial(self):
        return {
            "next_follow_up": selectors.follow_up_proposed(plan=self.plan, on=timezone.localdate())
        }

    @cached_property
    def carried(self):
        return selectors.plan_carried(plan=self.plan)

    @cached_property
    def formset(self):
        """The plan's rows, for a SIP with a linked case only (None otherwise)."""
        if self.carried is None:
            return None
        initial = selectors.plan_rows_proposed(
            plan=self.plan, on=timezone.localdate(), carried=self.carried
        )
        data = self.request.POST or None
        if data is not None and forms.ADD_ROW in data:
            data = forms.formset_data_with_row_added(data)
        return forms.ActionFormSet(data, prefix="actions", initial=initial)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            formset=self.formset, carried=self.carried, add_row=forms.ADD_ROW, **kwargs
        )

    def post(self, request, *args, **kwargs):
        if forms.ADD_ROW in request.POST and self.formset is not None:  # one more row
            form = self.get_form()
            form.is_valid()
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if self.formset is not None and not self.formset.is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def perform(self, form):
        data = form.cleaned_data
        return services.follow_up_record(
            plan=self.plan,
            by=self.request.user,
            reviews=form.reviews(),
            outcome=data["outcome"],
            next_follow_up=data["next_follow_up"],
            close_reason=data["close_reason"],
            note=data["note"],
            actions=forms.formset_actions(self.formset) if self.formset is not None else None,
            activation=self.request.activation,
        )


class PlanDetailView(TemplateView):
    """The SIP: its plan versions, kallelser with their answers, and the history."""

    template_name = "sipflow/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan, access = selectors.sip_plan_for_user(user=self.request.user, pk=self.kwargs["pk"])
        meetings = plan.meetings.prefetch_related("invitations__unit", "invitations__organisation")
        versions = list(selectors.plan_versions(plan=plan))
        shown = self.request.GET.get("version")
        current = next((v for v in versions if str(v.number) == shown), None) or (
            versions[0] if versions else None
        )
        return super().get_context_data(
            plan=plan,
            access=access,
            meetings=meetings,
            versions=versions,
            version=current,
            history=plan.history.select_related("by", "unit"),
            open_steps=selectors.plan_open_steps(plan=plan, user=self.request.user),
            linked_cases=selectors.plan_linked_cases(plan=plan, user=self.request.user),
            decision=services.plan_consent_check(plan=plan, at=timezone.now())
            if plan.is_open
            else None,
            # A chef sees the way on of a stopped SIP, but starting one is a case worker's.
            may_start=plan.phase == SipPlan.Phase.HALTED
            and user_starts_cases(user=self.request.user),
            **kwargs,
        )


class PersonPlanView(TemplateView):
    """The plan for the person (and a child's vårdnadshavare), printable: their own goals
    first, who does what, when it is followed up, whom to ask. Checked and logged like the
    SIP's page (case_urls)."""

    template_name = "sipflow/person_plan.html"

    def get_context_data(self, **kwargs):
        plan, _access = selectors.sip_plan_for_user(user=self.request.user, pk=self.kwargs["pk"])
        shown = self.request.GET.get("version", "")
        return super().get_context_data(
            person_plan=selectors.person_plan(
                plan=plan,
                on=timezone.localdate(),
                number=int(shown) if shown.isdigit() else None,
            ),
            printed_on=timezone.localdate(),
            **kwargs,
        )


class PersonPlanPdfView(PersonPlanView):
    """The same plan as a PDF: one copy for the person and one for each vårdnadshavare."""

    def render_to_response(self, context, **response_kwargs):
        from core.pdf import pdf_response

        plan = context["person_plan"].plan
        return pdf_response(
            template=self.template_name,
            context={**context, "pdf": True},
            filename=f"plan-sip-{plan.pk}.pdf",
            request=self.request,
        )


class InvitationView(ServiceFormMixin, FormView):
    """Kallelsen: the invited unit accepts, declines or forwards it here."""

    template_name = "sipflow/invitation.html"
    form_class = forms.AnswerForm

    @cached_property
    def invitation(self) -> Invitation:
        return selectors.invitation_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        invitation = self.invitation
        return {
            **super().get_form_kwargs(),
            "organisation": invitation.invitee_organisation,
            "exclude_unit": invitation.unit,
        }

    def get_context_data(self, **kwargs):
        plan = self.invitation.meeting.plan
        # The page names the person by personnummer too, so that the kallad unit can find
        # them in its own records: it is shown only to those the consent covers.
        self.request.case_persons = [plan.person]
        return super().get_context_data(
            invitation=self.invitation,
            meeting=self.invitation.meeting,
            plan=plan,
            sender=selectors.invitation_sender(invitation=self.invitation),
            **kwargs,
        )

    def perform(self, form):
        data, user, invitation = form.cleaned_data, self.request.user, self.invitation
        if data["answer"] == form.ACCEPT:
            self.success_message = _("Ni har accepterat kallelsen.")
            return services.invitation_accept(
                invitation=invitation, by=user, attendees=data["attendees"]
            )
        if data["answer"] == form.DECLINE:
            self.success_message = _("Ni har avböjt kallelsen.")
            return services.invitation_decline(
                invitation=invitation, by=user, reason=data["reason"], note=data["note"]
            )
        self.success_message = _("Kallelsen är vidarebefordrad till %(unit)s.") % {
            "unit": data["to_unit"]
        }
        return services.invitation_forward(invitation=invitation, by=user, to_unit=data["to_unit"])

    def get_success_url(self, result=None) -> str:
        """Back to the kallelse, or, once forwarded out of the user's reach, to the start
        page with what is left to do."""
        if result is not None and not selectors.may_still_see_invitation(
            user=self.request.user, invitation=result
        ):
            return reverse("overview:index")
        return reverse("sip:invitation", kwargs={"pk": self.invitation.pk})


class HaltedCloseView(ServiceFormMixin, FormView):
    """Avsluta a stopped SIP that nobody will take up again."""

    template_name = "sipflow/halted_close.html"
    form_class = forms.HaltedCloseForm
    success_message = gettext_lazy("Den stoppade SIP:en är avslutad.")

    @cached_property
    def plan(self) -> SipPlan:
        plan, _access = selectors.sip_plan_for_user(user=self.request.user, pk=self.kwargs["pk"])
        return plan

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, **kwargs)

    def perform(self, form):
        return services.sip_close_halted(
            plan=self.plan,
            by=self.request.user,
            reason=form.cleaned_data["close_reason"],
            note=form.cleaned_data["note"],
        )

    def get_success_url(self, result=None) -> str:
        return plan_url(self.plan)


class RescheduleView(ServiceFormMixin, FormView):
    template_name = "sipflow/reschedule.html"
    form_class = forms.MeetingTimeForm
    success_message = gettext_lazy("Mötet är flyttat och de kallade har fått besked.")

    @cached_property
    def plan(self) -> SipPlan:
        plan, _access = selectors.sip_plan_for_user(user=self.request.user, pk=self.kwargs["pk"])
        return plan

    @cached_property
    def meeting(self):
        return self.plan.meetings.order_by("-pk").first()

    def get_initial(self):
        meeting = self.meeting
        return {
            "starts_at": meeting.starts_at,
            "place": meeting.place,
            "video_link": meeting.video_link,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, meeting=self.meeting, **kwargs)

    def perform(self, form):
        return services.meeting_reschedule(
            meeting=self.meeting, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result=None) -> str:
        return plan_url(self.plan)


#: The SIP list's searches in the session, by an opaque key: no URL holds the name or number.
SEARCHES_SESSION_KEY = "sip_searches"
PAGE_SIZE = 25


class SipListView(TemplateView):
    """The SIP start page: the SIPs the user may see (replaces viewflow's kanban, which
    lists every process of the flow), searched by the person's name or personnummer and
    narrowed by phase, unit and huvudansvarig, a page at a time. The search itself is sent
    by POST and kept in the session (as Sök person does)."""

    template_name = "sipflow/plan_list.html"

    def post(self, request, *args, **kwargs):
        search = CaseSearchForm(request.POST)
        if not search.is_valid():
            return self.render_to_response(self.get_context_data(search=search))
        params = {
            name: request.POST.get(name, "")
            for name in ("fas", "enhet", "handlaggare")
            if request.POST.get(name)
        }
        if search.cleaned_data["q"].strip():
            params["sokning"] = search_store(
                request, session_key=SEARCHES_SESSION_KEY, query=search.cleaned_data["q"]
            )
        query = f"?{urlencode(params)}" if params else ""
        return redirect(f"{reverse('sip:index')}{query}")

    def get_context_data(self, search=None, **kwargs):
        user = self.request.user
        units, coordinators = selectors.plan_filter_choices(user=user)
        filters = forms.PlanFilterForm(self.request.GET, units=units, coordinators=coordinators)
        data = filters.cleaned_data if filters.is_valid() else {}
        query = search_recall(
            self.request, session_key=SEARCHES_SESSION_KEY, key=data.get("sokning")
        )
        if search is None:
            search = CaseSearchForm({"q": query})
        parsed = search.parsed if search.is_valid() else None
        plans = selectors.plans_filtered(
            user=user,
            words=parsed.words if parsed else (),
            number=parsed.number if parsed else None,
            phase=data.get("fas") or "",
            unit=data.get("enhet"),
            coordinator=data.get("handlaggare"),
        )
        page = Paginator(plans, PAGE_SIZE).get_page(self.request.GET.get("sida"))
        self.request.case_persons = [plan.person for plan in page]  # logged, one each
        keep = self.request.GET.copy()
        keep.pop("sida", None)
        return super().get_context_data(
            plans=page,
            page=page,
            filters=filters,
            search=search,
            filtered=bool(query or data.get("fas") or data.get("enhet") or data.get("handlaggare")),
            keep=keep.urlencode(),
            may_start=user_starts_cases(user=user),
            **kwargs,
        )


#: viewflow's list pages (processes, tasks, inbox, queue, archive, bulk assign), scoped to
#: the cases the user may see (cases.views).
LIST_VIEWS = scoped_flow_views(
    name="Sip",
    visible_process_ids=access.visible_process_ids,
    process_persons=selectors.process_persons,
    case="sip_plan",
    case_prefetch=("meetings",),
    task_link=selectors.task_link,
)


class ProcessDetailView(DetailProcessView):
    """viewflow's process page: its tasks with their owners, and the SIP and its meetings
    that the tasks' summaries show, loaded once rather than per task."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        prefetch_related_objects([context["process"]], "sip_plan__person", "sip_plan__meetings")
        context["task_list"] = context["task_list"].select_related("owner")
        return context
