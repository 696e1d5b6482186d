"""What every API view shares: it runs as the calling user, tells the access log what it
read or did (api.access_log), and a write may be retried with an Idempotency-Key."""

from __future__ import annotations

import re

from django.apps import apps
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.errors import ErrorCode

from ..access_log import CREATE, UPDATE, VIEW, logged_action, logged_subject
from ..problems import problem, problem_response
from ..services import (
    idempotency_claim,
    idempotency_keep,
    idempotency_release,
    request_fingerprint,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"
#: Visible ASCII, as a header value must be, and short enough to store.
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=IDEMPOTENCY_HEADER,
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description=(
        "Valfri nyckel (1–255 synliga ASCII-tecken) som gör skrivningen säker att skicka "
        "om: ett nytt anrop med samma nyckel och samma innehåll får det första svaret, "
        "och inget registreras två gånger. Nyckeln gäller användaren i 24 timmar."
    ),
    pattern=r"^[!-~]{1,255}$",
)


class ApiView(APIView):
    """Each call reads as the page does: the access log gets the call's object and person
    (``case_subject``) or the persons it lists (``case_persons``), a read unless the view
    says it wrote."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        logged_action(request, VIEW)


class WriteView(ApiView):
    """A POST that changes case data: ``write()`` calls one service and returns the
    response. Sent with an Idempotency-Key, the first response is kept, and a retry with the
    same key and body gets it again (``Idempotent-Replayed: true``) without a second write;
    while the first still runs, a retry is a conflict. A refused write keeps nothing."""

    #: What the write does in the access log: CREATE for a new case object, else UPDATE.
    action = UPDATE
    schema_parameters = [IDEMPOTENCY_PARAMETER]

    def write(self, request, *args, **kwargs) -> Response:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None:
            return self._written(request, self.write(request, *args, **kwargs))
        if not IDEMPOTENCY_KEY.match(key):
            return problem_response(
                problem(
                    ErrorCode.VALIDATION_ERROR,
                    detail=_("Idempotency-Key ska vara 1–255 synliga ASCII-tecken."),
                    instance=request.path,
                    http_status=400,
                    fields={IDEMPOTENCY_HEADER: [_("Ogiltig nyckel.")]},
                    reason="idempotency_key",
                )
            )
        user = request.user
        try:
            fingerprint = request_fingerprint(request._request.body)
        except RawPostDataException:  # a form body read already: not JSON, refused below
            fingerprint = request_fingerprint(b"")
        earlier = idempotency_claim(
            user=user,
            key=key,
            method=request.method,
            path=request.path,
            fingerprint=fingerprint,
            at=timezone.now(),
        )
        if earlier is not None:
            return self._replay(request, earlier, fingerprint=fingerprint)
        try:
            response = self.write(request, *args, **kwargs)
        except BaseException:
            idempotency_release(user=user, key=key)
            raise
        if 200 <= response.status_code < 300:
            idempotency_keep(
                user=user,
                key=key,
                status_code=response.status_code,
                body=response.data,
                location=response.headers.get("Location", ""),
                subject=getattr(request._request, "case_subject", None),
            )
        else:
            idempotency_release(user=user, key=key)
        return self._written(request, response)

    def _written(self, request, response: Response) -> Response:
        if 200 <= response.status_code < 300:
            logged_action(request, self.action)
        return response

    def _replay(self, request, earlier, *, fingerprint: str) -> Response:
        if (earlier.method, earlier.path[:500], earlier.fingerprint) != (
            request.method,
            request.path[:500],
            fingerprint,
        ):
            return problem_response(
                problem(
                    ErrorCode.VALIDATION_ERROR,
                    detail=_(
                        "Idempotency-Key har redan använts för ett annat anrop. Använd en ny "
                        "nyckel för ett nytt anrop."
                    ),
                    instance=request.path,
                    reason="idempotency_key_reused",
                )
            )
        if earlier.status_code is None:
            return problem_response(
                problem(
                    ErrorCode.CONFLICT,
                    detail=_(
                        "Ett anrop med samma Idempotency-Key pågår, eller avbröts innan det "
                        "svarade. Läs ärendet innan du försöker igen med en ny nyckel."
                    ),
                    instance=request.path,
                    reason="idempotency_in_progress",
                )
            )
        if earlier.object_type or earlier.person is not None:
            obj = None
            if earlier.object_type:
                model = apps.get_model(earlier.object_type)
                obj = model._default_manager.filter(pk=earlier.object_id).first()
            logged_subject(request, obj=obj, person=earlier.person, purpose=earlier.purpose)
        headers = {"Idempotent-Replayed": "true"}
        if earlier.location:
            headers["Location"] = earlier.location
        # The replay shows what the first write answered: a read, in the access log.
        return Response(earlier.body, status=earlier.status_code, headers=headers)


class CreateView(WriteView):
    action = CREATE


class KeysetPagination(CursorPagination):
    """Keyset pages (no OFFSET): ``next``/``previous`` are opaque cursors, newest first."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-pk"
