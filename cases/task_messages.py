"""What a user reads after she takes, gives back (or a manager cancels, undoes or revives) a
step of a case: in Swedish, in her own words, naming the step and the case as the pages do,
never viewflow's internal task number ("Task #72 has been assigned.").

viewflow's node classes name the views of these actions (``assign_view_class`` …);
``task_action_views_in_swedish`` (run from ``CasesConfig.ready``) points every node class
of ``viewflow.workflow.flow`` at the subclasses below, so that every process's every node
speaks alike, and the bulk actions of the Inkorg (cases.views) use ``tasks_message``.
"""

from __future__ import annotations

import inspect

from django.utils.translation import gettext, ngettext
from viewflow.workflow.flow import nodes as flow_nodes
from viewflow.workflow.flow import views as flow_views

#: What each action did, with the step's title and the case's name.
_MESSAGES = {
    "assign": lambda: gettext("Du har tagit uppgiften ”%(task)s” i %(case)s."),
    "unassign": lambda: gettext(
        "Du har lämnat tillbaka uppgiften ”%(task)s” i %(case)s. Den väntar nu på att någon "
        "i enheten tar den."
    ),
    "cancel": lambda: gettext("Du har avbrutit uppgiften ”%(task)s” i %(case)s."),
    "undo": lambda: gettext("Du har ångrat uppgiften ”%(task)s” i %(case)s."),
    "revive": lambda: gettext("Du har återupptagit uppgiften ”%(task)s” i %(case)s."),
}


def case_name(process) -> str:
    """The case as a sentence names it: "SIP för Alva Ek", "placering för Oskar Berg" (a
    capital kept where the word is an abbreviation)."""
    name = str(process.brief or "")
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def task_message(*, action: str, task) -> str:
    """The sentence for ``action`` (assign, unassign, cancel, undo, revive) on ``task``."""
    return _MESSAGES[action]() % {
        "task": task.flow_task.task_title,
        "case": case_name(task.process),
    }


def tasks_message(*, action: str, count: int) -> str:
    """The sentence for a bulk action of the Inkorg on ``count`` tasks."""
    if action == "assign":
        text = ngettext(
            "Du har tagit %(count)s uppgift.", "Du har tagit %(count)s uppgifter.", count
        )
    else:
        text = ngettext(
            "Du har lämnat tillbaka %(count)s uppgift.",
            "Du har lämnat tillbaka %(count)s uppgifter.",
            count,
        )
    return text % {"count": count}


class _SwedishMessage:
    action = ""

    def get_success_message(self, cleaned_data):
        return task_message(action=self.action, task=self.request.activation.task)


class AssignTaskView(_SwedishMessage, flow_views.AssignTaskView):
    action = "assign"


class UnassignTaskView(_SwedishMessage, flow_views.UnassignTaskView):
    action = "unassign"


class CancelTaskView(_SwedishMessage, flow_views.CancelTaskView):
    action = "cancel"


class UndoTaskView(_SwedishMessage, flow_views.UndoTaskView):
    action = "undo"


class ReviveTaskView(_SwedishMessage, flow_views.ReviveTaskView):
    action = "revive"


#: viewflow's view of each action → ours, by the node attribute that names it.
SWEDISH_VIEWS = {
    "assign_view_class": (flow_views.AssignTaskView, AssignTaskView),
    "unassign_view_class": (flow_views.UnassignTaskView, UnassignTaskView),
    "cancel_view_class": (flow_views.CancelTaskView, CancelTaskView),
    "undo_view_class": (flow_views.UndoTaskView, UndoTaskView),
    "revive_view_class": (flow_views.ReviveTaskView, ReviveTaskView),
}


def task_action_views_in_swedish() -> None:
    """Every node class viewflow's flows are built of uses the Swedish views (a node class
    that names a view of its own keeps it). Idempotent."""
    for _name, node_class in inspect.getmembers(flow_nodes, inspect.isclass):
        for attribute, (theirs, ours) in SWEDISH_VIEWS.items():
            if node_class.__dict__.get(attribute) is theirs:
                setattr(node_class, attribute, ours)
