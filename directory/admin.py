from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .access import PersonScopedAdminMixin
from .durations import DURATIONS, OVERRIDABLE_CODES, DurationCode
from .models import (
    DurationOverride,
    Guardianship,
    Membership,
    Organisation,
    Person,
    Relative,
    RuleSwitch,
    Unit,
    User,
)
from .switches import SWITCHES

ADDRESS_FIELDS = ("street_address", "postal_code", "city")


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ("name", "kind", "email")


def _overridable_code_choices() -> list[tuple[str, str]]:
    return [("", "---------")] + [
        (code.value, code.label) for code in DurationCode if code.value in OVERRIDABLE_CODES
    ]


def _duration_help() -> str:
    """The table's values and sources, for the administrator choosing an override."""
    rows = {row.code: row for row in DURATIONS if row.overridable}
    return "; ".join(
        _("%(duration)s: %(value)s %(unit)s (%(minimum)s–%(maximum)s), %(source)s")
        % {
            "duration": DurationCode(code).label,
            "value": row.value,
            "unit": row.unit_label,
            "minimum": row.minimum,
            "maximum": row.maximum,
            "source": row.source,
        }
        for code, row in rows.items()
    )


class DurationOverrideFormMixin:
    """Only the durations the sources leave to the organisation are offered; the model's
    clean refuses the others anyway (so the admin and a service give the same answer)."""

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "code":
            kwargs["choices"] = _overridable_code_choices()
            kwargs["help_text"] = _duration_help()
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class DurationOverrideInline(DurationOverrideFormMixin, admin.TabularInline):
    model = DurationOverride
    extra = 0
    fields = ("code", "value", "effective_from")


@admin.register(DurationOverride)
class DurationOverrideAdmin(DurationOverrideFormMixin, admin.ModelAdmin):
    list_display = ("organisation", "code", "value", "effective_from")
    list_filter = ("code",)
    search_fields = ("organisation__name",)
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)


def _switch_help() -> str:
    """Each proposal with its source, for the administrator choosing what to follow."""
    return "; ".join(
        _("%(proposal)s: %(source)s") % {"proposal": switch.label, "source": switch.source}
        for switch in SWITCHES
    )


class RuleSwitchFormMixin:
    """Every proposal is offered with its source (the inquiry by name); the model's clean
    refuses a date before the proposal was made."""

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "code":
            kwargs["help_text"] = _switch_help()
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class RuleSwitchInline(RuleSwitchFormMixin, admin.TabularInline):
    model = RuleSwitch
    extra = 0
    fields = ("code", "enabled", "effective_from", "source")
    readonly_fields = ("source",)

    @admin.display(description=_("källa"))
    def source(self, obj: RuleSwitch) -> str:
        return obj.source


@admin.register(RuleSwitch)
class RuleSwitchAdmin(RuleSwitchFormMixin, admin.ModelAdmin):
    list_display = ("organisation", "code", "enabled", "effective_from", "source")
    list_filter = ("code", "enabled")
    search_fields = ("organisation__name",)
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    readonly_fields = ("source",)

    @admin.display(description=_("källa"))
    def source(self, obj: RuleSwitch) -> str:
        return obj.source


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "region")
    list_filter = ("kind",)
    search_fields = ("name", "code", "organisation_number")
    inlines = [UnitInline, DurationOverrideInline, RuleSwitchInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """Units and their line (``parent``): a chef of a unit sees the units under it. The
    model's ``clean`` refuses a parent in another organisation, or one under the unit."""

    list_display = ("name", "organisation", "kind", "parent")
    list_filter = ("kind", "organisation__kind")
    search_fields = ("name", "organisation__name")
    list_select_related = ("organisation", "parent")
    autocomplete_fields = ("parent",)


#: What only a superuser sets: an administrator cannot make anyone (themselves included) a
#: superuser or hand out permissions beyond the roles.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "groups", "user_permissions")


def _own_account(request, obj) -> bool:
    return obj is not None and obj.pk == request.user.pk and not request.user.is_superuser


class MembershipInline(admin.TabularInline):
    """An administrator gives others their roles, never themselves: a role in a unit is what
    opens its cases."""

    model = Membership
    extra = 0
    autocomplete_fields = ("unit",)

    def has_add_permission(self, request, obj=None):
        return not _own_account(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _own_account(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _own_account(request, obj) and super().has_delete_permission(request, obj)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return fields + SUPERUSER_ONLY_FIELDS

    def has_change_permission(self, request, obj=None):
        """A superuser's account (and password) is changed by a superuser only."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


class GuardianshipFormSet(BaseInlineFormSet):
    """Validates every new guardian against the same rules as the service."""

    def clean(self) -> None:
        super().clean()
        child = self.instance
        if child.pk is None or not child.date_of_birth:
            new_forms = [f for f in self.extra_forms if f.has_changed()]
            if new_forms:
                raise ValidationError(_("Spara personen först, lägg sedan till vårdnadshavare."))
            return
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not self._should_delete_form(form)
        ]
        if len(kept) > 2:
            raise ValidationError(_("Ett barn kan ha högst två vårdnadshavare."))
        for form in self.initial_forms:
            if "guardian" in form.changed_data and not self._should_delete_form(form):
                form.add_error(
                    "guardian",
                    _("Ta bort vårdnadshavaren och lägg till den nya i stället för att byta."),
                )
        for form in self.extra_forms:
            guardian = form.cleaned_data.get("guardian") if form.has_changed() else None
            if guardian is None or self._should_delete_form(form):
                continue
            try:
                services.guardianship_validate(
                    child=child, guardian=guardian, on=timezone.localdate()
                )
            except ValidationError as error:
                form.add_error("guardian", error)


class GuardianshipInline(admin.TabularInline):
    model = Guardianship
    fk_name = "child"
    formset = GuardianshipFormSet
    extra = 0
    max_num = 2
    fields = ("guardian",)
    autocomplete_fields = ("guardian",)


class RelativeInline(admin.TabularInline):
    model = Relative
    fk_name = "person"
    extra = 0
    autocomplete_fields = ("relative",)


@admin.register(Person)
class PersonAdmin(PersonScopedAdminMixin, admin.ModelAdmin):
    person_field = None

    list_display = (
        "last_name",
        "first_name",
        "identity_number_display",
        "date_of_birth",
        "registered_municipality",
        "protected_identity",
    )
    list_filter = ("legal_sex", "protected_identity", "registered_municipality")
    search_fields = ("first_name", "last_name", "personal_identity_number")
    list_select_related = ("registered_municipality",)
    readonly_fields = ("date_of_birth",)
    inlines = [GuardianshipInline, RelativeInline]

    @admin.display(description=_("personnummer"), ordering="personal_identity_number")
    def identity_number_display(self, obj: Person) -> str:
        return obj.identity_number_display

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and obj.protected_identity:
            # Skyddade personuppgifter: the address is never shown, not even to admins.
            fields = [name for name in fields if name not in ADDRESS_FIELDS]
        return fields

    def save_model(self, request, obj, form, change):
        if change:
            services.person_update(person=obj)  # re-derives access where the age changed
        else:
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Guardianship:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.guardianship_end(guardianship=obj)
        for new in formset.new_objects:
            services.guardianship_create(child=form.instance, guardian=new.guardian)
        return None
