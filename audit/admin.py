"""Read-only admin for the access log and its samples: the log is written only by
``access_log_record`` and never changed; samples are drawn and signed through the services."""

from django.contrib import admin

from directory.access import PersonScopedAdminMixin, ScopedObjectAdminMixin

from .models import AccessLogEntry, SampleReview


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(PersonScopedAdminMixin, ReadOnlyAdmin):
    person_field = "person"
    list_display = [
        "at",
        "username",
        "action",
        "refused",
        "credential",
        "object_type",
        "object_id",
        "person",
        "unit",
    ]
    list_filter = ["action", "refused", "unit"]
    list_select_related = ["person", "unit"]
    date_hierarchy = "at"
    search_fields = ["username", "object_id"]


@admin.register(SampleReview)
class SampleReviewAdmin(ScopedObjectAdminMixin, ReadOnlyAdmin):
    list_display = ["unit", "period_start", "period_end", "drawn_by", "signed_off_at"]
    list_filter = ["unit"]
    list_select_related = ["unit", "drawn_by"]

    def get_queryset(self, request):
        """Staff see the samples of their own units; a superuser sees all."""
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(unit__memberships__user=request.user).distinct()
