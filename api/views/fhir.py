"""The SIP's current plan as an HL7 FHIR CarePlan (api.fhir)."""

from __future__ import annotations

import json

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from cases.errors import InvalidState
from sipflow import selectors

from ..access_log import EXPORT, logged_action
from ..fhir import FHIR_CONTENT_TYPE, sip_care_plan
from .base import ApiView


class SipCarePlanView(ApiView):
    @extend_schema(
        tags=["SIP"],
        operation_id="sips_fhir_careplan",
        responses={(200, FHIR_CONTENT_TYPE): OpenApiTypes.OBJECT},
        description=_(
            "Gällande plan som HL7 FHIR R4 CarePlan: personens mål som Goal, insatserna som "
            "aktiviteter med ansvarig organisation, huvudansvarig som author och nästa "
            "uppföljning. 409 (invalid_state) när ingen plan är upprättad ännu."
        ),
    )
    def get(self, request, pk: int):
        plan, _access = selectors.sip_plan_for_user(user=request.user, pk=pk)
        version = (
            selectors.plan_versions(plan=plan)
            .select_related("lead_unit__organisation")
            .prefetch_related(
                "actions__responsible_unit__organisation", "actions__responsible_organisation"
            )
            .first()
        )
        if version is None:
            raise InvalidState(_("Ingen plan är upprättad ännu."), reason="no_plan")
        care_plan = sip_care_plan(plan=plan, version=version, today=timezone.localdate())
        logged_action(request, EXPORT)
        return Response(json.loads(care_plan.model_dump_json()), content_type=FHIR_CONTENT_TYPE)
