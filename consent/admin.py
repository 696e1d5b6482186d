"""Read-only admin for consents: they change only through the services and pages."""

from django.contrib import admin

from directory.access import PersonScopedAdminMixin

from .models import (
    CommitteeDecision,
    Consent,
    GuardiansNotCalled,
    InformationCategory,
    RecordedView,
)


class ReadOnlyAdmin(PersonScopedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InformationCategory)
class InformationCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["subject", "given_by", "purpose", "valid_from", "valid_until", "status"]
    list_filter = ["status", "purpose"]
    raw_id_fields = ["subject", "given_by"]


@admin.register(CommitteeDecision)
class CommitteeDecisionAdmin(ReadOnlyAdmin):
    list_display = ["subject", "guardian", "legal_ground", "decided_on"]


@admin.register(GuardiansNotCalled)
class GuardiansNotCalledAdmin(ReadOnlyAdmin):
    list_display = ["subject", "reason", "recorded_at"]


@admin.register(RecordedView)
class RecordedViewAdmin(ReadOnlyAdmin):
    list_display = ["subject", "holder", "purpose", "recorded_at"]
