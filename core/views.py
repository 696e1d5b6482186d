"""Shared plumbing for pages whose forms hand their data to one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_fsm import ConcurrentTransition
from psycopg.errors import InFailedSqlTransaction, LockNotAvailable
from viewflow.workflow.exceptions import FlowLockFailed

CONFLICT = gettext_lazy("Någon annan ändrade ärendet samtidigt. Ladda om sidan och försök igen.")


def add_service_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def is_lock_conflict(error: BaseException) -> bool:
    """A row lock someone else holds (NOWAIT), or the aborted transaction it leaves."""
    while error is not None:
        if isinstance(error, (LockNotAvailable, InFailedSqlTransaction, FlowLockFailed)):
            return True
        error = error.__cause__ or error.__context__
    return False


class ServiceFormMixin:
    """``perform(form)`` calls one service; services are atomic themselves, so a refused
    step leaves nothing half-written. No transaction is opened here: the flow lock must be
    taken outermost (a NOWAIT lock inside an open transaction aborts it on contention).
    Errors come back onto the form in the user's language."""

    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def get_success_url(self, result=None) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        except (ConcurrentTransition, FlowLockFailed):
            form.add_error(None, CONFLICT)
            return self.form_invalid(form)
        except DatabaseError as error:
            if not is_lock_conflict(error):
                raise
            if transaction.get_connection().in_atomic_block:
                raise  # viewflow's own task view holds the transaction: let it roll back
            form.add_error(None, CONFLICT)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url(result))


@method_decorator(login_not_required, name="dispatch")
class AccessibilityStatementView(TemplateView):
    """Tillgänglighetsredogörelse (lagen (2018:1937) om tillgänglighet till digital offentlig
    service, 12 §; DIGG's model): open to everyone, logged in or not. Who answers for the
    service and how to reach them are settings (ACCESSIBILITY_*)."""

    template_name = "accessibility_statement.html"

    def get_context_data(self, **kwargs):
        from django.conf import settings

        return super().get_context_data(
            organisation=settings.ACCESSIBILITY_ORGANISATION,
            contact_email=settings.ACCESSIBILITY_EMAIL,
            contact_phone=settings.ACCESSIBILITY_PHONE,
            assessed_on=settings.ACCESSIBILITY_ASSESSED_ON,
            **kwargs,
        )


#: How many searches a session keeps, each under its opaque key.
SEARCHES_KEPT = 20


def search_store(request, *, session_key: str, query: str) -> str:
    """Keep a search (a name or personnummer) in the session and return the opaque key a
    URL may carry instead: no URL, server log or browser history holds what was searched."""
    import secrets

    searches = request.session.get(session_key, {})
    key = secrets.token_urlsafe(12)
    searches[key] = query
    request.session[session_key] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return key


def search_recall(request, *, session_key: str, key: str | None) -> str:
    """The search kept under ``key`` (``search_store``), or ""."""
    return request.session.get(session_key, {}).get(key or "", "") if key else ""
