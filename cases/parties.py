"""Ärendets parter: who may work a case's own steps.

Every process has the same shape: the staff of the unit that owns the case (the one that
started it) work its steps; a lead unit or lead person from outside it (huvudansvarig) does
so only while the consent covers them. Withdrawal or expiry ends that at once, since
``covered`` is asked at each step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from directory.models import Membership, User

from .errors import NotParty


def case_party_require(
    *,
    by: User,
    own_units: Iterable[int | None],
    lead_units: Iterable[int | None] = (),
    lead_user_id: int | None = None,
    covered: Callable[[], bool] = lambda: False,
    not_party: str | None = None,
    not_covered: str | None = None,
) -> None:
    """Refuse (NotParty) unless ``by`` works in an owning unit, or leads the case from
    outside it while ``covered()`` says the consent covers them."""
    own = [pk for pk in own_units if pk is not None]
    if own and Membership.objects.filter(user=by, unit__in=own).exists():
        return
    leads = [pk for pk in lead_units if pk is not None]
    leading = (lead_user_id is not None and by.pk == lead_user_id) or (
        leads and Membership.objects.filter(user=by, unit__in=leads).exists()
    )
    if leading:
        if covered():
            return
        raise NotParty(
            not_covered
            or _("Samtycket omfattar inte längre din enhet, så du kan inte arbeta med ärendet."),
            reason="lead_not_covered",
        )
    raise NotParty(not_party or _("Du arbetar inte med det här ärendet."), reason="not_party")
