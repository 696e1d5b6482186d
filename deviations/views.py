"""Avvikelser pages: the list, the report form, a report with its log, the actions of the
joint handling (temporary allocation, handler, notes, measures and sign-off), the tvist
ladder, the export and the statistics. Thin: forms collect, services decide, selectors
read. A report one may not see answers 404, as one that does not exist."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from cases.registry import CaseSubject, reportable_case, reportable_cases
from core.views import ServiceFormMixin
from directory.models import Membership
from directory.selectors import user_managed_units

from . import forms, selectors, services
from .access import DeviationAccess, require_deviation_access
from .export import deviation_export, export_csv, export_json, export_rows
from .models import Deviation, Dispute
from .rules import HANDLING_SOURCE, LADDER, LADDER_SOURCE, SMALL_CELL, DisputeLevelCode
from .statistics import deviation_statistics

#: The years the statistics offer: from the first agreement with the ladder to this year.
FIRST_YEAR = 2021


class DeviationListView(TemplateView):
    template_name = "deviations/list.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        if status not in Deviation.Status.values:
            status = ""
        rows = selectors.deviation_rows(user=self.request.user, status=status or None)
        page = Paginator(rows, selectors.PAGE_SIZE).get_page(self.request.GET.get("page"))
        # The list names the people the user may see: the access log records each one.
        self.request.case_persons = [
            row.person for row in page.object_list if row.person_visible and row.person
        ]
        return super().get_context_data(
            page=page,
            status=status,
            statuses=Deviation.Status.choices,
            may_report=selectors.report_units(user=self.request.user).exists(),
            may_see_statistics=user_managed_units(user=self.request.user).exists(),
            **kwargs,
        )


class ReportView(ServiceFormMixin, FormView):
    template_name = "deviations/report.html"
    form_class = forms.ReportForm
    success_message = _(
        "Avvikelsen är rapporterad och den berörda enheten har fått en notis. Den tillfälliga "
        "ansvarsfördelningen gäller när den andra parten har godkänt den."
    )

    @cached_property
    def preselected(self):
        """The case named by ``?case=sip:12`` (a link from the case's page), if the user may
        see it: the full check of its process."""
        kind, _sep, pk = self.request.GET.get("case", "").partition(":")
        cases = reportable_case(kind)
        if cases is None or not pk.isdigit() or len(pk) > 18:
            return None
        return cases.reference(user=self.request.user, case_id=int(pk))

    def get_form_kwargs(self):
        user = self.request.user
        cases = []
        for spec in reportable_cases():
            refs = list(spec.choices(user=user))
            chosen = self.preselected
            if (
                chosen is not None
                and chosen.case_kind == spec.case_kind
                and all(ref.case_id != chosen.case_id for ref in refs)
            ):
                refs.insert(0, chosen)
            cases.append((spec.label, refs))
        # The choices name people: the access log records each one shown.
        self.request.case_persons = [ref.person for _label, refs in cases for ref in refs]
        return {
            **super().get_form_kwargs(),
            "units": selectors.report_units(user=user),
            "concerned": selectors.concerned_unit_choices(user=user),
            "cases": cases,
        }

    def get_initial(self):
        initial = {"occurred_on": timezone.localdate(), "allocation_until": None}
        reference = self.preselected
        if reference is not None:
            initial["case"] = f"{reference.case_kind}:{reference.case_id}"
            own = {unit.organisation_id for unit in selectors.report_units(user=self.request.user)}
            others = [unit for unit in reference.units if unit.organisation_id not in own]
            if others:
                initial["concerned_unit"] = others[0]
        return initial

    def perform(self, form):
        data = form.cleaned_data
        case_kind, case_id = data["case"]
        deviation = services.deviation_report(
            by=self.request.user,
            unit=data["unit"],
            occurred_on=data["occurred_on"],
            description=data["description"],
            category=data["category"],
            harm=data["harm"],
            agreement=data["agreement"],
            concerned_units=form.concerned_units(),
            responsibilities=data["responsibilities"],
            allocation_until=data["allocation_until"],
            case_kind=case_kind,
            case_id=case_id,
        )
        # The access log records the new report and its person (audit.middleware).
        self.request.case_subject = CaseSubject(deviation, deviation.person, "Rapportera avvikelse")
        return deviation

    def get_success_url(self, deviation) -> str:
        return selectors.deviation_url(deviation)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


class DeviationMixin:
    """A page about one report the user may see (404 otherwise, before anything else)."""

    access: DeviationAccess

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.access = require_deviation_access(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    @property
    def deviation(self) -> Deviation:
        return self.access.deviation

    def get_context_data(self, **kwargs):
        return super().get_context_data(deviation=self.deviation, access=self.access, **kwargs)


class DetailView(DeviationMixin, TemplateView):
    template_name = "deviations/detail.html"

    def get_context_data(self, **kwargs):
        deviation, access = self.deviation, self.access
        parties = selectors.deviation_parties(deviation=deviation)
        allocation = selectors.current_allocation(deviation=deviation)
        approved = (
            {approval.party_id for approval in allocation.approvals.all()} if allocation else set()
        )
        mine = {party.pk for party in access.parties}
        dispute = selectors.dispute_of(deviation=deviation)
        return super().get_context_data(
            parties=parties,
            allocation=allocation,
            approved=approved,
            may_agree=deviation.status == Deviation.Status.REPORTED and bool(mine - approved),
            may_act=bool(mine) and deviation.status != Deviation.Status.CLOSED,
            may_dispute=deviation.status != Deviation.Status.CLOSED
            and bool(
                access.handles
                or selectors.user_is_manager_of(
                    user=self.request.user, units=[party.unit_id for party in access.parties]
                )
            ),
            handles=access.handles,
            may_sign_off=any(party.signed_off_at is None for party in access.handles)
            and bool(deviation.measures)
            and deviation.status == Deviation.Status.INVESTIGATING
            and not (dispute and dispute.is_open),
            log=selectors.deviation_log(deviation=deviation),
            dispute=dispute,
            ladder=_ladder(dispute),
            note_form=forms.NoteForm(parties=access.parties),
            handling_source=HANDLING_SOURCE,
            **kwargs,
        )


def _ladder(dispute: Dispute | None) -> list[dict]:
    """Each level of the ladder, with its recorded row where the tvist reached it and, at
    Länschefsnätverket, the notice rule's dates."""
    if dispute is None:
        return []
    rows = {level.level: level for level in dispute.levels.all()}
    today = timezone.localdate()
    ladder = []
    for code in DisputeLevelCode.values:
        row = rows.get(code)
        check = None
        if LADDER[code].notice and row is not None:
            check = selectors.notice_check(notice_on=row.notice_on, meeting_on=row.meeting_on)
        ladder.append(
            {
                "code": code,
                "label": DisputeLevelCode(code).label,
                "proposer": LADDER[code].proposer,
                "row": row,
                "current": dispute.stage == code,
                "check": check,
                "notice_late": bool(
                    check
                    and row.notice_on is None
                    and check.latest_notice
                    and check.latest_notice < today
                ),
            }
        )
    return ladder


class ActionView(DeviationMixin, ServiceFormMixin, FormView):
    """One step of the joint handling, on a page of its own (the detail page posts here)."""

    template_name = "deviations/action.html"
    title = ""
    intro = ""
    submit_label = _("Spara")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title, intro=self.intro, submit_label=self.submit_label, **kwargs
        )

    def get_success_url(self, result=None) -> str:
        return selectors.deviation_url(self.deviation)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response

    def party_kwargs(self):
        return {**super().get_form_kwargs(), "parties": self.access.parties}


