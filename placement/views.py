"""Placement pages: viewflow task views for each step before the move, the caseworker's
list, the placement page (in full, or as its HVB sees it), and the utredning's pages.
Thin: forms collect, services decide, selectors read."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from cases.registry import CaseSubject
from cases.tasks import OPEN
from cases.views import scoped_flow_views
from consent.models import Purpose
from consent.selectors import recorded_view_list
from core.views import ServiceFormMixin, search_recall, search_store
from directory.forms import CaseSearchForm
from directory.models import Membership, Unit
from directory.selectors import user_starts_cases
from directory.switches import SwitchCode, switch_row

from . import access, care_forms, forms, selectors, services
from .models import CarePlanVersion, CostAllocation, Placement
from .services.open import PLACING_UNIT_KINDS

KOMMUN, REGION = services.costs.KOMMUN, services.costs.REGION


def placement_url(placement: Placement) -> str:
    return reverse("placement:placement", kwargs={"pk": placement.pk})


class PlacementFormMixin(ServiceFormMixin):
    """A refused step answers 422 with the service's Swedish errors on the form."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


class StepView(PlacementFormMixin, FormView):
    """A viewflow task view: ``request.activation`` is started and holds the flow lock."""

    template_name = "placement/step.html"
    intro = ""

    @cached_property
    def placement(self) -> Placement:
        return self.request.activation.process.placement

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            placement=self.placement,
            title=self.request.activation.flow_task,
            intro=self.intro,
            **kwargs,
        )

    def get_success_url(self, result=None) -> str:
        return placement_url(self.placement)


class StartView(PlacementFormMixin, FormView):
    template_name = "placement/start.html"
    form_class = forms.StartForm
    success_message = gettext_lazy(
        "Utredningen är inledd. Skriv utredningen och de prövade alternativen, och föreslå "
        "sedan placeringen."
    )

    def get_form_kwargs(self):
        units = (
            Unit.objects.filter(
                kind__in=PLACING_UNIT_KINDS,
                memberships__user=self.request.user,
                memberships__role=Membership.Role.SOCIAL_WORKER,
            )
            .select_related("organisation")
            .distinct()
        )
        return {**super().get_form_kwargs(), "units": units, "user": self.request.user}

    def perform(self, form):
        data = form.cleaned_data
        with transaction.atomic():  # a refused start leaves no process behind
            placement = services.placement_open(
                activation=self.request.activation,
                person=data["personal_identity_number"],
                unit=data["unit"],
                by=self.request.user,
            )
            self.request.activation.execute()
        # The access log records the new placement and its person (audit.middleware).
        self.request.case_subject = CaseSubject(
            placement, placement.person, "Inled utredning om placering"
        )
        return placement

    def get_success_url(self, placement) -> str:
        return placement_url(placement)


class ProposeView(StepView):
    form_class = forms.ProposeForm
    template_name = "placement/propose.html"
    intro = gettext_lazy(
        "Utredningen ska vara klar och minst en mindre ingripande insats dokumenterad. "
        "Vid SoL krävs samtycke; vid LVU och LVM dokumenteras personens och "
        "vårdnadshavarnas inställning."
    )
    success_message = gettext_lazy("Placeringen är föreslagen.")

    def get_initial(self):
        placement = self.placement
        return {
            "hvb_unit": placement.hvb_unit,
            "legal_basis": placement.legal_basis,
            "acute": placement.acute,
            "categories": list(placement.categories.all()),
        }

    def perform(self, form):
        proposal = services.placement_propose(
            placement=self.placement,
            by=self.request.user,
            activation=self.request.activation,
            **form.cleaned_data,
        )
        for warning in proposal.warnings:
            messages.warning(self.request, warning)
        return proposal


class LegalStepView(StepView):
    form_class = forms.LegalStepForm
    intro = gettext_lazy(
        "Dokumentera nämndens ansökan, ett omedelbart omhändertagande eller "
        "förvaltningsrättens dom. Vården kan beslutas när ett omedelbart omhändertagande "
        "eller en dom är dokumenterad."
    )
    success_message = gettext_lazy("Steget i tvångsvården är dokumenterat.")

    def perform(self, form):
        return services.legal_step_record(
            placement=self.placement,
            by=self.request.user,
            activation=self.request.activation,
            **form.cleaned_data,
        )


