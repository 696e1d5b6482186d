"""The admin shows the log and the samples and changes neither."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from audit.services import access_log_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_is_read_only(client, staff):
    entry = access_log_record(
        user=staff.sara, action=AccessLogEntry.Action.VIEW, person=staff.child
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:audit_accesslogentry_changelist"), {"action": "view"})
    assert page.status_code == 200
    assert "sara" in page.content.decode()
    assert (
        client.get(reverse("admin:audit_accesslogentry_change", args=[entry.pk])).status_code == 200
    )
    assert client.get(reverse("admin:audit_accesslogentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:audit_accesslogentry_delete", args=[entry.pk])).status_code
        == 403
    )
    assert client.get(reverse("admin:audit_samplereview_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_samplereview_add")).status_code == 403
