"""The follow-up visit page (uppföljningsbesök): for the placing unit's staff, with the
visit clock and the visits recorded so far."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from . import selectors, services
from .views import OwnPlacementMixin, PlacementFormMixin
from .visit_forms import FollowUpVisitForm


class FollowUpVisitView(OwnPlacementMixin, PlacementFormMixin, FormView):
    template_name = "placement/visit.html"
    form_class = FollowUpVisitForm
    title = gettext_lazy("Dokumentera uppföljningsbesök")
    success_message = gettext_lazy("Uppföljningsbesöket är dokumenterat.")

    def get_initial(self):
        return {"visited_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        placement, today = self.placement, timezone.localdate()
        return super().get_context_data(
            title=self.title,
            today=today,
            clocks=selectors.placement_clocks(placement=placement, on=today),
            visits=selectors.placement_visits(placement=placement),
            **kwargs,
        )

    def perform(self, form):
        return services.follow_up_visit_record(
            placement=self.placement, by=self.request.user, **form.cleaned_data
        )
