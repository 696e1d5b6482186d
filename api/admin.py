"""API-nycklar in the admin: an administrator issues a token to a user (shown once, on the
page that answers the issue), sees whose tokens there are, when they expire and were last
used, and revokes them. Nothing is deleted; nothing of a token but its prefix is shown."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.views import add_service_error
from directory.models import User

from .models import ApiToken
from .services import api_token_issue, api_token_revoke, api_token_validate


class IssueForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name", "scope", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            is_active=True, is_superuser=False
        ).order_by("username")

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                api_token_validate(
                    user=data["user"],
                    name=data["name"],
                    scope=data["scope"],
                    expires_at=data["expires_at"],
                    at=timezone.now(),
                )
            except ValidationError as error:
                add_service_error(self, error)
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "user",
        "scope",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["scope"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    actions = ["revoke"]
    readonly_fields = [
        "prefix",
        "created_at",
        "created_by",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = IssueForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "scope", "expires_at"]
        return ["user", "name", "scope", "expires_at", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # An issued token changes only by being revoked.
        return ["user", "name", "scope", "expires_at", *self.readonly_fields]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        issued = api_token_issue(
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=form.cleaned_data["expires_at"],
            by=request.user,
        )
        obj.pk, obj.prefix = issued.token.pk, issued.token.prefix  # for the admin's own log
        request.issued_token = issued

    def save_related(self, request, form, formsets, change):
        """Nothing related: the token is written by its service alone."""

    def response_add(self, request, obj, post_url_continue=None):
        """The token itself, once: on this page, never stored or sent elsewhere (not in a
        message cookie), and not kept by the browser's cache."""
        issued = request.issued_token
        response = TemplateResponse(
            request,
            "api/token_issued.html",
            {
                **self.admin_site.each_context(request),
                "title": _("API-nyckeln är utfärdad"),
                "token": issued.token,
                "secret": issued.secret,
                "opts": self.model._meta,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Återkalla valda API-nycklar"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, by=request.user, at=timezone.now())
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d API-nyckel återkallad.", "%(count)d API-nycklar återkallade.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )
