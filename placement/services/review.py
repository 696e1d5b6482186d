"""Övervägande (SoL; LVU 13 § första stycket) and omprövning (LVU 13 § andra stycket): due
every N months counted from the start date (placement.selectors.next_review_date), one open
review at a time, its outcome recorded; the handläggare is told the rule table's time
before it is due. Where the placing organisation follows SOU 2023:66, the first review of a
child's placement confirms that a hälsoundersökning was offered and a kunskapsbedömning
done."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.errors import InvalidState
from directory.models import User
from notifications.services import event_emit

from ..events import PlacementEvent
from ..models import Placement, Review
from ..selectors import (
    LIVING_THERE,
    legal_end,
    next_review_date,
    review_health_check_required,
    review_notice_start,
)
from .base import history, locked, now, page_url, require_party, require_phase, step


def review_schedule(placement: Placement) -> Review | None:
    """Open the next review after the last one (or after the start), unless one is open, the
    basis has none (LVM) or the care ends by law before it."""
    if placement.reviews.filter(held_on__isnull=True).exists():
        return None
    last = placement.reviews.order_by("-due_on").values_list("due_on", flat=True).first()
    after = last or placement.start_date
    if after is None:
        return None
    due = next_review_date(placement=placement, on=after + dt.timedelta(days=1))
    end = legal_end(placement=placement)
    if due is None or (end is not None and due > end):
        return None
    return Review.objects.create(
        placement=placement, placing_unit_id=placement.placing_unit_id, due_on=due
    )


def review_record(
    *,
    placement: Placement,
    by: User,
    held_on: dt.date,
    outcome: str,
    note: str = "",
    health_examination_offered: bool = False,
    knowledge_assessment_done: bool = False,
    activation=None,
    at: dt.datetime | None = None,
) -> Review:
    """Record the open review: when it was held and its outcome (continue, end, change).
    An SoL placement whose consent has ended cannot simply continue. Where the organisation
    follows SOU 2023:66 on the day, the first review of a child's placement is refused
    until it confirms that a hälsoundersökning was offered and a kunskapsbedömning done.
    The next review opens from the start date's rhythm. In the flow: its review task
    (``activation``, or the open task when there is one)."""
    at = now(at)
    with step(placement, by=by, node="review", activation=activation, optional=True):
        return _record(
            placement,
            by=by,
            held_on=held_on,
            outcome=outcome,
            note=note,
            health_examination_offered=health_examination_offered,
            knowledge_assessment_done=knowledge_assessment_done,
            at=at,
        )


def _record(
    placement: Placement,
    *,
    by: User,
    held_on: dt.date,
    outcome: str,
    note: str,
    health_examination_offered: bool,
    knowledge_assessment_done: bool,
    at: dt.datetime,
) -> Review:
    placement = locked(placement)
    require_party(placement, by)
    require_phase(placement, LIVING_THERE)
    review = placement.reviews.filter(held_on__isnull=True).order_by("due_on").first()
    if review is None:
        raise InvalidState(_("Placeringen har inget övervägande att göra."), reason="no_review")
    errors = {}
    if outcome not in Review.Outcome.values:
        errors["outcome"] = _("Välj utfall: fortsätter, avslutas eller ändras.")
    if held_on > timezone.localdate(at) or held_on < placement.start_date:
        errors["held_on"] = _("Övervägandet görs mellan inflyttningen och i dag.")
    if outcome == Review.Outcome.CONTINUE and placement.consent_ended_on is not None:
        errors["outcome"] = _(
            "Samtycket till placeringen har upphört: avsluta placeringen eller ansök om vård "
            "enligt LVU."
        )
    health_check = review_health_check_required(placement=placement, on=held_on)
    if health_check and not health_examination_offered:
        errors["health_examination_offered"] = _(
            "Vid det första övervägandet ska nämnden följa upp att barnet har erbjudits en "
            "hälsoundersökning (förslag i SOU 2023:66 som er organisation följer). Bekräfta "
            "att den har erbjudits, eller se till att den erbjuds innan övervägandet "
            "dokumenteras."
        )
    if health_check and not knowledge_assessment_done:
        errors["knowledge_assessment_done"] = _(
            "Vid det första övervägandet ska nämnden följa upp att skolan har gjort en "
            "kunskapsbedömning (förslag i SOU 2023:66 som er organisation följer). Bekräfta "
            "att den är gjord, eller se till att den görs innan övervägandet dokumenteras."
        )
    if errors:
        raise ValidationError(errors)
    review.held_on, review.outcome, review.note = held_on, outcome, note.strip()
    review.health_examination_offered = health_examination_offered
    review.knowledge_assessment_done = knowledge_assessment_done
    review.recorded_at, review.recorded_by = at, by
    review.save()
    history(
        placement,
        what=(
            gettext_noop(
                "Övervägande gjort %(on)s: %(outcome)s. Bekräftat att hälsoundersökning har "
                "erbjudits och kunskapsbedömning gjorts."
            )
            if health_check
            else gettext_noop("Övervägande gjort %(on)s: %(outcome)s.")
        ),
        at=at,
        by=by,
        on=held_on.isoformat(),
        outcome=review.get_outcome_display().lower(),
    )
    review_schedule(placement)
    return review


def reviews_remind(*, at: dt.datetime | None = None) -> int:
    """The tick: tell the handläggare of each open review whose notice has started (once per
    review)."""
    today = timezone.localdate(at or timezone.now())
    reviews = Review.objects.filter(
        held_on__isnull=True,
        due_on__lte=today + dt.timedelta(days=90),  # the notice's largest value
        placement__phase__in=LIVING_THERE,
    ).select_related("placement__placing_unit", "placement__caseworker")
    sent = 0
    for review in reviews:
        if review_notice_start(review=review) > today:
            continue
        with transaction.atomic():
            sent += review_announce(review=review)
    return sent


def review_announce(*, review: Review) -> bool:
    """Tell the handläggare that the review's notice has come, once per review (from the
    tick, or the flow's timer); False when she has been told already."""
    with transaction.atomic():
        event = event_emit(
            kind=PlacementEvent.REVIEW_DUE,
            recipient_user=review.placement.caseworker,
            url=page_url(review.placement),
            data={"due": review.due_on.isoformat()},
            dedupe_key=f"placement-review-due:{review.pk}",
        )
    return event is not None
