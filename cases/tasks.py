"""Running one human viewflow task as a user, for every process.

A service that finishes a task either runs inside the web task view's activation (which
already holds the flow lock and the transaction) or opens the task itself: lock first, then
the transaction (a NOWAIT lock taken inside an open transaction would abort it on
contention).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from viewflow import this
from viewflow.workflow import STATUS
from viewflow.workflow.models import Process, Task

from directory.models import Membership, Unit, User

from .errors import Conflict, NotParty

#: The statuses of a task that is still to be done.
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED)


def member(user: User, unit: Unit | int | None, roles: Iterable[str] | None = None) -> bool:
    """Whether ``user`` works in ``unit`` (in one of ``roles``, where given)."""
    if unit is None:
        return False
    memberships = Membership.objects.filter(user=user, unit=unit)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships.exists()


def _newest_open(tasks, *, process: Process | int, node, data: dict[str, Any]) -> Task:
    tasks = tasks.filter(process=process, flow_task=node, status__in=OPEN)
    for key, value in data.items():
        tasks = tasks.filter(**{f"data__{key}": value})
    task = tasks.order_by("-pk").first()
    if task is None:
        raise Conflict(_("Steget är inte öppet längre."), reason="no_task")
    return task


def task_open(*, process: Process | int, node, **data: Any) -> Task:
    """The newest open task of ``node`` in the process (with ``task.data`` matching
    ``data``); a Conflict when the step is no longer open."""
    return _newest_open(Task.objects.all(), process=process, node=node, data=data)


def task_activate(*, process: Process | int, node, **data: Any):
    """The activation of the newest open task of ``node`` in the process (as ``task_open``
    finds it), read with its process in one query, inside a step that holds the flow lock
    already. What ``task.activation()`` does after ``task_open`` (lock, reload the task,
    load its process) in one query instead of three."""
    tasks = Task.objects.select_related("process")
    return node.activation_class(_newest_open(tasks, process=process, node=node, data=data))


@contextmanager
def task_activation(*, process: Process | int, node, **data: Any) -> Iterator[Any]:
    """Take the flow lock, then yield the activation of the newest open task of ``node``
    in the process (``task_activate``): the task is found under the lock."""
    process_id = process.pk if isinstance(process, Process) else process
    with node.flow_class.lock(process_id):
        yield task_activate(process=process_id, node=node, **data)


@contextmanager
def task_step(
    *,
    by: User,
    task: Task | None = None,
    process: Process | int | None = None,
    node=None,
    activation=None,
) -> Iterator[Any]:
    """Run one human task as ``by``: in the web view's ``activation``, or opened here (lock,
    then transaction): the ``task`` given, or the newest open task of ``node`` in
    ``process``, found under the lock (``task_activation``). Yields the activation; the
    task completes when the block ends without an error, and nothing of the block is kept
    when it raises."""
    if activation is not None:
        with transaction.atomic():
            yield activation
            activation.execute()
        return
    opened = task.activation() if task is not None else task_activation(process=process, node=node)
    with opened as act:
        if act.task.status not in (STATUS.NEW, STATUS.ASSIGNED):
            raise Conflict(_("Steget är redan gjort."), reason="done")
        if act.task.owner_id is None:
            act.assign(by)
        elif act.task.owner_id != by.pk:
            raise NotParty(_("Uppgiften är tilldelad någon annan."), reason="assigned_to_other")
        act.start(None)
        yield act
        act.execute()


def task_take_over(activation, *, by: User) -> None:
    """Finish an open task as ``by`` in its already locked activation, taking it over from
    whoever in the unit had taken it (a kallelse is the unit's, not one person's)."""
    if activation.task.owner_id is None:
        activation.assign(by)
    elif activation.task.owner_id != by.pk:
        activation.unassign()
        activation.assign(by)
    activation.start(None)
    activation.execute()


def task_requeue(activation, *, permission: str, owner: User | None = None) -> None:
    """Put an open task back in a unit's queue (``permission``, cases.backends), given to
    ``owner`` where one is named."""
    if activation.task.status == STATUS.ASSIGNED:
        activation.unassign()
    activation.task.owner_permission = permission
    activation.task.save(update_fields=["owner_permission"])
    if owner is not None:
        activation.assign(owner)


def task_cancel(task: Task) -> None:
    """Cancel an open task inside a step that already holds the flow lock."""
    task.flow_task.activation_class(task).cancel()


def handle_run(node, task: Task, **kwargs: Any) -> None:
    """Run a viewflow ``Handle`` task (a wait for something outside the flow) inside a step
    that already holds the flow lock: what ``node.run(task)`` does, without taking the lock
    a second time."""
    func = this.resolve(node.flow_class.instance, node._func)
    activation = node.activation_class(task)
    activation.run(func, **kwargs)
    activation.execute()


def inbox_tasks(tasks, *, user: User):
    """Inkorg: of ``tasks``, those assigned to the user, and those queued for the user's
    units that nobody has taken yet (a kallelse is its unit's to answer, whoever of it
    answers)."""
    from .backends import UnitPermissionBackend

    queued = UnitPermissionBackend().get_all_permissions(user)
    return tasks.filter(
        Q(owner=user, status=STATUS.ASSIGNED)
        | Q(owner__isnull=True, status=STATUS.NEW, owner_permission__in=queued)
    )


@dataclass(frozen=True)
class TaskRow:
    """One task on the start page: what to do, whose case, and where to do it."""

    title: str
    person: Any
    url: str
    created: Any


def user_task_rows(
    *,
    user: User,
    flow_class,
    visible_process_ids,
    case: str,
    task_link=None,
    exclude_nodes: Iterable[str] = (),
    limit: int = 50,
) -> list[TaskRow]:
    """The start page's tasks of one process for the user: those in the user's Inkorg
    (``inbox_tasks``) of the cases the user may see, oldest first, with each case's person
    read in the same query. ``task_link(task)`` may send a row elsewhere than viewflow's
    task page."""
    tasks = inbox_tasks(
        Task.objects.filter(
            process__flow_class=flow_class, process__in=visible_process_ids(user=user)
        ),
        user=user,
    )
    for node in exclude_nodes:
        tasks = tasks.exclude(flow_task=getattr(flow_class.instance, node))
    tasks = tasks.select_related(f"process__{case}__person").order_by("created", "pk")
    rows = []
    for task in tasks[:limit]:
        url = (task_link(task) if task_link else None) or task.flow_task.reverse(
            "index", args=[task.process_id, task.pk]
        )
        person = getattr(getattr(task.process, case, None), "person", None)
        rows.append(
            TaskRow(
                title=str(task.flow_task.task_title), person=person, url=url, created=task.created
            )
        )
    return rows
