"""What the agreements say about avvikelser and tvister between kommun and region, as data:
the categories a report takes, the handler roles, the agreements a report can concern (by
their public names and dates of effect), the levels of the tvist ladder and what the
region's incident system expects. The time limits are rows of directory.durations.

Sources (RULES.md §4): the regional agreement on HVB placements, section "Avvikelsehantering
för att utveckla samverkan" (004 ≈L1337-1359): an avvikelse concerning another organisation
is handled jointly by the parties it concerns, and while they investigate they agree at once
on a temporary allocation of responsibility. The substance-abuse agreement (001 ≈L1863-1891),
sections 7.1.1-7.1.3: Synergi, the region's incident system, which kommun staff with the
MAS, MAR or SAS role also use; the ladder local management → Länschefsnätverket (notice at
least one month ahead, then in writing; its steering group proposes) → Välfärdsrådet (its
presidium proposes); and footnote 61, how a report is filed there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation
from directory.rules import AGREEMENT as HVB_AGREEMENT_NAME

#: The agreements bind the kommuner and the region: they are the parties to an avvikelse.
PARTY_ORGANISATION_KINDS = (Organisation.Kind.MUNICIPALITY, Organisation.Kind.REGION)


class Category(models.TextChoices):
    """Vad avvikelsen gäller."""

    SIP_SUMMONS_UNANSWERED = "sip_summons_unanswered", _("Kallelse till SIP besvarades inte")
    SIP_NOT_DRAWN_UP = "sip_not_drawn_up", _("SIP upprättades eller följdes inte upp")
    HEALTH_EXAMINATION = "health_examination", _("Hälsoundersökning blev inte av")
    COST_ALLOCATION = "cost_allocation", _("Kostnads- eller ansvarsfördelning saknas")
    INFORMATION = "information", _("Information överfördes inte eller blev fel")
    HANDOVER = "handover", _("Överlämning mellan huvudmännen brast")
    ROUTINES = "routines", _("Otydliga eller felaktiga rutiner")
    CONDUCT = "conduct", _("Bemötande")
    OTHER = "other", _("Annat")


class Harm(models.TextChoices):
    """Skada eller risk för den enskilde."""

    HARMED = "harmed", _("Personen kom till skada")
    RISK = "risk", _("Risk för skada (tillbud)")
    NONE = "none", _("Varken skada eller risk")
    UNKNOWN = "unknown", _("Inte känt ännu")


class HandlerRole(models.TextChoices):
    """The role in which an organisation's handler (handläggare) takes the avvikelse: in a
    kommun typically the MAS, the MAR or the SAS, in the region a designated handler
    (001 ≈L1869). A role on the report, not a membership role: the same person is MAS for
    one avvikelse and nothing of the sort in the directory."""

    MAS = "mas", _("Medicinskt ansvarig sjuksköterska (MAS)")
    MAR = "mar", _("Medicinskt ansvarig för rehabilitering (MAR)")
    SAS = "sas", _("Socialt ansvarig socionom (SAS)")
    DESIGNATED = "designated", _("Utsedd avvikelsehandläggare")


class AgreementCode(models.TextChoices):
    HVB = "hvb", _("Överenskommelsen om placering på HVB")
    SUBSTANCE = "substance", _("Överenskommelsen om missbruk och beroende")


@dataclass(frozen=True)
class Agreement:
    """A regional agreement a report can concern, by its public name."""

    code: str
    name: str
    effective_from: dt.date
    effective_until: dt.date | None = None


AGREEMENTS: dict[str, Agreement] = {
    AgreementCode.HVB: Agreement(
        code=AgreementCode.HVB,
        name=HVB_AGREEMENT_NAME,
        effective_from=dt.date(2025, 7, 1),
        effective_until=dt.date(2033, 6, 30),
    ),
    # 2021-07-01 to 2024-06-30, prolonged by 12 months while it is revised (001 ≈L1891).
    AgreementCode.SUBSTANCE: Agreement(
        code=AgreementCode.SUBSTANCE,
        name=_(
            "Länsövergripande överenskommelse om samverkan rörande personer som missbrukar "
            "alkohol, narkotika, andra beroendeframkallande medel, läkemedel, dopningsmedel "
            "eller spel om pengar"
        ),
        effective_from=dt.date(2021, 7, 1),
    ),
}


class DisputeLevelCode(models.TextChoices):
    """The tvist ladder, bottom up."""

    LOCAL = "local", _("Lokal nivå: tjänsteledningen i kommunen och regionen")
    NETWORK = "network", _("Länschefsnätverket (länsnätverket för förvaltningschefer)")
    COUNCIL = "council", _("Välfärdsrådet")


@dataclass(frozen=True)
class DisputeLevel:
    code: str
    #: Who prepares the proposal the level decides on.
    proposer: str
    #: The level above, where a dispute the level cannot settle goes; None at the top.
    above: str | None
    #: The level is raised by a notice to its steering group ahead of the meeting, then in
    #: writing (directory.durations: DISPUTE_NOTICE_BEFORE_MEETING).
    notice: bool = False


LADDER: dict[str, DisputeLevel] = {
    DisputeLevelCode.LOCAL: DisputeLevel(
        code=DisputeLevelCode.LOCAL,
        proposer=_("Tjänsteledningen i kommunen och regionen"),
        above=DisputeLevelCode.NETWORK,
    ),
    DisputeLevelCode.NETWORK: DisputeLevel(
        code=DisputeLevelCode.NETWORK,
        proposer=_("Styrgruppen för Länschefsnätverket"),
        above=DisputeLevelCode.COUNCIL,
        notice=True,
    ),
    DisputeLevelCode.COUNCIL: DisputeLevel(
        code=DisputeLevelCode.COUNCIL,
        proposer=_("Presidiet för Välfärdsrådet"),
        above=None,
    ),
}

#: Where the ladder is written, as a user reads it.
LADDER_SOURCE = _(
    "Länsövergripande överenskommelse om samverkan rörande personer som missbrukar "
    "alkohol, narkotika, andra beroendeframkallande medel, läkemedel, dopningsmedel eller "
    "spel om pengar, avsnitt 7.1.2 Tvist på regional nivå och 7.1.3 Tvist på lokal nivå"
)
#: Where joint handling and the temporary allocation are written, as a user reads it.
HANDLING_SOURCE = format_lazy(
    "{}, {}", HVB_AGREEMENT_NAME, _("avsnittet Avvikelsehantering för att utveckla samverkan")
)

# --- The region's incident system (Synergi), footnote 61 of the substance-abuse agreement --

#: Händelsekategorisering.
INCIDENT_CATEGORY = "Samordnad vårdplanering"
#: Rubrik på ärendet: "Brister i samverkan utifrån <the agreement's name>".
INCIDENT_TITLE = _("Brister i samverkan utifrån %(agreement)s")

# --- Statistics -------------------------------------------------------------------------------

#: A cell counting fewer reports than this is not shown (nor a time computed from fewer),
#: so that a report, and the person behind it, cannot be singled out.
SMALL_CELL = 5
