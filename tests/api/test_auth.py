"""Who may call: a token issued to a user (stored hashed, scoped, expiring, revocable), or
the browser's session with its CSRF check. Every call runs as the user."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import api_token_issue, api_token_revoke, token_digest
from directory.models import Membership
from tests.api.conftest import client_for, token_for
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SIPS = "/api/v1/sips/"


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_without_credentials_a_call_is_401_with_the_scheme(world):
    response = APIClient().get(SIPS)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "spoil",
    [
        lambda secret, token: secret[:-1] + ("A" if secret[-1] != "A" else "B"),
        lambda secret, token: "sipf_00000000_" + secret.split("_", 2)[2],
        lambda secret, token: "nonsense",
    ],
    ids=["wrong secret", "unknown prefix", "not a token"],
)
def test_a_wrong_token_is_401(world, spoil):
    issued = token_for(world.sara)
    response = bearer(spoil(issued.secret, issued.token)).get(SIPS)
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_a_revoked_or_expired_token_or_an_inactive_user_stops_at_once(world):
    issued = token_for(world.sara)
    client = bearer(issued.secret)
    assert client.get(SIPS).status_code == 200
    api_token_revoke(token=issued.token, by=world.sara)
    assert client.get(SIPS).status_code == 401

    expiring = token_for(world.vera)
    ApiToken.objects.filter(pk=expiring.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1),
        created_at=timezone.now() - dt.timedelta(days=2),
    )
    assert bearer(expiring.secret).get(SIPS).status_code == 401

    leaving = token_for(world.petra)
    world.petra.is_active = False
    world.petra.save()
    assert bearer(leaving.secret).get(SIPS).status_code == 401


def test_only_a_digest_of_the_token_is_stored(world):
    issued = token_for(world.sara)
    stored = ApiToken.objects.filter(pk=issued.token.pk).values().get()
    assert issued.secret not in {str(value) for value in stored.values()}
    assert stored["digest"] == token_digest(issued.secret)
    assert issued.secret.startswith(f"sipf_{stored['prefix']}_")


def test_a_read_token_reads_and_looks_up_but_does_not_write(world):
    client = client_for(world.sara, scope=ApiToken.Scope.READ)
    assert client.get(SIPS).status_code == 200
    lookup = client.post(
        reverse("api:v1:persons-lookup"),
        {"personal_identity_number": world.child.personal_identity_number},
    )
    assert lookup.status_code == 200
    write = client.post(SIPS, {})
    assert write.status_code == 403
    assert (write.json()["code"], write.json()["reason"]) == (
        "permission_denied",
        "read_only_token",
    )


def test_the_token_is_used_as_its_user_and_its_use_is_recorded(world):
    client = client_for(world.vera)
    assert client.token.last_used_at is None
    assert client.get(SIPS).status_code == 200
    client.token.refresh_from_db()
    assert client.token.last_used_at is not None


def test_the_session_works_and_its_writes_need_the_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.sara)
    assert client.get(SIPS).status_code == 200
    refused = client.post(SIPS, {})
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")


def test_issuing_refuses_a_superuser_an_inactive_user_and_a_long_expiry(world):
    admin = MembershipFactory(role=Membership.Role.ADMIN).user
    soon = timezone.now() + dt.timedelta(days=30)
    superuser = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError) as refused:
        api_token_issue(user=superuser, name="X", scope="read", expires_at=soon, by=admin)
    assert "user" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        api_token_issue(
            user=world.sara,
            name="X",
            scope="read",
            expires_at=timezone.now() + dt.timedelta(days=400),
            by=admin,
        )
    assert "expires_at" in refused.value.message_dict


def test_an_administrator_issues_and_revokes_tokens_in_the_admin(world):
    admin = MembershipFactory(
        role=Membership.Role.ADMIN, user__is_staff=True, unit=world.social
    ).user
    client = Client()
    client.force_login(admin)
    expires = timezone.localtime() + dt.timedelta(days=30)
    page = client.post(
        reverse("admin:api_apitoken_add"),
        {
            "user": world.sara.pk,
            "name": "Kommunens journalsystem",
            "scope": "write",
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
    )
    assert page.status_code == 200, page.content.decode()[:2000]
    assert "no-store" in page["Cache-Control"]
    token = ApiToken.objects.get(name="Kommunens journalsystem")
    secret = page.context["secret"]
    assert secret in page.content.decode()
    assert token_digest(secret) == token.digest and token.created_by == admin
    # Shown once: the token's own page shows its prefix, never the secret.
    change = client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert token.prefix in change.content.decode() and secret not in change.content.decode()
    assert bearer(secret).get(SIPS).status_code == 200

    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_by == admin
    assert bearer(secret).get(SIPS).status_code == 401
    assert client.post(reverse("admin:api_apitoken_delete", args=[token.pk])).status_code == 403


def test_staff_without_the_administrator_role_cannot_issue(world):
    staff = MembershipFactory(unit=world.social, user__is_staff=True).user
    client = Client()
    client.force_login(staff)
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
