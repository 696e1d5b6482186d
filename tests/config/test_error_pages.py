"""The error pages speak Swedish and keep the site's frame: the menu of a signed-in user
stays, so a refused or missing page is not a dead end."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from config import urls
from directory.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ENGLISH = ("Access Forbidden", "Page not found", "Log in as another user", "View site")


@pytest.fixture
def signed_in() -> Client:
    client = Client()
    client.force_login(MembershipFactory().user)
    return client


@override_settings(DEBUG=False)
def test_a_missing_page_keeps_the_menu_and_speaks_swedish(signed_in):
    response = signed_in.get("/finns-inte/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Sidan finns inte" in html
    assert "Till startsidan" in html
    assert "vf-page__menu" in html  # the site's menu, though the URL resolved nowhere
    assert not [word for word in ENGLISH if word in html]


@override_settings(DEBUG=False)
def test_a_refusal_speaks_swedish_inside_the_site():
    """HVB staff may not start a SIP: the refusal is a page of the site, in Swedish."""
    client = Client()
    client.force_login(MembershipFactory(role=Membership.Role.HVB_STAFF).user)
    response = client.get(reverse("sip:start:execute"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Ingen behörighet" in html
    assert "vf-page__menu" in html
    assert not [word for word in ENGLISH if word in html]


def test_a_refusal_shows_the_services_reason():
    request = RequestFactory().get("/sip/")
    request.user = MembershipFactory().user
    response = urls.handler403(request, PermissionDenied("Du kan inte se den här personen."))
    assert response.status_code == 403
    assert "Du kan inte se den här personen." in response.content.decode()


def test_the_server_error_page_needs_no_database_and_speaks_swedish():
    request = RequestFactory().get("/")
    response = urls.handler500(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Något gick fel" in html
    assert "sparades inte" in html
