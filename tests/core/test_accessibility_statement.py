"""The tillgänglighetsredogörelse: public, in Swedish after DIGG's model, linked from every
page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_statement_is_open_to_everyone_and_follows_diggs_model(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    html = response.content.decode()
    for part in (
        "Tillgänglighet för sipflow",
        "lagen (2018:1937) om tillgänglighet till digital offentlig service",
        "Hur tillgänglig är tjänsten?",
        "Rapportera brister i tjänstens tillgänglighet",
        "Myndigheten för digital förvaltning (DIGG)",
        "delvis förenlig",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat tjänsten",
        "mailto:tillganglighet@sipflow.invalid",
    ):
        assert part in html, part


def test_every_page_links_the_statement(client):
    url = reverse("accessibility")
    assert f'href="{url}"' in client.get(reverse("login")).content.decode()
    client.force_login(MembershipFactory().user)
    page = client.get(reverse("overview:index")).content.decode()
    assert f'<footer class="sf-footer"><a href="{url}">Tillgänglighetsredogörelse</a>' in page
    missing = client.get("/finns-inte/").content.decode()
    assert f'href="{url}"' in missing
