"""``make run``'s three writers on one SQLite file, at once: run by
tests/config/test_sqlite_writers.py as ``python -m tests.config.sqlite_writers FILE SECONDS``.

The web server (an answer: events, notifications, e-mails to send, an access-log entry and
the session, in one transaction; then the delivery task is queued), the worker (django-tasks'
database worker running that task, which sends the e-mails) and the tick (``tick()``: timers,
consents, reminders, digests, retries) write for SECONDS each, in three processes, under the
development settings (``config.settings.local``) with DATABASE_URL pointing at FILE. Every
failure (an exception, a failed task, an error logged) is printed as a line ``ERROR …``;
each writer prints ``DONE <name> <count>`` with the writes it completed. The schema is
built from the models (no migrations): what is measured is the writers, not ``migrate``.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import time


class _NoMigrations(dict):
    """MIGRATION_MODULES that disables every app's migrations (tables come from models)."""

    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record):
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            text += f": {type(error).__name__}: {error}"
        self.lines.append(text.replace("\n", " | "))


def _setup(path: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django
    from django.conf import settings

    settings.MIGRATION_MODULES = _NoMigrations()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LOGGING_CONFIG = None
    django.setup()


def _schema_and_data() -> None:
    from django.core.management import call_command
    from django.db import connection

    from directory.models import Membership, Organisation, Unit, User

    with connection.cursor() as cursor:  # only this connection: the schema need not be durable
        cursor.execute("PRAGMA synchronous=OFF")
    call_command("migrate", run_syncdb=True, verbosity=0)
    kommun = Organisation.objects.create(name="Ludvika kommun", kind="kommun")
    unit = Unit.objects.create(
        organisation=kommun,
        name="Barn och familj",
        email="barn@example.se",
        mail_to_mailbox=True,
        mail_to_members=True,
    )
    user = User.objects.create(username="sara", email="sara@example.se")
    Membership.objects.create(user=user, unit=unit)


def _server(deadline: float) -> int:
    """What a request that records an answer writes."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from audit.models import AccessLogEntry
    from audit.services import access_log_record
    from directory.models import Unit, User
    from notifications.services import event_emit
    from sipflow.events import SipEvent

    user, unit = User.objects.get(), Unit.objects.get()
    done = 0
    while time.monotonic() < deadline:
        with transaction.atomic():
            # Like viewflow's flow lock and the access checks: read before writing.
            Unit.objects.select_for_update().get(pk=unit.pk)
            event_emit(kind=SipEvent.INVITATION_SENT, recipient_unit=unit, url="/x/")
            access_log_record(
                user=user, action=AccessLogEntry.Action.UPDATE, obj=unit, path="/answer/"
            )
            session = SessionStore()
            session["answered"] = done
            session.save()
        done += 1
    return done


def _worker(deadline: float) -> int:
    from django_tasks_db.management.commands.db_worker import Worker

    done = 0
    while time.monotonic() < deadline:
        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="sqlite-writers",
            excluded_queue_names=[],
        )
        worker.run()
        done += worker._run_tasks
    return done


def _tick(deadline: float) -> int:
    from overview.management.commands.tick import tick

    done = 0
    while time.monotonic() < deadline:
        tick()
        done += 1
    return done


WRITERS = {"server": _server, "worker": _worker, "tick": _tick}


def _run(name: str, deadline: float, out) -> None:
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    done = 0
    try:
        done = WRITERS[name](deadline)
    except Exception as error:
        errors.lines.append(f"{type(error).__name__}: {error}")
    for line in errors.lines:
        out.put(f"ERROR {name}: {line}")
    out.put(f"DONE {name} {done}")


def main(path: str, seconds: float) -> int:
    _setup(path)
    _schema_and_data()
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    deadline = time.monotonic() + seconds
    processes = [context.Process(target=_run, args=(name, deadline, out)) for name in WRITERS]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    lines = []
    while not out.empty():
        lines.append(out.get())
    from django_tasks_db.models import DBTaskResult

    for result in DBTaskResult.objects.exclude(status="SUCCESSFUL"):
        if result.status == "FAILED":
            last_line = result.traceback.strip().splitlines()[-1:]
            lines.append(f"ERROR worker task: {result.exception_class_path} {last_line}")
    print("\n".join(line.replace("\n", " | ") for line in lines), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2])))
