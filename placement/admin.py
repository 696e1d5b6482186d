"""The admin: HVB profiles and utredning templates (an organisation loads its own, areas
inline) are edited here; placements are shown read-only, only those the user may see
(placement.selectors), since every change goes through placement.services."""

from django.contrib import admin

from directory.access import ScopedObjectAdminMixin

from .models import AssessmentArea, AssessmentTemplate, HvbProfile, Placement
from .selectors import placements_for_user


@admin.register(HvbProfile)
class HvbProfileAdmin(admin.ModelAdmin):
    list_display = ("unit", "ivo_status", "age_from", "age_to", "places")
    list_filter = ("ivo_status",)
    search_fields = ("unit__name", "ivo_reference")


class AssessmentAreaInline(admin.TabularInline):
    model = AssessmentArea
    extra = 1
    fields = ("order", "code", "title", "help")


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "audience", "organisation")
    list_filter = ("audience", "organisation")
    inlines = [AssessmentAreaInline]


@admin.register(Placement)
class PlacementAdmin(ScopedObjectAdminMixin, admin.ModelAdmin):
    list_display = ("person", "placing_unit", "hvb_unit", "legal_basis", "phase", "start_date")
    list_filter = ("phase", "legal_basis")

    def get_queryset(self, request):
        return placements_for_user(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
