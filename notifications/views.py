"""Notiser: the user's own list, read and unread."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from . import services
from .models import Notification
from .selectors import notification_list


class NotificationListView(TemplateView):
    template_name = "notifications/list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            notifications=notification_list(user=self.request.user)[:200], **kwargs
        )


class NotificationOpenView(View):
    """Opening a notis marks it read and goes where it points."""

    def get(self, request, pk):
        notification = get_object_or_404(Notification, pk=pk, user=request.user)
        services.notification_mark_read(notification=notification, by=request.user)
        return redirect(notification.event.url or "notifications:index")


class NotificationsReadAllView(View):
    def post(self, request):
        count = services.notifications_mark_all_read(user=request.user)
        messages.success(request, _("%(count)s notiser markerade som lästa.") % {"count": count})
        return redirect("notifications:index")
