"""The header's notifications counter, and that our copy of viewflow's base page differs
from the installed one only by it (so a viewflow upgrade cannot silently drift)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import viewflow
from django.db import transaction
from django.urls import reverse

from notifications.services import event_emit
from sipflow.events import SipEvent
from tests.factories import MembershipFactory

OURS = Path(__file__).resolve().parents[2] / "templates" / "viewflow" / "base_page.html"
THEIRS = Path(viewflow.__file__).parent / "templates" / "viewflow" / "base_page.html"


def test_our_base_page_is_viewflows_plus_the_counter():
    """viewflow's base page with three marked changes: the notifications counter, the footer's
    link to the tillgänglighetsredogörelse and sipflow's stylesheet."""
    ours = OURS.read_text(encoding="utf-8")
    ours = re.sub(r"\{% comment %\}.*?\{% endcomment %\}\n", "", ours, flags=re.S)
    ours = ours.replace("{% load i18n static viewflow %}", "{% load i18n viewflow %}", 1)
    ours = re.sub(r"\n\{% block extrahead %\}.*?\{% endblock %\}\n", "", ours, count=1)
    ours = re.sub(
        r"                  \{% if user.is_authenticated %\}\n\s*\{# sipflow:.*?"
        r"                  \{% endif %\}\n",
        "",
        ours,
        count=1,
        flags=re.S,
    )
    footer = r"        \{# sipflow: every page links.*?</footer>\n"
    ours = re.sub(footer, "", ours, count=1, flags=re.S)
    assert ours == THEIRS.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_the_header_counts_unread_notifications(client):
    user = MembershipFactory().user
    client.force_login(user)
    assert "notifications_none" in client.get(reverse("overview:index")).content.decode()
    with transaction.atomic():
        event_emit(kind=SipEvent.FOLLOW_UP_DUE, recipient_user=user, url="/")
        event_emit(kind=SipEvent.ANSWER_RECEIVED, recipient_user=user, url="/")
    page = client.get(reverse("overview:index")).content.decode()
    assert '<span class="sipflow-unread">2</span>' in page
    assert "2 olästa notiser" in page

    listing = client.get(reverse("notifications:index")).content.decode()
    assert "Uppföljning att göra" in listing
    notification = user.notifications.get(event__kind=SipEvent.FOLLOW_UP_DUE)
    assert client.get(reverse("notifications:open", kwargs={"pk": notification.pk})).url == "/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    client.post(reverse("notifications:read_all"))
    assert not user.notifications.filter(read_at=None).exists()


@pytest.mark.django_db
def test_no_one_opens_someone_elses_notification(client):
    owner, other = MembershipFactory().user, MembershipFactory().user
    with transaction.atomic():
        event_emit(kind=SipEvent.FOLLOW_UP_DUE, recipient_user=owner, url="/")
    client.force_login(other)
    notification = owner.notifications.get()
    assert (
        client.get(reverse("notifications:open", kwargs={"pk": notification.pk})).status_code == 404
    )
