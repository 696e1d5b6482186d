"""Small viewflow node extensions for every process's flow: two the open edition lacks, and
a gateway whose chart reads in Swedish."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow.workflow import Activation, FlowRuntimeError, flow
from viewflow.workflow.base import Edge
from viewflow.workflow.nodes import ViewActivation
from viewflow.workflow.nodes.split import SplitActivation


class ForEachSplitActivation(SplitActivation):
    @Activation.status.super()
    def activate(self):
        for node, condition, data_source in self.flow_task._branches:
            if condition and not condition(self):
                continue
            if data_source is None:
                self.next_tasks.append((node, None))
            else:
                self.next_tasks.extend((node, item) for item in data_source(self))
        if not self.next_tasks:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class ForEachSplit(flow.Split):
    """A split with one branch per item: ``.Next(node, data_source=callable)`` gives each
    created task one item as its ``task.data`` (viewflow 2.4 documents but lacks this)."""

    activation_class = ForEachSplitActivation

    def Next(self, node, case=None, data_source=None):
        self._activate_next.append((node, case, data_source))
        return self


class UnitViewActivation(ViewActivation):
    def prepare_revived_task(self, task):
        """Keep the unit permission on a revived task: without it anyone could take it."""
        task.owner_permission = self.task.owner_permission
        task.owner_permission_content_type_id = self.task.owner_permission_content_type_id
        task.owner_permission_obj_pk = self.task.owner_permission_obj_pk


class UnitView(flow.View):
    """A human task queued for one unit (or huvudman), by a per-unit permission
    (cases.backends)."""

    activation_class = UnitViewActivation

    def can_assign(self, user, task):
        """Only a member of the unit (or huvudman) the task is queued for. Django grants a
        superuser every permission, and a task taken by someone outside the unit is one that
        nobody in it can answer or give back (giving back is a manage action)."""
        from .backends import UnitPermissionBackend

        if task.owner_permission and not UnitPermissionBackend().has_perm(
            user, task.owner_permission
        ):
            return False
        return super().can_assign(user, task)


class If(flow.If):
    """viewflow's exclusive gateway, its chart's branches labelled "ja" and "nej" (viewflow
    writes "yes" and "no" untranslated)."""

    def _outgoing(self):
        yield Edge(src=self, dst=self._on_true, edge_class="cond_true", label=_("ja"))
        yield Edge(src=self, dst=self._on_false, edge_class="cond_false", label=_("nej"))
