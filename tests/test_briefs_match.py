"""Sentence openings that are not content: datelines and bylines (briefs/match.py)."""

from __future__ import annotations

import pytest

from storyline.briefs.match import strip_dateline


@pytest.mark.parametrize("text, expected", [
    ("BRUSSELS — The Commission fined the app on Thursday.", "The Commission fined the app on Thursday."),
    ("(Harbour Wire) — Dock workers walked out on Tuesday.", "Dock workers walked out on Tuesday."),
    ("PORT LOUIS, Mauritius (Reuters) - Ferries stopped running at noon.", "Ferries stopped running at noon."),
    ("(CNN) - El presidente dijo que no habrá acuerdo.", "El presidente dijo que no habrá acuerdo."),
    ("The EU — and not the states — decides this matter alone.",
     "The EU — and not the states — decides this matter alone."),
    ("NATO - the alliance - met.", "NATO - the alliance - met."),
])
def test_strip_dateline(text, expected):
    assert strip_dateline(text) == expected