class AllocationView(ActionView):
    form_class = forms.AllocationForm
    title = _("Föreslå en ny tillfällig ansvarsfördelning")
    intro = _(
        "Förslaget ersätter det som gäller nu. Det gäller när alla berörda organisationer har "
        "godkänt det; till dess visas avvikelsen i rött för cheferna och påminnelser går ut."
    )
    success_message = _("Förslaget är skickat till de andra parterna.")

    def get_form_kwargs(self):
        return self.party_kwargs()

    def perform(self, form):
        return services.allocation_propose(
            deviation=self.deviation,
            by=self.request.user,
            responsibilities=form.cleaned_data["responsibilities"],
            until=form.cleaned_data["until"],
            party=form.party(),
        )


class AgreeView(ActionView):
    form_class = forms.PartyForm
    title = _("Godkänn den tillfälliga ansvarsfördelningen")
    submit_label = _("Godkänn")
    success_message = _("Din organisation har godkänt den tillfälliga ansvarsfördelningen.")

    def get_form_kwargs(self):
        return self.party_kwargs()

    def get_context_data(self, **kwargs):
        allocation = selectors.current_allocation(deviation=self.deviation)
        return super().get_context_data(allocation=allocation, **kwargs)

    def perform(self, form):
        return services.allocation_agree(
            deviation=self.deviation, by=self.request.user, party=form.party()
        )