class DecideView(StepView):
    form_class = forms.DecideForm
    success_message = gettext_lazy("Beslutet är dokumenterat.")

    def get_initial(self):
        return {"on": timezone.localdate()}

    def perform(self, form):
        return services.placement_decide(
            placement=self.placement,
            by=self.request.user,
            activation=self.request.activation,
            **form.cleaned_data,
        )


class CostAllocationView(StepView):
    form_class = forms.CostAllocationForm
    template_name = "placement/cost_allocation.html"
    intro = gettext_lazy(
        "Den skriftliga kostnadsfördelningen mellan kommunen och regionen är en bilaga "
        "som personen aldrig ser. Ange belopp per dygn eller andel på varje rad."
    )
    success_message = gettext_lazy(
        "Kostnadsfördelningen är skriven och skickad för godkännande till kommunen och regionen."
    )

    @cached_property
    def formset(self):
        return forms.CostRowFormSet(self.request.POST or None, prefix="rows")

    def get_context_data(self, **kwargs):
        return super().get_context_data(formset=self.formset, **kwargs)

    def form_valid(self, form):
        if not self.formset.is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def perform(self, form):
        rows = [services.CostRow(**row) for row in self.formset.cleaned_data if row]
        return services.cost_allocation_create(
            placement=self.placement,
            by=self.request.user,
            rows=rows,
            activation=self.request.activation,
        )


class ApproveView(StepView):
    form_class = forms.ApproveForm
    template_name = "placement/approve.html"
    success_message = gettext_lazy("Du har godkänt kostnadsfördelningen.")

    @property
    def side(self) -> str:
        return KOMMUN if self.request.activation.flow_task.name == "approve_kommun" else REGION

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            allocation=CostAllocation.objects.prefetch_related("rows__paying_organisation").get(
                placement=self.placement
            ),
            side=self.side,
            **kwargs,
        )

    def perform(self, form):
        return services.cost_allocation_approve(
            allocation=self.placement.cost_allocation,
            by=self.request.user,
            side=self.side,
            activation=self.request.activation,
        )

    def get_success_url(self, result=None) -> str:
        if self.side == REGION:  # the region sees the cost allocation, not the placement
            return reverse("placement:inbox")
        return placement_url(self.placement)


class MoveInView(StepView):
    form_class = forms.MoveInForm
    success_message = gettext_lazy("Inflyttningen är dokumenterad. Placeringen har börjat.")

    def get_initial(self):
        return {"start_date": timezone.localdate()}

    def perform(self, form):
        return services.placement_start(
            placement=self.placement,
            by=self.request.user,
            activation=self.request.activation,
            **form.cleaned_data,
        )


#: The placement list's searches in the session, by an opaque key (core.views).
SEARCHES_SESSION_KEY = "placement_searches"
PAGE_SIZE = 25


class PlacementListView(TemplateView):
    """The socialsekreterare's placements with their next deadline (replaces viewflow's
    kanban, which lists every process of the flow), searched by the person's name or
    personnummer (sent by POST, kept in the session) and narrowed by phase, placing unit
    and handläggare, a page at a time."""

    template_name = "placement/list.html"

    def post(self, request, *args, **kwargs):
        search = CaseSearchForm(request.POST)
        if not search.is_valid():
            return self.render_to_response(self.get_context_data(search=search))
        params = {
            name: request.POST[name]
            for name in ("fas", "enhet", "handlaggare")
            if request.POST.get(name)
        }
        if search.cleaned_data["q"].strip():
            params["sokning"] = search_store(
                request, session_key=SEARCHES_SESSION_KEY, query=search.cleaned_data["q"]
            )
        query = f"?{urlencode(params)}" if params else ""
        return redirect(f"{reverse('placement:index')}{query}")

    def get_context_data(self, search=None, **kwargs):
        user = self.request.user
        units, caseworkers = selectors.placement_filter_choices(user=user)
        filters = forms.PlacementFilterForm(self.request.GET, units=units, caseworkers=caseworkers)
        data = filters.cleaned_data if filters.is_valid() else {}
        query = search_recall(
            self.request, session_key=SEARCHES_SESSION_KEY, key=data.get("sokning")
        )
        if search is None:
            search = CaseSearchForm({"q": query})
        parsed = search.parsed if search.is_valid() else None
        rows = selectors.placements_of_caseworker(
            user=user,
            on=timezone.localdate(),
            number=parsed.number if parsed else None,
            words=parsed.words if parsed else (),
            phase=data.get("fas") or "",
            unit=data.get("enhet"),
            caseworker=data.get("handlaggare"),
        )
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("sida"))
        hvb_rows = list(selectors.placements_in_users_hvb(user=user))
        # Region staff: only the health parts they are asked to do.
        health_requests = list(selectors.health_requests_to_answer(user=user))
        handovers = list(selectors.region_handovers(user=user))
        self.request.case_persons = [
            *(row.placement.person for row in page),
            *(placement.person for placement in hvb_rows),
            *(row.placement.person for row in (*health_requests, *handovers)),
        ]  # logged, one each
        keep = self.request.GET.copy()
        keep.pop("sida", None)
        return super().get_context_data(
            rows=page,
            page=page,
            filters=filters,
            search=search,
            filtered=bool(query or data.get("fas") or data.get("enhet") or data.get("handlaggare")),
            show_filters=bool(units),
            keep=keep.urlencode(),
            hvb_rows=hvb_rows,
            health_requests=health_requests,
            handovers=handovers,
            may_start=user_starts_cases(user=user),
            **kwargs,
        )


