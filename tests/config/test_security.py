"""Login and browser hardening: lockout after failed logins, the Content-Security-Policy,
session cookies, production cookie flags and password rules."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import viewflow
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.security import CONTENT_SECURITY_POLICY, client_ip_address, csp_hash
from tests.config.test_settings import ROOT, manage
from tests.factories import MembershipFactory

PASSWORD = "correct-horse-battery-staple"
LOCKED_OUT = (
    "För många misslyckade inloggningar. Försök igen om en timme eller kontakta din administratör."
)


@pytest.fixture
def user(db):
    return MembershipFactory(user__username="lisa").user


def log_in(client, password, username="lisa"):
    return client.post(reverse("login"), {"username": username, "password": password})


# --- brute-force protection --------------------------------------------------------------


def test_axes_guards_every_login_first_and_answers_a_lockout_last():
    from config.settings import base

    assert base.AUTHENTICATION_BACKENDS == [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "cases.backends.UnitPermissionBackend",
        "directory.backends.AdministratorPermissionBackend",
        "api.backends.TokenAdministratorBackend",
    ]
    assert base.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert "axes" in base.INSTALLED_APPS
    assert base.AXES_FAILURE_LIMIT == 5
    assert base.AXES_COOLOFF_TIME.total_seconds() == 60 * 60
    assert base.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert base.AXES_RESET_ON_SUCCESS is True
    # The tests swap only the first backend, for one that lets Client.login() through.
    assert settings.AUTHENTICATION_BACKENDS[1:] == base.AUTHENTICATION_BACKENDS[1:]


def test_four_wrong_passwords_still_let_the_right_one_in(client, user):
    for _ in range(4):
        response = log_in(client, "fel-losenord")
        assert response.status_code == 200
        assert "Ange ett korrekt användarnamn och lösenord" in response.content.decode()
    response = log_in(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_five_wrong_passwords_lock_out_even_the_right_one_in_swedish(client, user):
    for _ in range(5):
        log_in(client, "fel-losenord")
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_OUT in html
    assert '<html lang="sv"' in html
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("overview:index")).status_code == 302


def test_the_lockout_is_per_username_and_address(client, user):
    MembershipFactory(user__username="olle")
    for _ in range(5):
        log_in(client, "fel-losenord")
    # Another user from the same address, and the same user from elsewhere, may still log in.
    assert log_in(client, PASSWORD, username="olle").status_code == 302
    client.logout()
    response = client.post(
        reverse("login"),
        {"username": "lisa", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 302


def test_the_admin_login_is_locked_out_too(client, user):
    for _ in range(5):
        log_in(client, "fel-losenord")
    response = client.post(
        reverse("admin:login"), {"username": "lisa", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()


def test_a_successful_login_resets_the_count(client, user):
    for _ in range(4):
        log_in(client, "fel-losenord")
    assert log_in(client, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="lisa").exists()
    client.post(reverse("logout"))
    for _ in range(4):
        assert log_in(client, "fel-losenord").status_code == 200
    assert log_in(client, PASSWORD).status_code == 302


@pytest.mark.parametrize("url", ["login", "admin:login"])
def test_a_username_too_long_for_the_lockout_table_is_a_form_error(client, user, url):
    response = client.post(reverse(url), {"username": "x" * 100_000, "password": PASSWORD})
    assert response.status_code == 200
    assert "som mest 150 tecken" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_the_test_clients_login_still_works(client, user):
    assert client.login(username="lisa", password=PASSWORD)
    assert client.get(reverse("overview:index")).status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "203.0.113.9"),
        (1, "198.51.100.66, 198.51.100.1", "198.51.100.1"),
        (2, "198.51.100.66, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "198.51.100.1", "203.0.113.9"),
    ],
)
def test_failed_logins_count_against_the_address_the_trusted_proxy_saw(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip_address(request) == expected


# --- Content-Security-Policy -------------------------------------------------------------


def test_the_policy_allows_only_the_sites_own_scripts():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["img-src"] == "'self' data:"
    assert directives["font-src"] == "'self' data:"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"
    assert directives["object-src"] == "'none'"
    # viewflow's "Back" links: their fixed onclick handlers, by hash, and nothing else.
    assert directives["script-src-attr"] == "'unsafe-hashes' " + " ".join(
        [
            csp_hash("window.history.back(-1)"),
            csp_hash("window.history.back(-1);setTimeout(()=>Turbo.visit('.'), 100)"),
        ]
    )


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)


@pytest.mark.parametrize(
    "template_dir",
    [ROOT / "templates", Path(viewflow.__file__).parent / "templates"],
    ids=["sipflow", "viewflow"],
)
def test_no_template_needs_an_inline_script(template_dir):
    inline = [
        f"{path.relative_to(template_dir)}: {match.group(0)}"
        for path in template_dir.rglob("*.html")
        for match in INLINE_SCRIPT.finditer(path.read_text(encoding="utf-8"))
    ]
    assert inline == []


def test_our_templates_have_no_inline_event_handlers():
    handlers = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if EVENT_HANDLER.search(path.read_text(encoding="utf-8"))
    ]
    assert handlers == []


@pytest.mark.parametrize("url_name", ["login", "admin:login", "overview:index"])
def test_every_page_carries_the_policy_logged_out(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_the_pages_after_login_carry_the_policy(client, user):
    user.is_staff = user.is_superuser = True
    user.save()
    response = log_in(client, PASSWORD)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    for url in [
        reverse("overview:index"),
        reverse("admin:index"),
        reverse("admin:directory_user_changelist"),
        reverse("admin:directory_user_change", args=[user.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert not INLINE_SCRIPT.search(response.content.decode()), url
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


# --- sessions and cookies ----------------------------------------------------------------


def test_the_session_cookie_is_httponly_and_the_session_ends_after_eight_hours(client, user):
    before = timezone.now()
    log_in(client, PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    # No Max-Age/Expires: the browser drops it when it closes ...
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    # ... and the server forgets the session eight hours after the login at the latest.
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    session = Session.objects.get(session_key=cookie.value)
    assert (
        before + dt.timedelta(hours=8)
        <= session.expire_date
        <= timezone.now() + dt.timedelta(hours=8)
    )
    assert client.get(reverse("overview:index")).status_code == 200


def test_an_expired_session_needs_a_new_login(client, user):
    log_in(client, PASSWORD)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("overview:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_ends_the_session(client, user):
    log_in(client, PASSWORD)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("logout")).status_code == 405  # a link cannot log anyone out
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("overview:index")).status_code == 302


def test_the_csrf_cookie_is_same_site(client, db):
    client.get(reverse("login"))
    assert client.cookies[settings.CSRF_COOKIE_NAME]["samesite"] == "Lax"


def test_production_cookies_are_secure_and_http_only():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE, "
        "s.AUTHENTICATION_BACKENDS[0], s.MIDDLEWARE[-1])",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        AUDIT_HMAC_KEY="a-long-random-access-log-key-0123456789",
        ALLOWED_HOSTS="sipflow.example.se",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "True",
        "Lax",
        "Lax",
        "True",
        "axes.backends.AxesStandaloneBackend",
        "axes.middleware.AxesMiddleware",
    ]


# --- passwords ---------------------------------------------------------------------------


def test_a_password_needs_at_least_twelve_characters(db):
    with pytest.raises(ValidationError) as error:
        validate_password("Kx9#mQ2!vLp")  # 11 characters
    assert [e.code for e in error.value.error_list] == ["password_too_short"]
    validate_password("Kx9#mQ2!vLpz")


@pytest.mark.parametrize(
    ("password", "code"),
    [("password1234", "password_too_common"), ("738204619375", "password_entirely_numeric")],
)
def test_the_other_password_rules_still_apply(db, password, code):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert code in [e.code for e in error.value.error_list]


def test_a_password_like_the_username_is_refused(user):
    user.username = "kristinalundqvist"
    with pytest.raises(ValidationError) as error:
        validate_password("kristinalundqvist1", user=user)
    assert "password_too_similar" in [e.code for e in error.value.error_list]
