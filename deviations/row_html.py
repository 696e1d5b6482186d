"""The avvikelser's row of the chef's red list, written as HTML
(``cases.registry.OverviewRows.describe``, ``cases.row_html``)."""

from __future__ import annotations

from django.utils.safestring import SafeString

from cases.row_html import key_url, row_format, ymd
from cases.row_html import phrase as _
from core.choices import choice_label

from .models import Deviation
from .rules import Category

_detail_url = key_url("deviations:detail")


def allocation_pending_html(deviation: Deviation) -> SafeString:
    """In red: no temporary allocation of responsibility agreed yet; the parties named
    (prefetched by the list's query)."""
    return row_format(
        '<span class="avv-red" style="color: #b00020; font-weight: 500">'
        '<a href="{}" style="color: #b00020">{}</a> – {}: {}</span> ({} {}; {})',
        _detail_url(deviation.pk),
        deviation.reference,
        choice_label(Category, deviation.category),
        _("tillfällig ansvarsfördelning inte överenskommen"),
        _("rapporterad"),
        ymd(deviation.reported_at),
        ", ".join(str(party.unit) for party in deviation.parties.all()),
    )
