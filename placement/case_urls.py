"""The ``placement`` namespace in the shared case layer: what each placement page is about
and is logged as, which viewflow page names a process, and the manage actions no one may
take. Registered by PlacementConfig.ready() (cases.registry)."""

from __future__ import annotations

from django.template.response import TemplateResponse

from cases.registry import CaseSubject
from cases.subjects import purpose_of, viewflow_page_purpose, viewflow_process_pk

from .models import HealthExamRequest, Placement

#: The purpose a look or change is logged with, in Swedish as the log is kept.
PLACEMENT_PURPOSES = {
    "placement:placement": "Placering",
    "placement:assessment": "Utredning om placering",
    "placement:alternative": "Prövat alternativ till placering",
    "placement:process_detail": "Placeringsprocess",
    "placement:process_chart": "Placeringsprocessens karta",
    "placement:index": "Lista över placeringar",
    "placement:process_list": "Lista över placeringsprocesser",
    "placement:task_list": "Lista över placeringsuppgifter",
    "placement:inbox": "Inkorg",
    "placement:queue": "Kö",
    "placement:archive": "Arkiv",
    "placement:tasks_assign": "Ta uppgifter",
    "placement:tasks_unassign": "Lämna uppgifter",
    "placement:start:execute": "Inled utredning om placering",
    "placement:care_plan": "Vårdplan",
    "placement:implementation_plan": "Genomförandeplan",
    "placement:health_request_create": "Begäran om hälsoundersökning",
    "placement:school": "Skolgång under placering",
    "placement:dental": "Hemregion för tandvård",
    "placement:health_request": "Begäran om hälsoundersökning",
    "placement:hvb_change": "Byte av HVB",
    "placement:basis_change": "Ändrat lagrum för placering",
    "placement:handover": "Överlämning mellan regioner",
    "placement:visit": "Uppföljningsbesök på placering",
    "placement:sip_link": "Koppla placering till SIP",
    "placement:sip_start": "Initiera SIP från placering",
    "placement:cancel": "Avsluta utredning om placering utan placering",
    "placement:registration_move": "Ny folkbokföring för placerad person",
}

PLACEMENT_PAGES = (
    "placement:placement",
    "placement:assessment",
    "placement:alternative",
    "placement:care_plan",
    "placement:implementation_plan",
    "placement:health_request_create",
    "placement:school",
    "placement:dental",
    "placement:hvb_change",
    "placement:basis_change",
    "placement:handover",
    "placement:visit",
    "placement:sip_link",
    "placement:sip_start",
    "placement:cancel",
    "placement:registration_move",
)


def placement_subject(resolver_match) -> CaseSubject | None:
    """The placement or process a placement page is about, with its person."""
    name, kwargs = resolver_match.view_name, resolver_match.kwargs
    if name in PLACEMENT_PAGES:
        placement = Placement.objects.select_related("person").filter(pk=kwargs["pk"]).first()
        return CaseSubject(placement, placement.person if placement else None, purpose_of(name))
    if name == "placement:health_request":
        request = (
            HealthExamRequest.objects.select_related("placement__person")
            .filter(pk=kwargs["pk"])
            .first()
        )
        placement = request.placement if request else None
        return CaseSubject(placement, placement.person if placement else None, purpose_of(name))
    process_pk = viewflow_process_pk(resolver_match)
    if process_pk is not None:
        placement = Placement.objects.select_related("person").filter(process_id=process_pk)
        placement = placement.first()
        purpose = viewflow_page_purpose(resolver_match, task_label="Placeringsuppgift")
        return CaseSubject(placement, placement.person if placement else None, purpose)
    return None


def manage_refused(request, resolver_match) -> TemplateResponse:
    """The page that says why a manage action is refused, naming the placement."""
    placement = Placement.objects.filter(process_id=viewflow_process_pk(resolver_match)).first()
    return TemplateResponse(
        request, "placement/manage_refused.html", {"placement": placement}, status=403
    )
