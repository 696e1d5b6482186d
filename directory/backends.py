"""The administratör role's permissions in the Django admin.

A user with the role Administratör in any unit manages organisations, units, users and
their memberships, the organisations' own durations (directory.durations) and the
proposals they follow (directory.switches), and sees
the e-mail deliveries (to send a failed one again). Nothing else: no people, consents, SIPs
or access log; the case-data admin pages stay closed, and ``directory.access`` shows them
no person. The permissions follow the role, so ending the
membership ends them at once. Logging in to the admin also needs ``is_staff``.

Nothing is deleted here: a user, unit or organisation that has worked with cases is named by
the access log for years. A user who leaves is made inactive; a unit or organisation
that is no longer used is left as it is.
"""

from __future__ import annotations

from .models import Membership

ADMINISTRATOR_PERMISSIONS = frozenset(
    {
        "directory.view_organisation",
        "directory.add_organisation",
        "directory.change_organisation",
        "directory.view_unit",
        "directory.add_unit",
        "directory.change_unit",
        "directory.view_user",
        "directory.add_user",
        "directory.change_user",
        "directory.view_membership",
        "directory.add_membership",
        "directory.change_membership",
        "directory.delete_membership",
        "directory.view_durationoverride",
        "directory.add_durationoverride",
        "directory.change_durationoverride",
        "directory.view_ruleswitch",
        "directory.add_ruleswitch",
        "directory.change_ruleswitch",
        "notifications.view_delivery",
    }
)


def user_is_administrator(*, user) -> bool:
    """Whether the user, active, holds the role Administratör in some unit."""
    return (
        user.is_active
        and not user.is_anonymous
        and Membership.objects.filter(user=user, role=Membership.Role.ADMIN).exists()
    )


class AdministratorPermissionBackend:
    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None) -> frozenset[str]:
        if obj is not None or user_obj.is_anonymous or not user_obj.is_active:
            return frozenset()
        if not hasattr(user_obj, "_directory_admin_perms"):
            user_obj._directory_admin_perms = (
                ADMINISTRATOR_PERMISSIONS if user_is_administrator(user=user_obj) else frozenset()
            )
        return user_obj._directory_admin_perms

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return any(
            perm.split(".", 1)[0] == app_label for perm in self.get_all_permissions(user_obj)
        )