class HandlerView(ActionView):
    form_class = forms.HandlerForm
    title = _("Utse handläggare")
    intro = _(
        "Varje berörd organisation utser en handläggare för avvikelsen, i en kommun ofta "
        "MAS, MAR eller SAS. Handläggaren skriver och godkänner åtgärderna."
    )
    success_message = _("Handläggaren är utsedd.")

    def get_form_kwargs(self):
        organisations = [party.organisation_id for party in self.access.parties]
        return {
            **self.party_kwargs(),
            "candidates": selectors.handler_candidates(organisations=organisations),
        }

    def perform(self, form):
        parties = self.access.parties
        party = form.party() or (parties[0] if parties else None)
        if party is None:
            raise PermissionDenied
        return services.handler_name(
            deviation=self.deviation,
            by=self.request.user,
            party=party,
            handler=form.cleaned_data["handler"],
            role=form.cleaned_data["role"],
        )


class NoteView(ActionView):
    form_class = forms.NoteForm
    title = _("Skriv en utredningsanteckning")
    success_message = _("Anteckningen är sparad i avvikelsens logg.")

    def get_form_kwargs(self):
        return self.party_kwargs()

    def perform(self, form):
        return services.note_add(
            deviation=self.deviation,
            by=self.request.user,
            text=form.cleaned_data["text"],
            party=form.party(),
        )


class MeasuresView(ActionView):
    form_class = forms.MeasuresForm
    title = _("Vidtagna åtgärder")
    intro = _(
        "Avvikelsen avslutas när varje berörd organisations handläggare har godkänt åtgärderna."
    )
    success_message = _("Åtgärderna är sparade. Handläggarna har ombetts att godkänna dem.")

    def get_initial(self):
        return {"measures": self.deviation.measures}

    def perform(self, form):
        return services.measures_record(
            deviation=self.deviation, by=self.request.user, measures=form.cleaned_data["measures"]
        )


class SignOffView(ActionView):
    form_class = forms.PartyForm
    title = _("Godkänn åtgärderna")
    submit_label = _("Godkänn")
    success_message = _("Du har godkänt åtgärderna för din organisation.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parties": self.access.handles}

    def get_context_data(self, **kwargs):
        return super().get_context_data(measures=self.deviation.measures, **kwargs)

    def perform(self, form):
        return services.measures_sign_off(
            deviation=self.deviation, by=self.request.user, party=form.party()
        )


