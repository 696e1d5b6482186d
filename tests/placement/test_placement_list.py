"""The placement list (issue 15): searched by name (sent by POST, never in the URL) and
narrowed by phase, placing unit and handläggare."""

from __future__ import annotations

import pytest
from django.urls import reverse

from placement.models import Placement

pytestmark = pytest.mark.django_db


def test_the_placement_list_searches_and_filters(client, pworld):
    pworld.sol_consents()
    youth = pworld.open()
    adult = pworld.open(pworld.adult)
    client.force_login(pworld.sara)
    page = client.get(reverse("placement:index")).content.decode()
    for placement in (youth, adult):
        assert reverse("placement:placement", kwargs={"pk": placement.pk}) in page
    response = client.post(reverse("placement:index"), {"q": pworld.adult.first_name})
    assert response.status_code == 302
    assert pworld.adult.first_name not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert reverse("placement:placement", kwargs={"pk": adult.pk}) in page
    assert reverse("placement:placement", kwargs={"pk": youth.pk}) not in page
    page = client.get(reverse("placement:index"), {"fas": Placement.Phase.PLACED}).content.decode()
    assert "Ingen placering matchar sökningen." in page
    page = client.get(
        reverse("placement:index"), {"handlaggare": pworld.sara.pk, "enhet": pworld.social.pk}
    ).content.decode()
    assert reverse("placement:placement", kwargs={"pk": youth.pk}) in page
