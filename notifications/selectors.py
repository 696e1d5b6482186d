from __future__ import annotations

from django.db.models import QuerySet

from directory.models import User

from .models import Notification


def notifications_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()


def notification_list(*, user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(user=user)
        .select_related("event")
        .order_by("read_at", "-created_at", "-pk")
    )
