from __future__ import annotations

from django.views.generic import TemplateView

from .selectors import user_memberships


class OverviewView(TemplateView):
    """The start page after login: who you are and where you work."""

    template_name = "directory/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = user_memberships(user=self.request.user)
        return context