class PlacementDetailView(TemplateView):
    """The placement: in full for the placing unit, limited for its HVB."""

    def get_template_names(self):
        if self.access == access.HVB:
            return ["placement/detail_hvb.html"]
        return ["placement/detail.html"]

    @cached_property
    def found(self):
        return selectors.placement_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @property
    def access(self) -> str:
        return self.found[1]

    def get_context_data(self, **kwargs):
        placement, kind = self.found
        context = {"placement": placement, "access": kind}
        context.update(selectors.placement_care(placement=placement, hvb=kind == access.HVB))
        if kind != access.HVB:
            context["may_cancel"] = services.cancel_refusal(placement) is None
            assessment, today = placement.assessment, timezone.localdate()
            context.update(
                today=today,
                clocks=selectors.placement_clocks(placement=placement, on=today),
                visits=selectors.placement_visits(placement=placement),
                may_visit=placement.phase in selectors.LIVING_THERE,
                areas=_areas_with_text(assessment),
                alternatives=placement.alternatives.all(),
                legal_steps=placement.legal_steps.all(),
                recorded_views=recorded_view_list(
                    person=placement.person, purposes=[Purpose.PLACEMENT]
                ),
                allocation=CostAllocation.objects.select_related(
                    "approved_by_kommun", "approved_by_region"
                )
                .prefetch_related("rows__paying_organisation")
                .filter(placement=placement)
                .first(),
                history=placement.history.select_related("by", "unit"),
                open_tasks=_open_tasks(placement, user=self.request.user),
                editable=placement.phase in Placement.BEFORE_DECISION,
                running=placement.phase in selectors.RUNNING,
                has_handover=placement.handovers.exists(),
                categories=placement.categories.all(),
                sip=selectors.placement_sip(
                    placement=placement, user=self.request.user, at=timezone.now()
                ),
            )
        return super().get_context_data(**context, **kwargs)


def _areas_with_text(assessment) -> list[tuple[object, str]]:
    texts = dict(assessment.entries.values_list("area_id", "text"))
    return [(area, texts.get(area.pk, "")) for area in assessment.template.areas.all()]


def _open_tasks(placement: Placement, *, user) -> list:
    """The placement's open tasks, each with ``url`` to its page where the user may take or
    do it (viewflow's task page sends an unassigned task to its assign page)."""
    if placement.process_id is None:
        return []
    tasks = list(
        placement.process.task_set.filter(status__in=OPEN).select_related("owner").order_by("pk")
    )
    for task in tasks:
        node = task.flow_task
        mine = hasattr(node, "can_execute") and (
            node.can_execute(user, task) or node.can_assign(user, task)
        )
        task.url = node.reverse("index", args=[placement.process_id, task.pk]) if mine else ""
    return tasks


