"""The translation catalogs are complete and their compiled .mo files are current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from core.third_party_strings import VIEWFLOW_STRINGS

LOCALE = Path(__file__).resolve().parents[2] / "locale"
ENTRY = re.compile(r"((?:#.*\n)*)msgid ((?:\".*\"\n)+)msgstr ((?:\".*\"\n)+)")


def entries(language: str) -> list[tuple[str, str, str]]:
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")

    def unquote(block: str) -> str:
        return "".join(re.findall(r"\"(.*)\"", block)).replace('\\"', '"').replace("\\n", "\n")

    return [
        (comments, unquote(msgid), unquote(msgstr))
        for comments, msgid, msgstr in ENTRY.findall(text)
        if unquote(msgid)
    ]


@pytest.mark.parametrize("language", ["en", "sv"])
def test_no_entry_is_fuzzy(language):
    assert [msgid for comments, msgid, _ in entries(language) if "fuzzy" in comments] == []


def test_every_swedish_string_has_an_english_translation():
    assert [msgid for _, msgid, msgstr in entries("en") if not msgstr] == []


def test_every_viewflow_string_has_a_swedish_translation():
    translated = {msgid for _, msgid, msgstr in entries("sv") if msgstr}
    assert set(VIEWFLOW_STRINGS) <= translated


@pytest.mark.parametrize("language", ["en", "sv"])
def test_compiled_catalogs_match_the_po_files(language):
    with translation.override(language):
        stale = [
            msgid
            for _, msgid, msgstr in entries(language)
            if msgstr and translation.gettext(msgid) != msgstr
        ]
    assert stale == [], "run `make messages` to recompile the .mo files"
