"""``{% case_actions "sip" plan.pk %}``: the links other apps offer on a case's page."""

from __future__ import annotations

from django import template

from cases.registry import case_actions as registered_actions

register = template.Library()


@register.inclusion_tag("cases/_actions.html", takes_context=True)
def case_actions(context, case_kind: str, case_id: int) -> dict:
    """The actions offered to the page's user for this case, in their registered order."""
    user = context["request"].user
    links = []
    for action in registered_actions():
        url = action.url(user=user, case_kind=case_kind, case_id=case_id)
        if url:
            links.append({"code": action.code, "label": action.label, "url": url})
    return {"links": links}
