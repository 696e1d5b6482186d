"""The OpenAPI schema and its docs: Swagger UI and Redoc from the site's own static files,
with no inline script, under the site's Content-Security-Policy."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from core.security import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r"<script([^>]*)>(.*?)</script>", re.DOTALL)


def test_the_schema_is_openapi_3_and_names_every_resource():
    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/persons/lookup/",
        "/api/v1/sips/{id}/fhir/",
        "/api/v1/kallelser/{id}/accept/",
    } <= paths
    assert not any("{" in path and "personal_identity" in path for path in paths)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["apiToken"] == {**schemes["apiToken"], "type": "http", "scheme": "bearer"}
    accept = schema["paths"]["/api/v1/kallelser/{id}/accept/"]["post"]
    assert {"400", "403", "404", "409", "422"} <= set(accept["responses"])
    assert "application/problem+json" in accept["responses"]["409"]["content"]
    assert any(p["name"] == "Idempotency-Key" for p in accept["parameters"])


def test_the_docs_run_under_the_sites_csp():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    page = response.content.decode()
    scripts = SCRIPT.findall(page)
    assert scripts
    for attributes, body in scripts:
        assert body.strip() == "", "an inline script would be refused by script-src 'self'"
        source = re.search(r'src="([^"]+)"', attributes).group(1)
        assert source.startswith("/"), f"{source} is not the site's own"
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source
    assert "cdn" not in page.lower()


def test_swagger_uis_own_script_is_served_as_javascript():
    page = Client().get("/api/docs/").content.decode()
    script = next(s for s in re.findall(r'src="([^"]+)"', page) if "script" in s)
    response = Client().get(script.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()
