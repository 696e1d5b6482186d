"""Schemathesis against the live schema, in-process through Django's WSGI handler: for
every operation, data that fits the schema and data that does not, as a journal system
with a write token sends it. Zero server errors, and every answer (its status, media type,
headers and body) as the schema documents it.

The number of examples is kept small so that the suite stays within its time; the
generation is derandomised, so a failure repeats."""

from __future__ import annotations

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import token_for
from tests.api.helpers import meeting_body  # noqa: F401
from tests.sipflow_world import action_rows

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 6}


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler on the test's own connection: the handler must not close it
    at the end of each request, as it would in a server (the test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def some_sips(world):
    """SIPs at several steps, so that small ids name real objects."""
    from django.utils import timezone

    from sipflow import services

    world.consent_all()
    started = world.start()
    summoned = world.start()
    world.prepare(summoned)
    world.summon(summoned)
    held = world.start()
    world.prepare(held)
    world.summon(held)
    services.meeting_hold(
        plan=held,
        by=world.sara,
        attendance="Alla",
        persons_goals="Sova",
        actions=action_rows(world),
        lead_unit=world.social,
        next_follow_up=timezone.localdate() + timezone.timedelta(days=30),
    )
    return [started, summoned, held]


def some_placements(world):
    """Placements in several phases and an avvikelse, so that small ids name them too."""
    from tests.deviations.helpers import report
    from tests.placement_world import build_placement_world

    pw = build_placement_world(world)
    pw.open()
    decided = pw.decided_sol()
    pw.cost_allocation(decided, approve=False)
    report(world)


def test_the_api_answers_as_its_schema_says(world, wsgi_app):
    some_sips(world)
    some_placements(world)
    secret = token_for(world.sara).secret
    schema = openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    headers = {"Authorization": f"Bearer {secret}"}
    failures, tried = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, examples in EXAMPLES.items():

            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except Exception as error:
                failures.append(f"{operation.label} ({mode}): {error}")
            tried += 1
    assert tried >= 2 * 60
    assert failures == [], "\n\n".join(failures)
