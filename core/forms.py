"""Forms of the site frame: the logins."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from viewflow.contrib.auth import AuthenticationForm


class UsernameLengthMixin:
    """Django's login form sets the username's ``max_length`` only after the field is built,
    so no validator checks it, and a 100 KB username went on to django-axes, whose
    255-character column refused it: a server error instead of the form's own message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class LoginForm(UsernameLengthMixin, AuthenticationForm):
    """viewflow's login form."""


class AdminLoginForm(UsernameLengthMixin, AdminAuthenticationForm):
    """The admin's login form."""
