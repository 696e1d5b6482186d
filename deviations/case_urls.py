"""The ``deviations`` namespace in the shared case layer: what each page is about and is
logged as. Every page naming a report logs its case's person (none for a report about the
agreement in general), whether or not the reader may see who it is: the person's access log
shows every look at a report about them. Registered by DeviationsConfig.ready()."""

from __future__ import annotations

from cases.registry import CaseSubject
from cases.subjects import purpose_of

from .models import Deviation

#: The purpose a look or change is logged with, in Swedish as the log is kept.
DEVIATION_PURPOSES = {
    "deviations:index": "Lista över avvikelser",
    "deviations:report": "Rapportera avvikelse",
    "deviations:statistics": "Statistik över avvikelser",
    "deviations:detail": "Avvikelse",
    "deviations:allocation": "Föreslå tillfällig ansvarsfördelning",
    "deviations:agree": "Godkänn tillfällig ansvarsfördelning",
    "deviations:handler": "Utse handläggare för avvikelse",
    "deviations:note": "Utredningsanteckning i avvikelse",
    "deviations:measures": "Åtgärder i avvikelse",
    "deviations:sign_off": "Godkänn åtgärder i avvikelse",
    "deviations:dispute_raise": "Ta upp avvikelse som tvist",
    "deviations:dispute": "Tvist om avvikelse",
    "deviations:dispute_decide": "Beslut i tvist om avvikelse",
    "deviations:export": "Export av avvikelse till avvikelsesystemet",
    "deviations:export_json": "Export av avvikelse till avvikelsesystemet (JSON)",
    "deviations:export_csv": "Export av avvikelse till avvikelsesystemet (CSV)",
}


def deviation_subject(resolver_match) -> CaseSubject | None:
    """The report a page is about, with its case's person; None for the lists."""
    pk = resolver_match.kwargs.get("pk")
    if pk is None:
        return None
    deviation = Deviation.objects.select_related("person").filter(pk=pk).first()
    person = deviation.person if deviation else None
    return CaseSubject(deviation, person, purpose_of(resolver_match.view_name))
