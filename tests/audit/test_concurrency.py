"""Two sessions append at the same time: the advisory lock keeps the chain one line."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from audit.models import AccessLogEntry
from audit.selectors import audit_verify
from audit.services import access_log_record

PER_THREAD = 20


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_threads_recording_at_once_keep_the_chain_valid(staff):
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def record(user):
        try:
            barrier.wait()
            for n in range(PER_THREAD):
                access_log_record(
                    user=user, action=AccessLogEntry.Action.VIEW, person=staff.child, purpose=str(n)
                )
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(user,)) for user in (staff.sara, staff.vera)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert AccessLogEntry.objects.filter(username="sara").count() == PER_THREAD
    assert AccessLogEntry.objects.filter(username="vera").count() == PER_THREAD
    result = audit_verify()
    assert (result.checked, result.first_broken_pk) == (2 * PER_THREAD, None)
