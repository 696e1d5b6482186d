"""API tests: the SIP world (tests.sipflow_world) and clients that call as its staff, with
a token each, as a journal system does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import api_token_issue
from tests.factories import MembershipFactory
from tests.overview.test_overview_lists import seven_overdue  # noqa: F401
from tests.sipflow_world import world  # noqa: F401

ADMIN_USERNAME = "api-admin"


def token_for(user, *, scope=ApiToken.Scope.WRITE, days: int = 30):
    """A token issued to ``user`` by an administrator."""
    from directory.models import Membership

    admin = Membership.objects.filter(role=Membership.Role.ADMIN).select_related("user").first()
    admin = admin.user if admin else MembershipFactory(role=Membership.Role.ADMIN).user
    return api_token_issue(
        user=user,
        name="Journalsystem",
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=days),
        by=admin,
    )


def client_for(user, *, scope=ApiToken.Scope.WRITE) -> APIClient:
    client = APIClient()
    issued = token_for(user, scope=scope)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    client.token = issued.token
    return client


@pytest.fixture
def api_as():
    """``api_as(user)``: a client calling with a write token of the user."""
    return client_for
