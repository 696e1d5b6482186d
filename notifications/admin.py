from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import event_kinds
from .models import Delivery, Event, Notification


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventKindFilter(admin.SimpleListFilter):
    """The registered kinds, by their names."""

    title = _("typ")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.code, kind.label) for kind in event_kinds()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ["created_at", "kind_name", "recipient_user", "recipient_unit"]
    list_filter = [EventKindFilter]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Event._meta.fields]

    @admin.display(description=_("typ"), ordering="kind")
    def kind_name(self, obj: Event) -> str:
        return obj.kind_label


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
