"""The avvikelser part of the demo (directory.demo.seed_demo), made through the services with
their dates in the past: Vera at BUP Falun reports a kallelse Ludvika's socialtjänst never
answered, the two agree a temporary allocation the same day and their handlers (Carl as SAS,
Britt, chef at BUP, as the region's handler) sign off the measures; Sara's report of a
hälsoundersökning that never happened waits for the region's agreement (red on Carl's and
Britt's overviews); a cost dispute has gone to Länschefsnätverket; and earlier reports of
the year fill the statistics. Idempotent: nothing is added once any avvikelse exists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cases.registry import reportable_case
from directory.durations import add_months
from directory.models import Unit, User

from . import services
from .models import Deviation
from .rules import AgreementCode, Category, HandlerRole, Harm

SOCIAL = "Barn och familj, Ludvika"
BUP = "BUP Falun"


@dataclass(frozen=True)
class Cast:
    today: dt.date
    vera: User
    sara: User
    carl: User
    britt: User
    social: Unit
    bup: Unit

    def at(self, days_ago: int, hour: int = 9) -> dt.datetime:
        day = self.today - dt.timedelta(days=days_ago)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)


def _cast(today: dt.date) -> Cast | None:
    users = {
        user.username: user
        for user in User.objects.filter(username__in=["vera", "sara", "carl", "britt"])
    }
    social = Unit.objects.filter(name=SOCIAL).first()
    bup = Unit.objects.filter(name=BUP).first()
    if len(users) < 4 or social is None or bup is None:
        return None
    return Cast(today, users["vera"], users["sara"], users["carl"], users["britt"], social, bup)


def _first_case(user: User, kind: str) -> tuple[str, int | None]:
    """The user's newest case of this kind, where the demo has one; else a report about the
    agreement in general."""
    cases = reportable_case(kind)
    choices = list(cases.choices(user=user)) if cases else []
    return (kind, choices[0].case_id) if choices else ("", None)


def _report(cast: Cast, *, by: User, unit: Unit, other: Unit, days_ago: int, **fields) -> Deviation:
    at = cast.at(days_ago)
    fields.setdefault("agreement", AgreementCode.HVB)
    fields.setdefault("harm", Harm.NONE)
    return services.deviation_report(
        by=by,
        unit=unit,
        concerned_units=[other],
        occurred_on=cast.day(days_ago + 1),
        allocation_until=cast.day(days_ago - 14),
        at=at,
        **fields,
    )


def _agree(cast: Cast, deviation: Deviation, *, by: User, days_ago: int, hour: int) -> None:
    services.allocation_agree(deviation=deviation, by=by, at=cast.at(days_ago, hour))


def _handlers(cast: Cast, deviation: Deviation, *, days_ago: int) -> None:
    for user, unit, role in (
        (cast.carl, cast.social, HandlerRole.SAS),
        (cast.britt, cast.bup, HandlerRole.DESIGNATED),
    ):
        party = deviation.parties.get(unit=unit)
        services.handler_name(
            deviation=deviation,
            by=user,
            party=party,
            handler=user,
            role=role,
            at=cast.at(days_ago, 11),
        )


def _close(cast: Cast, deviation: Deviation, *, measures: str, days_ago: int) -> None:
    services.measures_record(
        deviation=deviation, by=cast.carl, measures=measures, at=cast.at(days_ago, 10)
    )
    for handler in (cast.carl, cast.britt):
        services.measures_sign_off(deviation=deviation, by=handler, at=cast.at(days_ago, 14))


def deviations_demo_seed(*, today: dt.date) -> None:
    if Deviation.objects.exists():
        return
    cast = _cast(today)
    if cast is None:
        return
    _the_unanswered_kallelse(cast)
    _the_health_examination(cast)
    _the_cost_dispute(cast)
    _the_year_before(cast)


def _the_unanswered_kallelse(cast: Cast) -> None:
    case_kind, case_id = _first_case(cast.vera, "sip")
    deviation = _report(
        cast,
        by=cast.vera,
        unit=cast.bup,
        other=cast.social,
        days_ago=12,
        case_kind=case_kind,
        case_id=case_id,
        category=Category.SIP_SUMMONS_UNANSWERED,
        harm=Harm.RISK,
        description=(
            "BUP kallade socialtjänsten till ett SIP-möte om ett barn i behandling. Kallelsen "
            "besvarades inte och ingen från socialtjänsten kom till mötet."
        ),
        responsibilities=(
            "Socialtjänsten kontaktar familjen inom två dagar och kallar till ett nytt "
            "SIP-möte. BUP fortsätter behandlingen som planerat och är kontakt för familjen "
            "tills mötet är hållet."
        ),
    )
    _agree(cast, deviation, by=cast.sara, days_ago=12, hour=13)
    _handlers(cast, deviation, days_ago=11)
    services.note_add(
        deviation=deviation,
        by=cast.sara,
        text="Kallelsen kom till en personlig brevlåda under semestern och lästes inte.",
        at=cast.at(10, 10),
    )
    services.note_add(
        deviation=deviation,
        by=cast.vera,
        text="BUP skickade kallelsen till handläggaren, inte till enhetens funktionsbrevlåda.",
        at=cast.at(10, 15),
    )
    _close(
        cast,
        deviation,
        measures=(
            "Kallelser till SIP skickas till enhetens funktionsbrevlåda, som bevakas varje "
            "arbetsdag. Rutinen är uppdaterad hos båda parter."
        ),
        days_ago=5,
    )


def _the_health_examination(cast: Cast) -> None:
    case_kind, case_id = _first_case(cast.sara, "placement")
    _report(
        cast,
        by=cast.sara,
        unit=cast.social,
        other=cast.bup,
        days_ago=2,
        case_kind=case_kind,
        case_id=case_id,
        category=Category.HEALTH_EXAMINATION,
        harm=Harm.UNKNOWN,
        description=(
            "Ett placerat barn har inte erbjudits någon hälsoundersökning, fast begäran "
            "skickades till regionen när placeringen började."
        ),
        responsibilities=(
            "BUP bokar en hälsoundersökning inom en vecka; socialtjänsten ser till att "
            "barnet kommer dit."
        ),
    )


def _the_cost_dispute(cast: Cast) -> None:
    deviation = _report(
        cast,
        by=cast.sara,
        unit=cast.social,
        other=cast.bup,
        days_ago=70,
        category=Category.COST_ALLOCATION,
        description=(
            "Kommunen och regionen är inte överens om vem som betalar den psykiatriska "
            "behandlingen på ett HVB efter en akut placering."
        ),
        responsibilities=(
            "Kommunen betalar tills kostnadsfördelningen är fastställd; regionen ordnar "
            "behandlingen via remiss till BUP."
        ),
    )
    _agree(cast, deviation, by=cast.britt, days_ago=70, hour=15)
    _handlers(cast, deviation, days_ago=69)
    dispute = services.dispute_raise(
        deviation=deviation,
        by=cast.carl,
        matter="Vem som betalar den psykiatriska behandlingen på HVB:et.",
        at=cast.at(60),
    )
    services.dispute_level_record(
        dispute=dispute,
        by=cast.carl,
        proposal="Kostnaden delas lika tills vidare.",
        proposal_on=cast.day(50),
        at=cast.at(50),
    )
    services.dispute_decide(
        dispute=dispute,
        by=cast.carl,
        decision="Parterna kom inte överens; tvisten förs till Länschefsnätverket.",
        decided_on=cast.day(40),
        resolved=False,
        at=cast.at(40),
    )
    notice = cast.day(30)
    services.dispute_level_record(
        dispute=dispute,
        by=cast.britt,
        notice_on=notice,
        written_on=cast.day(25),
        meeting_on=add_months(notice, 1) + dt.timedelta(days=7),
        at=cast.at(25),
    )


#: Earlier reports of the year: (days ago, category, hours to agree, days to close).
EARLIER = (
    (300, Category.SIP_SUMMONS_UNANSWERED, 2, 20),
    (260, Category.SIP_SUMMONS_UNANSWERED, 5, 14),
    (230, Category.INFORMATION, 26, 30),
    (200, Category.SIP_SUMMONS_UNANSWERED, 3, 10),
    (150, Category.SIP_SUMMONS_UNANSWERED, 1, 21),
    (120, Category.HANDOVER, 4, 12),
    (90, Category.SIP_SUMMONS_UNANSWERED, 6, 9),
)


def _the_year_before(cast: Cast) -> None:
    for days_ago, category, hours, days in EARLIER:
        reporter, unit, other, agreeing = (
            (cast.vera, cast.bup, cast.social, cast.sara)
            if days_ago % 20
            else (cast.sara, cast.social, cast.bup, cast.vera)
        )
        deviation = _report(
            cast,
            by=reporter,
            unit=unit,
            other=other,
            days_ago=days_ago,
            category=category,
            description="En brist i samverkan mellan BUP och socialtjänsten.",
            responsibilities="Den rapporterande enheten fortsätter sina insatser tills vidare.",
        )
        services.allocation_agree(
            deviation=deviation,
            by=agreeing,
            at=cast.at(days_ago) + dt.timedelta(hours=hours),
        )
        _handlers(cast, deviation, days_ago=days_ago - 1)
        _close(cast, deviation, measures="Rutinen är förtydligad.", days_ago=days_ago - days)
