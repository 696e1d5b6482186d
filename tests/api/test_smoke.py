import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sip_list_and_start(world, api_as):
    world.consent_all()
    client = api_as(world.sara)
    response = client.get(reverse("api:v1:sips"))
    assert response.status_code == 200, response.content
    response = client.post(
        reverse("api:v1:sips"),
        {
            "personal_identity_number": world.child.personal_identity_number,
            "unit": world.social.pk,
            "origin": "professional",
            "social_needs": "Stöd",
            "health_needs": "Sömn",
            "coordination_reason": "Samordning",
            "informed_about_sip": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    print(response.json())