class OwnPlacementMixin:
    """Pages of the utredning: for the placing unit's staff only."""

    @cached_property
    def placement(self) -> Placement:
        placement, kind = selectors.placement_for_user(user=self.request.user, pk=self.kwargs["pk"])
        if kind == access.HVB:
            raise Http404
        return placement

    def get_context_data(self, **kwargs):
        return super().get_context_data(placement=self.placement, **kwargs)

    def get_success_url(self, result=None) -> str:
        return placement_url(self.placement)


class AssessmentView(OwnPlacementMixin, PlacementFormMixin, FormView):
    template_name = "placement/page_form.html"
    success_message = gettext_lazy("Utredningen är sparad.")
    title = gettext_lazy("Utredning")

    def get_form(self, form_class=None):
        assessment = self.placement.assessment
        return forms.AssessmentForm(
            self.request.POST or None,
            areas=assessment.template.areas.all(),
            texts=dict(assessment.entries.values_list("area_id", "text")),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)

    def perform(self, form):
        return services.assessment_record(
            placement=self.placement, by=self.request.user, entries=form.cleaned_data
        )


class AlternativeView(OwnPlacementMixin, PlacementFormMixin, FormView):
    template_name = "placement/page_form.html"
    form_class = forms.AlternativeForm
    success_message = gettext_lazy("Det prövade alternativet är dokumenterat.")
    title = gettext_lazy("Mindre ingripande insats som prövats")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)

    def perform(self, form):
        return services.alternative_record(
            placement=self.placement, by=self.request.user, **form.cleaned_data
        )


