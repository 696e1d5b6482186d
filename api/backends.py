"""The administratör role issues, lists and revokes API tokens in the admin (directory's
own backend gives the role the directory; this adds the tokens). Nothing else: an
administrator sees no case data through a token admin page, only whose token it is."""

from __future__ import annotations

from directory.backends import user_is_administrator

TOKEN_PERMISSIONS = frozenset({"api.view_apitoken", "api.add_apitoken", "api.change_apitoken"})


class TokenAdministratorBackend:
    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None) -> frozenset[str]:
        if obj is not None or user_obj.is_anonymous or not user_obj.is_active:
            return frozenset()
        if not hasattr(user_obj, "_api_token_perms"):
            user_obj._api_token_perms = (
                TOKEN_PERMISSIONS if user_is_administrator(user=user_obj) else frozenset()
            )
        return user_obj._api_token_perms

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return app_label == "api" and bool(self.get_all_permissions(user_obj))
