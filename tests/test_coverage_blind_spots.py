"""Blind spots: sources active during a story's window that did not carry it, on invented activity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storyline.coverage import coverage_of
from storyline.coverage.blind_spots import MARGIN, MAX_PER_LANGUAGE, blind_spots, window
from storyline.coverage.types import Piece
from storyline.storage import SourceActivity

T0 = datetime(2026, 4, 14, 8, 0, tzinfo=UTC)


def test_a_silent_source_is_a_blind_spot_under_the_language_it_publishes_most_in():
    story = [Piece("a", "Harbour Herald", "en", T0, ""), Piece("b", "Diario", "es", T0 + timedelta(hours=2), ""),
             Piece("c", "Copier", "en", None, "", duplicate_of="a")]
    active = [SourceActivity("harbour herald", "en", 4),  # carried it (any case): not silent
              SourceActivity("Copier", "en", 1),  # carried a copy: not silent either
              SourceActivity("Lakeside Post", "en", 3), SourceActivity("Gazzetta", "it", 2),
              SourceActivity("Gazzetta", "en", 1), SourceActivity("Wire", "en", 1)]
    c = coverage_of("s1", story, active)
    spots = c.blind_spots
    assert (spots.since, spots.until) == (T0 - MARGIN, T0 + timedelta(hours=2) + MARGIN)
    assert [(g.lang, [(s.source, s.articles) for s in g.sources]) for g in spots.languages] == [
        ("en", [("Lakeside Post", 3), ("Wire", 1)]), ("it", [("Gazzetta", 3)])]
    assert spots.count == 3


def test_an_undated_story_has_no_window_and_no_blind_spots():
    assert window([Piece("a", "x", "en", None, "")]) is None
    assert coverage_of("s1", [Piece("a", "x", "en", None, "")], [SourceActivity("y", "en", 1)]).blind_spots is None


def test_a_long_list_is_cut_and_says_how_many_more():
    active = [SourceActivity(f"source {n:03}", "en", 1) for n in range(MAX_PER_LANGUAGE + 5)]
    [group] = blind_spots(active, [], T0, T0).languages
    assert len(group.sources) == MAX_PER_LANGUAGE and group.more == 5