class DecisionView(OwnPlacementMixin, PlacementFormMixin, FormView):
    """A decision during the placement that is no step of its process."""

    template_name = "placement/page_form.html"

    def get_initial(self):
        return {"on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, intro=self.intro, **kwargs)


class HvbChangeView(DecisionView):
    form_class = forms.HvbChangeForm
    title = gettext_lazy("Byt HVB")
    intro = gettext_lazy(
        "Bytet är ett eget beslut. Det nya HVB:et får behörighet från dagen bytet gäller och "
        "det gamla förlorar sin; revidera kostnadsfördelningen om kostnaden ändras."
    )
    success_message = gettext_lazy("Bytet av HVB är dokumenterat.")

    def perform(self, form):
        return services.placement_hvb_change(
            placement=self.placement, by=self.request.user, **form.cleaned_data
        )


class BasisChangeView(DecisionView):
    form_class = forms.BasisChangeForm
    title = gettext_lazy("Ändra lagrum till LVU")
    intro = gettext_lazy(
        "En placering enligt SoL kan fortsätta enligt LVU från ett omedelbart "
        "omhändertagande eller förvaltningsrättens dom. Personen måste vara ung nog för "
        "lagrummet."
    )
    success_message = gettext_lazy("Lagrummet är ändrat.")

    def perform(self, form):
        return services.placement_basis_change(
            placement=self.placement, by=self.request.user, **form.cleaned_data
        )


class HandoverView(PlacementFormMixin, FormView):
    """The region handover: for the placing unit, and for the old and the new region's
    staff, who see only the handover (who, between which regions, since when, what is
    handed over). The old region hands over; then the new region confirms."""

    template_name = "placement/handover.html"

    @cached_property
    def found(self):
        return selectors.handover_for_user(user=self.request.user, placement_pk=self.kwargs["pk"])

    @property
    def step(self) -> str | None:
        """What the user does here now: hand over (the old region), confirm (the new
        region, once handed over), or nothing."""
        handover, kind = self.found
        if kind == access.OLD_REGION and not handover.handed_over:
            return "send"
        if kind == access.NEW_REGION and handover.handed_over and handover.open:
            return "confirm"
        return None

    def get_form_class(self):
        return forms.HandoverSendForm if self.step == "send" else forms.HandoverConfirmForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        handover = self.found[0]
        if (
            self.step == "confirm"
            and selectors.handover_open_health_requests(handover=handover).exists()
        ):
            kwargs["health_units"] = selectors.handover_health_units(
                handover=handover, user=self.request.user
            )
        return kwargs

    @property
    def success_message(self) -> str:
        if self.step == "send":
            return gettext_lazy("Överlämningen är skickad till den nya regionen.")
        return gettext_lazy("Överlämningen är bekräftad.")

    def get_context_data(self, **kwargs):
        handover, kind = self.found
        return super().get_context_data(handover=handover, access=kind, step=self.step, **kwargs)

    def perform(self, form):
        handover = self.found[0]
        if self.step == "send":
            return services.region_handover_send(
                handover=handover, by=self.request.user, **form.cleaned_data
            )
        return services.region_handover_confirm(
            handover=handover,
            by=self.request.user,
            health_unit=form.cleaned_data.get("health_unit"),
        )

    def get_success_url(self, result=None) -> str:
        return self.request.path


class RegistrationMoveView(DecisionView):
    """The person's folkbokföring moved: where it moves to another region, a handover
    between the regions opens (the old region hands over, the new one confirms)."""

    form_class = forms.RegistrationMoveForm
    title = gettext_lazy("Ny folkbokföring")
    intro = gettext_lazy(
        "Flyttar folkbokföringen till en kommun i en annan region tar den nya regionen över "
        "hälso- och sjukvården: den gamla regionen lämnar över och har kvar vården tills den "
        "nya har bekräftat."
    )

    def perform(self, form):
        return services.person_registration_move(
            person=self.placement.person, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result=None) -> str:
        if any(handover.placement_id == self.placement.pk for handover in result or ()):
            messages.success(
                self.request,
                gettext_lazy(
                    "Folkbokföringen är registrerad. Överlämningen mellan regionerna har börjat."
                ),
            )
            return reverse("placement:handover", kwargs={"pk": self.placement.pk})
        messages.success(
            self.request,
            gettext_lazy(
                "Folkbokföringen är registrerad. Ingen överlämning mellan regioner behövs."
            ),
        )
        return placement_url(self.placement)


class CancelView(OwnPlacementMixin, PlacementFormMixin, FormView):
    """Avsluta utredningen utan placering, before the move: a required reason and a
    confirmation. Once the person has moved in, the page says why it cannot be done."""

    template_name = "placement/cancel.html"
    form_class = forms.CancelForm
    success_message = gettext_lazy("Utredningen är avslutad utan placering.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(refusal=services.cancel_refusal(self.placement), **kwargs)

    def perform(self, form):
        return services.placement_cancel(
            placement=self.placement, by=self.request.user, reason=form.cleaned_data["reason"]
        )


#: viewflow's list pages (processes, tasks, inbox, queue, archive, bulk assign), scoped to
#: the cases the user may see (cases.views).
LIST_VIEWS = scoped_flow_views(
    name="Placement",
    visible_process_ids=access.visible_process_ids,
    process_persons=selectors.process_persons,
    case="placement",
    case_prefetch=(),
)


class ReviewView(StepView):
    form_class = forms.ReviewForm
    intro = gettext_lazy(
        "Övervägandet (SoL, LVU 2 §) eller omprövningen (LVU 3 §) görs var sjätte månad "
        "räknat från inflyttningen. Fortsätter eller ändras placeringen öppnas nästa "
        "övervägande; ska den avslutas börjar planeringen av avslutet."
    )
    success_message = gettext_lazy("Övervägandet är dokumenterat.")

    def get_form_kwargs(self):
        health_check = selectors.review_health_check_required(
            placement=self.placement, on=timezone.localdate()
        )
        return {
            **super().get_form_kwargs(),
            "health_check": health_check,
            "source": str(switch_row(code=SwitchCode.FIRST_REVIEW_HEALTH_CHECK).source),
        }

    def get_initial(self):
        return {
            "held_on": timezone.localdate(),
            # The region's answer on file: the examination was offered (then done or declined).
            "health_examination_offered": self.placement.health_exam_requests.exclude(
                outcome=""
            ).exists(),
        }

    def perform(self, form):
        return services.review_record(
            placement=self.placement,
            by=self.request.user,
            activation=self.request.activation,
            **form.cleaned_data,
        )


class EndingPlanView(StepView):
    form_class = forms.EndingPlanForm
    intro = gettext_lazy(
        "Planera avslutet med personen, vårdnadshavarna och HVB:t: vart personen flyttar och "
        "vilka insatser som fortsätter."
    )
    success_message = gettext_lazy("Planeringen av avslutet har börjat.")

    def perform(self, form):
        return services.placement_ending_plan(
            placement=self.placement, by=self.request.user, activation=self.request.activation
        )


class EndView(StepView):
    """The end. The insatser that go on start from the current vårdplan's: a row left
    empty stops; the linked SIP's next follow-up carries the others."""

    form_class = forms.EndForm
    template_name = "placement/end.html"
    intro = gettext_lazy(
        "När personen har flyttat: skälet, vart personen flyttar och vilka insatser som "
        "fortsätter. HVB:t förlorar sin behörighet och uppföljningen efter placeringen börjar."
    )
    success_message = gettext_lazy("Placeringen är avslutad. Uppföljningen har börjat.")

    def get_initial(self):
        return {"ended_on": timezone.localdate()}

    @cached_property
    def formset(self):
        current = selectors.plan_versions(
            placement=self.placement, kind=CarePlanVersion.Kind.CARE_PLAN
        ).first()
        initial = (
            [{"what": row.what, "who": row.who, "when": row.when} for row in current.insatser.all()]
            if current
            else []
        )
        return care_forms.InsatsFormSet(
            self.request.POST or None, prefix="insatser", initial=initial
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            formset=self.formset, sip_linked=self.placement.sip_plan_id is not None, **kwargs
        )

    def form_valid(self, form):
        if not self.formset.is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def perform(self, form):
        return services.placement_end(
            placement=self.placement,
            by=self.request.user,
            activation=self.request.activation,
            continuing=care_forms.formset_insatser(self.formset),
            **form.cleaned_data,
        )


class SipPageMixin(OwnPlacementMixin, PlacementFormMixin):
    """The placement's SIP: linked, or started from here, where the consent to a SIP
    allows it (placement.services.sip). For the placing unit's staff."""

    template_name = "placement/sip_form.html"

    @cached_property
    def sip(self) -> selectors.PlacementSip:
        return selectors.placement_sip(
            placement=self.placement, user=self.request.user, at=timezone.now()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, intro=self.intro, sip=self.sip, **kwargs)


class SipLinkView(SipPageMixin, FormView):
    form_class = forms.SipLinkForm
    title = gettext_lazy("Koppla placeringen till en pågående SIP")
    intro = gettext_lazy(
        "SIP:ens uppföljningar för då vidare insatserna i placeringens vårdplan, och de "
        "insatser som fortsätter när placeringen avslutas. Kopplingen kräver att samtycket "
        "till SIP:en omfattar er enhet."
    )
    success_message = gettext_lazy(
        "Placeringen är kopplad till SIP:en. SIP:ens uppföljningar för vidare placeringens "
        "insatser."
    )

    def get_form_kwargs(self):
        plans = selectors.open_sips_to_link(placement=self.placement, user=self.request.user)
        return {**super().get_form_kwargs(), "plans": plans.select_related("started_unit")}

    def perform(self, form):
        return services.placement_sip_link(
            placement=self.placement, plan=form.cleaned_data["plan"], by=self.request.user
        )


class SipStartView(SipPageMixin, FormView):
    form_class = forms.SipStartForm
    title = gettext_lazy("Initiera en SIP från placeringen")
    intro = gettext_lazy(
        "Er enhet initierar SIP:en och förbereder den sedan: parter, information som delas "
        "och huvudansvarig. SIP:ens uppföljningar för vidare placeringens insatser."
    )
    success_message = gettext_lazy(
        "SIP:en är initierad och kopplad till placeringen. Nästa steg: samtycke och parter."
    )

    def get_initial(self):
        current = selectors.plan_versions(
            placement=self.placement, kind=CarePlanVersion.Kind.CARE_PLAN
        ).first()
        if current is None:
            return {}
        rows = [f"{row.what} ({row.who}, {row.when})" for row in current.insatser.all()]
        return {"social_needs": "\n".join(rows)}

    def perform(self, form):
        return services.placement_sip_start(
            placement=self.placement, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result=None) -> str:
        return reverse("sip:plan", kwargs={"pk": result.pk})


class CloseView(StepView):
    form_class = forms.CloseForm
    intro = gettext_lazy(
        "Uppföljningen efter placeringen har löpt ut. Skriv vad den visade; ärendet avslutas."
    )
    success_message = gettext_lazy("Ärendet är avslutat.")

    def perform(self, form):
        return services.placement_close(
            placement=self.placement,
            by=self.request.user,
            activation=self.request.activation,
            **form.cleaned_data,
        )
