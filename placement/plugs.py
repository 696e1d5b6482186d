"""What the placement process before the move plugs into the layers above it, registered
from ``PlacementConfig.ready()``: HVB staff's list on the start page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.registry import WaitingRows, register_waiting_rows

from .selectors import placements_in_users_hvb


def placement_plugs_register() -> None:
    register_waiting_rows(
        WaitingRows(
            code="placements_in_hvb",
            title=_("Placerade eller på väg till ert HVB"),
            empty="",
            template="placement/_hvb_waiting_row.html",
            rows=placements_in_users_hvb,
            order=20,
        )
    )
