from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Delivery, Event, Notification


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ["created_at", "kind", "recipient_user", "recipient_unit"]
    list_filter = ["kind"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Event._meta.fields]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    """E-mail deliveries; failed ones show their error and can be sent again."""

    list_display = ["created_at", "to", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["to"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["retry"]

    @admin.action(description=_("Försök skicka igen"))
    def retry(self, request, queryset):
        count = queryset.exclude(status=Delivery.Status.SENT).update(
            status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(
            request, _("%(count)s leveranser köade igen.") % {"count": count}, messages.SUCCESS
        )

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ["created_at", "user", "event", "read_at"]
    readonly_fields = ["user", "event", "created_at", "read_at"]
