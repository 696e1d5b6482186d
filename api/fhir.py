"""A SIP's current plan as an HL7 FHIR CarePlan, the international counterpart of the
national GetCarePlans contract: what a regional integration platform maps onward.

Built with ``fhir.resources`` and validated by it on construction. The package's R4B
(4.3.0) models are used: R4B changed nothing in CarePlan or Goal against R4 (4.0.1), so the
resource is an R4 CarePlan. The person's goals ("Vad är viktigt för dig?") are a contained
``Goal``; each insats is an activity whose performer is the responsible unit or
organisation (contained ``Organization``s); the huvudansvarig unit is the author, the
huvudansvarig person a contributor; the next follow-up is a scheduled activity of its own.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from fhir.resources.R4B.careplan import CarePlan

from directory.models import Organisation, Person, Unit
from sipflow.models import PlanVersion, SipPlan

FHIR_CONTENT_TYPE = "application/fhir+json"
#: Swedish personnummer and samordningsnummer (Skatteverket's and the national OIDs).
PERSONNUMMER_SYSTEM = "urn:oid:1.2.752.129.2.1.3.1"
SAMORDNINGSNUMMER_SYSTEM = "urn:oid:1.2.752.129.2.1.3.3"
SIP_SYSTEM = "urn:sipflow:sip"
#: SNOMED CT 734163000 |Care plan (record artifact)| names the kind of plan.
SNOMED = "http://snomed.info/sct"

CAREPLAN_STATUS = {
    SipPlan.Phase.CLOSED: "completed",
    SipPlan.Phase.HALTED: "on-hold",
}


def _patient(person: Person) -> dict:
    system = SAMORDNINGSNUMMER_SYSTEM if person.is_coordination_number else PERSONNUMMER_SYSTEM
    return {
        "type": "Patient",
        "identifier": {"system": system, "value": person.personal_identity_number},
        "display": str(person),
    }


def _organisation_id(unit: Unit | None, organisation: Organisation) -> str:
    return f"unit-{unit.pk}" if unit is not None else f"organisation-{organisation.pk}"


def _organisation_resource(unit: Unit | None, organisation: Organisation) -> dict:
    resource = {
        "resourceType": "Organization",
        "id": _organisation_id(unit, organisation),
        "name": unit.name if unit is not None else organisation.name,
    }
    if unit is not None:
        resource["partOf"] = {"display": organisation.name}
    return resource


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat()


def _activity_status(starts_on: dt.date, ends_on: dt.date | None, today: dt.date) -> str:
    if starts_on > today:
        return "not-started"
    if ends_on is not None and ends_on < today:
        return "completed"
    return "in-progress"


def sip_care_plan(*, plan: SipPlan, version: PlanVersion, today: dt.date) -> CarePlan:
    """The CarePlan of ``version`` (the SIP's current plan), validated."""
    patient = _patient(plan.person)
    parties: dict[str, dict] = {}

    def party(unit: Unit | None, organisation: Organisation) -> dict:
        reference = _organisation_id(unit, organisation)
        parties.setdefault(reference, _organisation_resource(unit, organisation))
        return {"reference": f"#{reference}", "display": parties[reference]["name"]}

    lead = party(version.lead_unit, version.lead_unit.organisation)
    goal = {
        "resourceType": "Goal",
        "id": "goal",
        "lifecycleStatus": "active" if plan.is_open else "completed",
        "description": {"text": version.persons_goals},
        "subject": patient,
        "expressedBy": patient,
    }
    activities = []
    for action in version.actions.all():
        detail = {
            "status": _activity_status(action.starts_on, action.ends_on, today),
            "description": action.action,
            "reasonCode": [{"text": action.need}],
            "goal": [{"reference": "#goal"}],
            "performer": [party(action.responsible_unit, action.responsible_organisation)],
            "scheduledPeriod": {
                "start": action.starts_on.isoformat(),
                **({"end": action.ends_on.isoformat()} if action.ends_on else {}),
            },
        }
        activity = {"detail": detail}
        if action.persons_part:
            activity["progress"] = [{"text": f"Personens egen del: {action.persons_part}"}]
        activities.append(activity)
    if plan.is_open and version.next_follow_up is not None:
        activities.append(
            {
                "detail": {
                    "kind": "Appointment",
                    "status": "scheduled",
                    "description": "Uppföljning av planen",
                    "performer": [lead],
                    "scheduledPeriod": {"start": version.next_follow_up.isoformat()},
                }
            }
        )
    period = {"start": _local(version.created_at)}
    if plan.closed_at is not None:
        period["end"] = _local(plan.closed_at)
    contributor = [lead]
    if plan.coordinator_id:
        contributor.append({"display": plan.coordinator.get_full_name() or str(plan.coordinator)})
    resource = {
        "resourceType": "CarePlan",
        "id": f"sip-{plan.pk}-v{version.number}",
        "identifier": [{"system": SIP_SYSTEM, "value": f"{plan.pk}"}],
        "status": CAREPLAN_STATUS.get(plan.phase, "active"),
        "intent": "plan",
        "category": [
            {
                "coding": [{"system": SNOMED, "code": "734163000", "display": "Care plan"}],
                "text": "SIP, samordnad individuell plan",
            }
        ],
        "title": f"SIP, version {version.number}",
        "subject": patient,
        "period": period,
        "created": _local(version.created_at),
        "author": lead,
        "contributor": contributor,
        "goal": [{"reference": "#goal"}],
        "activity": activities,
        "contained": [goal, *parties.values()],
    }
    return CarePlan.model_validate(resource)