class DisputeRaiseView(ActionView):
    form_class = forms.DisputeRaiseForm
    title = _("Ta upp som tvist")
    submit_label = _("Ta upp som tvist")
    intro = _(
        "En tvist hanteras först av tjänsteledningen i kommunen och regionen, därefter av "
        "Länschefsnätverket och sist av Välfärdsrådet."
    )
    success_message = _("Avvikelsen är nu en tvist på lokal nivå.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(source=LADDER_SOURCE, **kwargs)

    def perform(self, form):
        return services.dispute_raise(
            deviation=self.deviation, by=self.request.user, matter=form.cleaned_data["matter"]
        )


class DisputeStepMixin:
    """A page about the tvist's current level: 404 where the report has no tvist."""

    @cached_property
    def dispute(self) -> Dispute:
        dispute = selectors.dispute_of(deviation=self.deviation)
        if dispute is None:
            raise Http404
        return dispute

    @cached_property
    def level(self):
        return next(
            (level for level in self.dispute.levels.all() if level.level == self.dispute.stage),
            None,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            dispute=self.dispute, level=self.level, source=LADDER_SOURCE, **kwargs
        )

    def get_form(self, form_class=None):
        if not self.dispute.is_open:
            raise PermissionDenied
        return super().get_form(form_class)


class DisputeLevelView(DisputeStepMixin, ActionView):
    form_class = forms.DisputeLevelForm
    title = _("Tvisten på den här nivån: förslag, avisering och möte")
    success_message = _("Uppgifterna om tvisten är sparade.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "notice": LADDER[self.dispute.stage].notice}

    def get_initial(self):
        level = self.level
        return {
            "proposal": level.proposal,
            "proposal_on": level.proposal_on,
            "notice_on": level.notice_on,
            "written_on": level.written_on,
            "meeting_on": level.meeting_on,
        }

    def perform(self, form):
        return services.dispute_level_record(
            dispute=self.dispute, by=self.request.user, **form.cleaned_data
        )


class DisputeDecideView(DisputeStepMixin, ActionView):
    form_class = forms.DisputeDecideForm
    title = _("Beslut på den här nivån")
    success_message = _("Beslutet är registrerat.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "stage": self.dispute.stage}

    def get_initial(self):
        return {"decided_on": timezone.localdate()}

    def perform(self, form):
        data = form.cleaned_data
        return services.dispute_decide(
            dispute=self.dispute,
            by=self.request.user,
            decision=data["decision"],
            decided_on=data["decided_on"],
            resolved=data["outcome"] == forms.DisputeDecideForm.RESOLVED,
        )


class ExportView(DeviationMixin, TemplateView):
    """The printable export for the region's incident system, with the files to attach."""

    template_name = "deviations/export.html"

    def get_context_data(self, **kwargs):
        data = deviation_export(deviation=self.deviation)
        return super().get_context_data(data=data, rows=export_rows(data), **kwargs)


class ExportFileView(DeviationMixin, View):
    """The export as a file to attach in the incident system."""

    kind = "json"

    def get(self, request, *args, **kwargs):
        data = deviation_export(deviation=self.deviation)
        if self.kind == "csv":
            response = HttpResponse(export_csv(data), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                export_json(data), content_type="application/json; charset=utf-8"
            )
        filename = f"{self.deviation.reference}.{self.kind}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class StatisticsView(TemplateView):
    """For chefs: the year's avvikelser concerning their organisations, small cells
    suppressed."""

    template_name = "deviations/statistics.html"

    def dispatch(self, request, *args, **kwargs):
        if (
            request.user.is_authenticated
            and not Membership.objects.filter(
                user=request.user, role=Membership.Role.MANAGER
            ).exists()
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        this_year = timezone.localdate().year
        years = list(range(this_year, FIRST_YEAR - 1, -1))
        form = forms.StatisticsForm(self.request.GET or None, years=years)
        year = form.cleaned_data["year"] if form.is_valid() else this_year
        return super().get_context_data(
            form=form,
            statistics=deviation_statistics(user=self.request.user, year=year),
            small_cell=SMALL_CELL,
            **kwargs,
        )
