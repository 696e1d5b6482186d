"""The OpenAPI description (drf-spectacular): every operation documents the problem
details it can answer with, and the two ways to authenticate."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from cases.errors import ErrorCode

from .problems import PROBLEM_CONTENT_TYPE, STATUSES

#: The problem statuses every operation may answer with, and those of writes besides.
READ_PROBLEMS = (400, 401, 403, 404, 406)
WRITE_PROBLEMS = (*READ_PROBLEMS, 409, 415, 422)


class ConsentReasonSerializer(serializers.Serializer):
    """One reason the consent policy gave: whose consent, which party, which information."""

    code = serializers.CharField()
    person = serializers.IntegerField(allow_null=True, help_text=_("Den vars samtycke saknas."))
    whose = serializers.CharField(allow_null=True, allow_blank=True)
    unit = serializers.IntegerField(allow_null=True)
    organisation = serializers.IntegerField(allow_null=True)
    party = serializers.CharField(allow_null=True, allow_blank=True)
    categories = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, with sipflow's stable code and the structured reasons."""

    type = serializers.CharField(help_text="urn:sipflow:problem:<code>")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text=_("Vad som gick fel, på svenska."))
    instance = serializers.CharField(allow_blank=True)
    code = serializers.ChoiceField(
        choices=sorted({*STATUSES, *ErrorCode.__members__.values()}),
        help_text=_("Stabil kod att programmera mot."),
    )
    reason = serializers.CharField(allow_blank=True, help_text=_("Den närmare orsaken."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Felen per fält i anropet."),
    )
    reasons = ConsentReasonSerializer(many=True, help_text=_("Samtyckesprövningens skäl."))


class ProblemAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = READ_PROBLEMS if self.method in ("GET", "HEAD") else WRITE_PROBLEMS
        for code in codes:
            responses.setdefault(
                str(code),
                self._get_response_for_code(
                    ProblemSerializer, str(code), [PROBLEM_CONTENT_TYPE], direction
                ),
            )
        return responses

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        return [*parameters, *getattr(self.view, "schema_parameters", [])]


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _("API-nyckel som en administratör har utfärdat: Authorization: Bearer sipf_…")
            ),
        }


class ApiSessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        from django.conf import settings

        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
