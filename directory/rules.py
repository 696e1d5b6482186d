"""Age limits the directory relies on, with their source, and how every rule table cites
its source to users."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Föräldrabalken 6 kap 2 §: a child is under vårdnad until 18. sipflow also requires a
# registered vårdnadshavare to be of age.
AGE_OF_MAJORITY = 18

AGREEMENT = _(
    "Dalarnas regionala överenskommelse om samverkan mellan socialtjänst och hälso- och "
    "sjukvård vid placering på HVB för barn, unga och vuxna"
)


@dataclass(frozen=True)
class Source:
    """Where a rule comes from. ``law`` and ``section`` are what a user reads: the law by
    name and section, and the section of the regional agreement by its public name.
    ``ref`` points a developer to the seed text (RULES.md) and is never shown."""

    law: str
    section: str = ""
    ref: str = ""

    def __str__(self) -> str:
        if not self.section:
            return str(self.law)
        return gettext("%(law)s; %(agreement)s, avsnittet %(section)s") % {
            "law": self.law,
            "agreement": AGREEMENT,
            "section": self.section,
        }
