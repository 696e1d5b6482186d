"""Background work, run by django-tasks' database worker (``manage.py db_worker``)."""

from django_tasks import task

from .services import deliveries_send


@task()
def deliver_outbox() -> int:
    """Send what the outbox holds; returns how many were sent."""
    return deliveries_send().sent
