"""The demo's avvikelser: Vera's unanswered kallelse, agreed the same day and signed off by
both handlers; Sara's report waiting for the region (red for both chefs); a dispute at
Länschefsnätverket; the year's earlier reports in the statistics. Seeding twice adds
nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deviations.models import Deviation, Dispute
from deviations.rules import Category
from deviations.statistics import deviation_statistics
from directory.demo import DEMO_PASSWORD
from directory.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_tells_the_story_and_seeding_twice_adds_nothing(demo):
    count = Deviation.objects.count()
    call_command("seed_demo")
    assert Deviation.objects.count() == count == 10

    kallelse = Deviation.objects.filter(
        category=Category.SIP_SUMMONS_UNANSWERED, reported_by__username="vera"
    ).latest("reported_at")
    assert kallelse.status == Deviation.Status.CLOSED
    assert timezone.localdate(kallelse.allocation_agreed_at) == timezone.localdate(
        kallelse.reported_at
    )
    assert kallelse.notes.count() == 2
    waiting = Deviation.objects.get(status=Deviation.Status.REPORTED)
    assert waiting.category == Category.HEALTH_EXAMINATION
    assert Dispute.objects.get().stage == Dispute.Stage.NETWORK

    client = Client()
    assert client.login(username="britt", password=DEMO_PASSWORD)
    page = client.get(reverse("overview:index")).content.decode()
    assert waiting.reference in page
    carl = User.objects.get(username="carl")
    stats = deviation_statistics(user=carl, year=timezone.localdate().year)
    assert stats.total is not None and stats.total >= 5
